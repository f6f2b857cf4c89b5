package org.probity.jobs.rules.conflict;

import static org.assertj.core.api.Assertions.assertThat;

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
import org.probity.schema.ProcurementAction;
import org.probity.schema.ProcurementEvent;
import org.probity.schema.ProcurementMethod;
import org.probity.schema.Severity;
import org.probity.schema.SubjectType;

class ProcurementConflictRuleTest {
  private static final long DAY = 86_400_000L;
  private final ProbityConfig config = RulesFile.parse("""
      units: [{id: U02}]
      relatedParties:
        - {personId: U02-B1, partyId: CO-0021, relation: 原工作单位}
        - {personId: U02-D, partyId: CO-0021, relation: 亲属任职}
      """, "test.yaml");
  private final long t0 = Instant.parse("2025-09-01T02:00:00Z").toEpochMilli();
  private KeyedOneInputStreamOperatorTestHarness<String, ProcurementEvent, Alert> harness;
  private int seq;

  @BeforeEach
  void open() throws Exception {
    harness = RuleHarness.open(new ProcurementConflictRule.Detect(config), ProcurementEvent::getProcurementId, ProcurementEvent.class);
  }

  private ProcurementEvent act(ProcurementAction action, String actor, String supplier, long time) {
    return ProcurementEvent.newBuilder()
        .setEventId(String.format("E%03d", ++seq))
        .setEventTime(Instant.ofEpochMilli(time))
        .setUnitId("U02")
        .setProcurementId("PR-1")
        .setAction(action)
        .setActorId(actor)
        .setSupplierId(supplier)
        .setCategory("家具")
        .setAmountFen(3_000_000L)
        .setMethod(ProcurementMethod.INQUIRY)
        .build();
  }

  private List<Alert> after(long watermark, ProcurementEvent... events) throws Exception {
    for (ProcurementEvent e : events) {
      harness.processElement(e, e.getEventTime().toEpochMilli());
    }
    harness.processWatermark(watermark);
    return harness.extractOutputValues();
  }

  @Test
  void aBuyerOrderingFromARelatedSupplierIsAConflict() throws Exception {
    ProcurementEvent order = act(ProcurementAction.ORDER_PLACED, "U02-B1", "CO-0021", t0);
    List<Alert> alerts = after(t0, order);
    assertThat(alerts).singleElement().satisfies(a -> {
      assertThat(a.getRuleId()).isEqualTo("CONFLICT_OF_INTEREST");
      assertThat(a.getReason()).isEqualTo("RELATED_PARTY");
      assertThat(a.getSeverity()).isEqualTo(Severity.RED);
      assertThat(a.getSubjectType()).isEqualTo(SubjectType.PROCUREMENT);
      assertThat(a.getSubjectId()).isEqualTo("PR-1");
      assertThat(a.getAlertId()).isEqualTo(Alerts.alertId(RuleId.CONFLICT_OF_INTEREST, "RELATED_PARTY", a.getUnitId(),
          SubjectType.PROCUREMENT, "PR-1", "U02-B1"));
      assertThat(a.getPersonIds()).containsExactly("U02-B1");
      assertThat(a.getEvidence()).containsExactly(order.getEventId());
      assertThat(a.getAmountFen()).isEqualTo(3_000_000L);
      assertThat(a.getEventTime()).isEqualTo(order.getEventTime());
      assertThat(a.getMessage()).contains("CO-0021").contains("回避");
    });
  }

  @Test
  void oneAlertPerOfficialDatedAtTheFirstActWhateverTheArrivalOrder() throws Exception {
    ProcurementEvent order = act(ProcurementAction.ORDER_PLACED, "U02-B1", "CO-0021", t0);
    ProcurementEvent award = act(ProcurementAction.AWARDED, "U02-B1", "CO-0021", t0 + DAY);
    ProcurementEvent deputyAward = act(ProcurementAction.AWARDED, "U02-D", "CO-0021", t0 + 2 * DAY);
    List<Alert> alerts = after(t0 + 2 * DAY, award, deputyAward, order);
    assertThat(alerts).extracting(Alert::getPersonIds).containsExactly(List.of("U02-B1"), List.of("U02-D"));
    assertThat(alerts.get(0).getEvidence()).containsExactly(order.getEventId());
    assertThat(alerts.get(1).getAlertId()).isNotEqualTo(alerts.get(0).getAlertId());
  }

  @Test
  void unrelatedOfficialsSuppliersAndOtherActionsAreNoConflict() throws Exception {
    ProcurementEvent bid = act(ProcurementAction.BID_SUBMITTED, "U02-B1", "CO-0021", t0 + 1);
    ProcurementEvent change = act(ProcurementAction.CHANGE_ORDER, "U02-B1", "CO-0021", t0 + 2);
    ProcurementEvent[] clean = {
        act(ProcurementAction.ORDER_PLACED, "U02-B2", "CO-0021", t0),
        act(ProcurementAction.ORDER_PLACED, "U02-B1", "CO-0013", t0),
        act(ProcurementAction.ORDER_PLACED, null, "CO-0021", t0),
        bid, change};
    for (ProcurementEvent e : clean) {
      assertThat(ProcurementConflictRule.conflicted(e, config.reference())).as(e.toString()).isFalse();
    }
    assertThat(after(t0 + DAY, clean)).isEmpty();
    assertThat(harness.numKeyedStateEntries()).isZero();
  }

  @Test
  void stateAndTimersFallToZeroARetentionAfterTheLastConflictedAct() throws Exception {
    long retention = config.procurement().procurementRetentionDays() * DAY;
    after(t0 + DAY, act(ProcurementAction.ORDER_PLACED, "U02-B1", "CO-0021", t0),
        act(ProcurementAction.AWARDED, "U02-B1", "CO-0021", t0 + DAY));
    harness.processWatermark(t0 + retention);
    assertThat(harness.numKeyedStateEntries()).isPositive();
    harness.processWatermark(t0 + DAY + retention);
    assertThat(harness.numKeyedStateEntries()).isZero();
    assertThat(harness.numEventTimeTimers()).isZero();
  }
}
