package org.probity.jobs.pipeline;

import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.probity.connectors.ingest.Ingested;

/**
 * The clock of a bounded replay. At the end of a bounded input Flink sends the final watermark
 * (Long.MAX_VALUE), which would fire every pending timer — red cards years in the future. This
 * operator holds the clock at {@code until} (or, without it, at the input's last event time),
 * so time-based rules fire only for instants the replay has reached, as a live job would have.
 * Events after {@code until} have not happened yet on that clock and are dropped. An event behind
 * the clock (it came after one dated later than it by more than the out-of-orderness) leaves
 * stamped with the next instant, as {@link org.probity.jobs.rules.RestampLateEvents} does, and is
 * counted in {@code lateEvents}; its own {@code eventTime} stays, and the rules judge it by that.
 *
 * <p>Runs with the file source's parallelism of 1; a replay is never restored from a checkpoint.
 */
final class ReplayClock extends AbstractStreamOperator<Ingested> implements OneInputStreamOperator<Ingested, Ingested> {
  private static final long serialVersionUID = 1L;

  private final long until;
  private final boolean untilGiven;
  private long maxSeen = Long.MIN_VALUE;
  private long emitted = Long.MIN_VALUE;
  /** The latest instant a late event was handed on as: the final clock does not stop before it. */
  private long lastRestamped = Long.MIN_VALUE;
  private transient Counter lateEvents;

  /** {@code until} in epoch millis, or null for the input's last event time. */
  ReplayClock(Long until) {
    this.untilGiven = until != null;
    this.until = until == null ? Long.MAX_VALUE : until;
  }

  @Override
  public void open() throws Exception {
    super.open();
    lateEvents = getMetricGroup().counter("lateEvents");
  }

  @Override
  public void processElement(StreamRecord<Ingested> record) {
    Ingested in = record.getValue();
    if (!in.isDeadLetter()) {
      long t = in.timestamp();
      if (t > until) {
        return;
      }
      maxSeen = Math.max(maxSeen, t);
      if (t <= emitted) {
        // Behind the clock: whether an operator downstream would still see it on time depends on
        // how far the watermark has travelled on its other channels, i.e. on timing. Handed on
        // as the next instant it is on time everywhere, at one place in every run.
        lateEvents.inc();
        lastRestamped = emitted + 1;
        output.collect(new StreamRecord<>(in, emitted + 1));
        return;
      }
    }
    output.collect(record);
  }

  @Override
  public void processWatermark(Watermark mark) throws Exception {
    long t = mark.getTimestamp();
    if (t == Long.MAX_VALUE) {
      t = Math.max(untilGiven ? until : maxSeen, lastRestamped);
    } else {
      t = Math.min(t, until);
    }
    if (t > emitted) {
      emitted = t;
      super.processWatermark(new Watermark(t));
    }
  }
}
