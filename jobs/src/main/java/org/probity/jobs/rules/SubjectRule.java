package org.probity.jobs.rules;

import java.io.Serializable;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.streaming.api.TimerService;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * One rule's judgement of one subject (a case, a voucher, a procurement, a meeting, or a second key
 * such as unit × supplier), run by the subject's {@link SubjectStage} together with the subject's
 * other rules. The stage hands every rule the subject's events once, in event-time order (events
 * with the same timestamp in eventId order), after de-duplication; a rule keeps its own keyed
 * state (under a name the stage makes unique: its value states are slots of the subject's one
 * {@link SubjectState}, its map and list states states of their own) and its own event-time timers
 * (which reach only this rule's {@link #onTime}).
 *
 * <p>The shape is that of a keyed process function, so a rule reads like one: {@link #openState}
 * creates its state handles from {@link #getRuntimeContext()}, {@link #processInOrder} judges an
 * event, {@link #onTime} a timer it asked for.
 */
public abstract class SubjectRule<IN, OUT> implements Serializable {
  private static final long serialVersionUID = 1L;

  private transient RuleRuntime runtime;

  /** The keyed state and metrics a rule may use; state names are the rule's own. */
  public interface RuleRuntime {
    <T> ValueState<T> getState(ValueStateDescriptor<T> descriptor);

    <K, V> MapState<K, V> getMapState(MapStateDescriptor<K, V> descriptor);

    <T> ListState<T> getListState(ListStateDescriptor<T> descriptor);

    MetricGroup getMetricGroup();
  }

  /** The subject's instant: an event's time while it is judged, a timer's while it fires. */
  public abstract static class Context {
    /** The event's own event time (or the timer's instant). */
    public abstract Long timestamp();

    public abstract TimerService timerService();

    public abstract <X> void output(OutputTag<X> tag, X value);

    /** The subject's key. */
    public abstract String getCurrentKey();
  }

  /** The context of {@link #onTime}. */
  public abstract static class OnTimerContext extends Context {}

  final void open(RuleRuntime runtime) throws Exception {
    this.runtime = runtime;
    openState();
  }

  protected final RuleRuntime getRuntimeContext() {
    return runtime;
  }

  /** The prefix of this rule's state names in its stage: unique among the stage's rules, stable across releases. */
  protected String stateName() {
    // The class's name within its package ("AgendaNoticeRule$Detect"): two rules' nested Detect never share.
    return getClass().getName().substring(getClass().getPackageName().length() + 1);
  }

  /** Creates the rule's state handles. */
  protected abstract void openState() throws Exception;

  /** One event of the subject, in event-time order; {@code ctx.timestamp()} is its event time. */
  protected abstract void processInOrder(IN event, Context ctx, Collector<OUT> out) throws Exception;

  /** A timer this rule registered, at {@code time}, after the subject's events at that instant. */
  protected void onTime(long time, OnTimerContext ctx, Collector<OUT> out) throws Exception {}

  /**
   * A new version of the rules takes effect at {@code at} for a subject that has a deadline: this
   * rule, built from the new version, re-judges what the version may move (a limit, a ladder) and
   * re-arms its deadlines. Nothing by default: most rules judge each event by the version in force
   * at its instant and need no wake-up.
   */
  protected void onRulesChanged(long at, OnTimerContext ctx, Collector<OUT> out) throws Exception {}

  /** Deletes this rule's timer at {@code time} (timers are per rule: no other rule's is touched). */
  protected final void deleteEventTimeTimer(TimerService timers, long time) {
    timers.deleteEventTimeTimer(time);
  }
}
