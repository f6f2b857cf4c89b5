package org.probity.jobs.rules.payment;

import org.probity.jobs.rules.SubjectStage;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.probity.jobs.rules.payment.Vouchers.DAY;
import static org.probity.jobs.rules.payment.Vouchers.MINUTE;
import static org.probity.jobs.rules.payment.Vouchers.T0;

import java.time.Instant;
import java.util.List;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.operators.StreamFilter;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.api.operators.co.KeyedCoProcessOperator;
import org.apache.flink.streaming.util.KeyedTwoInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.probity.jobs.config.ProbityConfig;
import org.probity.jobs.config.RulesFile;
import org.probity.jobs.testing.CapturedMetrics;
import org.probity.jobs.testing.RuleHarness;
import org.probity.schema.Alert;
import org.probity.schema.AlertStatus;
import org.probity.schema.DecisionAction;
import org.probity.schema.DecisionEvent;
import org.probity.schema.PaymentAction;
import org.probity.schema.PaymentEvent;
import org.probity.schema.Severity;
import org.probity.schema.SignerRole;
import org.probity.schema.SubjectType;
import org.probity.schema.TopicType;

class LargeWithoutDecisionRuleTest {
  private static final long THRESHOLD = 10_000_000L;
  private final ProbityConfig config = RulesFile.parse("""
      units:
        - {id: U01}
        - {id: U04, largeFundsThresholdFen: 5000000}
      """, "test.yaml");
  private final long retention = config.payment().decisionRetentionDays() * DAY;
  private final Vouchers v = new Vouchers();
  private KeyedTwoInputStreamOperatorTestHarness<String, PaymentEvent, DecisionEvent, Alert> join;
  private int seq;

  @BeforeEach
  void open() throws Exception {
    join = new KeyedTwoInputStreamOperatorTestHarness<>(
        new KeyedCoProcessOperator<>(new LargeWithoutDecisionRule.Join(config)),
        LargeWithoutDecisionRule::key, LargeWithoutDecisionRule::key, Types.STRING);
    ((SerializerConfigImpl) join.getExecutionConfig().getSerializerConfig()).setGenericTypes(false);
    join.open();
  }

  private PaymentEvent paid(String voucher, long amount, String ref, long time) {
    PaymentEvent e = v.event(voucher, PaymentAction.PAID, time, amount);
    e.setDecisionRef(ref);
    return e;
  }

  private DecisionEvent decided(String unit, String ref, Long amount, long time) {
    return DecisionEvent.newBuilder()
        .setEventId(String.format("ED%04d", ++seq))
        .setEventTime(Instant.ofEpochMilli(time))
        .setUnitId(unit)
        .setMeetingId("MTG-1")
        .setAction(DecisionAction.DECIDED)
        .setTopicId("MTG-1-T1")
        .setTopicType(TopicType.LARGE_FUNDS)
        .setDecisionRef(ref)
        .setAmountFen(amount)
        .build();
  }

  private void feed(PaymentEvent p) throws Exception {
    join.processElement1(p, p.getEventTime().toEpochMilli());
  }

  private void feed(DecisionEvent d) throws Exception {
    join.processElement2(d, d.getEventTime().toEpochMilli());
  }

  private List<Alert> alertsAfter(long watermark) throws Exception {
    join.processWatermark1(new Watermark(watermark));
    join.processWatermark2(new Watermark(watermark));
    return join.extractOutputValues();
  }

  @Test
  void aDecisionMadeBeforeThePaymentForAtLeastTheAmountAuthorisesIt() throws Exception {
    feed(decided("U01", "DEC-1", THRESHOLD, T0));
    feed(paid("V1", THRESHOLD, "DEC-1", T0 + DAY));
    assertThat(alertsAfter(T0 + 2 * DAY)).isEmpty();
  }

  @Test
  void aDecisionArrivingAfterItsPaymentWithinTheBoundStillCounts() throws Exception {
    feed(paid("V1", THRESHOLD, "DEC-1", T0 + MINUTE));
    assertThat(alertsAfter(T0)).isEmpty();
    feed(decided("U01", "DEC-1", THRESHOLD, T0 + 30_000));
    assertThat(alertsAfter(T0 + MINUTE)).isEmpty();
    assertThat(join.numKeyedStateEntries()).as("only the decision is kept").isEqualTo(1);
  }

  @Test
  void aDecisionAtThePaymentsVeryInstantCountsAsBefore() throws Exception {
    feed(paid("V1", THRESHOLD, "DEC-1", T0));
    feed(decided("U01", "DEC-1", THRESHOLD, T0));
    assertThat(alertsAfter(T0)).isEmpty();
  }

  /** The alerts the voucher's stage raises for {@code payments} (NO_DECISION_REF needs no join). */
  private List<Alert> voucherStage(PaymentEvent... payments) throws Exception {
    try (var stage = RuleHarness.open(new LargeWithoutDecisionRule.NoDecisionRef(config), PaymentEvent::getVoucherId,
        PaymentEvent.class)) {
      for (PaymentEvent p : payments) {
        stage.processElement(p, p.getEventTime().toEpochMilli());
      }
      stage.processWatermark(Long.MAX_VALUE);
      assertThat(stage.numKeyedStateEntries()).isZero();
      return stage.extractOutputValues();
    }
  }

  @Test
  void aLargePaymentWithoutReferenceIsNoDecisionRef() throws Exception {
    PaymentEvent p = paid("V1", THRESHOLD, null, T0);
    PaymentEvent below = paid("V2", THRESHOLD - 1, null, T0);
    assertThat(voucherStage(p, below)).singleElement().satisfies(a -> {
      assertThat(a.getRuleId()).isEqualTo("PAYMENT_LARGE_WITHOUT_DECISION");
      assertThat(a.getReason()).isEqualTo(LargeWithoutDecisionRule.NO_DECISION_REF);
      assertThat(a.getSeverity()).isEqualTo(Severity.RED);
      assertThat(a.getStatus()).isEqualTo(AlertStatus.RAISED);
      assertThat(a.getSubjectType()).isEqualTo(SubjectType.VOUCHER);
      assertThat(a.getSubjectId()).isEqualTo("V1");
      assertThat(a.getUnitId()).isEqualTo("U01");
      assertThat(a.getAmountFen()).isEqualTo(THRESHOLD);
      assertThat(a.getEventTime()).isEqualTo(p.getEventTime());
      assertThat(a.getEvidence()).containsExactly(p.getEventId());
      assertThat(a.getMessage()).contains("¥100,000.00").contains("未引用集体决策");
    });
  }

  @Test
  void aBlankReferenceIsNoReference() throws Exception {
    assertThat(voucherStage(paid("V1", THRESHOLD, "  ", T0))).extracting(Alert::getReason)
        .containsExactly(LargeWithoutDecisionRule.NO_DECISION_REF);
  }

  @Test
  void aReferenceNoDecisionOfTheUnitCarriesIsUnknownDecision() throws Exception {
    feed(decided("U04", "DEC-1", THRESHOLD, T0 - DAY));
    PaymentEvent p = paid("V1", THRESHOLD, "DEC-1", T0);
    feed(p);
    assertThat(alertsAfter(T0 + DAY)).singleElement().satisfies(a -> {
      assertThat(a.getReason()).isEqualTo(LargeWithoutDecisionRule.UNKNOWN_DECISION);
      assertThat(a.getSeverity()).isEqualTo(Severity.RED);
      assertThat(a.getEvidence()).containsExactly(p.getEventId());
      assertThat(a.getMessage()).contains("DEC-1").contains("没有决策记录");
    });
  }

  @Test
  void aDecisionTrulyLaterThanThePaymentResolvesUnknownAndIsDecisionAfterPayment() throws Exception {
    PaymentEvent p = paid("V1", THRESHOLD, "DEC-1", T0);
    feed(p);
    assertThat(alertsAfter(T0)).extracting(Alert::getReason, Alert::getStatus)
        .containsExactly(tuple(LargeWithoutDecisionRule.UNKNOWN_DECISION, AlertStatus.RAISED));
    DecisionEvent d = decided("U01", "DEC-1", THRESHOLD, T0 + 3 * DAY);
    feed(d);
    List<Alert> alerts = alertsAfter(T0 + 3 * DAY);
    assertThat(alerts).extracting(Alert::getReason, Alert::getStatus, Alert::getEventTime).containsExactly(
        tuple(LargeWithoutDecisionRule.UNKNOWN_DECISION, AlertStatus.RAISED, p.getEventTime()),
        tuple(LargeWithoutDecisionRule.UNKNOWN_DECISION, AlertStatus.RESOLVED, d.getEventTime()),
        tuple(LargeWithoutDecisionRule.DECISION_AFTER_PAYMENT, AlertStatus.RAISED, d.getEventTime()));
    assertThat(alerts.get(0).getAlertId()).isEqualTo(alerts.get(1).getAlertId());
    assertThat(alerts.get(2).getSeverity()).isEqualTo(Severity.YELLOW);
    assertThat(alerts.get(2).getEvidence()).containsExactly(p.getEventId(), d.getEventId());
    assertThat(alerts.get(2).getMessage()).contains("先支付后决策");
  }

  @Test
  void aDecisionAMinuteAfterThePaymentArrivingFirstIsStillAfterIt() throws Exception {
    DecisionEvent d = decided("U01", "DEC-1", THRESHOLD, T0 + MINUTE);
    feed(d);
    feed(paid("V1", THRESHOLD, "DEC-1", T0));
    assertThat(alertsAfter(T0 + MINUTE)).extracting(Alert::getReason, Alert::getStatus).containsExactly(
        tuple(LargeWithoutDecisionRule.UNKNOWN_DECISION, AlertStatus.RAISED),
        tuple(LargeWithoutDecisionRule.UNKNOWN_DECISION, AlertStatus.RESOLVED),
        tuple(LargeWithoutDecisionRule.DECISION_AFTER_PAYMENT, AlertStatus.RAISED));
  }

  @Test
  void aDecisionForLessThanTheAmountIsAmountExceedsDecisionExactlyEqualIsNot() throws Exception {
    DecisionEvent d = decided("U01", "DEC-1", 12_000_000L, T0);
    feed(d);
    PaymentEvent over = paid("V1", 12_000_001L, "DEC-1", T0 + DAY);
    feed(over);
    feed(paid("V2", 12_000_000L, "DEC-1", T0 + DAY));
    assertThat(alertsAfter(T0 + DAY)).singleElement().satisfies(a -> {
      assertThat(a.getReason()).isEqualTo(LargeWithoutDecisionRule.AMOUNT_EXCEEDS_DECISION);
      assertThat(a.getSubjectId()).isEqualTo("V1");
      assertThat(a.getSeverity()).isEqualTo(Severity.YELLOW);
      assertThat(a.getEvidence()).containsExactly(d.getEventId(), over.getEventId());
      assertThat(a.getMessage()).contains("¥120,000.00");
    });
  }

  @Test
  void aDecisionWithoutAnAmountAuthorisesNone() throws Exception {
    feed(decided("U01", "DEC-1", null, T0));
    feed(paid("V1", THRESHOLD, "DEC-1", T0 + DAY));
    assertThat(alertsAfter(T0 + DAY)).singleElement().satisfies(a -> {
      assertThat(a.getReason()).isEqualTo(LargeWithoutDecisionRule.AMOUNT_EXCEEDS_DECISION);
      assertThat(a.getMessage()).contains("未载明批准金额");
    });
  }

  @Test
  void anyOfSeveralRecordsOfTheRefMayAuthorise() throws Exception {
    feed(decided("U01", "DEC-1", 10_000_000L, T0));
    feed(decided("U01", "DEC-1", 30_000_000L, T0 + MINUTE));
    feed(paid("V1", 20_000_000L, "DEC-1", T0 + DAY));
    assertThat(alertsAfter(T0 + DAY)).isEmpty();
  }

  @Test
  void aLateDecisionMadeBeforeAnUnknownPaymentResolvesItAndJudgesTheAmount() throws Exception {
    feed(paid("V1", 20_000_000L, "DEC-1", T0));
    alertsAfter(T0 + DAY);
    feed(decided("U01", "DEC-1", 10_000_000L, T0 - DAY));
    assertThat(join.extractOutputValues()).extracting(Alert::getReason, Alert::getStatus).containsExactly(
        tuple(LargeWithoutDecisionRule.UNKNOWN_DECISION, AlertStatus.RAISED),
        tuple(LargeWithoutDecisionRule.UNKNOWN_DECISION, AlertStatus.RESOLVED),
        tuple(LargeWithoutDecisionRule.AMOUNT_EXCEEDS_DECISION, AlertStatus.RAISED));
  }

  /**
   * A DECIDED behind the clock as the replay clock (and RestampLateEvents) hands it on: stamped with
   * the next instant after the watermark, its own eventTime unchanged.
   */
  private void feedRestamped(DecisionEvent d, long clock) throws Exception {
    join.processElement2(d, clock + 1);
  }

  @Test
  void aRestampedLateDecisionMadeBeforeAnUnknownPaymentResolvesItAndJudgesTheAmount() throws Exception {
    PaymentEvent p = paid("V1", 20_000_000L, "DEC-1", T0);
    feed(p);
    alertsAfter(T0 + DAY);
    DecisionEvent d = decided("U01", "DEC-1", 10_000_000L, T0 - DAY);
    feedRestamped(d, T0 + DAY);
    List<Alert> alerts = alertsAfter(T0 + 2 * DAY);
    assertThat(alerts).extracting(Alert::getReason, Alert::getStatus, Alert::getEventTime).containsExactly(
        tuple(LargeWithoutDecisionRule.UNKNOWN_DECISION, AlertStatus.RAISED, p.getEventTime()),
        tuple(LargeWithoutDecisionRule.UNKNOWN_DECISION, AlertStatus.RESOLVED, p.getEventTime()),
        tuple(LargeWithoutDecisionRule.AMOUNT_EXCEEDS_DECISION, AlertStatus.RAISED, p.getEventTime()));
    assertThat(alerts.get(1).getEvidence()).containsExactly(p.getEventId(), d.getEventId());
    // A later payment citing it is judged against it; then the decision's retention, counted from its
    // own time (not from the instant it was handed on at), and the payment's leave nothing.
    feed(paid("V2", 10_000_000L, "DEC-1", T0 + 3 * DAY));
    assertThat(alertsAfter(T0 + 3 * DAY)).hasSize(3);
    alertsAfter(T0 + retention);
    assertThat(join.numKeyedStateEntries()).isZero();
    assertThat(join.numEventTimeTimers()).isZero();
  }

  @Test
  void aRestampedLateDecisionMadeAfterAnUnknownPaymentResolvesItAsDecisionAfterPayment() throws Exception {
    PaymentEvent p = paid("V1", THRESHOLD, "DEC-1", T0);
    feed(p);
    alertsAfter(T0 + 2 * DAY);
    DecisionEvent d = decided("U01", "DEC-1", THRESHOLD, T0 + DAY);
    feedRestamped(d, T0 + 2 * DAY);
    assertThat(alertsAfter(T0 + 3 * DAY)).extracting(Alert::getReason, Alert::getStatus, Alert::getEventTime)
        .containsExactly(
            tuple(LargeWithoutDecisionRule.UNKNOWN_DECISION, AlertStatus.RAISED, p.getEventTime()),
            tuple(LargeWithoutDecisionRule.UNKNOWN_DECISION, AlertStatus.RESOLVED, d.getEventTime()),
            tuple(LargeWithoutDecisionRule.DECISION_AFTER_PAYMENT, AlertStatus.RAISED, d.getEventTime()));
    alertsAfter(T0 + DAY + retention);
    assertThat(join.numKeyedStateEntries()).isZero();
    assertThat(join.numEventTimeTimers()).isZero();
  }

  @Test
  void aRestampedDecisionStillAheadOfTheWatermarkGoesFirstAtItsOwnInstant() throws Exception {
    // The replay clock is ahead of this operator's watermark (the join waits for its slower input):
    // the decision's own time is still to come here, and a payment at that instant finds it.
    alertsAfter(T0);
    DecisionEvent d = decided("U01", "DEC-1", THRESHOLD, T0 + MINUTE);
    join.processElement2(d, T0 + 10 * MINUTE);
    feed(paid("V1", THRESHOLD, "DEC-1", T0 + MINUTE));
    assertThat(alertsAfter(T0 + 10 * MINUTE)).isEmpty();
  }

  @Test
  void aLatePaymentIsJudgedOnArrivalAgainstWhatIsKnown() throws Exception {
    feed(decided("U01", "DEC-1", THRESHOLD, T0 + DAY));
    alertsAfter(T0 + 2 * DAY);
    feed(paid("V1", THRESHOLD, "DEC-1", T0));
    assertThat(join.extractOutputValues()).extracting(Alert::getReason, Alert::getStatus).containsExactly(
        tuple(LargeWithoutDecisionRule.UNKNOWN_DECISION, AlertStatus.RAISED),
        tuple(LargeWithoutDecisionRule.UNKNOWN_DECISION, AlertStatus.RESOLVED),
        tuple(LargeWithoutDecisionRule.DECISION_AFTER_PAYMENT, AlertStatus.RAISED));
  }

  @Test
  void decisionsAndWatchedPaymentsAreForgottenAfterTheRetention() throws Exception {
    feed(decided("U01", "DEC-1", THRESHOLD, T0));
    feed(paid("V2", THRESHOLD, "DEC-2", T0));
    alertsAfter(T0);
    assertThat(join.numKeyedStateEntries()).isPositive();
    alertsAfter(T0 + retention - 1);
    assertThat(join.numKeyedStateEntries()).isPositive();
    alertsAfter(T0 + retention);
    assertThat(join.numKeyedStateEntries()).isZero();
    assertThat(join.numEventTimeTimers()).isZero();
    // A payment citing the forgotten decision no longer finds it.
    feed(paid("V3", THRESHOLD, "DEC-1", T0 + retention + 1));
    assertThat(alertsAfter(T0 + retention + 1)).extracting(Alert::getSubjectId, Alert::getReason)
        .endsWith(tuple("V3", LargeWithoutDecisionRule.UNKNOWN_DECISION));
  }

  @Test
  void theScreenUsesTheUnitsThresholdAndCountsUnknownUnits() throws Exception {
    CapturedMetrics metrics = new CapturedMetrics();
    try (var screen = metrics.open(new LargeWithoutDecisionRule.LargePayments(config), PaymentEvent::getVoucherId,
        PaymentEvent.class)) {
      PaymentEvent atU04Threshold = paid("V1", 5_000_000L, "DEC-1", T0);
      atU04Threshold.setUnitId("U04");
      PaymentEvent belowU01Threshold = paid("V2", THRESHOLD - 1, "DEC-1", T0);
      PaymentEvent unknownUnit = paid("V3", THRESHOLD, "DEC-1", T0);
      unknownUnit.setUnitId("U99");
      PaymentEvent signed = v.signed("V4", "U01-D", SignerRole.DEPUTY, T0, THRESHOLD);
      PaymentEvent citingNone = paid("V5", THRESHOLD, null, T0);
      for (PaymentEvent e : List.of(atU04Threshold, belowU01Threshold, unknownUnit, signed, citingNone)) {
        screen.processElement(e, T0);
      }
      screen.processWatermark(T0);
      assertThat(screen.extractOutputValues()).as("a large payment citing no decision is judged in the stage")
          .extracting(PaymentEvent::getVoucherId).containsExactly("V1", "V3");
      assertThat(metrics.count("referenceGapUnknownUnit")).isEqualTo(1);
    }
  }

  /** What the voucher's stage raised itself on the last {@link #throughTheJob}. */
  private final List<Alert> raisedInTheStage = new java.util.ArrayList<>();

  /** The payments through the voucher-facts stage and the screen, as in the job, into the join. */
  private CapturedMetrics throughTheJob(PaymentEvent... payments) throws Exception {
    CapturedMetrics metrics = new CapturedMetrics();
    try (var facts = metrics.open(SubjectStage.<PaymentEvent, Alert>of(PaymentEvent.class)
        .prelude(new VoucherFacts(config)).rule(new LargeWithoutDecisionRule.NoDecisionRef(config))
        .feed(LargeWithoutDecisionRule.LARGE, new LargeWithoutDecisionRule.LargePayments(config)).build(),
        PaymentEvent::getVoucherId)) {
      long last = Long.MIN_VALUE;
      for (PaymentEvent p : payments) {
        facts.processElement(p, p.getEventTime().toEpochMilli());
        last = Math.max(last, p.getEventTime().toEpochMilli());
      }
      facts.processWatermark(last);
      raisedInTheStage.addAll(facts.extractOutputValues());
      var large = facts.getSideOutput(LargeWithoutDecisionRule.LARGE);
      if (large != null) {
        for (var p : large) {
          feed(p.getValue());
        }
      }
    }
    return metrics;
  }

  @Test
  void aPaidLeavingOutTheDecisionRefIsJudgedOnTheOneItsSubmittedCited() throws Exception {
    feed(decided("U01", "DEC-1", THRESHOLD, T0));
    PaymentEvent submitted = paid("V1", THRESHOLD, "DEC-1", T0 + DAY);
    submitted.setAction(PaymentAction.SUBMITTED);
    PaymentEvent bare = v.bareSigned("V1", "U01-D", SignerRole.DEPUTY, T0 + DAY + MINUTE);
    PaymentEvent paid = paid("V1", THRESHOLD, null, T0 + DAY + 2 * MINUTE);
    PaymentEvent otherSubmitted = paid("V2", THRESHOLD, null, T0 + DAY);
    otherSubmitted.setAction(PaymentAction.SUBMITTED);
    PaymentEvent otherPaid = paid("V2", THRESHOLD, null, T0 + DAY + 2 * MINUTE);
    throughTheJob(submitted, bare, paid, otherSubmitted, otherPaid);
    assertThat(alertsAfter(T0 + 2 * DAY)).isEmpty();
    assertThat(raisedInTheStage).extracting(Alert::getSubjectId, Alert::getReason)
        .containsExactly(tuple("V2", LargeWithoutDecisionRule.NO_DECISION_REF));
  }

  @Test
  void aPaidWhoseVoucherNeverStatedAnAmountIsAVoucherFactsGapNotAnNpe() throws Exception {
    PaymentEvent paid = paid("V1", 0, null, T0);
    paid.setAmountFen(null);
    CapturedMetrics metrics = throughTheJob(paid);
    assertThat(alertsAfter(T0 + DAY)).isEmpty();
    assertThat(metrics.count("referenceGapVoucherFacts")).isEqualTo(1);
  }
}
