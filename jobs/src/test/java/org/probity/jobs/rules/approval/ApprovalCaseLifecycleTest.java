package org.probity.jobs.rules.approval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.probity.schema.ApprovalAction.APPROVED;
import static org.probity.schema.ApprovalAction.COMPLETED;
import static org.probity.schema.ApprovalAction.EXTENDED;
import static org.probity.schema.ApprovalAction.RECEIVED;
import static org.probity.schema.ApprovalAction.RESUMED;
import static org.probity.schema.ApprovalAction.REVIEWED;
import static org.probity.schema.ApprovalAction.SUSPENDED;
import static org.probity.schema.ApprovalAction.WITHDRAWN;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.probity.schema.Alert;
import org.probity.schema.ApprovalEvent;

/**
 * The case's life in the operator: ordering, ending, expiry — and that keyed state and timers
 * fall to zero when a case ends or is pruned.
 */
class ApprovalCaseLifecycleTest {
  private final CaseHarness h;

  ApprovalCaseLifecycleTest() throws Exception {
    h = new CaseHarness();
  }

  @Test
  void anOpenCaseHoldsOneStateEntryAndItsTimers() throws Exception {
    h.feed("ITEM-20", RECEIVED, "2025-09-01T09:00");
    h.feed("ITEM-20", SUSPENDED, "2025-09-02T10:00");
    h.clock("2025-09-02T10:00");
    assertThat(h.stateEntries()).isEqualTo(1);
    assertThat(h.timers()).as("TOO_LONG and the retention").isEqualTo(2);
  }

  @Test
  void withdrawnAfterYellowResolvesAndEndsTheCase() throws Exception {
    ApprovalEvent received = h.feed("ITEM-1", RECEIVED, "2025-10-03T10:00");
    h.feed("ITEM-1", SUSPENDED, "2025-10-09T10:00");
    h.feed("ITEM-1", RESUMED, "2025-10-10T10:00");
    h.clock("2025-10-14T00:00");
    assertThat(h.newAlerts()).extracting(CaseHarness::step)
        .containsExactly("RAISED NOTICE 2025-10-09T00:00", "ESCALATED YELLOW 2025-10-11T00:00");
    ApprovalEvent withdrawn = h.feed("ITEM-1", WITHDRAWN, "2025-10-14T09:00");
    h.clock("2025-10-14T09:00");
    List<Alert> resolved = h.newAlerts();
    assertThat(resolved).extracting(CaseHarness::step).containsExactly("RESOLVED YELLOW 2025-10-14T09:00");
    assertThat(resolved.get(0).getEvidence()).startsWith(received.getEventId()).endsWith(withdrawn.getEventId());
    assertThat(resolved.get(0).getMessage()).contains("撤回");
    h.pastTombstones();
    assertThat(h.stateEntries()).isZero();
    assertThat(h.timers()).isZero();
    h.clock("2026-12-31T00:00");
    assertThat(h.newAlerts()).as("no timer outlives the case").isEmpty();
  }

  @Test
  void aCaseThatNeverEndsIsForgottenAfterTheRetention() throws Exception {
    h.feed("ITEM-1", RECEIVED, "2025-10-03T10:00");
    h.clock("2025-10-20T00:00");
    assertThat(h.newAlerts()).hasSize(3);
    assertThat(h.stateEntries()).isEqualTo(1);
    assertThat(h.timers()).as("only the retention after RED").isEqualTo(1);
    // caseRetentionDays 400 after the last event (2025-10-03T10:00).
    h.clock("2026-11-07T09:59:59.999");
    assertThat(h.stateEntries()).isEqualTo(1);
    h.clock("2026-11-07T10:00");
    assertThat(h.stateEntries()).isZero();
    assertThat(h.timers()).isZero();
    assertThat(h.newAlerts()).isEmpty();
  }

  @Test
  void theRetentionCountsFromTheLastEvent() throws Exception {
    h.feed("ITEM-1", RECEIVED, "2025-10-03T10:00");
    h.feed("ITEM-1", REVIEWED, "2025-12-01T10:00");
    h.clock("2026-11-07T10:00");
    assertThat(h.stateEntries()).as("400 days after the first event").isEqualTo(1);
    assertThat(h.timers()).isEqualTo(1);
    h.clock("2027-01-05T09:59:59.999");
    assertThat(h.stateEntries()).isEqualTo(1);
    h.clock("2027-01-05T10:00");
    assertThat(h.stateEntries()).as("400 days after the last").isZero();
    assertThat(h.timers()).isZero();
  }

  @Test
  void eventsArrivingOutOfOrderAreJudgedInEventTimeOrder() throws Exception {
    h.completed("ITEM-1", 0L, "2025-09-01T14:00");
    h.feed("ITEM-1", APPROVED, "2025-09-01T11:00");
    h.feed("ITEM-1", REVIEWED, "2025-09-01T10:00");
    h.feed("ITEM-1", RECEIVED, "2025-09-01T09:00");
    assertThat(h.newAlerts()).as("held until the clock passes them").isEmpty();
    h.clock("2025-09-02T00:00");
    assertThat(h.newAlerts()).isEmpty();
    h.pastTombstones();
    assertThat(h.stateEntries()).isZero();
    assertThat(h.timers()).isZero();
  }

  @Test
  void aLateEventIsProcessedAtOnceNotDropped() throws Exception {
    h.clock("2025-09-10T00:00");
    h.feed("ITEM-1", REVIEWED, "2025-09-01T10:00");
    assertThat(h.newAlerts()).extracting(Alert::getReason).containsExactly("NO_RECEIPT");
  }

  @Test
  void eventsWaitingAtATimerInstantAreNotStrandedWhenTheRuleMovesItsTimer() throws Exception {
    // The NOTICE timer (09-08 00:00) is also the timer of the decision waiting at that instant;
    // the extension, processed first, moves the NOTICE to 09-10 and must not delete that timer.
    h.feed("ITEM-5", RECEIVED, "2025-09-01T09:00");
    h.clock("2025-09-01T09:00");
    h.feed("ITEM-5", APPROVED, "2025-09-08T00:00");
    h.feed("ITEM-5", REVIEWED, "2025-09-05T09:00");
    ApprovalEvent extension = h.event("C1", "ITEM-5", EXTENDED, "2025-09-05T10:00", "A1");
    extension.setExtensionDays(2);
    h.feed(extension);
    h.completed("ITEM-5", 8000L, "2025-09-08T10:00");
    h.clock("2025-09-30T00:00");
    assertThat(h.newAlerts()).isEmpty();
    h.pastTombstones();
    assertThat(h.stateEntries()).isZero();
    assertThat(h.timers()).isZero();
  }

  @Test
  void aReSentReceiptOfAnEndedCaseIsIgnoredUntilItsTombstoneExpires() throws Exception {
    h.feed("ITEM-1", RECEIVED, "2025-10-08T09:00");
    h.feed("ITEM-1", REVIEWED, "2025-10-08T10:00");
    h.feed("ITEM-1", APPROVED, "2025-10-08T11:00");
    h.feed("ITEM-1", COMPLETED, "2025-10-08T12:00");
    h.clock("2025-10-08T12:00");
    assertThat(h.stateEntries()).as("the tombstone: the end time").isEqualTo(1);
    assertThat(h.timers()).as("the tombstone's expiry").isEqualTo(1);

    // Re-sent with a new eventId a week later: before, a new case and a false NOTICE → YELLOW → RED.
    h.feed("ITEM-1", RECEIVED, "2025-10-15T09:00");
    h.clock("2025-11-06T00:00");
    assertThat(h.newAlerts()).isEmpty();
    assertThat(h.counter("lateEventsOfEndedSubjects")).isEqualTo(1);
    assertThat(h.stateEntries()).isEqualTo(1);
    assertThat(h.timers()).isEqualTo(1);

    h.clock("2025-11-07T12:00");
    assertThat(h.stateEntries()).as("30 days (dedupRetentionDays) after the end").isZero();
    assertThat(h.timers()).isZero();
  }

  @Test
  void aLateEventOfAWithdrawnCaseIsIgnored() throws Exception {
    h.feed("ITEM-1", RECEIVED, "2025-10-08T09:00");
    h.feed("ITEM-1", WITHDRAWN, "2025-10-08T10:00");
    h.feed("ITEM-1", SUSPENDED, "2025-10-09T10:00");
    h.clock("2025-10-31T00:00");
    assertThat(h.newAlerts()).isEmpty();
    assertThat(h.counter("lateEventsOfEndedSubjects")).isEqualTo(1);
  }
}
