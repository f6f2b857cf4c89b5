package org.probity.jobs.rules.procurement;

import static org.assertj.core.api.Assertions.assertThat;
import static org.probity.jobs.rules.procurement.ProcurementEvents.DAY;
import static org.probity.jobs.rules.procurement.ProcurementEvents.feed;

import java.time.Instant;
import java.util.List;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.probity.jobs.alert.Alerts;
import org.probity.jobs.alert.RuleId;
import org.probity.jobs.config.ProbityConfig;
import org.probity.jobs.config.RulesFile;
import org.probity.jobs.testing.RuleHarness;
import org.probity.schema.Alert;
import org.probity.schema.AlertStatus;
import org.probity.schema.ProcurementEvent;
import org.probity.schema.Severity;
import org.probity.schema.SubjectType;

class ChangeOrdersRuleTest {
  private static final long AWARD = 1_000_000_000L;
  private final ProbityConfig config = RulesFile.parse("units: [{id: U01}]", "test.yaml");
  private final ProcurementEvents events = new ProcurementEvents();
  private final long t0 = Instant.parse("2025-09-01T02:00:00Z").toEpochMilli();
  private KeyedOneInputStreamOperatorTestHarness<String, ProcurementEvent, Alert> harness;

  @BeforeEach
  void open() throws Exception {
    harness = RuleHarness.open(new ChangeOrdersRule.Detect(config), ProcurementEvent::getProcurementId, ProcurementEvent.class);
  }

  private List<Alert> after(long watermark, ProcurementEvent... in) throws Exception {
    feed(harness, in);
    harness.processWatermark(watermark);
    return harness.extractOutputValues();
  }

  @Test
  void undecidedChangeOrdersPastTenPercentRaiseThenEscalate() throws Exception {
    ProcurementEvent award = events.awarded("PR-1", "CO-A", AWARD, t0);
    ProcurementEvent c1 = events.changeOrder("PR-1", 40_000_000, null, t0 + DAY);
    ProcurementEvent decided = events.changeOrder("PR-1", 300_000_000, "DEC-MTG-1", t0 + 2 * DAY);
    ProcurementEvent c2 = events.changeOrder("PR-1", 60_000_000, "", t0 + 3 * DAY);
    assertThat(after(t0 + 3 * DAY, award, c1, decided, c2)).as("exactly 10 % is not more than 10 %").isEmpty();

    ProcurementEvent c3 = events.changeOrder("PR-1", 1, null, t0 + 4 * DAY);
    ProcurementEvent decidedAfter = events.changeOrder("PR-1", 50_000_000, "DEC-MTG-2", t0 + 5 * DAY);
    ProcurementEvent c4 = events.changeOrder("PR-1", 5_000_000, null, t0 + 6 * DAY);
    List<Alert> alerts = after(t0 + 6 * DAY, c3, decidedAfter, c4);

    assertThat(alerts).extracting(Alert::getStatus).containsExactly(AlertStatus.RAISED, AlertStatus.ESCALATED);
    assertThat(alerts).extracting(Alert::getSeverity).containsExactly(Severity.YELLOW, Severity.RED);
    Alert raised = alerts.get(0);
    assertThat(raised.getRuleId()).isEqualTo("PROCUREMENT_CHANGE_ORDERS");
    assertThat(raised.getReason()).isEqualTo("CHANGE_OVER_LIMIT");
    assertThat(raised.getAlertId()).isEqualTo(Alerts.alertId(RuleId.PROCUREMENT_CHANGE_ORDERS, "CHANGE_OVER_LIMIT", raised.getUnitId(),
        SubjectType.PROCUREMENT, "PR-1", null)).isEqualTo(alerts.get(1).getAlertId());
    assertThat(raised.getSubjectType()).isEqualTo(SubjectType.PROCUREMENT);
    assertThat(raised.getEvidence()).containsExactly(award.getEventId(), c1.getEventId(), c2.getEventId(),
        c3.getEventId());
    assertThat(raised.getAmountFen()).isEqualTo(100_000_001L);
    assertThat(raised.getEventTime()).isEqualTo(c3.getEventTime());
    assertThat(raised.getPersonIds()).containsExactly("U01-D");
    assertThat(raised.getMessage()).contains("10%").contains("¥10,000,000.00");
    assertThat(alerts.get(1).getEvidence()).endsWith(c4.getEventId()).hasSize(5);
    assertThat(alerts.get(1).getAmountFen()).isEqualTo(105_000_001L);
    assertThat(alerts.get(1).getEventTime()).isEqualTo(c4.getEventTime());
  }

  @Test
  void changeOrdersBeforeTheAwardAreJudgedWhenTheAwardArrivesAndOnlyTheFirstAwardCounts() throws Exception {
    ProcurementEvent c1 = events.changeOrder("PR-1", 150_000_000, null, t0);
    ProcurementEvent award = events.awarded("PR-1", "CO-A", AWARD, t0 + DAY);
    ProcurementEvent reAward = events.awarded("PR-1", "CO-A", 10 * AWARD, t0 + 2 * DAY);
    List<Alert> alerts = after(t0 + 2 * DAY, c1, award, reAward);
    assertThat(alerts).singleElement().satisfies(a -> {
      assertThat(a.getEventTime()).isEqualTo(award.getEventTime());
      assertThat(a.getEvidence()).containsExactly(award.getEventId(), c1.getEventId());
    });
  }

  @Test
  void decidedChangeOrdersLeaveNoState() throws Exception {
    after(t0, events.changeOrder("PR-1", 500_000_000, "DEC-MTG-1", t0));
    assertThat(harness.numKeyedStateEntries()).isZero();
    assertThat(harness.numEventTimeTimers()).isZero();
  }

  @Test
  void stateAndTimersFallToZeroARetentionAfterTheLastEventAwardedOrNot() throws Exception {
    long retention = config.procurement().procurementRetentionDays() * DAY;
    after(t0 + 10 * DAY, events.awarded("PR-1", "CO-A", AWARD, t0),
        events.changeOrder("PR-1", 10_000_000, null, t0 + 10 * DAY),
        events.changeOrder("PR-2", 10_000_000, null, t0));
    harness.processWatermark(t0 + retention);
    assertThat(harness.numEventTimeTimers()).as("PR-1 still has its timer").isEqualTo(1);
    harness.processWatermark(t0 + 10 * DAY + retention);
    assertThat(harness.numKeyedStateEntries()).isZero();
    assertThat(harness.numEventTimeTimers()).isZero();
  }
}
