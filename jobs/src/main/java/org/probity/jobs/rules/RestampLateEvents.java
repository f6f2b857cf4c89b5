package org.probity.jobs.rules;

import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;

/**
 * Puts in front of an operator that would drop late events (Flink CEP does: an element at or behind
 * its watermark goes to a side output or nowhere), so that it never does. An event that arrives
 * behind this operator's watermark leaves stamped with the next instant (watermark + 1 ms); every
 * other event passes untouched. The downstream watermark is never ahead of this one, so the
 * restamped event is on time there and is processed as the next event of its key, which is what a
 * {@link SubjectStage} does with a late event (it judges it at once). Only the record's timestamp
 * changes: the event's own {@code eventTime} (what alerts report) stays. Late events are counted in
 * {@code lateEvents}. In the job it stands between the voucher stage's feed and the CEP operator of
 * PAYMENT_SIGNATURE_CHAIN (uid {@code rule-payment-signature-chain-restamp}): one record in, one
 * out, in the same subtask, so the CEP operator still reads the feed as partitioned by voucherId
 * ({@code reinterpretAsKeyedStream}) without a second exchange.
 */
public final class RestampLateEvents<T> extends AbstractStreamOperator<T> implements OneInputStreamOperator<T, T> {
  private static final long serialVersionUID = 1L;

  private long watermark = Long.MIN_VALUE;
  private transient Counter lateEvents;

  @Override
  public void open() throws Exception {
    super.open();
    lateEvents = getMetricGroup().counter("lateEvents");
  }

  @Override
  public void processElement(StreamRecord<T> record) {
    if (record.hasTimestamp() && record.getTimestamp() <= watermark && watermark < Long.MAX_VALUE) {
      lateEvents.inc();
      // A new record, not record.replace(): with object reuse the fan-out hands this same record
      // to the other operators chained after the router, which must keep the original timestamp.
      output.collect(new StreamRecord<>(record.getValue(), watermark + 1));
    } else {
      output.collect(record);
    }
  }

  @Override
  public void processWatermark(Watermark mark) throws Exception {
    watermark = Math.max(watermark, mark.getTimestamp());
    super.processWatermark(mark);
  }
}
