package org.probity.jobs.rules.payment;

import org.probity.jobs.rules.SubjectStage;
import static org.assertj.core.api.Assertions.assertThat;
import static org.probity.jobs.rules.payment.Vouchers.DAY;
import static org.probity.jobs.rules.payment.Vouchers.MINUTE;
import static org.probity.jobs.rules.payment.Vouchers.T0;
import static org.probity.jobs.rules.payment.Vouchers.feed;

import java.util.List;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.streaming.api.operators.StreamFilter;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.probity.jobs.config.ProbityConfig;
import org.probity.jobs.config.RulesFile;
import org.probity.jobs.testing.CapturedMetrics;
import org.probity.jobs.testing.RuleHarness;
import org.probity.schema.Alert;
import org.probity.schema.PaymentAction;
import org.probity.schema.PaymentEvent;
import org.probity.schema.Severity;
import org.probity.schema.SubjectType;

class DuplicatePaymentRuleTest {
  private static final long AMOUNT = 123_456L;
  private final ProbityConfig config = RulesFile.parse("units: [{id: U01}]", "test.yaml");
  private final long window = config.payment().duplicateWindowDays() * DAY;
  private final Vouchers v = new Vouchers();
  private KeyedOneInputStreamOperatorTestHarness<String, PaymentEvent, Alert> harness;

  @BeforeEach
  void open() throws Exception {
    harness = RuleHarness.open(new DuplicatePaymentRule.Detect(config), DuplicatePaymentRule::key, PaymentEvent.class);
  }

  private PaymentEvent paid(String voucher, String payee, long amount, String invoice, long time) {
    PaymentEvent e = v.event(voucher, PaymentAction.PAID, time, amount);
    e.setPayeeId(payee);
    e.setInvoiceNo(invoice);
    return e;
  }

  private void pay(PaymentEvent... events) throws Exception {
    for (PaymentEvent e : events) {
      if (DuplicatePaymentRule.judged(e)) {
        feed(harness, e);
      }
    }
  }

  @Test
  void theSamePayeeAmountAndInvoicePaidAgainIsTheLaterVouchersAlert() throws Exception {
    PaymentEvent first = paid("V1", "CO-1", AMOUNT, "INV-9", T0);
    PaymentEvent second = paid("V2", "CO-1", AMOUNT, "INV-9", T0 + 10 * DAY);
    pay(second, first);
    harness.processWatermark(T0 + 10 * DAY);
    assertThat(harness.extractOutputValues()).singleElement().satisfies(a -> {
      assertThat(a.getRuleId()).isEqualTo("PAYMENT_DUPLICATE");
      assertThat(a.getReason()).isEqualTo(DuplicatePaymentRule.SAME_INVOICE);
      assertThat(a.getSeverity()).isEqualTo(Severity.RED);
      assertThat(a.getSubjectType()).isEqualTo(SubjectType.VOUCHER);
      assertThat(a.getSubjectId()).isEqualTo("V2");
      assertThat(a.getAmountFen()).isEqualTo(AMOUNT);
      assertThat(a.getEventTime()).isEqualTo(second.getEventTime());
      assertThat(a.getEvidence()).containsExactly(first.getEventId(), second.getEventId());
      assertThat(a.getMessage()).contains("INV-9").contains("与付款凭证V1重复支付");
    });
  }

  @Test
  void anotherPayeeAnotherAmountOrNoInvoiceIsNotTheSameInvoice() throws Exception {
    pay(paid("V1", "CO-1", AMOUNT, "INV-9", T0), paid("V2", "CO-2", AMOUNT, "INV-9", T0 + DAY),
        paid("V3", "CO-1", AMOUNT + 1, "INV-9", T0 + DAY), paid("V4", "CO-1", AMOUNT, null, T0 + DAY),
        paid("V5", "CO-1", AMOUNT, null, T0 + DAY));
    harness.processWatermark(T0 + 2 * DAY);
    assertThat(harness.extractOutputValues()).isEmpty();
  }

  @Test
  void exactlyTheWindowApartIsStillWithinItOneMoreMillisecondIsNot() throws Exception {
    pay(paid("V1", "CO-1", AMOUNT, "INV-9", T0), paid("V2", "CO-1", AMOUNT, "INV-9", T0 + window),
        paid("V3", "CO-2", AMOUNT, "INV-8", T0), paid("V4", "CO-2", AMOUNT, "INV-8", T0 + window + 1));
    harness.processWatermark(T0 + window + 1);
    assertThat(harness.extractOutputValues()).extracting(Alert::getSubjectId).containsExactly("V2");
  }

  @Test
  void everyLaterVoucherIsAnAlertAndAVoucherPaidAgainIsAReSendNotADuplicate() throws Exception {
    PaymentEvent first = paid("V1", "CO-1", AMOUNT, "INV-9", T0);
    PaymentEvent second = paid("V2", "CO-1", AMOUNT, "INV-9", T0 + DAY);
    // V1 and V2 each re-sent under new eventIds, past the voucher-facts tombstone (as if upstream
    // re-sent them weeks later): the same voucher is not paid twice; V2 is still V1's duplicate, once.
    pay(first, second, paid("V1", "CO-1", AMOUNT, "INV-9", T0 + 40 * DAY), paid("V1", "CO-1", AMOUNT, "INV-9", T0 + 41 * DAY),
        paid("V2", "CO-1", AMOUNT, "INV-9", T0 + 42 * DAY), paid("V3", "CO-1", AMOUNT, "INV-9", T0 + 43 * DAY));
    harness.processWatermark(T0 + 43 * DAY);
    assertThat(harness.extractOutputValues()).extracting(Alert::getSubjectId).containsExactly("V2", "V3");
    assertThat(harness.extractOutputValues().get(0).getEvidence()).containsExactly(first.getEventId(),
        second.getEventId());
    assertThat(harness.extractOutputValues().get(1).getEvidence()).as("the first PAID of each earlier voucher")
        .hasSize(3).contains(first.getEventId(), second.getEventId());
  }

  @Test
  void aPaidReSentUnderANewEventIdThroughTheJobIsNotADuplicatePayment() throws Exception {
    CapturedMetrics metrics = new CapturedMetrics();
    try (var facts = metrics.open(SubjectStage.<PaymentEvent, PaymentEvent>of(PaymentEvent.class)
        .prelude(new VoucherFacts(config)).rule(new DuplicatePaymentRule.Screen()).build(), PaymentEvent::getVoucherId)) {
      PaymentEvent submitted = paid("V1", "CO-1", AMOUNT, "INV-9", T0);
      submitted.setAction(PaymentAction.SUBMITTED);
      PaymentEvent firstPaid = paid("V1", "CO-1", AMOUNT, "INV-9", T0 + MINUTE);
      PaymentEvent resent = PaymentEvent.newBuilder(firstPaid).setEventId("EPR1").build();
      PaymentEvent resentLater = PaymentEvent.newBuilder(firstPaid).setEventId("EPR2")
          .setEventTime(firstPaid.getEventTime().plusMillis(DAY)).build();
      for (PaymentEvent e : List.of(submitted, firstPaid, resent)) {
        facts.processElement(e, e.getEventTime().toEpochMilli());
      }
      facts.processWatermark(T0 + DAY);
      facts.processElement(resent, resent.getEventTime().toEpochMilli()); // behind the watermark, past the de-duplication
      facts.processElement(resentLater, resentLater.getEventTime().toEpochMilli());
      facts.processWatermark(T0 + 2 * DAY);
      feed(harness, facts.extractOutputValues().toArray(PaymentEvent[]::new));
      harness.processWatermark(T0 + 2 * DAY);
      assertThat(harness.extractOutputValues()).as("one voucher paid once").isEmpty();
      assertThat(metrics.count(VoucherFacts.LATE_EVENTS_OF_ENDED)).isEqualTo(3);
    }
  }

  @Test
  void aKeysStateEndsAWindowAfterItsLastPayment() throws Exception {
    pay(paid("V1", "CO-1", AMOUNT, "INV-9", T0), paid("V2", "CO-1", AMOUNT, "INV-9", T0 + DAY));
    harness.processWatermark(T0 + DAY + window - 1);
    assertThat(harness.numKeyedStateEntries()).isPositive();
    harness.processWatermark(T0 + DAY + window);
    assertThat(harness.numKeyedStateEntries()).isZero();
    assertThat(harness.numEventTimeTimers()).isZero();
  }

  @Test
  void aPaidLeavingOutTheInvoiceIsMatchedOnTheInvoiceItsVoucherWasSubmittedWith() throws Exception {
    CapturedMetrics metrics = new CapturedMetrics();
    try (var facts = metrics.open(SubjectStage.<PaymentEvent, PaymentEvent>of(PaymentEvent.class)
        .prelude(new VoucherFacts(config)).rule(new DuplicatePaymentRule.Screen()).build(), PaymentEvent::getVoucherId)) {
      PaymentEvent firstSubmitted = paid("V1", "CO-1", AMOUNT, "INV-9", T0);
      firstSubmitted.setAction(PaymentAction.SUBMITTED);
      PaymentEvent firstPaid = paid("V1", "CO-1", AMOUNT, null, T0 + MINUTE);
      PaymentEvent againSubmitted = paid("V2", "CO-1", AMOUNT, "INV-9", T0 + DAY);
      againSubmitted.setAction(PaymentAction.SUBMITTED);
      PaymentEvent againSigned = v.bareSigned("V2", "U01-D", org.probity.schema.SignerRole.DEPUTY, T0 + DAY + MINUTE);
      PaymentEvent againPaid = paid("V2", "CO-1", AMOUNT, null, T0 + DAY + 2 * MINUTE);
      PaymentEvent neverStated = paid("V3", "CO-1", AMOUNT, "INV-9", T0 + DAY + 2 * MINUTE);
      neverStated.setPayeeId(null);
      for (PaymentEvent e : List.of(againPaid, firstPaid, againSigned, firstSubmitted, againSubmitted, neverStated)) {
        facts.processElement(e, e.getEventTime().toEpochMilli());
      }
      facts.processWatermark(T0 + 2 * DAY);
      feed(harness, facts.extractOutputValues().toArray(PaymentEvent[]::new));
      harness.processWatermark(T0 + 2 * DAY);
      assertThat(harness.extractOutputValues()).singleElement().satisfies(a -> {
        assertThat(a.getSubjectId()).isEqualTo("V2");
        assertThat(a.getEvidence()).containsExactly(firstPaid.getEventId(), againPaid.getEventId());
        assertThat(a.getMessage()).contains("INV-9");
      });
      assertThat(metrics.count("referenceGapVoucherFacts")).isEqualTo(1);
    }
  }
}
