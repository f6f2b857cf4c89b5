package org.probity.jobs.rules.approval;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.util.KeyedTwoInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;
import org.probity.jobs.calendar.WorkingDayCalendar;
import org.probity.jobs.config.ProbityConfig;
import org.probity.jobs.config.RulesFile;
import org.probity.jobs.rules.SubjectStage;
import org.probity.jobs.versions.RulesHistory;
import org.probity.schema.Alert;
import org.probity.schema.AlertStatus;
import org.probity.schema.ApprovalAction;
import org.probity.schema.ApprovalEvent;
import org.probity.schema.RulesVersion;
import org.probity.schema.Severity;

/**
 * A version that moves an open case's ladder (seven working days' notice instead of one), taking
 * effect while the case runs, in the case stage with the rules topic as its second input: the
 * notice the new version places before its instant is raised at that instant, one it places after
 * at its own; every step after it says version 2; state and timers go with the case.
 */
class RulesChangeOnOpenCasesTest {
  static final String V1 = CaseHarness.RULES + "parameters: {approval: {noticeWorkingDays: 1}}\n";
  static final String V2 = CaseHarness.RULES + "parameters: {approval: {noticeWorkingDays: 7}}\n";
  static final ProbityConfig START = RulesFile.parse(V1, "v1");

  /** The case stage with version 1 at start; versions arrive on the second input. */
  private static KeyedTwoInputStreamOperatorTestHarness<String, ApprovalEvent, RulesVersion, Alert> stage()
      throws Exception {
    SubjectStage<ApprovalEvent, Alert> stage = SubjectStage.<ApprovalEvent, Alert>of(ApprovalEvent.class)
        .rule(new ApprovalCaseFunction(START, WorkingDayCalendar.of(START)))
        .versioned(RulesHistory.startingWith(START, V1), config -> SubjectStage.<ApprovalEvent, Alert>of(
            ApprovalEvent.class).rule(new ApprovalCaseFunction(config, WorkingDayCalendar.of(config))))
        .build();
    var h = new KeyedTwoInputStreamOperatorTestHarness<>(stage, ApprovalEvent::getCaseId, v -> "rules", Types.STRING);
    ((SerializerConfigImpl) h.getExecutionConfig().getSerializerConfig()).setGenericTypes(false);
    h.open();
    return h;
  }

  private static RulesVersion v2(String effectiveFrom) {
    return v2(CaseHarness.instant(effectiveFrom));
  }

  private static RulesVersion v2(Instant effectiveFrom) {
    return RulesVersion.newBuilder().setVersion(2).setAuthor("wang").setComment("七个工作日预警")
        .setEffectiveFrom(effectiveFrom).setPublishedAt(Instant.EPOCH).setRules(V2).build();
  }

  /** Case C1 of the 20-working-day item received on Monday 2025-09-01, never decided, to {@code until}. */
  private static List<Alert> undecided(RulesVersion version, String until) throws Exception {
    CaseHarness events = new CaseHarness();
    try (var h = stage()) {
      if (version != null) {
        h.processElement2(version, 0);
      }
      ApprovalEvent received = events.event("C1", "ITEM-20", ApprovalAction.RECEIVED, "2025-09-01T09:00", "C1");
      h.processElement1(received, received.getEventTime().toEpochMilli());
      h.processWatermark1(new Watermark(CaseHarness.millis(until)));
      return h.extractOutputValues();
    }
  }

  private static Alert notice(List<Alert> alerts) {
    return alerts.stream().filter(a -> a.getSeverity() == Severity.NOTICE && a.getStatus() == AlertStatus.RAISED)
        .findFirst().orElseThrow();
  }

  @Test
  void aNoticeTheNewVersionPlacesBeforeItsInstantIsRaisedThenAndOneAfterAtItsOwn() throws Exception {
    List<Alert> underV1 = undecided(null, "2025-10-31T00:00");
    Instant byV1 = notice(underV1).getEventTime();
    Instant yellowByV1 = underV1.stream().filter(a -> a.getSeverity() == Severity.YELLOW).findFirst().orElseThrow()
        .getEventTime();
    RulesVersion early = v2("2025-09-01T10:00");
    Instant byV2 = notice(undecided(early, "2025-10-31T00:00")).getEventTime();
    assertThat(byV2).as("seven working days' notice comes earlier").isBefore(byV1);

    List<Alert> fromTheStart = undecided(early, "2025-10-31T00:00");
    assertThat(fromTheStart).allSatisfy(a -> assertThat(a.getRulesVersion()).isEqualTo(2));

    // In force between the two notices: the case is inside the new notice window from its instant on.
    String between = "2025-09-22T12:00";
    assertThat(CaseHarness.instant(between)).isAfter(byV2).isBefore(byV1);
    List<Alert> changed = undecided(v2(between), "2025-10-31T00:00");
    Alert raised = notice(changed);
    assertThat(raised.getEventTime()).isEqualTo(CaseHarness.instant(between));
    assertThat(raised.getRulesVersion()).isEqualTo(2);
    assertThat(changed).extracting(Alert::getSeverity, Alert::getStatus).containsExactly(
        org.assertj.core.groups.Tuple.tuple(Severity.NOTICE, AlertStatus.RAISED),
        org.assertj.core.groups.Tuple.tuple(Severity.YELLOW, AlertStatus.ESCALATED),
        org.assertj.core.groups.Tuple.tuple(Severity.RED, AlertStatus.ESCALATED));
    assertThat(changed).allSatisfy(a -> assertThat(a.getRulesVersion()).isEqualTo(2));

    // In force after version 1's notice: that notice stands, version 2 judges the rest.
    Instant afterTheNotice = byV1.plus(java.time.Duration.between(byV1, yellowByV1).dividedBy(2));
    List<Alert> late = undecided(v2(afterTheNotice), "2025-10-31T00:00");
    assertThat(notice(late).getEventTime()).isEqualTo(byV1);
    assertThat(notice(late).getRulesVersion()).isEqualTo(1);
    assertThat(late).filteredOn(a -> a.getSeverity() != Severity.NOTICE)
        .allSatisfy(a -> assertThat(a.getRulesVersion()).isEqualTo(2));
  }

  @Test
  void aDecidedCaseLeavesNoStateAndNoTimerUnderTheNewVersion() throws Exception {
    CaseHarness events = new CaseHarness();
    try (var h = stage()) {
      h.processElement2(v2("2025-09-05T00:00"), 0);
      for (var e : List.of(
          events.event("C1", "ITEM-20", ApprovalAction.RECEIVED, "2025-09-01T09:00", "C1"),
          events.event("C1", "ITEM-20", ApprovalAction.REVIEWED, "2025-09-08T09:00", "R1"),
          events.event("C1", "ITEM-20", ApprovalAction.APPROVED, "2025-09-09T09:00", "A1"),
          events.event("C1", "ITEM-20", ApprovalAction.COMPLETED, "2025-09-10T09:00", "C1"))) {
        h.processElement1(e, e.getEventTime().toEpochMilli());
      }
      h.processWatermark1(new Watermark(CaseHarness.millis("2025-12-31T00:00")));
      assertThat(h.extractOutputValues()).isEmpty();
      assertThat(h.numKeyedStateEntries()).isZero();
      assertThat(h.numEventTimeTimers()).isZero();
    }
  }
}
