package org.probity.jobs.rules;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.state.KeyGroupRangeAssignment;
import org.apache.flink.streaming.util.AbstractStreamOperatorTestHarness;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.util.Collector;
import org.junit.jupiter.api.Test;
import org.probity.jobs.testing.CapturedMetrics;
import org.probity.schema.ApprovalAction;
import org.probity.schema.ApprovalEvent;
import org.probity.schema.DeadLetter;
import org.probity.schema.codec.SingleObjectCodec;

/** The subject stage: de-duplication in the subject, event-time order without a timer per event, restore. */
class SubjectStageTest {
  private static final long DAY = 86_400_000L;
  private static final long T0 = Instant.parse("2025-09-01T01:00:00Z").toEpochMilli();
  private final CapturedMetrics metrics = new CapturedMetrics();

  /** Records what it is handed: "case/eventId@time", and asks for a timer a day after each event. */
  static final class Probe extends SubjectRule<ApprovalEvent, String> {
    private static final long serialVersionUID = 1L;

    @Override
    protected void openState() {}

    @Override
    protected void processInOrder(ApprovalEvent e, Context ctx, Collector<String> out) {
      out.collect(ctx.getCurrentKey() + "/" + e.getEventId() + "@" + (ctx.timestamp() - T0));
    }
  }

  /** Asks for one timer a day after the subject's first event and reports it. */
  static final class Deadline extends SubjectRule<ApprovalEvent, String> {
    private static final long serialVersionUID = 1L;
    private transient org.apache.flink.api.common.state.ValueState<Long> due;

    @Override
    protected void openState() {
      due = getRuntimeContext().getState(new org.apache.flink.api.common.state.ValueStateDescriptor<>("due",
          Types.LONG));
    }

    @Override
    protected void processInOrder(ApprovalEvent e, Context ctx, Collector<String> out) throws Exception {
      if (due.value() == null) {
        due.update(ctx.timestamp() + DAY);
        ctx.timerService().registerEventTimeTimer(ctx.timestamp() + DAY);
      }
    }

    @Override
    protected void onTime(long time, OnTimerContext ctx, Collector<String> out) throws Exception {
      out.collect(ctx.getCurrentKey() + "/deadline@" + (time - T0));
      due.clear();
    }
  }

  private static ApprovalEvent event(String eventId, String caseId, long time, ApprovalAction action) {
    return ApprovalEvent.newBuilder()
        .setEventId(eventId)
        .setEventTime(Instant.ofEpochMilli(time))
        .setUnitId("U01")
        .setCaseId(caseId)
        .setItemCode("ITEM-20")
        .setAction(action)
        .setActorId("C1")
        .setActorRole("CLERK")
        .build();
  }

  private static SubjectStage<ApprovalEvent, String> stage() {
    return SubjectStage.<ApprovalEvent, String>of(ApprovalEvent.class)
        .deduplicate(30 * DAY, "probity.approvals")
        .rule(new Probe())
        .rule(new Deadline())
        .build();
  }

  private KeyedOneInputStreamOperatorTestHarness<String, ApprovalEvent, String> open() throws Exception {
    return metrics.open(stage(), ApprovalEvent::getCaseId);
  }

  private static void feed(KeyedOneInputStreamOperatorTestHarness<String, ApprovalEvent, String> h, ApprovalEvent e)
      throws Exception {
    h.processElement(e, e.getEventTime().toEpochMilli());
  }

  @Test
  void eventsAreJudgedInEventTimeOrderThenEventIdAndTimersAfterTheEventsOfTheirInstant() throws Exception {
    var h = open();
    feed(h, event("E3", "C1", T0 + 2000, ApprovalAction.REVIEWED));
    feed(h, event("E2", "C1", T0 + 1000, ApprovalAction.REVIEWED));
    feed(h, event("E1b", "C1", T0, ApprovalAction.RECEIVED));
    feed(h, event("E1a", "C1", T0, ApprovalAction.RECEIVED));
    feed(h, event("E9", "C1", T0 + DAY, ApprovalAction.REVIEWED));
    assertThat(h.extractOutputValues()).as("nothing before the watermark").isEmpty();
    h.processWatermark(T0 + DAY);
    assertThat(h.extractOutputValues()).containsExactly("C1/E1a@0", "C1/E1b@0", "C1/E2@1000", "C1/E3@2000",
        "C1/E9@" + DAY, "C1/deadline@" + DAY);
  }

  @Test
  void waitingEventsHoldNoTimerOnlyTheRulesDeadlinesAndTheSubjectsOneExpiryDo() throws Exception {
    var h = open();
    for (int i = 0; i < 50; i++) {
      feed(h, event("E" + i, "C1", T0 + i * 1000L, ApprovalAction.REVIEWED));
    }
    assertThat(h.numEventTimeTimers()).as("none for its 50 waiting events").isZero();
    assertThat(h.numKeyedStateEntries()).as("nor any state of the subject before one is judged").isZero();
    h.processWatermark(T0 + 49_000);
    assertThat(h.numEventTimeTimers()).as("the rule's deadline and the ids' expiry folded into the subject's one timer")
        .isEqualTo(1);
  }

  @Test
  void aRepeatIsDroppedAndAnotherVersionOfItIsADeadLetterNamingBothHashes() throws Exception {
    var h = open();
    ApprovalEvent first = event("E1", "C1", T0, ApprovalAction.RECEIVED);
    ApprovalEvent second = event("E1", "C1", T0, ApprovalAction.APPROVED);
    feed(h, first);
    feed(h, event("E1", "C1", T0, ApprovalAction.RECEIVED));
    feed(h, second);
    h.processWatermark(T0);
    assertThat(h.extractOutputValues()).containsExactly("C1/E1@0");
    assertThat(metrics.count(SubjectStage.DUPLICATES)).isEqualTo(1);
    assertThat(metrics.count(SubjectStage.CONFLICTING)).isEqualTo(1);
    DeadLetter d = h.getSideOutput(SubjectStage.CONFLICTS).peek().getValue();
    byte[] raw = SingleObjectCodec.of(ApprovalEvent.class).encode(second);
    assertThat(d.getError()).contains("E1", SubjectStage.hex(ContentHash.of(first)),
        SubjectStage.hex(ContentHash.of(second)));
    assertThat(d.getSourceTopic()).isEqualTo("probity.approvals");
    assertThat(d.getRaw()).isEqualTo(ByteBuffer.wrap(raw));
    assertThat(d.getRawSha256()).isEqualTo(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(raw)));
  }

  @Test
  void theFirstVersionToArriveStandsWhetherItStillWaitsOrWasJudged() throws Exception {
    var h = open();
    // A repeat of a waiting event with an earlier time and other content: the waiting one stands.
    feed(h, event("E1", "C1", T0 + 2000, ApprovalAction.RECEIVED));
    feed(h, event("E1", "C1", T0 + 1000, ApprovalAction.APPROVED));
    assertThat(metrics.count(SubjectStage.CONFLICTING)).as("known at its arrival").isEqualTo(1);
    h.processWatermark(T0 + 2000);
    assertThat(h.extractOutputValues()).containsExactly("C1/E1@2000");
    // Another version of a judged event, with a later time: it waits, and is dropped when its turn comes.
    feed(h, event("E1", "C1", T0 + 3000, ApprovalAction.RECEIVED));
    feed(h, event("E2", "C1", T0 + 3000, ApprovalAction.REVIEWED));
    assertThat(metrics.count(SubjectStage.CONFLICTING)).isEqualTo(1);
    h.processWatermark(T0 + 3000);
    assertThat(h.extractOutputValues()).containsExactly("C1/E1@2000", "C1/E2@3000");
    assertThat(metrics.count(SubjectStage.CONFLICTING)).isEqualTo(2);
    // The same repeat of a judged event is behind the watermark: known at once.
    feed(h, event("E1", "C1", T0 + 2000, ApprovalAction.RECEIVED));
    assertThat(metrics.count(SubjectStage.DUPLICATES)).isEqualTo(1);
    // The same eventId for another subject is another event.
    feed(h, event("E1", "C2", T0 + 4000, ApprovalAction.RECEIVED));
    h.processWatermark(T0 + 4000);
    assertThat(h.extractOutputValues()).endsWith("C2/E1@4000");
  }

  @Test
  void theSubjectsIdsGoDedupRetentionAfterItsLastEventThenTheIdIsNew() throws Exception {
    var h = open();
    feed(h, event("E1", "C1", T0, ApprovalAction.RECEIVED));
    feed(h, event("E2", "C1", T0 + 10 * DAY, ApprovalAction.REVIEWED));
    h.processWatermark(T0 + 39 * DAY);
    feed(h, event("E1", "C1", T0, ApprovalAction.RECEIVED));
    assertThat(metrics.count(SubjectStage.DUPLICATES)).as("still remembered from E2 on").isEqualTo(1);
    h.processWatermark(T0 + 40 * DAY);
    assertThat(h.numKeyedStateEntries()).isZero();
    assertThat(h.numEventTimeTimers()).isZero();
  }

  @Test
  void aLateEventIsJudgedAtOnceAndARestampedOneWithItsOwnTime() throws Exception {
    var h = open();
    h.processWatermark(T0 + 5000);
    feed(h, event("L1", "C1", T0 + 1000, ApprovalAction.RECEIVED));
    assertThat(h.extractOutputValues()).containsExactly("C1/L1@1000");
    assertThat(metrics.count(SubjectStage.LATE_EVENTS)).isEqualTo(1);
    // A replay's late event, restamped upstream to the next instant: it waits for it, judged by its own time.
    h.processElement(event("L2", "C1", T0 + 2000, ApprovalAction.REVIEWED), T0 + 5001);
    h.processWatermark(T0 + 5001);
    assertThat(h.extractOutputValues()).endsWith("C1/L2@2000");
  }

  @Test
  void waitingEventsSurviveACheckpointAndARescaleEachToTheSubtaskOfItsKey() throws Exception {
    OperatorSubtaskState snapshot;
    try (var h = new KeyedOneInputStreamOperatorTestHarness<>(stage(), ApprovalEvent::getCaseId, Types.STRING, 128,
        1, 0)) {
      ((SerializerConfigImpl) h.getExecutionConfig().getSerializerConfig()).setGenericTypes(false);
      h.open();
      for (int i = 0; i < 20; i++) {
        feed(h, event("E" + i, "C" + i, T0 + 10 + i, ApprovalAction.RECEIVED));
      }
      snapshot = h.snapshot(1, T0);
    }
    List<String> judged = new ArrayList<>();
    for (int subtask = 0; subtask < 2; subtask++) {
      OperatorSubtaskState part = AbstractStreamOperatorTestHarness.repartitionOperatorState(snapshot, 128, 1, 2,
          subtask);
      try (var h = new KeyedOneInputStreamOperatorTestHarness<>(stage(), ApprovalEvent::getCaseId, Types.STRING, 128,
          2, subtask)) {
        ((SerializerConfigImpl) h.getExecutionConfig().getSerializerConfig()).setGenericTypes(false);
        h.initializeState(part);
        h.open();
        // Other versions of every waiting event, earlier, each reaching the subtask of its key: the first stands.
        for (int i = 0; i < 20; i++) {
          String key = "C" + i;
          if (KeyGroupRangeAssignment.assignKeyToParallelOperator(key, 128, 2) == subtask) {
            feed(h, event("E" + i, key, T0 + i, ApprovalAction.APPROVED));
          }
        }
        h.processWatermark(T0 + 100);
        judged.addAll(h.extractOutputValues());
      }
    }
    List<String> first = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      first.add("C" + i + "/E" + i + "@" + (10 + i));
    }
    assertThat(judged).as("each judged once, in its first version").containsExactlyInAnyOrderElementsOf(first);
  }
}
