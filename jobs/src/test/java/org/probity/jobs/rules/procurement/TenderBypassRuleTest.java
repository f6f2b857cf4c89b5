package org.probity.jobs.rules.procurement;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.probity.jobs.config.ProbityConfig;
import org.probity.jobs.config.RulesFile;
import org.probity.jobs.testing.RuleHarness;
import org.probity.schema.Alert;
import org.probity.schema.AlertStatus;
import org.probity.schema.ProcurementAction;
import org.probity.schema.ProcurementEvent;
import org.probity.schema.ProcurementMethod;
import org.probity.schema.Severity;
import org.probity.schema.SubjectType;

class TenderBypassRuleTest {
  private static final long DAY = 86_400_000L;
  private static final long THRESHOLD = 200_000_000L;
  private final ProbityConfig config = RulesFile.parse("""
      units:
        - {id: U01}
        - {id: U07, tenderThresholdFen: 100000000, categoryTenderThresholdsFen: {工程施工: 150000000}}
      """, "test.yaml");
  private KeyedOneInputStreamOperatorTestHarness<String, ProcurementEvent, Alert> harness;
  private long t0 = Instant.parse("2025-09-01T01:00:00Z").toEpochMilli();
  private int seq;

  @BeforeEach
  void open() throws Exception {
    harness = RuleHarness.open(new TenderBypassRule.Detect(config), ProcurementEvent::getProcurementId, ProcurementEvent.class);
  }

  private ProcurementEvent order(String id, String unit, ProcurementAction action, long amount,
      ProcurementMethod method, long time) {
    return ProcurementEvent.newBuilder()
        .setEventId(String.format("E%03d", ++seq))
        .setEventTime(Instant.ofEpochMilli(time))
        .setUnitId(unit)
        .setProcurementId(id)
        .setAction(action)
        .setActorId("BUYER")
        .setSupplierId("SUP")
        .setCategory("家具")
        .setAmountFen(amount)
        .setMethod(method)
        .build();
  }

  private void feed(ProcurementEvent e) throws Exception {
    harness.processElement(e, e.getEventTime().toEpochMilli());
  }

  @Test
  void anOrderExactlyAtTheThresholdWithoutTenderIsAViolation() throws Exception {
    ProcurementEvent e = order("P1", "U01", ProcurementAction.ORDER_PLACED, THRESHOLD, ProcurementMethod.DIRECT, t0);
    feed(e);
    assertThat(harness.extractOutputValues()).as("waits for the watermark").isEmpty();
    harness.processWatermark(t0);
    List<Alert> alerts = harness.extractOutputValues();
    assertThat(alerts).hasSize(1);
    Alert a = alerts.get(0);
    assertThat(a.getRuleId()).isEqualTo("PROCUREMENT_TENDER_BYPASS");
    assertThat(a.getReason()).isEqualTo("NO_TENDER");
    assertThat(a.getSeverity()).isEqualTo(Severity.RED);
    assertThat(a.getStatus()).isEqualTo(AlertStatus.RAISED);
    assertThat(a.getSubjectType()).isEqualTo(SubjectType.PROCUREMENT);
    assertThat(a.getSubjectId()).isEqualTo("P1");
    assertThat(a.getUnitId()).isEqualTo("U01");
    assertThat(a.getEvidence()).containsExactly(e.getEventId());
    assertThat(a.getPersonIds()).containsExactly("BUYER");
    assertThat(a.getAmountFen()).isEqualTo(THRESHOLD);
    assertThat(a.getEventTime()).isEqualTo(e.getEventTime());
    assertThat(a.getMessage()).contains("¥2,000,000.00").contains("直接采购");
  }

  @Test
  void oneFenBelowTheThresholdIsClean() throws Exception {
    feed(order("P1", "U01", ProcurementAction.ORDER_PLACED, THRESHOLD - 1, ProcurementMethod.DIRECT, t0));
    harness.processWatermark(t0 + DAY);
    assertThat(harness.extractOutputValues()).isEmpty();
    assertThat(harness.numKeyedStateEntries()).isZero();
    assertThat(harness.numEventTimeTimers()).isZero();
  }

  @ParameterizedTest
  @EnumSource(value = ProcurementMethod.class, names = {"OPEN_TENDER", "INVITED_TENDER"})
  void tenderedProcurementsAreCleanAtAnyAmount(ProcurementMethod method) throws Exception {
    feed(order("P1", "U01", ProcurementAction.AWARDED, THRESHOLD * 10, method, t0));
    harness.processWatermark(t0 + DAY);
    assertThat(harness.extractOutputValues()).isEmpty();
  }

  @ParameterizedTest
  @EnumSource(value = ProcurementMethod.class, names = {"COMPETITIVE_NEGOTIATION", "INQUIRY", "SINGLE_SOURCE", "DIRECT"})
  void everyNonTenderMethodViolates(ProcurementMethod method) throws Exception {
    feed(order("P1", "U01", ProcurementAction.AWARDED, THRESHOLD, method, t0));
    harness.processWatermark(t0);
    assertThat(harness.extractOutputValues()).hasSize(1);
  }

  @Test
  void bidsAndChangeOrdersAreNotOrders() throws Exception {
    feed(order("P1", "U01", ProcurementAction.BID_SUBMITTED, THRESHOLD * 2, ProcurementMethod.DIRECT, t0));
    feed(order("P1", "U01", ProcurementAction.CHANGE_ORDER, THRESHOLD * 2, ProcurementMethod.DIRECT, t0 + 1));
    harness.processWatermark(t0 + DAY);
    assertThat(harness.extractOutputValues()).isEmpty();
  }

  @Test
  void unitAndCategoryThresholdsOverrideTheDefault() throws Exception {
    ProcurementEvent furniture = order("P1", "U07", ProcurementAction.ORDER_PLACED, 100_000_000L,
        ProcurementMethod.DIRECT, t0);
    ProcurementEvent works = order("P2", "U07", ProcurementAction.ORDER_PLACED, 149_999_999L,
        ProcurementMethod.DIRECT, t0);
    works.setCategory("工程施工");
    feed(furniture);
    feed(works);
    harness.processWatermark(t0);
    assertThat(harness.extractOutputValues()).extracting(Alert::getSubjectId).containsExactly("P1");
  }

  @Test
  void orderedThenAwardedIsOneAlertDatedByTheFirstEvenWhenTheyArriveReversed() throws Exception {
    ProcurementEvent ordered = order("P1", "U01", ProcurementAction.ORDER_PLACED, THRESHOLD, ProcurementMethod.DIRECT, t0);
    ProcurementEvent awarded = order("P1", "U01", ProcurementAction.AWARDED, THRESHOLD, ProcurementMethod.DIRECT,
        t0 + 3_600_000);
    feed(awarded);
    feed(ordered);
    harness.processWatermark(t0 + DAY);
    List<Alert> alerts = harness.extractOutputValues();
    assertThat(alerts).hasSize(1);
    assertThat(alerts.get(0).getEvidence()).containsExactly(ordered.getEventId());
    assertThat(alerts.get(0).getEventTime()).isEqualTo(ordered.getEventTime());
  }

  @Test
  void stateAndTimersAreGoneAfterTheRetention() throws Exception {
    feed(order("P1", "U01", ProcurementAction.ORDER_PLACED, THRESHOLD, ProcurementMethod.DIRECT, t0));
    harness.processWatermark(t0);
    assertThat(harness.numKeyedStateEntries()).isPositive();
    assertThat(harness.numEventTimeTimers()).isEqualTo(1);
    harness.processWatermark(t0 + config.procurement().procurementRetentionDays() * DAY);
    assertThat(harness.numKeyedStateEntries()).isZero();
    assertThat(harness.numEventTimeTimers()).isZero();
  }

  @Test
  void aLateEventIsStillJudgedNotDropped() throws Exception {
    harness.processWatermark(t0 + DAY);
    feed(order("P1", "U01", ProcurementAction.ORDER_PLACED, THRESHOLD, ProcurementMethod.DIRECT, t0));
    assertThat(harness.extractOutputValues()).hasSize(1);
  }

  @Test
  void theSameViolationAlwaysGetsTheSameAlertId() throws Exception {
    feed(order("P1", "U01", ProcurementAction.ORDER_PLACED, THRESHOLD, ProcurementMethod.DIRECT, t0));
    harness.processWatermark(t0);
    String first = harness.extractOutputValues().get(0).getAlertId();
    KeyedOneInputStreamOperatorTestHarness<String, ProcurementEvent, Alert> again =
        RuleHarness.open(new TenderBypassRule.Detect(config), ProcurementEvent::getProcurementId, ProcurementEvent.class);
    ProcurementEvent e = order("P1", "U01", ProcurementAction.ORDER_PLACED, THRESHOLD, ProcurementMethod.DIRECT, t0);
    again.processElement(e, t0);
    again.processWatermark(t0);
    assertThat(again.extractOutputValues().get(0).getAlertId()).isEqualTo(first);
  }
}
