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
import org.probity.schema.Severity;
import org.probity.schema.SubjectType;

class BidRiggingRuleTest {
  private static final long MINUTE = 60_000L;
  private final ProbityConfig config = RulesFile.parse("units: [{id: U01}]", "test.yaml");
  private final ProcurementEvents events = new ProcurementEvents();
  private final long t0 = Instant.parse("2025-09-01T01:00:00Z").toEpochMilli();
  private final long openedAt = t0 + 120 * MINUTE;
  private KeyedOneInputStreamOperatorTestHarness<String, ProcurementEvent, Alert> harness;
  private int minute;

  @BeforeEach
  void open() throws Exception {
    harness = RuleHarness.open(new BidRiggingRule.Detect(config), ProcurementEvent::getProcurementId, ProcurementEvent.class);
  }

  /** A bid before the opening, a minute after the previous one. */
  private ProcurementEvent bid(String bidder, long amount, String fingerprint) {
    return events.bid("PR-1", bidder, amount, fingerprint, t0 + ++minute * MINUTE);
  }

  private List<Alert> openAndJudge(ProcurementEvent... bids) throws Exception {
    feed(harness, bids);
    feed(harness, events.opened("PR-1", openedAt));
    harness.processWatermark(openedAt);
    return harness.extractOutputValues();
  }


  @Test
  void twoBiddersOnOneDeviceShareAFingerprint() throws Exception {
    ProcurementEvent a = bid("CO-A", 100_000_000, "FP-1");
    ProcurementEvent b = bid("CO-B", 110_000_000, "FP-1");
    ProcurementEvent c = bid("CO-C", 121_000_000, "FP-2");
    List<Alert> alerts = openAndJudge(a, b, c);
    assertThat(alerts).hasSize(1);
    Alert alert = alerts.get(0);
    assertThat(alert.getRuleId()).isEqualTo("PROCUREMENT_BID_RIGGING");
    assertThat(alert.getReason()).isEqualTo("SHARED_FINGERPRINT");
    assertThat(alert.getSeverity()).isEqualTo(Severity.RED);
    assertThat(alert.getStatus()).isEqualTo(AlertStatus.RAISED);
    assertThat(alert.getSubjectType()).isEqualTo(SubjectType.PROCUREMENT);
    assertThat(alert.getSubjectId()).isEqualTo("PR-1");
    assertThat(alert.getAlertId()).isEqualTo(Alerts.alertId(RuleId.PROCUREMENT_BID_RIGGING, "SHARED_FINGERPRINT", alert.getUnitId(),
        SubjectType.PROCUREMENT, "PR-1", null));
    assertThat(alert.getEvidence()).containsExactlyElementsOf(ids(a, b));
    assertThat(alert.getAmountFen()).isEqualTo(100_000_000L);
    assertThat(alert.getPersonIds()).containsExactly("U01-D");
    assertThat(alert.getEventTime()).isEqualTo(Instant.ofEpochMilli(openedAt));
    assertThat(alert.getMessage()).contains("CO-A").contains("CO-B");
  }

  @Test
  void oneBidderResubmittingFromItsDeviceIsNotSharedButADeviceItLeftIs() throws Exception {
    ProcurementEvent a1 = bid("CO-A", 100_000_000, "FP-1");
    ProcurementEvent a2 = bid("CO-A", 104_000_000, "FP-1");
    ProcurementEvent c1 = bid("CO-C", 130_000_000, "FP-3");
    ProcurementEvent c2 = bid("CO-C", 120_000_000, "FP-9");
    ProcurementEvent b = bid("CO-B", 110_000_000, "FP-3");
    List<Alert> alerts = openAndJudge(a1, a2, c1, c2, b);
    assertThat(alerts).singleElement().satisfies(alert -> {
      assertThat(alert.getReason()).isEqualTo("SHARED_FINGERPRINT");
      assertThat(alert.getEvidence()).containsExactlyElementsOf(ids(c1, b));
    });
  }

  @Test
  void twoBiddersWithTheSameAmountAreIdenticalBids() throws Exception {
    ProcurementEvent a = bid("CO-A", 100_000_000, "FP-1");
    ProcurementEvent b = bid("CO-B", 110_000_000, "FP-2");
    ProcurementEvent c = bid("CO-C", 110_000_000, "FP-3");
    List<Alert> alerts = openAndJudge(a, b, c);
    assertThat(alerts).singleElement().satisfies(alert -> {
      assertThat(alert.getReason()).isEqualTo("IDENTICAL_BIDS");
      assertThat(alert.getSeverity()).isEqualTo(Severity.RED);
      assertThat(alert.getEvidence()).containsExactlyElementsOf(ids(b, c));
      assertThat(alert.getAmountFen()).isEqualTo(110_000_000L);
    });
  }

  @Test
  void amountsAreComparedOnEachBiddersLastBid() throws Exception {
    List<Alert> alerts = openAndJudge(
        bid("CO-A", 100_000_000, "FP-1"),
        bid("CO-A", 100_000_000, "FP-1"),
        bid("CO-B", 100_000_000, "FP-2"),
        bid("CO-B", 106_000_000, "FP-2"));
    assertThat(alerts).isEmpty();
  }

  @Test
  void threeBidsWithinHalfAPercentOfTheLowestAreClose() throws Exception {
    ProcurementEvent far = bid("CO-D", 90_000_000, "FP-4");
    ProcurementEvent a = bid("CO-A", 100_000_000, "FP-1");
    ProcurementEvent b = bid("CO-B", 100_250_000, "FP-2");
    ProcurementEvent c = bid("CO-C", 100_500_000, "FP-3");
    List<Alert> alerts = openAndJudge(far, a, b, c);
    assertThat(alerts).singleElement().satisfies(alert -> {
      assertThat(alert.getReason()).isEqualTo("CLOSE_BIDS");
      assertThat(alert.getSeverity()).isEqualTo(Severity.YELLOW);
      assertThat(alert.getEvidence()).containsExactlyElementsOf(ids(a, b, c));
      assertThat(alert.getAmountFen()).isEqualTo(100_000_000L);
      assertThat(alert.getMessage()).contains("0.5%");
    });
  }

  @Test
  void oneFenWiderThanHalfAPercentIsNotClose() throws Exception {
    assertThat(openAndJudge(
        bid("CO-A", 100_000_000, "FP-1"),
        bid("CO-B", 100_250_000, "FP-2"),
        bid("CO-C", 100_500_001, "FP-3"))).isEmpty();
  }

  @Test
  void twoCloseBidsAreNotEnough() throws Exception {
    assertThat(openAndJudge(
        bid("CO-A", 100_000_000, "FP-1"),
        bid("CO-B", 100_100_000, "FP-2"),
        bid("CO-C", 110_000_000, "FP-3"))).isEmpty();
  }

  @Test
  void threeIdenticalBidsAreBothIdenticalAndClose() throws Exception {
    List<Alert> alerts = openAndJudge(
        bid("CO-A", 100_000_000, "FP-1"),
        bid("CO-B", 100_000_000, "FP-2"),
        bid("CO-C", 100_000_000, "FP-3"));
    assertThat(alerts).extracting(Alert::getReason).containsExactly("IDENTICAL_BIDS", "CLOSE_BIDS");
  }

  @Test
  void aBidAfterTheOpeningIsReportedByItselfAndNotMixedIntoTheOpenedBids() throws Exception {
    ProcurementEvent a = bid("CO-A", 100_000_000, "FP-1");
    ProcurementEvent b = bid("CO-B", 110_000_000, "FP-2");
    ProcurementEvent opened = events.opened("PR-1", openedAt);
    ProcurementEvent late = events.bid("PR-1", "CO-C", 100_000_000, "FP-1", openedAt + 1);
    feed(harness, a, b, opened, late);
    harness.processWatermark(openedAt + 1);
    List<Alert> alerts = harness.extractOutputValues();
    assertThat(alerts).singleElement().satisfies(alert -> {
      assertThat(alert.getReason()).isEqualTo("BID_AFTER_OPENING");
      assertThat(alert.getSeverity()).isEqualTo(Severity.RED);
      assertThat(alert.getAlertId()).isEqualTo(Alerts.alertId(RuleId.PROCUREMENT_BID_RIGGING, "BID_AFTER_OPENING", alert.getUnitId(),
          SubjectType.PROCUREMENT, "PR-1", late.getEventId()));
      assertThat(alert.getEvidence()).containsExactly(opened.getEventId(), late.getEventId());
      assertThat(alert.getEventTime()).isEqualTo(late.getEventTime());
      assertThat(alert.getAmountFen()).isEqualTo(100_000_000L);
    });
  }

  @Test
  void aBidAtTheInstantOfTheOpeningIsInTimeWhicheverIsProcessedFirst() throws Exception {
    ProcurementEvent a = bid("CO-A", 100_000_000, "FP-1");
    ProcurementEvent opened = events.opened("PR-1", openedAt);
    // Its eventId sorts after the opening's, so it is processed after it.
    ProcurementEvent atOpening = events.bid("PR-1", "CO-B", 100_000_000, "FP-2", openedAt);
    feed(harness, a, atOpening, opened);
    harness.processWatermark(openedAt);
    assertThat(harness.extractOutputValues()).singleElement().satisfies(alert -> {
      assertThat(alert.getReason()).isEqualTo("IDENTICAL_BIDS");
      assertThat(alert.getEventTime()).isEqualTo(Instant.ofEpochMilli(openedAt));
      assertThat(alert.getEvidence()).containsExactlyElementsOf(ids(a, atOpening));
    });
  }

  @Test
  void aBidStampedBeforeTheOpeningThatArrivesLateIsJudgedWithTheOpeningOnce() throws Exception {
    ProcurementEvent a = bid("CO-A", 100_000_000, "FP-1");
    ProcurementEvent b = bid("CO-B", 110_000_000, "FP-2");
    List<Alert> alerts = openAndJudge(a, b);
    assertThat(alerts).isEmpty();
    harness.processWatermark(openedAt + DAY);
    ProcurementEvent lateArrival = bid("CO-C", 100_000_000, "FP-3");
    ProcurementEvent lateArrival2 = bid("CO-D", 100_000_000, "FP-4");
    feed(harness, lateArrival, lateArrival2);
    alerts = harness.extractOutputValues();
    assertThat(alerts).extracting(Alert::getReason).containsExactly("IDENTICAL_BIDS", "CLOSE_BIDS");
    assertThat(alerts.get(0).getEventTime()).isEqualTo(Instant.ofEpochMilli(openedAt));
    assertThat(alerts.get(0).getEvidence()).containsExactlyElementsOf(ids(a, lateArrival));
  }

  @Test
  void aCleanTenderRaisesNothingAndItsStateFallsToZeroAfterTheRetention() throws Exception {
    List<Alert> alerts = openAndJudge(
        bid("CO-A", 100_000_000, "FP-1"),
        bid("CO-B", 105_000_000, "FP-2"),
        bid("CO-C", 110_250_000, "FP-3"));
    assertThat(alerts).isEmpty();
    assertThat(harness.numKeyedStateEntries()).isPositive();
    long retention = config.procurement().procurementRetentionDays() * DAY;
    harness.processWatermark(openedAt + retention - 1);
    assertThat(harness.numKeyedStateEntries()).isPositive();
    harness.processWatermark(openedAt + retention);
    assertThat(harness.numKeyedStateEntries()).isZero();
    assertThat(harness.numEventTimeTimers()).isZero();
  }
}
