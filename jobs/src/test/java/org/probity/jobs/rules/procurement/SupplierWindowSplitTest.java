package org.probity.jobs.rules.procurement;

import static org.assertj.core.api.Assertions.assertThat;
import static org.probity.jobs.rules.procurement.ProcurementEvents.DAY;
import static org.probity.jobs.rules.procurement.ProcurementEvents.feed;
import static org.probity.jobs.rules.procurement.ProcurementEvents.ids;

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
import org.probity.schema.ProcurementMethod;
import org.probity.schema.Severity;
import org.probity.schema.SubjectType;

class SupplierWindowSplitTest {
  private static final long T = 200_000_000L;
  private static final ProcurementMethod DIRECT = ProcurementMethod.DIRECT;
  private final ProbityConfig config = RulesFile.parse("""
      units:
        - {id: U01}
        - {id: U07, tenderThresholdFen: 100000000, categoryTenderThresholdsFen: {工程施工: 150000000}}
      """, "test.yaml");
  private final ProcurementEvents events = new ProcurementEvents();
  private final long t0 = Instant.parse("2025-09-01T02:00:00Z").toEpochMilli();
  private KeyedOneInputStreamOperatorTestHarness<String, ProcurementEvent, Alert> harness;
  private int procurements;

  @BeforeEach
  void open() throws Exception {
    harness = RuleHarness.open(new SupplierWindowSplit(config), SplitPurchaseRule::supplierKey,
        ProcurementEvent.class);
  }

  private ProcurementEvent order(long amount, long time) {
    return order("U01", "SUP-1", "家具", amount, DIRECT, time);
  }

  private ProcurementEvent order(String unit, String supplier, String category, long amount, ProcurementMethod method,
      long time) {
    return events.order("PR-" + ++procurements, unit, supplier, category, amount, method, time);
  }

  private List<Alert> alertsAfter(long watermark) throws Exception {
    harness.processWatermark(watermark);
    return harness.extractOutputValues();
  }


  @Test
  void aGroupThatCrossesTheThresholdOnItsThirdOrderRaisesOnce() throws Exception {
    ProcurementEvent o1 = order(80_000_000, t0);
    ProcurementEvent o2 = order(70_000_000, t0 + 5 * DAY);
    feed(harness, o1, o2);
    assertThat(alertsAfter(t0 + 5 * DAY)).as("150 of 200: under the threshold").isEmpty();

    ProcurementEvent o3 = order(60_000_000, t0 + 10 * DAY);
    feed(harness, o3);
    List<Alert> alerts = alertsAfter(t0 + 10 * DAY);
    assertThat(alerts).hasSize(1);
    Alert a = alerts.get(0);
    assertThat(a.getRuleId()).isEqualTo("PROCUREMENT_SPLIT_PURCHASE");
    assertThat(a.getReason()).isEqualTo("SAME_SUPPLIER_WINDOW");
    assertThat(a.getStatus()).isEqualTo(AlertStatus.RAISED);
    assertThat(a.getSeverity()).isEqualTo(Severity.YELLOW);
    assertThat(a.getUnitId()).isEqualTo("U01");
    assertThat(a.getSubjectType()).isEqualTo(SubjectType.SUPPLIER);
    assertThat(a.getSubjectId()).isEqualTo("SUP-1");
    assertThat(a.getAlertId()).isEqualTo(Alerts.alertId(RuleId.PROCUREMENT_SPLIT_PURCHASE, "SAME_SUPPLIER_WINDOW", a.getUnitId(),
        SubjectType.SUPPLIER, "SUP-1", o1.getEventId()));
    assertThat(a.getEvidence()).containsExactlyElementsOf(ids(o1, o2, o3));
    assertThat(a.getAmountFen()).isEqualTo(210_000_000L);
    assertThat(a.getEventTime()).isEqualTo(o3.getEventTime());
    assertThat(a.getPersonIds()).containsExactly("U01-B1");
    assertThat(a.getMessage()).contains("SUP-1").contains("¥2,100,000.00").contains("¥2,000,000.00");
  }

  @Test
  void ordersExactlyAtTheThresholdTogetherRaiseAndOneFenLessDoesNot() throws Exception {
    feed(harness, order(100_000_000, t0), order(100_000_000, t0 + DAY));
    assertThat(alertsAfter(t0 + DAY)).hasSize(1).allSatisfy(a -> assertThat(a.getAmountFen()).isEqualTo(T));

    feed(harness, order("U01", "SUP-2", "家具", 100_000_000, DIRECT, t0),
        order("U01", "SUP-2", "家具", 99_999_999, DIRECT, t0 + DAY));
    assertThat(alertsAfter(t0 + 2 * DAY)).extracting(Alert::getSubjectId).containsExactly("SUP-1");
  }

  @Test
  void ordersThatStraddleTheWindowEdgeAreNotOneWindow() throws Exception {
    // (t − 30 days, t]: an order exactly 30 days earlier is outside, one millisecond later is inside.
    feed(harness, order(150_000_000, t0), order(150_000_000, t0 + 30 * DAY));
    feed(harness, order("U01", "SUP-2", "家具", 150_000_000, DIRECT, t0),
        order("U01", "SUP-2", "家具", 150_000_000, DIRECT, t0 + 30 * DAY - 1));
    assertThat(alertsAfter(t0 + 31 * DAY)).extracting(Alert::getSubjectId).containsExactly("SUP-2");
  }

  @Test
  void tenderedOrdersAndOrdersAtTheThresholdDoNotCount() throws Exception {
    feed(harness,
        order(120_000_000, t0),
        order("U01", "SUP-1", "家具", 120_000_000, ProcurementMethod.INVITED_TENDER, t0 + DAY),
        order("U01", "SUP-1", "家具", 150_000_000, ProcurementMethod.OPEN_TENDER, t0 + 2 * DAY),
        // At the threshold: PROCUREMENT_TENDER_BYPASS's business, not part of a split.
        order(T, t0 + 3 * DAY),
        order(T + 1, t0 + 4 * DAY));
    assertThat(alertsAfter(t0 + 5 * DAY)).isEmpty();

    ProcurementEvent tipping = order(80_000_000, t0 + 6 * DAY);
    feed(harness, tipping);
    List<Alert> alerts = alertsAfter(t0 + 6 * DAY);
    assertThat(alerts).hasSize(1);
    assertThat(alerts.get(0).getEvidence()).hasSize(2).endsWith(tipping.getEventId());
    assertThat(alerts.get(0).getAmountFen()).isEqualTo(T);
  }

  @Test
  void laterOrdersOfTheGroupEscalateItWithTheLargerEvidence() throws Exception {
    ProcurementEvent o1 = order(120_000_000, t0);
    ProcurementEvent o2 = order(100_000_000, t0 + 10 * DAY);
    ProcurementEvent o3 = order(10_000_000, t0 + 20 * DAY);
    // Window (15, 45] holds o3 + o4 = 20: no violation, no escalation. Window (18, 48] holds o3, o4, o5 = 200,
    // and o3 is the group's last violating order: the same group again.
    ProcurementEvent o4 = order(10_000_000, t0 + 45 * DAY);
    ProcurementEvent o5 = order(180_000_000, t0 + 48 * DAY);
    feed(harness, o1, o2, o3, o4, o5);
    List<Alert> alerts = alertsAfter(t0 + 48 * DAY);

    assertThat(alerts).extracting(Alert::getStatus)
        .containsExactly(AlertStatus.RAISED, AlertStatus.ESCALATED, AlertStatus.ESCALATED);
    assertThat(alerts).extracting(Alert::getAlertId).containsOnly(alerts.get(0).getAlertId());
    assertThat(alerts).extracting(Alert::getSeverity).containsExactly(Severity.YELLOW, Severity.RED, Severity.RED);
    assertThat(alerts.get(0).getEvidence()).containsExactlyElementsOf(ids(o1, o2));
    assertThat(alerts.get(1).getEvidence()).containsExactlyElementsOf(ids(o1, o2, o3));
    assertThat(alerts.get(2).getEvidence()).containsExactlyElementsOf(ids(o1, o2, o3, o4, o5));
    assertThat(alerts).extracting(Alert::getAmountFen).containsExactly(220_000_000L, 230_000_000L, 420_000_000L);
    assertThat(alerts).extracting(Alert::getEventTime)
        .containsExactly(o2.getEventTime(), o3.getEventTime(), o5.getEventTime());
  }

  @Test
  void aGroupClosesAfterAQuietWindowAndTheNextIsANewAlert() throws Exception {
    ProcurementEvent a1 = order(120_000_000, t0);
    ProcurementEvent a2 = order(100_000_000, t0 + 5 * DAY);
    // 30 days after the group's last order every order that proved it has left the window.
    ProcurementEvent b1 = order(120_000_000, t0 + 35 * DAY);
    ProcurementEvent b2 = order(100_000_000, t0 + 40 * DAY);
    feed(harness, a1, a2, b1, b2);
    List<Alert> alerts = alertsAfter(t0 + 40 * DAY);

    assertThat(alerts).extracting(Alert::getStatus).containsExactly(AlertStatus.RAISED, AlertStatus.RAISED);
    assertThat(alerts.get(1).getAlertId()).isNotEqualTo(alerts.get(0).getAlertId());
    assertThat(alerts.get(1).getAlertId()).isEqualTo(Alerts.alertId(RuleId.PROCUREMENT_SPLIT_PURCHASE,
        "SAME_SUPPLIER_WINDOW", alerts.get(1).getUnitId(), SubjectType.SUPPLIER, "SUP-1", b1.getEventId()));
    assertThat(alerts.get(1).getEvidence()).containsExactlyElementsOf(ids(b1, b2));
  }

  @Test
  void anOrderStillInsideTheGroupsLastWindowExtendsTheGroup() throws Exception {
    ProcurementEvent a1 = order(120_000_000, t0);
    ProcurementEvent a2 = order(100_000_000, t0 + 5 * DAY);
    // Window (4, 34]: a2 + b1 = 220, and a2 is the group's last order: the same group.
    ProcurementEvent b1 = order(120_000_000, t0 + 34 * DAY);
    feed(harness, a1, a2, b1);
    List<Alert> alerts = alertsAfter(t0 + 34 * DAY);
    assertThat(alerts).extracting(Alert::getStatus).containsExactly(AlertStatus.RAISED, AlertStatus.ESCALATED);
    assertThat(alerts.get(1).getEvidence()).containsExactlyElementsOf(ids(a1, a2, b1));
  }

  @Test
  void unitsAndSuppliersAreSeparateGroups() throws Exception {
    feed(harness,
        order("U01", "SUP-1", "家具", 120_000_000, DIRECT, t0),
        order("U01", "SUP-2", "家具", 120_000_000, DIRECT, t0 + DAY),
        order("U02", "SUP-1", "家具", 120_000_000, DIRECT, t0 + 2 * DAY));
    assertThat(alertsAfter(t0 + 3 * DAY)).isEmpty();
  }

  @Test
  void aWindowIsHeldToTheLowestThresholdAmongItsOrders() throws Exception {
    // U07: 工程施工 150, everything else 100. 90 of works is under its own 150 and each order is under its own threshold.
    feed(harness,
        order("U07", "SUP-1", "工程施工", 90_000_000, DIRECT, t0),
        order("U07", "SUP-1", "工程施工", 50_000_000, DIRECT, t0 + DAY));
    assertThat(alertsAfter(t0 + DAY)).as("140 < 150").isEmpty();
    feed(harness, order("U07", "SUP-1", "家具", 10_000_000, DIRECT, t0 + 2 * DAY));
    List<Alert> alerts = alertsAfter(t0 + 2 * DAY);
    assertThat(alerts).as("150 ≥ 100, the furniture threshold").hasSize(1);
    assertThat(alerts.get(0).getMessage()).contains("¥1,000,000.00");
  }

  @Test
  void aLongHistoryNeverAddsUpBecauseEachOrderLeavesTheWindowOnTime() throws Exception {
    // A daily order of T / 30.5: the 30 in any window stay under T, 31 would reach it.
    long daily = 6_557_377;
    assertThat(30 * daily).isLessThan(T);
    assertThat(31 * daily).isGreaterThanOrEqualTo(T);
    for (int d = 0; d < 1000; d++) {
      feed(harness, order(daily, t0 + d * DAY));
      harness.processWatermark(t0 + d * DAY);
    }
    assertThat(harness.extractOutputValues()).isEmpty();
    feed(harness, order(daily, t0 + 999 * DAY + 1));
    assertThat(alertsAfter(t0 + 999 * DAY + 1)).as("a 31st order inside the window").hasSize(1)
        .allSatisfy(a -> assertThat(a.getEvidence()).hasSize(31));
  }

  @Test
  void stateAndTimersFallToZeroWhenTheKeyIsQuiet() throws Exception {
    ProcurementEvent last = order(100_000_000, t0 + 10 * DAY);
    feed(harness, order(120_000_000, t0), last);
    harness.processWatermark(t0 + 10 * DAY);
    assertThat(harness.extractOutputValues()).hasSize(1);
    assertThat(harness.numKeyedStateEntries()).isPositive();
    assertThat(harness.numEventTimeTimers()).isEqualTo(1);

    harness.processWatermark(last.getEventTime().toEpochMilli() + 30 * DAY - 1);
    assertThat(harness.numKeyedStateEntries()).isPositive();
    harness.processWatermark(last.getEventTime().toEpochMilli() + 30 * DAY);
    assertThat(harness.numKeyedStateEntries()).isZero();
    assertThat(harness.numEventTimeTimers()).isZero();
  }

  @Test
  void nonCountableOrdersLeaveNoState() throws Exception {
    feed(harness, order("U01", "SUP-1", "家具", T, ProcurementMethod.OPEN_TENDER, t0), order(T, t0 + 1));
    harness.processWatermark(t0 + 1);
    assertThat(harness.numKeyedStateEntries()).isZero();
    assertThat(harness.numEventTimeTimers()).isZero();
  }

  @Test
  void aLateOrderIsJudgedNotDropped() throws Exception {
    feed(harness, order(120_000_000, t0 + DAY));
    harness.processWatermark(t0 + 2 * DAY);
    ProcurementEvent late = order(100_000_000, t0);
    feed(harness, late);
    List<Alert> alerts = harness.extractOutputValues();
    assertThat(alerts).hasSize(1);
    assertThat(alerts.get(0).getEvidence()).contains(late.getEventId());
  }

  @Test
  void outOfOrderArrivalGivesTheSameAlertsAsInOrder() throws Exception {
    ProcurementEvent o1 = order(120_000_000, t0);
    ProcurementEvent o2 = order(100_000_000, t0 + DAY);
    ProcurementEvent o3 = order(10_000_000, t0 + 2 * DAY);
    feed(harness, o3, o1, o2);
    List<Alert> alerts = alertsAfter(t0 + 2 * DAY);
    assertThat(alerts).extracting(Alert::getStatus).containsExactly(AlertStatus.RAISED, AlertStatus.ESCALATED);
    assertThat(alerts.get(0).getEvidence()).containsExactlyElementsOf(ids(o1, o2));
  }
}
