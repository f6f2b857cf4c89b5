package org.probity.jobs.rules.procurement;

import static org.assertj.core.api.Assertions.assertThat;
import static org.probity.jobs.rules.procurement.ProcurementEvents.DAY;
import static org.probity.jobs.rules.procurement.ProcurementEvents.feed;
import static org.probity.jobs.rules.procurement.ProcurementEvents.ids;

import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
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

class CategoryYearSplitTest {
  private static final long T = 200_000_000L;
  private final ProcurementEvents events = new ProcurementEvents();
  private final long march = Instant.parse("2025-03-03T02:00:00Z").toEpochMilli();
  private int procurements;
  private int suppliers;

  private static ProbityConfig config(int fiscalYearStartMonth) {
    return RulesFile.parse("""
        parameters: {procurement: {fiscalYearStartMonth: %d}}
        units:
          - {id: U01}
          - {id: U07, categoryTenderThresholdsFen: {工程施工: 400000000}}
        """.formatted(fiscalYearStartMonth), "test.yaml");
  }

  private static KeyedOneInputStreamOperatorTestHarness<String, ProcurementEvent, Alert> open(ProbityConfig config)
      throws Exception {
    return RuleHarness.open(new CategoryYearSplit(config),
        e -> SplitPurchaseRule.categoryYearKey(e, config.zone(), config.procurement().fiscalYearStartMonth()),
        ProcurementEvent.class);
  }

  /** An order to a fresh supplier each time: only the category sum can add up. */
  private ProcurementEvent order(String unit, String category, long amount, ProcurementMethod method, long time) {
    return events.order("PR-" + ++procurements, unit, "SUP-" + ++suppliers, category, amount, method, time);
  }

  private ProcurementEvent order(long amount, long time) {
    return order("U01", "家具", amount, ProcurementMethod.INQUIRY, time);
  }


  @Test
  void aCategoryThatReachesTheThresholdOnItsThirdOrderRaisesOnceThenEscalates() throws Exception {
    var harness = open(config(1));
    ProcurementEvent o1 = order(80_000_000, march);
    ProcurementEvent o2 = order(70_000_000, march + 60 * DAY);
    ProcurementEvent o3 = order(50_000_000, march + 120 * DAY);
    ProcurementEvent o4 = order(1_000_000, march + 200 * DAY);
    feed(harness, o1, o2);
    harness.processWatermark(march + 60 * DAY);
    assertThat(harness.extractOutputValues()).isEmpty();
    feed(harness, o3, o4);
    harness.processWatermark(march + 200 * DAY);
    List<Alert> alerts = harness.extractOutputValues();

    assertThat(alerts).extracting(Alert::getStatus).containsExactly(AlertStatus.RAISED, AlertStatus.ESCALATED);
    assertThat(alerts).extracting(Alert::getSeverity).containsExactly(Severity.YELLOW, Severity.RED);
    Alert raised = alerts.get(0);
    assertThat(raised.getReason()).isEqualTo("SAME_CATEGORY_YEAR");
    assertThat(raised.getSubjectType()).isEqualTo(SubjectType.CATEGORY);
    assertThat(raised.getSubjectId()).isEqualTo("家具/2025");
    assertThat(raised.getAlertId()).isEqualTo(Alerts.alertId(RuleId.PROCUREMENT_SPLIT_PURCHASE, "SAME_CATEGORY_YEAR", raised.getUnitId(),
        SubjectType.CATEGORY, "家具/2025", null));
    assertThat(alerts.get(1).getAlertId()).isEqualTo(raised.getAlertId());
    assertThat(raised.getAmountFen()).isEqualTo(T);
    assertThat(raised.getEventTime()).isEqualTo(o3.getEventTime());
    assertThat(raised.getEvidence()).containsExactlyElementsOf(ids(o1, o2, o3));
    assertThat(raised.getPersonIds()).containsExactly("U01-B1");
    assertThat(raised.getMessage()).contains("2025").contains("家具").contains("第二十八条");
    assertThat(alerts.get(1).getEvidence()).containsExactlyElementsOf(ids(o1, o2, o3, o4));
    assertThat(alerts.get(1).getAmountFen()).isEqualTo(T + 1_000_000);
    assertThat(alerts.get(1).getEventTime()).isEqualTo(o4.getEventTime());
  }

  @Test
  void oneFenUnderTheThresholdIsClean() throws Exception {
    var harness = open(config(1));
    feed(harness, order(100_000_000, march), order(99_999_999, march + DAY));
    harness.processWatermark(march + DAY);
    assertThat(harness.extractOutputValues()).isEmpty();
  }

  @Test
  void ordersEitherSideOfNewYearAreTwoYears() throws Exception {
    var harness = open(config(1));
    // 23:59:59 and 00:00 in the rules file's zone (+08:00), which are the same UTC day.
    ProcurementEvent december = order(150_000_000, Instant.parse("2025-12-31T15:59:59Z").toEpochMilli());
    ProcurementEvent january = order(150_000_000, Instant.parse("2025-12-31T16:00:00Z").toEpochMilli());
    feed(harness, december, january);
    harness.processWatermark(january.getEventTime().toEpochMilli());
    assertThat(harness.extractOutputValues()).isEmpty();

    ProcurementEvent secondJanuary = order(60_000_000, january.getEventTime().toEpochMilli() + DAY);
    feed(harness, secondJanuary);
    harness.processWatermark(secondJanuary.getEventTime().toEpochMilli());
    assertThat(harness.extractOutputValues()).singleElement()
        .satisfies(a -> assertThat(a.getSubjectId()).isEqualTo("家具/2026"))
        .satisfies(a -> assertThat(a.getEvidence()).containsExactlyElementsOf(ids(january, secondJanuary)));
  }

  @Test
  void aFiscalYearFromAprilSpansTwoCalendarYears() throws Exception {
    var harness = open(config(4));
    ProcurementEvent march2025 = order(150_000_000, march);
    ProcurementEvent april2025 = order(150_000_000, Instant.parse("2025-03-31T16:00:00Z").toEpochMilli());
    ProcurementEvent february2026 = order(60_000_000, Instant.parse("2026-02-10T02:00:00Z").toEpochMilli());
    feed(harness, march2025, april2025, february2026);
    harness.processWatermark(february2026.getEventTime().toEpochMilli());
    assertThat(harness.extractOutputValues()).singleElement()
        .satisfies(a -> assertThat(a.getSubjectId()).isEqualTo("家具/2025-2026"))
        .satisfies(a -> assertThat(a.getEvidence()).containsExactlyElementsOf(ids(april2025, february2026)));
  }

  @Test
  void tenderedOrdersAndOrdersAtTheThresholdDoNotCount() throws Exception {
    var harness = open(config(1));
    feed(harness,
        order(150_000_000, march),
        order("U01", "家具", 150_000_000, ProcurementMethod.OPEN_TENDER, march + DAY),
        order("U01", "家具", 150_000_000, ProcurementMethod.INVITED_TENDER, march + 2 * DAY),
        order(T, march + 3 * DAY));
    harness.processWatermark(march + 3 * DAY);
    assertThat(harness.extractOutputValues()).isEmpty();
  }

  @Test
  void unitsAndCategoriesAreSeparateAndEachCategoryHasItsOwnThreshold() throws Exception {
    var harness = open(config(1));
    feed(harness,
        order("U01", "家具", 150_000_000, ProcurementMethod.DIRECT, march),
        order("U01", "办公设备", 150_000_000, ProcurementMethod.DIRECT, march + DAY),
        order("U02", "家具", 150_000_000, ProcurementMethod.DIRECT, march + 2 * DAY),
        order("U07", "工程施工", 250_000_000, ProcurementMethod.DIRECT, march + 3 * DAY),
        order("U07", "工程施工", 140_000_000, ProcurementMethod.DIRECT, march + 4 * DAY));
    harness.processWatermark(march + 5 * DAY);
    assertThat(harness.extractOutputValues()).as("390 of U07's 400 for works").isEmpty();
    feed(harness, order("U07", "工程施工", 10_000_000, ProcurementMethod.DIRECT, march + 6 * DAY));
    harness.processWatermark(march + 6 * DAY);
    assertThat(harness.extractOutputValues()).extracting(Alert::getSubjectId).containsExactly("工程施工/2025");
  }

  @Test
  void stateAndTimersFallToZeroAGracePeriodAfterTheYearEnds() throws Exception {
    ProbityConfig config = config(1);
    var harness = open(config);
    feed(harness, order(150_000_000, march), order(60_000_000, march + DAY));
    harness.processWatermark(march + DAY);
    assertThat(harness.extractOutputValues()).hasSize(1);
    assertThat(harness.numEventTimeTimers()).isEqualTo(1);

    long yearEnd = Instant.parse("2025-12-31T16:00:00Z").toEpochMilli();
    long grace = config.procurement().yearEndGraceDays() * DAY;
    ProcurementEvent lateButInGrace = order(1_000_000, yearEnd - DAY);
    harness.processWatermark(yearEnd + grace - 1);
    feed(harness, lateButInGrace);
    assertThat(harness.extractOutputValues()).as("a late order of the year still escalates")
        .extracting(Alert::getStatus).containsExactly(AlertStatus.RAISED, AlertStatus.ESCALATED);
    assertThat(harness.numKeyedStateEntries()).isPositive();

    harness.processWatermark(yearEnd + grace);
    assertThat(harness.numKeyedStateEntries()).isZero();
    assertThat(harness.numEventTimeTimers()).isZero();
  }

  @Test
  void anOrderWithoutCategoryIsSkippedAndLeavesNoState() throws Exception {
    var harness = open(config(1));
    feed(harness, order("U01", null, 150_000_000, ProcurementMethod.DIRECT, march),
        order("U01", null, 150_000_000, ProcurementMethod.DIRECT, march + DAY));
    harness.processWatermark(march + DAY);
    assertThat(harness.extractOutputValues()).isEmpty();
    assertThat(harness.numKeyedStateEntries()).isZero();
    assertThat(harness.numEventTimeTimers()).isZero();
  }

  @Test
  void fiscalYearLabelsAndEnds() {
    var zone = ZoneId.of("Asia/Shanghai");
    FiscalYear calendar = FiscalYear.of(Instant.parse("2025-12-31T16:00:00Z"), zone, 1);
    assertThat(calendar.label()).isEqualTo("2026");
    assertThat(calendar.end(zone)).isEqualTo(Instant.parse("2026-12-31T16:00:00Z"));
    FiscalYear april = FiscalYear.of(Instant.parse("2026-03-31T15:59:59Z"), zone, 4);
    assertThat(april.label()).isEqualTo("2025-2026");
    assertThat(april.end(zone)).isEqualTo(Instant.parse("2026-03-31T16:00:00Z"));
  }
}
