package org.probity.jobs.rules.procurement;

import static org.assertj.core.api.Assertions.assertThat;
import static org.probity.jobs.rules.procurement.ProcurementEvents.DAY;

import java.time.Instant;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.probity.jobs.config.ProcurementParameters;
import org.probity.jobs.testing.RuleHarness;
import org.probity.schema.ProcurementAction;
import org.probity.schema.ProcurementEvent;
import org.probity.schema.ProcurementMethod;

class FirstOrderOfProcurementTest {
  private final ProcurementEvents events = new ProcurementEvents();
  private final long t0 = Instant.parse("2025-09-01T02:00:00Z").toEpochMilli();
  private final long retention = ProcurementParameters.DEFAULTS.procurementRetentionDays() * DAY;
  private KeyedOneInputStreamOperatorTestHarness<String, ProcurementEvent, ProcurementEvent> harness;

  @BeforeEach
  void open() throws Exception {
    harness = RuleHarness.open(new FirstOrderOfProcurement(ProcurementParameters.DEFAULTS),
        ProcurementEvent::getProcurementId, ProcurementEvent.class);
  }

  private ProcurementEvent purchase(String procurementId, ProcurementAction action, long time) {
    ProcurementEvent e = events.order(procurementId, "U01", "SUP-1", "家具", 50_000_000, ProcurementMethod.DIRECT, time);
    e.setAction(action);
    return e;
  }

  private void feedAll(ProcurementEvent... in) throws Exception {
    for (ProcurementEvent e : in) {
      harness.processElement(e, e.getEventTime().toEpochMilli());
    }
  }

  @Test
  void anOrderThenItsAwardIsOnePurchaseStatedByTheEarlierEvenWhenTheyArriveReversed() throws Exception {
    ProcurementEvent ordered = purchase("PR-1", ProcurementAction.ORDER_PLACED, t0);
    ProcurementEvent awarded = purchase("PR-1", ProcurementAction.AWARDED, t0 + DAY);
    ProcurementEvent other = purchase("PR-2", ProcurementAction.AWARDED, t0 + DAY);
    feedAll(awarded, other, ordered);
    harness.processWatermark(t0 + DAY);
    assertThat(harness.extractOutputValues()).containsExactly(ordered, other);
  }

  @Test
  void theProcurementIsForgottenARetentionAfterItsLastOrderOrAward() throws Exception {
    feedAll(purchase("PR-1", ProcurementAction.ORDER_PLACED, t0),
        purchase("PR-1", ProcurementAction.AWARDED, t0 + 10 * DAY));
    harness.processWatermark(t0 + retention);
    assertThat(harness.numKeyedStateEntries()).as("the award extended it").isPositive();
    feedAll(purchase("PR-1", ProcurementAction.AWARDED, t0 + retention + 1));
    harness.processWatermark(t0 + 10 * DAY + retention + 1);
    assertThat(harness.extractOutputValues()).hasSize(1);
    harness.processWatermark(t0 + retention + 1 + retention);
    assertThat(harness.numKeyedStateEntries()).isZero();
    assertThat(harness.numEventTimeTimers()).isZero();
  }
}
