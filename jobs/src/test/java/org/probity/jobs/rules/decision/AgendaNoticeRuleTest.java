package org.probity.jobs.rules.decision;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
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
import org.probity.schema.DecisionAction;
import org.probity.schema.DecisionEvent;
import org.probity.schema.MemberRole;
import org.probity.schema.Severity;
import org.probity.schema.SubjectType;

class AgendaNoticeRuleTest {
  private final ProbityConfig config = RulesFile.parse("units: [{id: U01}]", "test.yaml");
  private final Meetings m = new Meetings();
  private final long opens = at("2025-09-10T09:00");
  private KeyedOneInputStreamOperatorTestHarness<String, DecisionEvent, Alert> harness;

  @BeforeEach
  void open() throws Exception {
    harness = RuleHarness.open(new AgendaNoticeRule.Detect(config), DecisionEvent::getMeetingId, DecisionEvent.class);
  }

  private DecisionEvent notified(String topic, String when) {
    return m.event("M1", DecisionAction.AGENDA_NOTIFIED, topic, at(when));
  }

  private List<Alert> alertsAfter(long watermark) throws Exception {
    harness.processWatermark(watermark);
    return harness.extractOutputValues();
  }

  @Test
  void notifiedOnTheSecondCalendarDayBeforeAtAnyHourIsInTime() throws Exception {
    feed(harness, notified("T1", "2025-09-08T23:59"), m.event("M1", DecisionAction.MEETING_OPENED, null, opens),
        m.decided("M1", "T1", opens + 3_600_000));
    assertThat(alertsAfter(opens + DAY)).isEmpty();
  }

  @Test
  void notifiedTheDayBeforeIsLateNotice() throws Exception {
    DecisionEvent notice = notified("T1", "2025-09-09T00:00");
    DecisionEvent opened = m.event("M1", DecisionAction.MEETING_OPENED, null, opens);
    DecisionEvent decided = m.decided("M1", "T1", opens + 3_600_000);
    feed(harness, decided, opened, notice);
    assertThat(alertsAfter(opens + DAY)).singleElement().satisfies(a -> {
      assertThat(a.getRuleId()).isEqualTo("DECISION_AGENDA_NOTICE");
      assertThat(a.getReason()).isEqualTo(AgendaNoticeRule.LATE_NOTICE);
      assertThat(a.getSeverity()).isEqualTo(Severity.NOTICE);
      assertThat(a.getSubjectType()).isEqualTo(SubjectType.MEETING);
      assertThat(a.getSubjectId()).isEqualTo("M1/T1");
      assertThat(a.getUnitId()).isEqualTo("U01");
      assertThat(a.getEventTime()).isEqualTo(decided.getEventTime());
      assertThat(a.getEvidence()).containsExactly(notice.getEventId(), opened.getEventId(), decided.getEventId());
      assertThat(a.getMessage()).contains("2025-09-09告知").contains("未提前2天告知");
    });
  }

  @Test
  void notifiedOnlyAfterTheMeetingOpenedIsLateNotice() throws Exception {
    feed(harness, m.event("M1", DecisionAction.MEETING_OPENED, null, opens), notified("T1", "2025-09-10T09:30"),
        m.decided("M1", "T1", opens + 3_600_000));
    assertThat(alertsAfter(opens + DAY)).extracting(Alert::getReason).containsExactly(AgendaNoticeRule.LATE_NOTICE);
  }

  @Test
  void aTopicDecidedWithoutAnyNoticeIsNoNoticeAndOtherTopicsAreJudgedOnTheirOwn() throws Exception {
    feed(harness, notified("T1", "2025-09-05T10:00"), m.event("M1", DecisionAction.MEETING_OPENED, null, opens),
        m.decided("M1", "T1", opens + 3_600_000), m.decided("M1", "T2", opens + 7_200_000),
        notified("T2", "2025-09-10T12:00"));
    assertThat(alertsAfter(opens + DAY)).extracting(Alert::getSubjectId, Alert::getReason, Alert::getSeverity)
        .containsExactly(tuple("M1/T2", AgendaNoticeRule.NO_NOTICE, Severity.YELLOW));
  }

  @Test
  void aTopicDecidedTwiceIsJudgedOnce() throws Exception {
    feed(harness, m.event("M1", DecisionAction.MEETING_OPENED, null, opens), m.decided("M1", "T1", opens + 1),
        m.decided("M1", "T1", opens + 2));
    assertThat(alertsAfter(opens + DAY)).hasSize(1);
  }

  @Test
  void withoutAMeetingOpenedRecordTheFirstStatementOpensIt() throws Exception {
    // Two days before the decision, but only one before the first statement.
    feed(harness, notified("T1", "2025-09-09T10:00"),
        m.statement("M1", "T1", "U01-M1", MemberRole.MEMBER, opens),
        m.decided("M1", "T1", at("2025-09-11T09:00")));
    assertThat(alertsAfter(opens + 2 * DAY)).extracting(Alert::getReason).containsExactly(AgendaNoticeRule.LATE_NOTICE);
  }

  @Test
  void theMeetingIsForgottenAfterTheRetentionFromItsLastEvent() throws Exception {
    long decided = opens + 3_600_000;
    feed(harness, notified("T1", "2025-09-05T10:00"), m.event("M1", DecisionAction.MEETING_OPENED, null, opens),
        m.decided("M1", "T1", decided));
    long retention = config.decision().meetingRetentionDays() * DAY;
    alertsAfter(decided + retention - 1);
    assertThat(harness.numKeyedStateEntries()).isPositive();
    alertsAfter(decided + retention);
    assertThat(harness.numKeyedStateEntries()).isZero();
    assertThat(harness.numEventTimeTimers()).isZero();
  }
}
