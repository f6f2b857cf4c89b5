package org.probity.jobs.rules.decision;

import static org.assertj.core.api.Assertions.assertThat;
import static org.probity.jobs.rules.decision.Meetings.DAY;
import static org.probity.jobs.rules.decision.Meetings.at;
import static org.probity.jobs.rules.decision.Meetings.feed;

import java.util.List;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.probity.jobs.config.ProbityConfig;
import org.probity.jobs.config.RulesFile;
import org.probity.jobs.testing.RuleHarness;
import org.probity.schema.Alert;
import org.probity.schema.DecisionEvent;
import org.probity.schema.MemberRole;
import org.probity.schema.Severity;
import org.probity.schema.SubjectType;

class PrincipalNotLastRuleTest {
  private static final long MINUTE = 60_000L;
  private final ProbityConfig config = RulesFile.parse("units: [{id: U01}]", "test.yaml");
  private final Meetings m = new Meetings();
  private final long t0 = at("2025-09-10T09:05");
  private KeyedOneInputStreamOperatorTestHarness<String, DecisionEvent, Alert> harness;

  @BeforeEach
  void open() throws Exception {
    harness = RuleHarness.open(new PrincipalNotLastRule.Detect(config), DecisionEvent::getMeetingId, DecisionEvent.class);
  }

  private DecisionEvent member(String topic, String who, long time) {
    return m.statement("M1", topic, who, MemberRole.MEMBER, time);
  }

  private DecisionEvent principal(String topic, long time) {
    return m.statement("M1", topic, "U01-P", MemberRole.PRINCIPAL, time);
  }

  private List<Alert> alertsAfter(long watermark) throws Exception {
    harness.processWatermark(watermark);
    return harness.extractOutputValues();
  }

  @Test
  void thePrincipalSpeakingLastIsClean() throws Exception {
    feed(harness, member("T1", "U01-M1", t0), member("T1", "U01-M2", t0 + MINUTE), principal("T1", t0 + 2 * MINUTE));
    assertThat(alertsAfter(t0 + DAY)).isEmpty();
  }

  @Test
  void aMemberAfterThePrincipalIsPrincipalNotLastOncePerTopic() throws Exception {
    DecisionEvent first = member("T1", "U01-M1", t0);
    DecisionEvent p = principal("T1", t0 + MINUTE);
    DecisionEvent after = member("T1", "U01-M2", t0 + 2 * MINUTE);
    feed(harness, after, p, first, member("T1", "U01-M3", t0 + 3 * MINUTE), principal("T1", t0 + 4 * MINUTE));
    assertThat(alertsAfter(t0 + DAY)).singleElement().satisfies(a -> {
      assertThat(a.getRuleId()).isEqualTo("DECISION_PRINCIPAL_NOT_LAST");
      assertThat(a.getReason()).isEqualTo(PrincipalNotLastRule.PRINCIPAL_NOT_LAST);
      assertThat(a.getSeverity()).isEqualTo(Severity.YELLOW);
      assertThat(a.getSubjectType()).isEqualTo(SubjectType.MEETING);
      assertThat(a.getSubjectId()).isEqualTo("M1/T1");
      assertThat(a.getPersonIds()).containsExactly("U01-P", "U01-M2");
      assertThat(a.getEvidence()).containsExactly(p.getEventId(), after.getEventId());
      assertThat(a.getEventTime()).isEqualTo(after.getEventTime());
    });
  }

  @Test
  void topicsOfAMeetingAreJudgedSeparately() throws Exception {
    feed(harness, principal("T1", t0), member("T2", "U01-M1", t0 + MINUTE), principal("T2", t0 + 2 * MINUTE),
        member("T1", "U01-M1", t0 + 3 * MINUTE));
    assertThat(alertsAfter(t0 + DAY)).extracting(Alert::getSubjectId).containsExactly("M1/T1");
  }

  @Test
  void aMemberAtThePrincipalsSameInstantIsNotAfterIt() throws Exception {
    feed(harness, principal("T1", t0), member("T1", "U01-M1", t0));
    assertThat(alertsAfter(t0 + DAY)).isEmpty();
  }

  @Test
  void aPrincipalStatementArrivingLateStillRaises() throws Exception {
    DecisionEvent later = member("T1", "U01-M2", t0 + 2 * MINUTE);
    feed(harness, member("T1", "U01-M1", t0), later);
    alertsAfter(t0 + DAY);
    DecisionEvent p = principal("T1", t0 + MINUTE);
    feed(harness, p);
    assertThat(harness.extractOutputValues()).singleElement().satisfies(a -> {
      assertThat(a.getEvidence()).containsExactly(p.getEventId(), later.getEventId());
      assertThat(a.getEventTime()).isEqualTo(later.getEventTime());
    });
  }

  @Test
  void theMeetingIsForgottenAfterTheRetentionFromItsLastStatement() throws Exception {
    feed(harness, principal("T1", t0), member("T1", "U01-M1", t0 + MINUTE));
    long retention = config.decision().meetingRetentionDays() * DAY;
    alertsAfter(t0 + MINUTE + retention - 1);
    assertThat(harness.numKeyedStateEntries()).isPositive();
    alertsAfter(t0 + MINUTE + retention);
    assertThat(harness.numKeyedStateEntries()).isZero();
    assertThat(harness.numEventTimeTimers()).isZero();
  }
}
