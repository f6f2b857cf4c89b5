package org.probity.jobs.rules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import java.util.List;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;
import org.probity.jobs.testing.CapturedMetrics;

class RestampLateEventsTest {
  private final CapturedMetrics metrics = new CapturedMetrics();

  @Test
  void onlyEventsAtOrBehindTheWatermarkMoveToTheNextInstant() throws Exception {
    try (OneInputStreamOperatorTestHarness<String, String> harness =
        new OneInputStreamOperatorTestHarness<>(new RestampLateEvents<>(), metrics.environment())) {
      harness.open();
      harness.processElement("early", 50);
      harness.processWatermark(100);
      harness.processElement("on time", 101);
      harness.processElement("at the watermark", 100);
      harness.processElement("behind", 20);

      List<StreamRecord<? extends String>> out = harness.extractOutputStreamRecords();
      assertThat(out).extracting(StreamRecord::getValue, StreamRecord::getTimestamp).containsExactly(
          tuple("early", 50L), tuple("on time", 101L),
          tuple("at the watermark", 101L),
          tuple("behind", 101L));
      assertThat(metrics.count("lateEvents")).isEqualTo(2);
    }
  }

  @Test
  void theRecordItWasGivenKeepsItsTimestamp() throws Exception {
    // With object reuse the router hands one record to every operator chained after it.
    try (OneInputStreamOperatorTestHarness<String, String> harness =
        new OneInputStreamOperatorTestHarness<>(new RestampLateEvents<>(), metrics.environment())) {
      harness.open();
      harness.processWatermark(100);
      StreamRecord<String> shared = new StreamRecord<>("behind", 20);
      harness.processElement(shared);

      assertThat(shared.getTimestamp()).isEqualTo(20);
      assertThat(harness.extractOutputStreamRecords()).extracting(StreamRecord::getTimestamp).containsExactly(101L);
    }
  }
}
