package org.probity.jobs.rules;

import org.apache.flink.api.common.functions.FilterFunction;
import org.apache.flink.util.Collector;

/** A rule that judges only the subject's events it is about (bids and openings, statements, ...). */
public final class Filtered<E, OUT> extends SubjectRule<E, OUT> {
  private static final long serialVersionUID = 1L;
  private final FilterFunction<E> about;
  private final SubjectRule<E, OUT> rule;

  private Filtered(FilterFunction<E> about, SubjectRule<E, OUT> rule) {
    this.about = about;
    this.rule = rule;
  }

  /** {@code rule}, given only the events {@code about} passes. */
  public static <E, OUT> SubjectRule<E, OUT> only(FilterFunction<E> about, SubjectRule<E, OUT> rule) {
    return new Filtered<>(about, rule);
  }

  @Override
  protected String stateName() {
    return rule.stateName();
  }

  @Override
  protected void openState() throws Exception {
    rule.open(getRuntimeContext());
  }

  @Override
  protected void processInOrder(E event, Context ctx, Collector<OUT> out) throws Exception {
    if (about.filter(event)) {
      rule.processInOrder(event, ctx, out);
    }
  }

  @Override
  protected void onRulesChanged(long at, OnTimerContext ctx, Collector<OUT> out) throws Exception {
    rule.onRulesChanged(at, ctx, out);
  }

  @Override
  protected void onTime(long time, OnTimerContext ctx, Collector<OUT> out) throws Exception {
    rule.onTime(time, ctx, out);
  }
}
