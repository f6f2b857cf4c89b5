package org.probity.bench;

import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.probity.connectors.ingest.Ingested;

/**
 * At the end of a bounded input Flink sends the final watermark, which would fire every pending
 * timer — retention of every de-duplicated eventId, red cards months ahead — work a live job does
 * not do at that point. Like {@code replay}'s clock, this holds the watermark at the last event
 * time it saw, so a benchmark run does exactly the work a live job does over the same traffic.
 */
final class HoldClockAtLastEvent extends AbstractStreamOperator<Ingested>
    implements OneInputStreamOperator<Ingested, Ingested> {
  private static final long serialVersionUID = 1L;
  private long lastEventTime = Long.MIN_VALUE;

  @Override
  public void processElement(StreamRecord<Ingested> record) {
    if (!record.getValue().isDeadLetter()) {
      lastEventTime = Math.max(lastEventTime, record.getValue().timestamp());
    }
    output.collect(record);
  }

  @Override
  public void processWatermark(Watermark mark) throws Exception {
    super.processWatermark(mark.getTimestamp() == Long.MAX_VALUE ? new Watermark(lastEventTime) : mark);
  }
}
