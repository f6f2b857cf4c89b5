package org.probity.jobs.rules.conflict;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.probity.jobs.alert.Alerts;
import org.probity.jobs.alert.RuleId;
import org.probity.jobs.config.ProbityConfig;
import org.probity.jobs.config.RulesFile;
import org.probity.jobs.testing.RuleHarness;
import org.probity.schema.Alert;
import org.probity.schema.ApprovalAction;
import org.probity.schema.ApprovalEvent;
import org.probity.schema.Severity;
import org.probity.schema.SubjectType;

class ApprovalConflictRuleTest {
  private static final long HOUR = 3_600_000L;
  private static final long DAY = 24 * HOUR;
  private final ProbityConfig config = RulesFile.parse("""
      units: [{id: U11}]
      relatedParties:
        - {personId: U11-R1, partyId: AP-0042, relation: 近亲属}
        - {personId: U11-A1, partyId: AP-0042, relation: 近亲属}
        - {personId: U11-C1, partyId: AP-0042, relation: 近亲属}
      """, "test.yaml");
  private final Set<String> parties = ApprovalConflictRule.relatedParties(config.reference());
  private final long t0 = Instant.parse("2025-09-01T01:00:00Z").toEpochMilli();
  private KeyedOneInputStreamOperatorTestHarness<String, ApprovalEvent, Alert> harness;
  private int seq;

  @BeforeEach
  void open() throws Exception {
    harness = RuleHarness.open(new ApprovalConflictRule.Detect(config), ApprovalEvent::getCaseId, ApprovalEvent.class);
  }

  private ApprovalEvent event(ApprovalAction action, String actor, String applicant, long time) {
    return ApprovalEvent.newBuilder()
        .setEventId(String.format("E%03d", ++seq))
        .setEventTime(Instant.ofEpochMilli(time))
        .setUnitId("U11")
        .setCaseId("CASE-1")
        .setItemCode("330100-XK-003")
        .setAction(action)
        .setActorId(actor)
        .setActorRole("X")
        .setApplicantId(applicant)
        .build();
  }

  /** Feeds what the rule's filter lets through, as the job does. */
  private List<Alert> after(long watermark, ApprovalEvent... events) throws Exception {
    for (ApprovalEvent e : events) {
      if (ApprovalConflictRule.mayConflict(e, config.reference(), parties)) {
        harness.processElement(e, e.getEventTime().toEpochMilli());
      }
    }
    harness.processWatermark(watermark);
    return harness.extractOutputValues();
  }

  @Test
  void aReviewerRelatedToTheApplicantIsAConflict() throws Exception {
    ApprovalEvent reviewed = event(ApprovalAction.REVIEWED, "U11-R1", "AP-0042", t0 + HOUR);
    List<Alert> alerts = after(t0 + DAY, event(ApprovalAction.RECEIVED, "U11-C2", "AP-0042", t0), reviewed,
        event(ApprovalAction.APPROVED, "U11-A2", "AP-0042", t0 + 2 * HOUR));
    assertThat(alerts).singleElement().satisfies(a -> {
      assertThat(a.getRuleId()).isEqualTo("CONFLICT_OF_INTEREST");
      assertThat(a.getReason()).isEqualTo("RELATED_PARTY");
      assertThat(a.getSeverity()).isEqualTo(Severity.RED);
      assertThat(a.getUnitId()).isEqualTo("U11");
      assertThat(a.getSubjectType()).isEqualTo(SubjectType.CASE);
      assertThat(a.getSubjectId()).isEqualTo("CASE-1");
      assertThat(a.getAlertId()).isEqualTo(Alerts.alertId(RuleId.CONFLICT_OF_INTEREST, "RELATED_PARTY", a.getUnitId(),
          SubjectType.CASE, "CASE-1", "U11-R1"));
      assertThat(a.getPersonIds()).containsExactly("U11-R1");
      assertThat(a.getEvidence()).containsExactly(reviewed.getEventId());
      assertThat(a.getEventTime()).isEqualTo(reviewed.getEventTime());
      assertThat(a.getAmountFen()).isNull();
      assertThat(a.getMessage()).contains("AP-0042").contains("审核");
    });
  }

  @Test
  void aDeciderWhoApprovesOrRejectsIsAConflict() throws Exception {
    ApprovalEvent rejected = event(ApprovalAction.REJECTED, "U11-A1", "AP-0042", t0);
    assertThat(after(t0, rejected)).singleElement()
        .satisfies(a -> assertThat(a.getEvidence()).containsExactly(rejected.getEventId()));
  }

  @Test
  void anActThatDoesNotNameTheApplicantIsJudgedAgainstTheOneTheCaseNamed() throws Exception {
    ApprovalEvent received = event(ApprovalAction.RECEIVED, "U11-C2", "AP-0042", t0);
    ApprovalEvent approved = event(ApprovalAction.APPROVED, "U11-A1", null, t0 + 2 * HOUR);
    // Arrival order reversed: the case's events are still judged in event time.
    assertThat(after(t0 + DAY, approved, received)).singleElement()
        .satisfies(a -> assertThat(a.getEvidence()).containsExactly(received.getEventId(), approved.getEventId()));
  }

  @Test
  void oneOfficialReviewingAndDecidingIsOneAlert() throws Exception {
    ApprovalEvent reviewed = event(ApprovalAction.REVIEWED, "U11-R1", "AP-0042", t0);
    List<Alert> alerts = after(t0 + DAY, reviewed, event(ApprovalAction.APPROVED, "U11-R1", "AP-0042", t0 + HOUR));
    assertThat(alerts).singleElement().satisfies(a -> assertThat(a.getEvidence()).containsExactly(reviewed.getEventId()));
  }

  @Test
  void clerksUnrelatedOfficialsAndUnrelatedApplicantsAreNoConflict() throws Exception {
    List<Alert> alerts = after(t0 + DAY,
        event(ApprovalAction.RECEIVED, "U11-C1", "AP-0042", t0),
        event(ApprovalAction.COMPLETED, "U11-C1", "AP-0042", t0 + 1),
        event(ApprovalAction.REVIEWED, "U11-R2", "AP-0042", t0 + 2),
        event(ApprovalAction.APPROVED, "U11-A1", "AP-0043", t0 + 3));
    assertThat(alerts).isEmpty();
    assertThat(ApprovalConflictRule.mayConflict(event(ApprovalAction.APPROVED, "U11-A1", "AP-000042", t0),
        config.reference(), parties)).as("an applicant nobody is related to").isFalse();
    assertThat(ApprovalConflictRule.mayConflict(event(ApprovalAction.APPROVED, "U11-A2", null, t0),
        config.reference(), parties)).as("an official without related parties").isFalse();
  }

  @Test
  void stateAndTimersFallToZeroARetentionAfterTheCasesLastEvent() throws Exception {
    long retention = config.approval().caseRetentionDays() * DAY;
    after(t0 + HOUR, event(ApprovalAction.RECEIVED, "U11-C2", "AP-0042", t0),
        event(ApprovalAction.REVIEWED, "U11-R1", "AP-0042", t0 + HOUR));
    assertThat(harness.numKeyedStateEntries()).isPositive();
    harness.processWatermark(t0 + HOUR + retention - 1);
    assertThat(harness.numKeyedStateEntries()).isPositive();
    harness.processWatermark(t0 + HOUR + retention);
    assertThat(harness.numKeyedStateEntries()).isZero();
    assertThat(harness.numEventTimeTimers()).isZero();
  }
}
