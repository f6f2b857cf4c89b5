package org.probity.connectors.kafka;

import java.time.Duration;
import org.apache.flink.api.common.eventtime.TimestampAssigner;
import org.apache.flink.api.common.eventtime.TimestampAssignerSupplier;
import org.apache.flink.api.common.eventtime.WatermarkGenerator;
import org.apache.flink.api.common.eventtime.WatermarkGeneratorSupplier;
import org.apache.flink.api.common.eventtime.WatermarkOutput;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.probity.connectors.ingest.Ingested;

/** Bounded out-of-orderness with idleness, blind to dead letters (see {@link KafkaConnectors#watermarks}). */
final class IngestWatermarks implements WatermarkStrategy<Ingested> {
  private static final long serialVersionUID = 1L;
  private final WatermarkStrategy<Ingested> events;

  IngestWatermarks(Duration outOfOrderness, Duration idleness) {
    this.events = WatermarkStrategy.<Ingested>forBoundedOutOfOrderness(outOfOrderness).withIdleness(idleness);
  }

  @Override
  public TimestampAssigner<Ingested> createTimestampAssigner(TimestampAssignerSupplier.Context context) {
    return (in, previous) -> in.timestamp();
  }

  @Override
  public WatermarkGenerator<Ingested> createWatermarkGenerator(WatermarkGeneratorSupplier.Context context) {
    WatermarkGenerator<Ingested> delegate = events.createWatermarkGenerator(context);
    return new WatermarkGenerator<>() {
      @Override
      public void onEvent(Ingested in, long timestamp, WatermarkOutput output) {
        if (!in.isDeadLetter()) {
          delegate.onEvent(in, timestamp, output);
        }
      }

      @Override
      public void onPeriodicEmit(WatermarkOutput output) {
        delegate.onPeriodicEmit(output);
      }
    };
  }
}
