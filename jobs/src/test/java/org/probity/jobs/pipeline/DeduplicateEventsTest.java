package org.probity.jobs.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Map;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;
import org.probity.connectors.ingest.EventStream;
import org.probity.connectors.ingest.Ingested;
import org.probity.jobs.testing.CapturedMetrics;
import org.probity.schema.ApprovalAction;
import org.probity.schema.ApprovalEvent;
import org.probity.schema.DeadLetter;
import org.probity.schema.codec.SingleObjectCodec;

/** The de-duplication by eventId: same content dropped, other content dead-lettered, state bounded. */
class DeduplicateEventsTest {
  private static final long DAY = 86_400_000L;
  private final CapturedMetrics metrics = new CapturedMetrics();

  private static ApprovalEvent event(String eventId, ApprovalAction action, String caseId) {
    return ApprovalEvent.newBuilder()
        .setEventId(eventId)
        .setEventTime(Instant.parse("2025-09-01T01:00:00Z"))
        .setUnitId("U01")
        .setCaseId(caseId)
        .setItemCode("ITEM-20")
        .setAction(action)
        .setActorId("C1")
        .setActorRole("CLERK")
        .build();
  }

  private KeyedOneInputStreamOperatorTestHarness<String, Ingested, Ingested> harness() throws Exception {
    return metrics.open(new DeduplicateEvents(30 * DAY, Map.of(EventStream.APPROVAL, "probity.approvals")),
        Ingested::eventId);
  }

  private static void feed(KeyedOneInputStreamOperatorTestHarness<String, Ingested, Ingested> h, ApprovalEvent e)
      throws Exception {
    h.processElement(Ingested.of(e), e.getEventTime().toEpochMilli());
  }

  @Test
  void aRepeatWithTheSameContentIsDroppedAndCounted() throws Exception {
    var h = harness();
    feed(h, event("E1", ApprovalAction.RECEIVED, "C1"));
    feed(h, event("E1", ApprovalAction.RECEIVED, "C1"));
    assertThat(h.extractOutputValues()).hasSize(1);
    assertThat(metrics.count("duplicateEvents")).isEqualTo(1);
    assertThat(metrics.count("conflictingDuplicates")).isZero();
    assertThat(h.getSideOutput(DeduplicateEvents.CONFLICTS)).isNullOrEmpty();
  }

  @Test
  void aRepeatWithOtherContentIsADeadLetterNamingBothHashes() throws Exception {
    var h = harness();
    ApprovalEvent first = event("E1", ApprovalAction.RECEIVED, "C1");
    ApprovalEvent second = event("E1", ApprovalAction.APPROVED, "C1");
    feed(h, first);
    feed(h, second);

    assertThat(h.extractOutputValues()).extracting(Ingested::event).containsExactly(first);
    assertThat(metrics.count("conflictingDuplicates")).isEqualTo(1);
    assertThat(metrics.count("duplicateEvents")).isZero();
    var dead = h.getSideOutput(DeduplicateEvents.CONFLICTS);
    assertThat(dead).hasSize(1);
    DeadLetter d = dead.peek().getValue();
    byte[] raw = SingleObjectCodec.of(ApprovalEvent.class).encode(second);
    String firstHash = DeduplicateEvents.hex(org.apache.avro.SchemaNormalization.fingerprint64(
        SingleObjectCodec.of(ApprovalEvent.class).encode(first)));
    String secondHash = DeduplicateEvents.hex(org.apache.avro.SchemaNormalization.fingerprint64(raw));
    assertThat(firstHash).isNotEqualTo(secondHash);
    assertThat(d.getError()).contains("E1", firstHash, secondHash);
    assertThat(d.getEventId()).isEqualTo("E1");
    assertThat(d.getSourceTopic()).isEqualTo("probity.approvals");
    assertThat(d.getRaw()).isEqualTo(ByteBuffer.wrap(raw));
    assertThat(SingleObjectCodec.of(ApprovalEvent.class).decode(raw)).isEqualTo(second);
    assertThat(d.getRawLength()).isEqualTo(raw.length);
    assertThat(d.getRawSha256())
        .isEqualTo(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(raw)));
  }

  @Test
  void withoutATopicTheStreamIsNamed() throws Exception {
    var h = metrics.open(new DeduplicateEvents(30 * DAY), Ingested::eventId);
    feed(h, event("E1", ApprovalAction.RECEIVED, "C1"));
    feed(h, event("E1", ApprovalAction.RECEIVED, "C2"));
    assertThat(h.getSideOutput(DeduplicateEvents.CONFLICTS).peek().getValue().getSourceTopic())
        .isEqualTo("approval");
  }

  @Test
  void theHashIsForgottenAfterTheRetention() throws Exception {
    var h = harness();
    ApprovalEvent e = event("E1", ApprovalAction.RECEIVED, "C1");
    feed(h, e);
    assertThat(h.numKeyedStateEntries()).isEqualTo(1);
    assertThat(h.numEventTimeTimers()).isEqualTo(1);
    h.processWatermark(e.getEventTime().toEpochMilli() + 30 * DAY);
    assertThat(h.numKeyedStateEntries()).isZero();
    assertThat(h.numEventTimeTimers()).isZero();
  }
}
