package org.probity.jobs.pipeline;

import java.time.Duration;
import org.apache.flink.api.common.eventtime.TimestampAssigner;
import org.apache.flink.api.common.eventtime.TimestampAssignerSupplier;
import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.common.eventtime.WatermarkGenerator;
import org.apache.flink.api.common.eventtime.WatermarkGeneratorSupplier;
import org.apache.flink.api.common.eventtime.WatermarkOutput;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.probity.connectors.ingest.Ingested;

/**
 * The watermark of a replay, punctuated: after each event, the largest event time read so far
 * minus the out-of-orderness bound (and 1 ms). Nothing is emitted periodically, so the watermark
 * is a function of the file's order alone: a periodic (wall-clock timed) watermark let an event
 * dated ahead of its neighbours move the clock after a varying number of later lines, and the
 * output changed from run to run. Dead letters carry no time and move nothing.
 */
final class ReplayWatermarks implements WatermarkStrategy<Ingested> {
  private static final long serialVersionUID = 1L;
  private final long boundMillis;

  ReplayWatermarks(Duration outOfOrderness) {
    this.boundMillis = outOfOrderness.toMillis();
  }

  @Override
  public TimestampAssigner<Ingested> createTimestampAssigner(TimestampAssignerSupplier.Context context) {
    return (in, previous) -> in.timestamp();
  }

  @Override
  public WatermarkGenerator<Ingested> createWatermarkGenerator(WatermarkGeneratorSupplier.Context context) {
    return new WatermarkGenerator<>() {
      private long emitted = Long.MIN_VALUE;

      @Override
      public void onEvent(Ingested in, long timestamp, WatermarkOutput output) {
        if (in.isDeadLetter()) {
          return;
        }
        long mark = timestamp - boundMillis - 1;
        if (mark > emitted) {
          emitted = mark;
          output.emitWatermark(new Watermark(mark));
        }
      }

      @Override
      public void onPeriodicEmit(WatermarkOutput output) {}
    };
  }
}
