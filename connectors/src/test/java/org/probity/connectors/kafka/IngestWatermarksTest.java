package org.probity.connectors.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.eventtime.TimestampAssigner;
import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.common.eventtime.WatermarkGenerator;
import org.apache.flink.api.common.eventtime.WatermarkGeneratorSupplier;
import org.apache.flink.api.common.eventtime.WatermarkOutput;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.metrics.groups.UnregisteredMetricsGroup;
import org.apache.flink.util.clock.ManualClock;
import org.apache.flink.util.clock.RelativeClock;
import org.junit.jupiter.api.Test;
import org.probity.connectors.TestEvents;
import org.probity.connectors.ingest.Ingested;
import org.probity.schema.DeadLetter;

class IngestWatermarksTest {
  private final ManualClock clock = new ManualClock();
  private final WatermarkStrategy<Ingested> strategy =
      KafkaConnectors.watermarks(Duration.ofMinutes(2), Duration.ofSeconds(30));
  private final WatermarkGenerator<Ingested> generator = strategy.createWatermarkGenerator(
      new WatermarkGeneratorSupplier.Context() {
        @Override
        public MetricGroup getMetricGroup() {
          return new UnregisteredMetricsGroup();
        }

        @Override
        public RelativeClock getInputActivityClock() {
          return clock;
        }
      });
  private final TimestampAssigner<Ingested> timestamps = strategy.createTimestampAssigner(null);
  private final Recorder out = new Recorder();

  private static final class Recorder implements WatermarkOutput {
    final List<Long> watermarks = new ArrayList<>();
    boolean idle;

    @Override
    public void emitWatermark(Watermark watermark) {
      watermarks.add(watermark.getTimestamp());
      idle = false;
    }

    @Override
    public void markIdle() {
      idle = true;
    }

    @Override
    public void markActive() {
      idle = false;
    }
  }

  private void feed(Ingested in) {
    generator.onEvent(in, timestamps.extractTimestamp(in, Long.MIN_VALUE), out);
  }

  private static Ingested deadLetter() {
    return Ingested.of(DeadLetter.newBuilder().setSourceTopic("t").setRaw(ByteBuffer.wrap(new byte[] {1}))
        .setError("garbage").setFailedAt(TestEvents.T0).build());
  }

  @Test
  void aPartitionReceivingOnlyDeadLettersGoesIdleInsteadOfHoldingTheClock() {
    for (int i = 0; i < 100; i++) {
      feed(deadLetter());
      clock.advanceTime(Duration.ofSeconds(1));
      generator.onPeriodicEmit(out);
    }
    assertThat(out.idle).isTrue();
  }

  @Test
  void eventsMoveTheWatermarkAndDeadLettersDoNot() {
    Ingested event = Ingested.of(TestEvents.approval("e1"));
    feed(event);
    feed(deadLetter());
    generator.onPeriodicEmit(out);
    long expected = event.timestamp() - Duration.ofMinutes(2).toMillis() - 1;
    assertThat(out.watermarks).last().isEqualTo(expected);
    assertThat(out.idle).isFalse();
  }
}
