package org.probity.jobs.rules.approval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.probity.jobs.rules.approval.CaseHarness.millis;
import static org.probity.schema.ApprovalAction.APPROVED;
import static org.probity.schema.ApprovalAction.COMPLETED;
import static org.probity.schema.ApprovalAction.RECEIVED;
import static org.probity.schema.ApprovalAction.RESUMED;
import static org.probity.schema.ApprovalAction.REVIEWED;
import static org.probity.schema.ApprovalAction.SUPPLEMENT_RECEIVED;
import static org.probity.schema.ApprovalAction.SUPPLEMENT_REQUESTED;
import static org.probity.schema.ApprovalAction.SUSPENDED;

import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.probity.schema.Alert;
import org.probity.schema.ApprovalEvent;
import org.probity.schema.SubjectType;

/**
 * APPROVAL_OVERDUE: every step of the ladder, dated the instant it became true, on the 2025
 * official calendar (National Day 10-01..08 off; Sunday 09-28 and Saturday 10-11 make-up days).
 */
class OverdueLadderTest {
  private final CaseHarness h;

  OverdueLadderTest() throws Exception {
    h = new CaseHarness();
  }

  @Test
  void theFullLadderAcrossNationalDay() throws Exception {
    // ITEM-5 received Friday 09-26: 09-28 (Sunday, make-up), 09-29, 09-30, 10-09, 10-10 → 10-10 24:00.
    ApprovalEvent received = h.feed("ITEM-5", RECEIVED, "2025-09-26T10:00");
    h.feed("ITEM-5", REVIEWED, "2025-09-29T10:00");
    h.clock("2025-10-09T23:59:59.999");
    assertThat(h.newAlerts()).isEmpty();

    h.clock("2025-10-10T00:00");
    List<Alert> notice = h.newAlerts();
    assertThat(notice).extracting(CaseHarness::step).containsExactly("RAISED NOTICE 2025-10-10T00:00");
    assertThat(notice.get(0).getMessage()).contains("2025-10-10 24:00").contains("不动产登记");

    h.clock("2025-10-16T23:59:59.999");
    assertThat(h.newAlerts()).extracting(CaseHarness::step).containsExactly("ESCALATED YELLOW 2025-10-11T00:00");
    // RED at the end of the 5th working day after the deadline: 10-11 (make-up), 13, 14, 15, 16.
    h.clock("2025-10-17T00:00");
    assertThat(h.newAlerts()).extracting(CaseHarness::step).containsExactly("ESCALATED RED 2025-10-17T00:00");

    ApprovalEvent approved = h.feed("ITEM-5", APPROVED, "2025-10-20T10:00");
    h.clock("2025-10-20T10:00");
    assertThat(h.newAlerts()).extracting(CaseHarness::step).containsExactly("RESOLVED RED 2025-10-20T10:00");

    List<Alert> all = h.harness.extractOutputValues();
    assertThat(all).extracting(Alert::getAlertId).containsOnly(all.get(0).getAlertId());
    assertThat(all).allSatisfy(a -> {
      assertThat(a.getRuleId()).isEqualTo("APPROVAL_OVERDUE");
      assertThat(a.getReason()).isEqualTo("OVERDUE");
      assertThat(a.getSubjectType()).isEqualTo(SubjectType.CASE);
      assertThat(a.getSubjectId()).isEqualTo("C1");
      assertThat(a.getUnitId()).isEqualTo("U01");
      assertThat(a.getPersonIds()).containsExactly("C1");
      assertThat(a.getAmountFen()).isNull();
    });
    assertThat(all.subList(0, 3)).allSatisfy(a -> assertThat(a.getEvidence()).containsExactly(received.getEventId()));
    assertThat(all.get(3).getEvidence()).containsExactly(received.getEventId(), approved.getEventId());

    h.completed("ITEM-5", 8000L, "2025-10-20T11:00");
    h.clock("2025-10-20T11:00");
    h.pastTombstones();
    assertThat(h.stateEntries()).isZero();
    assertThat(h.timers()).isZero();
  }

  @ParameterizedTest(name = "decided {0} ms from the deadline: {1}")
  @CsvSource({
      "-1, RESOLVED NOTICE",
      "0, RESOLVED NOTICE",
      "1, ESCALATED YELLOW",
  })
  void aDecisionExactlyAtTheDeadlineIsInTime(long offset, String second) throws Exception {
    h.feed("ITEM-5", RECEIVED, "2025-09-26T10:00");
    h.feed("ITEM-5", REVIEWED, "2025-10-09T10:00");
    long deadline = millis("2025-10-11T00:00");
    ApprovalEvent approved = h.event("C1", "ITEM-5", APPROVED, "2025-10-11T00:00", "A1");
    approved.setEventTime(Instant.ofEpochMilli(deadline + offset));
    h.feed(approved);
    h.clock("2025-10-12T00:00");
    List<String> steps = h.newAlerts().stream().map(CaseHarness::step).toList();
    assertThat(steps.get(0)).isEqualTo("RAISED NOTICE 2025-10-10T00:00");
    assertThat(steps.get(1)).startsWith(second);
    assertThat(steps).hasSize(offset > 0 ? 3 : 2);
  }

  @Test
  void decidedOnTheLastWorkingDayRaisesOnlyTheNotice() throws Exception {
    h.feed("ITEM-5", RECEIVED, "2025-09-26T10:00");
    h.feed("ITEM-5", REVIEWED, "2025-10-10T10:00");
    h.feed("ITEM-5", APPROVED, "2025-10-10T16:00");
    h.clock("2025-10-31T00:00");
    assertThat(h.newAlerts()).extracting(CaseHarness::step)
        .containsExactly("RAISED NOTICE 2025-10-10T00:00", "RESOLVED NOTICE 2025-10-10T16:00");
  }

  @Test
  void decidedTheDayBeforeTheNoticeIsClean() throws Exception {
    h.feed("ITEM-5", RECEIVED, "2025-09-26T10:00");
    h.feed("ITEM-5", REVIEWED, "2025-10-09T10:00");
    h.feed("ITEM-5", APPROVED, "2025-10-09T23:59:59.999");
    h.completed("ITEM-5", 8000L, "2025-10-10T09:00");
    h.clock("2025-10-31T00:00");
    assertThat(h.newAlerts()).isEmpty();
    h.pastTombstones();
    assertThat(h.stateEntries()).isZero();
    assertThat(h.timers()).isZero();
  }

  @Test
  void aCaseReceivedOnAHolidayCountsFromTheNextWorkingDay() throws Exception {
    h.feed("ITEM-1", RECEIVED, "2025-10-03T10:00");
    h.clock("2025-10-10T00:00");
    assertThat(h.newAlerts()).extracting(CaseHarness::step)
        .containsExactly("RAISED NOTICE 2025-10-09T00:00", "ESCALATED YELLOW 2025-10-10T00:00");
  }

  @Test
  void twoSuspensionsMoveTheDeadlineByTheirWorkingDays() throws Exception {
    // ITEM-20 from Monday 09-01 ends 09-28 (a make-up Sunday); 09-04, 05 and 09-11, 12 suspended → 10-10.
    ApprovalEvent received = h.feed("ITEM-20", RECEIVED, "2025-09-01T09:00");
    ApprovalEvent s1 = h.feed("ITEM-20", SUSPENDED, "2025-09-03T10:00");
    ApprovalEvent r1 = h.feed("ITEM-20", RESUMED, "2025-09-05T15:00");
    ApprovalEvent s2 = h.feed("ITEM-20", SUSPENDED, "2025-09-10T10:00");
    ApprovalEvent r2 = h.feed("ITEM-20", RESUMED, "2025-09-12T15:00");
    h.clock("2025-10-09T23:59:59.999");
    assertThat(h.newAlerts()).isEmpty();
    h.clock("2025-10-11T00:00");
    List<Alert> alerts = h.newAlerts();
    assertThat(alerts).extracting(CaseHarness::step)
        .containsExactly("RAISED NOTICE 2025-10-10T00:00", "ESCALATED YELLOW 2025-10-11T00:00");
    assertThat(alerts.get(1).getEvidence()).containsExactly(received.getEventId(), s1.getEventId(),
        r1.getEventId(), s2.getEventId(), r2.getEventId());
  }

  @Test
  void nothingIsDueWhileSuspended() throws Exception {
    // ITEM-5 from 09-01 would end 09-08; suspended 09-02, nothing fires until RESUMED on 09-22.
    h.feed("ITEM-5", RECEIVED, "2025-09-01T09:00");
    h.feed("ITEM-5", SUSPENDED, "2025-09-02T10:00");
    h.clock("2025-09-21T00:00");
    assertThat(h.newAlerts()).isEmpty();
    assertThat(h.timers()).as("the suspension limit and the retention, no ladder step").isEqualTo(2);
    // 09-02 counted before; 4 days after 09-22: 23, 24, 25, 26.
    h.feed("ITEM-5", RESUMED, "2025-09-22T10:00");
    h.clock("2025-09-27T00:00");
    assertThat(h.newAlerts()).extracting(CaseHarness::step)
        .containsExactly("RAISED NOTICE 2025-09-26T00:00", "ESCALATED YELLOW 2025-09-27T00:00");
  }

  @Test
  void supplementsRestartTheCountExtensionsAddToItSeveralTimesInOneCase() throws Exception {
    h.feed("ITEM-5", RECEIVED, "2025-09-01T09:00");
    h.feed("ITEM-5", SUPPLEMENT_REQUESTED, "2025-09-02T10:00");
    h.clock("2025-09-12T00:00");
    assertThat(h.newAlerts()).as("the first deadline (09-08) passes while waiting for materials").isEmpty();
    // Restart on Monday 09-15: 5 days → 09-22; +3 → 09-25; 09-18 suspended → 09-26.
    h.feed("ITEM-5", SUPPLEMENT_RECEIVED, "2025-09-15T09:00");
    h.extend("ITEM-5", 3, "2025-09-16T10:00");
    h.feed("ITEM-5", SUSPENDED, "2025-09-17T10:00");
    h.feed("ITEM-5", RESUMED, "2025-09-18T15:00");
    // Restart again on 09-22 with 5 + 3: 23, 24, 25, 26, 28 (make-up), 29, 30, 10-09; +2 → 10-10, 10-11 (make-up).
    h.feed("ITEM-5", SUPPLEMENT_REQUESTED, "2025-09-19T10:00");
    h.feed("ITEM-5", SUPPLEMENT_RECEIVED, "2025-09-22T09:00");
    h.extend("ITEM-5", 2, "2025-09-23T10:00");
    h.clock("2025-10-10T23:59:59.999");
    assertThat(h.newAlerts()).isEmpty();
    h.clock("2025-10-12T00:00");
    List<Alert> alerts = h.newAlerts();
    assertThat(alerts).extracting(CaseHarness::step)
        .containsExactly("RAISED NOTICE 2025-10-11T00:00", "ESCALATED YELLOW 2025-10-12T00:00");
    assertThat(alerts.get(0).getEvidence()).as("every event that shaped the deadline")
        .containsExactly("E001", "E002", "E003", "E004", "E005", "E006", "E007", "E008", "E009");
    assertThat(alerts.get(0).getMessage()).contains("10个工作日").contains("2025-10-11 24:00");
    h.feed("ITEM-5", REVIEWED, "2025-10-13T09:00");
    h.feed("ITEM-5", APPROVED, "2025-10-13T10:00");
    h.clock("2025-10-31T00:00");
    assertThat(h.newAlerts()).extracting(CaseHarness::step).containsExactly("RESOLVED YELLOW 2025-10-13T10:00");
  }

  @Test
  void aNoticeIsNotRaisedAgainWhenAnExtensionMovesTheDeadline() throws Exception {
    h.feed("ITEM-5", RECEIVED, "2025-09-01T09:00");
    h.clock("2025-09-08T00:00");
    assertThat(h.newAlerts()).extracting(CaseHarness::step).containsExactly("RAISED NOTICE 2025-09-08T00:00");
    h.extend("ITEM-5", 2, "2025-09-08T10:00");
    h.clock("2025-09-10T23:59:59.999");
    assertThat(h.newAlerts()).isEmpty();
    h.clock("2025-09-11T00:00");
    assertThat(h.newAlerts()).extracting(CaseHarness::step).containsExactly("ESCALATED YELLOW 2025-09-11T00:00");
  }

  @Test
  void suspendedOnTheLastDayTheCaseHasTheRestOfTheResumeDay() throws Exception {
    h.feed("ITEM-5", RECEIVED, "2025-09-01T09:00");
    h.feed("ITEM-5", SUSPENDED, "2025-09-08T15:00");
    h.clock("2025-09-09T12:00");
    assertThat(h.newAlerts()).extracting(CaseHarness::step).containsExactly("RAISED NOTICE 2025-09-08T00:00");
    h.feed("ITEM-5", RESUMED, "2025-09-10T10:00");
    h.clock("2025-09-11T00:00");
    assertThat(h.newAlerts()).extracting(CaseHarness::step).containsExactly("ESCALATED YELLOW 2025-09-11T00:00");
  }

  @Test
  void aSuspensionAfterTheDeadlineDelaysTheRedNotTheYellow() throws Exception {
    // 09-08 24:00 passes (YELLOW); 09-11 and 09-12 suspended → deadline 09-10, RED after 11, 12, 15, 16, 17.
    h.feed("ITEM-5", RECEIVED, "2025-09-01T09:00");
    h.feed("ITEM-5", SUSPENDED, "2025-09-10T10:00");
    h.feed("ITEM-5", RESUMED, "2025-09-12T10:00");
    h.clock("2025-09-17T23:59:59.999");
    assertThat(h.newAlerts()).extracting(CaseHarness::step)
        .containsExactly("RAISED NOTICE 2025-09-08T00:00", "ESCALATED YELLOW 2025-09-09T00:00");
    h.clock("2025-09-18T00:00");
    assertThat(h.newAlerts()).extracting(CaseHarness::step).containsExactly("ESCALATED RED 2025-09-18T00:00");
  }

  @Test
  void resumedOnAWeekendWithNoTimeLeftIsOverdueFromTheResume() throws Exception {
    // Suspended on the last day (09-08), resumed Saturday 09-13: 4 working days moved → 09-12 24:00, passed.
    h.feed("ITEM-5", RECEIVED, "2025-09-01T09:00");
    h.feed("ITEM-5", SUSPENDED, "2025-09-08T15:00");
    h.feed("ITEM-5", RESUMED, "2025-09-13T10:00");
    h.clock("2025-09-13T10:00");
    assertThat(h.newAlerts()).extracting(CaseHarness::step)
        .containsExactly("RAISED NOTICE 2025-09-08T00:00", "ESCALATED YELLOW 2025-09-13T10:00");
  }

  @Test
  void aLimitShorterThanTheNoticeWindowRaisesTheNoticeAtReceipt() throws Exception {
    CaseHarness two = new CaseHarness(CaseHarness.RULES + """
        parameters:
          approval: {noticeWorkingDays: 2}
        """);
    two.feed("ITEM-1", RECEIVED, "2025-09-01T10:00");
    two.clock("2025-09-03T00:00");
    assertThat(two.newAlerts()).extracting(CaseHarness::step)
        .containsExactly("RAISED NOTICE 2025-09-01T10:00", "ESCALATED YELLOW 2025-09-03T00:00");
  }

  @Test
  void noticeAndRedFollowTheirParameters() throws Exception {
    CaseHarness custom = new CaseHarness(CaseHarness.RULES + """
        parameters:
          approval: {noticeWorkingDays: 3, redAfterWorkingDays: 2}
        """);
    custom.feed("ITEM-5", RECEIVED, "2025-09-26T10:00");
    custom.clock("2025-10-14T00:00");
    // The last 3 working days before 10-10 24:00: 09-30, 10-09, 10-10. RED: 10-11 (make-up), 10-13.
    assertThat(custom.newAlerts()).extracting(CaseHarness::step).containsExactly(
        "RAISED NOTICE 2025-09-30T00:00", "ESCALATED YELLOW 2025-10-11T00:00", "ESCALATED RED 2025-10-14T00:00");
  }

  @Test
  void withoutANoticeTheLadderStartsAtYellow() throws Exception {
    CaseHarness none = new CaseHarness(CaseHarness.RULES + """
        parameters:
          approval: {noticeWorkingDays: 0}
        """);
    none.feed("ITEM-5", RECEIVED, "2025-09-26T10:00");
    none.feed("ITEM-5", REVIEWED, "2025-10-13T09:00");
    none.feed("ITEM-5", APPROVED, "2025-10-13T10:00");
    none.clock("2025-10-31T00:00");
    assertThat(none.newAlerts()).extracting(CaseHarness::step)
        .containsExactly("ESCALATED YELLOW 2025-10-11T00:00", "RESOLVED YELLOW 2025-10-13T10:00");
  }

  @Test
  void anUnknownItemFallsBackToTheStatutoryTwentyDaysAndIsCounted() throws Exception {
    // 20 working days after Monday 09-01 end on Sunday 09-28, a make-up working day.
    h.feed("NOPE-1", RECEIVED, "2025-09-01T09:00");
    h.clock("2025-09-29T00:00");
    List<Alert> alerts = h.newAlerts();
    assertThat(alerts).extracting(CaseHarness::step)
        .containsExactly("RAISED NOTICE 2025-09-28T00:00", "ESCALATED YELLOW 2025-09-29T00:00");
    assertThat(alerts.get(0).getMessage()).contains("NOPE-1").contains("不在事项目录中").contains("法定20个工作日");
    assertThat(h.counter("unknownItemCodes")).isEqualTo(1);
  }

  @Test
  void aDeadlineInAYearWithoutCalendarDataIsCountedOnWeekdaysAndCounted() throws Exception {
    // 2026-12-28 + 5: 29, 30, 31, 2027-01-01 (a Friday: no 2027 data, so a working day), 01-04.
    h.feed("ITEM-5", RECEIVED, "2026-12-28T09:00");
    h.clock("2027-01-04T00:00");
    assertThat(h.newAlerts()).extracting(CaseHarness::step).containsExactly("RAISED NOTICE 2027-01-04T00:00");
    assertThat(h.counter("deadlinesWithoutCalendar")).isPositive();
  }

  @Test
  void theSameCaseGetsTheSameAlertIdInEveryRun() throws Exception {
    h.feed("ITEM-1", RECEIVED, "2025-10-03T10:00");
    h.clock("2025-10-10T00:00");
    CaseHarness again = new CaseHarness();
    again.feed("ITEM-1", RECEIVED, "2025-10-03T10:00");
    again.clock("2025-10-10T00:00");
    assertThat(again.newAlerts()).extracting(Alert::getAlertId)
        .isEqualTo(h.newAlerts().stream().map(Alert::getAlertId).toList());
  }

  @Test
  void withACompletedButUndecidedCaseTheLadderRunsOn() throws Exception {
    h.feed("ITEM-1", RECEIVED, "2025-10-03T10:00");
    h.feed("ITEM-1", COMPLETED, "2025-10-03T11:00");
    h.clock("2025-10-20T00:00");
    assertThat(h.newAlerts()).extracting(a -> a.getRuleId() + " " + CaseHarness.step(a)).containsExactly(
        "APPROVAL_PROCEDURE RAISED YELLOW 2025-10-03T11:00",
        "APPROVAL_OVERDUE RAISED NOTICE 2025-10-09T00:00",
        "APPROVAL_OVERDUE ESCALATED YELLOW 2025-10-10T00:00",
        "APPROVAL_OVERDUE ESCALATED RED 2025-10-16T00:00");
  }
}
