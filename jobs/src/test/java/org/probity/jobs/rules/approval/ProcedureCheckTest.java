package org.probity.jobs.rules.approval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.probity.schema.ApprovalAction.APPROVED;
import static org.probity.schema.ApprovalAction.RECEIVED;
import static org.probity.schema.ApprovalAction.REJECTED;
import static org.probity.schema.ApprovalAction.REVIEWED;
import static org.probity.schema.ApprovalAction.WITHDRAWN;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.probity.schema.Alert;
import org.probity.schema.AlertStatus;
import org.probity.schema.ApprovalAction;
import org.probity.schema.ApprovalEvent;
import org.probity.schema.Severity;

/** APPROVAL_PROCEDURE: NO_REVIEW, SAME_PERSON, NO_RECEIPT, COMPLETED_WITHOUT_DECISION, once per case. */
class ProcedureCheckTest {
  private final CaseHarness h;

  ProcedureCheckTest() throws Exception {
    h = new CaseHarness();
  }

  private List<Alert> procedureAlerts() {
    return h.newAlerts().stream().filter(a -> a.getRuleId().equals("APPROVAL_PROCEDURE")).toList();
  }

  @ParameterizedTest
  @EnumSource(value = ApprovalAction.class, names = {"APPROVED", "REJECTED"})
  void aDecisionWithoutReviewIsNoReview(ApprovalAction decision) throws Exception {
    h.feed("ITEM-1", RECEIVED, "2025-09-01T09:00");
    ApprovalEvent decided = h.feed("ITEM-1", decision, "2025-09-01T11:00");
    h.clock("2025-09-01T12:00");
    List<Alert> alerts = procedureAlerts();
    assertThat(alerts).hasSize(1);
    Alert a = alerts.get(0);
    assertThat(a.getReason()).isEqualTo("NO_REVIEW");
    assertThat(a.getSeverity()).isEqualTo(Severity.YELLOW);
    assertThat(a.getStatus()).isEqualTo(AlertStatus.RAISED);
    assertThat(a.getSubjectId()).isEqualTo("C1");
    assertThat(a.getPersonIds()).containsExactly("A1");
    assertThat(a.getEvidence()).containsExactly(decided.getEventId());
    assertThat(a.getEventTime()).isEqualTo(decided.getEventTime());
    assertThat(a.getMessage()).contains("未经审核");
  }

  @Test
  void aReviewAfterTheDecisionDoesNotCountAsReview() throws Exception {
    h.feed("ITEM-1", RECEIVED, "2025-09-01T09:00");
    h.feed("ITEM-1", APPROVED, "2025-09-01T11:00");
    h.feed("ITEM-1", REVIEWED, "2025-09-01T12:00");
    h.clock("2025-09-01T13:00");
    assertThat(procedureAlerts()).extracting(Alert::getReason).containsExactly("NO_REVIEW");
  }

  @Test
  void theReviewerDecidingIsSamePerson() throws Exception {
    h.feed("ITEM-1", RECEIVED, "2025-09-01T09:00");
    h.feed(h.event("C1", "ITEM-1", REVIEWED, "2025-09-01T10:00", "R1"));
    ApprovalEvent review = h.feed(h.event("C1", "ITEM-1", REVIEWED, "2025-09-01T10:30", "A1"));
    ApprovalEvent decision = h.feed(h.event("C1", "ITEM-1", REJECTED, "2025-09-01T11:00", "A1"));
    h.clock("2025-09-01T12:00");
    List<Alert> alerts = procedureAlerts();
    assertThat(alerts).extracting(Alert::getReason).containsExactly("SAME_PERSON");
    assertThat(alerts.get(0).getEvidence()).containsExactly(review.getEventId(), decision.getEventId());
    assertThat(alerts.get(0).getPersonIds()).containsExactly("A1");
    assertThat(alerts.get(0).getEventTime()).isEqualTo(decision.getEventTime());
  }

  @Test
  void theDeciderReviewingAfterwardsIsSamePersonToo() throws Exception {
    h.feed("ITEM-1", RECEIVED, "2025-09-01T09:00");
    ApprovalEvent decision = h.feed(h.event("C1", "ITEM-1", APPROVED, "2025-09-01T11:00", "A1"));
    ApprovalEvent review = h.feed(h.event("C1", "ITEM-1", REVIEWED, "2025-09-01T12:00", "A1"));
    h.clock("2025-09-01T13:00");
    List<Alert> alerts = procedureAlerts();
    assertThat(alerts).extracting(Alert::getReason).containsExactly("NO_REVIEW", "SAME_PERSON");
    assertThat(alerts.get(1).getEvidence()).containsExactly(decision.getEventId(), review.getEventId());
    assertThat(alerts.get(1).getEventTime()).isEqualTo(review.getEventTime());
  }

  @Test
  void actingBeforeReceiptIsNoReceiptOncePerCase() throws Exception {
    ApprovalEvent review = h.feed("ITEM-1", REVIEWED, "2025-09-01T09:00");
    h.feed("ITEM-1", ApprovalAction.SUSPENDED, "2025-09-01T09:10");
    h.feed("ITEM-1", RECEIVED, "2025-09-01T09:30");
    h.clock("2025-09-01T10:00");
    List<Alert> alerts = procedureAlerts();
    assertThat(alerts).extracting(Alert::getReason).containsExactly("NO_RECEIPT");
    assertThat(alerts.get(0).getEvidence()).containsExactly(review.getEventId());
    assertThat(alerts.get(0).getPersonIds()).containsExactly("R1");
    assertThat(alerts.get(0).getMessage()).contains("未经受理即被审核");
  }

  @Test
  void aCaseNeverReceivedEndsWhenDecidedAndCompleted() throws Exception {
    h.feed("ITEM-1", REVIEWED, "2025-09-01T10:00");
    h.feed("ITEM-1", APPROVED, "2025-09-01T11:00");
    h.completed("ITEM-1", 0L, "2025-09-01T14:00");
    h.clock("2025-12-31T00:00");
    assertThat(h.newAlerts()).extracting(Alert::getReason).containsExactly("NO_RECEIPT");
    assertThat(h.stateEntries()).isZero();
    assertThat(h.timers()).isZero();
  }

  @Test
  void anApplicantWithdrawingBeforeReceiptIsNotAnOfficialsAct() throws Exception {
    h.feed("ITEM-1", WITHDRAWN, "2025-09-01T10:00");
    h.clock("2025-09-02T00:00");
    assertThat(h.newAlerts()).isEmpty();
    h.pastTombstones();
    assertThat(h.stateEntries()).isZero();
  }

  @Test
  void completedBeforeTheDecisionIsCompletedWithoutDecision() throws Exception {
    h.feed("ITEM-1", RECEIVED, "2025-09-01T09:00");
    h.feed("ITEM-1", REVIEWED, "2025-09-01T10:00");
    ApprovalEvent completed = h.completed("ITEM-1", 0L, "2025-09-01T11:00");
    h.feed("ITEM-1", APPROVED, "2025-09-01T15:00");
    h.clock("2025-09-01T16:00");
    List<Alert> alerts = procedureAlerts();
    assertThat(alerts).extracting(Alert::getReason).containsExactly("COMPLETED_WITHOUT_DECISION");
    assertThat(alerts.get(0).getEvidence()).containsExactly(completed.getEventId());
    assertThat(alerts.get(0).getPersonIds()).containsExactly("C1");
    h.pastTombstones();
    assertThat(h.stateEntries()).as("decided and completed, in that order or the other").isZero();
    assertThat(h.timers()).isZero();
  }

  @Test
  void aCleanCaseRaisesNothingAndLeavesNothing() throws Exception {
    h.feed("ITEM-1", RECEIVED, "2025-09-01T09:00");
    h.feed("ITEM-1", REVIEWED, "2025-09-01T10:00");
    h.feed("ITEM-1", APPROVED, "2025-09-01T11:00");
    h.completed("ITEM-1", 0L, "2025-09-01T14:00");
    h.clock("2025-12-31T00:00");
    assertThat(h.newAlerts()).isEmpty();
    assertThat(h.stateEntries()).isZero();
    assertThat(h.timers()).isZero();
  }
}
