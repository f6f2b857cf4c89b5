package org.probity.jobs.rules;

import org.apache.flink.api.common.functions.FilterFunction;
import org.apache.flink.util.Collector;

/** A feed's filter: passes the subject's events a stage of another key needs, and only those. */
public abstract class Screen<E> extends SubjectRule<E, E> {
  private static final long serialVersionUID = 1L;

  /** A screen by a predicate alone; {@code name} is its state-name prefix (it has no state). */
  public static <E> Screen<E> of(String name, FilterFunction<E> passes) {
    return new Screen<>() {
      private static final long serialVersionUID = 1L;

      @Override
      protected boolean passes(E event) throws Exception {
        return passes.filter(event);
      }

      @Override
      protected String stateName() {
        return name;
      }
    };
  }

  @Override
  protected void openState() throws Exception {}

  protected abstract boolean passes(E event) throws Exception;

  @Override
  protected final void processInOrder(E event, Context ctx, Collector<E> out) throws Exception {
    if (passes(event)) {
      out.collect(event);
    }
  }
}
