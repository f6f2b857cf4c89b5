package org.probity.jobs.rules;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.apache.avro.specific.SpecificRecordBase;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.typeutils.ListTypeInfo;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.TimerService;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * A keyed rule that sees its subject's events in event-time order, whatever order they arrived
 * in. Events of one subject reach a rule through several network channels (de-duplication is keyed
 * by eventId, Kafka partitions interleave), so arrival order is not event-time order; a rule on a
 * sequence (received → reviewed → decided; three signatures before PAID) must not care.
 *
 * <p>Each event waits in keyed state until the watermark passes its timestamp, then {@link
 * #processInOrder} gets it; events with the same timestamp come in eventId order, so a replay is
 * deterministic. The price is latency equal to the watermark's out-of-orderness bound. An event
 * that arrives behind the watermark (later than the bound) is processed at once and counted in
 * {@code lateEvents}: never dropped. An event whose record was restamped later than its own
 * {@code eventTime} upstream (a replay's late event, {@code ReplayClock}) waits for that instant
 * and is then processed with its own time as {@code ctx.timestamp()}, like a late event.
 *
 * <p>The rule's own event-time timers share the timer service: {@link #onTime} is called at every
 * timer, after the events of that instant, and must check its state to see whether the instant is
 * one it asked for.
 */
public abstract class EventTimeOrderedFunction<K, IN extends SpecificRecordBase, OUT>
    extends KeyedProcessFunction<K, IN, OUT> {
  private static final long serialVersionUID = 1L;
  private static final Comparator<SpecificRecordBase> BY_EVENT_ID =
      Comparator.comparing(e -> e.get("eventId").toString());

  private final Class<IN> type;
  private transient MapState<Long, List<IN>> pending;
  private transient Counter lateEvents;

  protected EventTimeOrderedFunction(Class<IN> type) {
    this.type = type;
  }

  @Override
  public final void open(OpenContext context) throws Exception {
    pending = getRuntimeContext().getMapState(new MapStateDescriptor<>("pending-events", Types.LONG,
        new ListTypeInfo<>(TypeInformation.of(type))));
    lateEvents = getRuntimeContext().getMetricGroup().counter("lateEvents");
    openState();
  }

  /** Creates the rule's own state handles. */
  protected abstract void openState() throws Exception;

  /** One event of the key, in event-time order; {@code ctx.timestamp()} is its event time. */
  protected abstract void processInOrder(IN event, Context ctx, Collector<OUT> out) throws Exception;

  /**
   * Deletes the rule's own event-time timer at {@code time}, unless events of the key wait for that
   * instant: they share the one timer of (key, time), and deleting it would strand them.
   */
  protected final void deleteEventTimeTimer(TimerService timers, long time) throws Exception {
    if (!pending.contains(time)) {
      timers.deleteEventTimeTimer(time);
    }
  }

  /** A timer instant, after the events at that instant; may be an instant the rule did not ask for. */
  protected void onTime(long time, OnTimerContext ctx, Collector<OUT> out) throws Exception {}

  @Override
  public final void processElement(IN event, Context ctx, Collector<OUT> out) throws Exception {
    long t = ctx.timestamp();
    if (t <= ctx.timerService().currentWatermark()) {
      lateEvents.inc();
      processInOrder(event, ctx, out);
      return;
    }
    List<IN> atT = pending.get(t);
    if (atT == null) {
      atT = new ArrayList<>(1);
      ctx.timerService().registerEventTimeTimer(t);
    }
    atT.add(event);
    pending.put(t, atT);
  }

  /** {@code ctx} with {@code timestamp} as the event's time. */
  private Context at(long timestamp, OnTimerContext ctx) {
    return new Context() {
      @Override
      public Long timestamp() {
        return timestamp;
      }

      @Override
      public TimerService timerService() {
        return ctx.timerService();
      }

      @Override
      public <X> void output(org.apache.flink.util.OutputTag<X> tag, X value) {
        ctx.output(tag, value);
      }

      @Override
      public K getCurrentKey() {
        return ctx.getCurrentKey();
      }
    };
  }

  @Override
  public final void onTimer(long time, OnTimerContext ctx, Collector<OUT> out) throws Exception {
    List<IN> due = pending.get(time);
    if (due != null) {
      pending.remove(time);
      due.sort(BY_EVENT_ID);
      for (IN event : due) {
        long eventTime = ((java.time.Instant) event.get("eventTime")).toEpochMilli();
        // An event restamped upstream (a replay's late event) is judged by its own time, as a late
        // event processed at once is; only the instant it is processed at was fixed upstream.
        processInOrder(event, eventTime < time ? at(eventTime, ctx) : ctx, out);
      }
    }
    onTime(time, ctx, out);
  }
}
