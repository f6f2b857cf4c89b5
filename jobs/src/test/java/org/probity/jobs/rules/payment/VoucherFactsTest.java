package org.probity.jobs.rules.payment;

import org.probity.jobs.rules.SubjectStage;
import static org.assertj.core.api.Assertions.assertThat;
import static org.probity.jobs.rules.payment.Vouchers.DAY;
import static org.probity.jobs.rules.payment.Vouchers.MINUTE;
import static org.probity.jobs.rules.payment.Vouchers.T0;
import static org.probity.jobs.rules.payment.Vouchers.feed;

import java.util.List;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.java.typeutils.PojoTypeInfo;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.probity.jobs.config.PaymentParameters;
import org.probity.jobs.config.ProbityConfig;
import org.probity.jobs.config.RulesFile;
import org.probity.jobs.testing.CapturedMetrics;
import org.probity.schema.PaymentAction;
import org.probity.schema.PaymentEvent;
import org.probity.schema.SignerRole;

/** The voucher-facts stage: a SIGNED gets the voucher's facts from its SUBMITTED (and PAID), and nothing is left behind. */
class VoucherFactsTest {
  private final ProbityConfig config = RulesFile.defaults();
  private final PaymentParameters parameters = config.payment();
  private final long tombstone = config.dedupRetentionDays() * DAY;
  private final long window = parameters.signatureWindowDays() * DAY;
  private final Vouchers v = new Vouchers();
  private final CapturedMetrics metrics = new CapturedMetrics();
  private KeyedOneInputStreamOperatorTestHarness<String, PaymentEvent, PaymentEvent> h;

  @BeforeEach
  void open() throws Exception {
    h = metrics.open(new VoucherFacts(config), PaymentEvent::getVoucherId, PaymentEvent.class);
  }

  private PaymentEvent submitted(String voucher, long time, long amount, String payee) {
    PaymentEvent e = v.event(voucher, PaymentAction.SUBMITTED, time, amount);
    e.setPayeeId(payee);
    e.setInvoiceNo("INV-" + voucher);
    e.setDecisionRef("DEC-" + voucher);
    return e;
  }

  /** A SIGNED as the contract allows it: the signer, none of the voucher's fields. */
  private PaymentEvent bareSigned(String voucher, String signer, SignerRole role, long time) {
    PaymentEvent e = v.signed(voucher, signer, role, time, 0);
    e.setAmountFen(null);
    e.setPayeeId(null);
    e.setInvoiceNo(null);
    e.setCategory(null);
    return e;
  }

  private List<PaymentEvent> after(long watermark) throws Exception {
    h.processWatermark(watermark);
    return h.extractOutputValues();
  }

  @Test
  void aSignedWithoutTheVouchersFieldsGetsThemFromTheSubmittedEvenIfItArrivedFirst() throws Exception {
    PaymentEvent signed = bareSigned("V1", "U01-D", SignerRole.DEPUTY, T0 + MINUTE);
    feed(h, signed, submitted("V1", T0, 5_000_001L, "CO-1"));
    List<PaymentEvent> out = after(T0 + MINUTE);
    assertThat(out).extracting(PaymentEvent::getAction).containsExactly(PaymentAction.SUBMITTED, PaymentAction.SIGNED);
    PaymentEvent filled = out.get(1);
    assertThat(filled.getEventId()).isEqualTo(signed.getEventId());
    assertThat(filled.getEventTime()).isEqualTo(signed.getEventTime());
    assertThat(filled.getSignerId()).isEqualTo("U01-D");
    assertThat(filled.getAmountFen()).isEqualTo(5_000_001L);
    assertThat(filled.getPayeeId()).isEqualTo("CO-1");
    assertThat(filled.getInvoiceNo()).isEqualTo("INV-V1");
    assertThat(filled.getCategory()).isEqualTo("办公经费");
    assertThat(filled.getDecisionRef()).isEqualTo("DEC-V1");
    assertThat(h.extractOutputStreamRecords().get(1).getTimestamp()).isEqualTo(T0 + MINUTE);
    assertThat(metrics.count(VoucherFacts.DISAGREEING)).isZero();
  }

  @Test
  void aSignedCopyThatDisagreesLosesToTheVouchersFactsAndIsCounted() throws Exception {
    PaymentEvent signed = v.signed("V1", "U01-D", SignerRole.DEPUTY, T0 + MINUTE, 1_000L);
    signed.setPayeeId("CO-9");
    feed(h, submitted("V1", T0, 5_000_001L, "CO-1"), signed);
    PaymentEvent filled = after(T0 + MINUTE).get(1);
    assertThat(filled.getAmountFen()).isEqualTo(5_000_001L);
    assertThat(filled.getPayeeId()).isEqualTo("CO-1");
    assertThat(metrics.count(VoucherFacts.DISAGREEING)).isEqualTo(1);
  }

  @Test
  void aSignedOfAVoucherNeverSubmittedGoesOnWithoutFactsNotWithItsOwnCopyAndKeepsNoState() throws Exception {
    feed(h, v.signed("V1", "U01-D", SignerRole.DEPUTY, T0, 9_000_000L));
    PaymentEvent out = after(T0 + DAY).get(0);
    assertThat(out.getAmountFen()).isNull();
    assertThat(out.getPayeeId()).isNull();
    assertThat(out.getSignerId()).isEqualTo("U01-D");
    assertThat(h.numKeyedStateEntries()).isZero();
    assertThat(h.numEventTimeTimers()).isZero();
  }

  @Test
  void aPaidKeepsItsOwnAmountAndPayeeAndGetsTheInvoiceAndDecisionItLeftOut() throws Exception {
    PaymentEvent paid = v.event("V1", PaymentAction.PAID, T0 + 2 * MINUTE, 5_000_000L);
    paid.setInvoiceNo(null);
    paid.setCategory(null);
    feed(h, submitted("V1", T0, 5_000_001L, "CO-1"), paid);
    PaymentEvent out = after(T0 + 2 * MINUTE).get(1);
    assertThat(out.getAmountFen()).isEqualTo(5_000_000L);
    assertThat(out.getPayeeId()).isEqualTo("PAYEE-1");
    assertThat(out.getInvoiceNo()).isEqualTo("INV-V1");
    assertThat(out.getCategory()).isEqualTo("办公经费");
    assertThat(out.getDecisionRef()).isEqualTo("DEC-V1");
  }

  @Test
  void aSignatureAfterPaidOfAVoucherNeverSubmittedGetsThePaidsFacts() throws Exception {
    feed(h, v.event("V1", PaymentAction.PAID, T0, 7_000L), bareSigned("V1", "U01-P", SignerRole.PRINCIPAL, T0 + MINUTE));
    assertThat(after(T0 + MINUTE).get(1).getAmountFen()).isEqualTo(7_000L);
  }

  @Test
  void theVouchersStateGoesTheSignatureWindowAfterItsLastEvent() throws Exception {
    feed(h, submitted("V1", T0, 1_000L, "CO-1"), bareSigned("V1", "U01-D", SignerRole.DEPUTY, T0 + DAY),
        v.event("V1", PaymentAction.PAID, T0 + 2 * DAY, 1_000L));
    after(T0 + 2 * DAY + window - 1);
    assertThat(h.numKeyedStateEntries()).as("facts and expiry, until the window after the last event").isPositive();
    assertThat(h.numEventTimeTimers()).isEqualTo(1);
    after(T0 + 2 * DAY + window);
    assertThat(h.numKeyedStateEntries()).isZero();
    assertThat(h.numEventTimeTimers()).isZero();
  }

  @Test
  void aPaidVoucherKeepsATombstoneThatIgnoresItsReSentEventsThenNothingIsLeft() throws Exception {
    PaymentEvent submitted = submitted("V1", T0, 5_000_001L, "CO-1");
    PaymentEvent signed = bareSigned("V1", "U01-D", SignerRole.DEPUTY, T0 + MINUTE);
    PaymentEvent paid = v.event("V1", PaymentAction.PAID, T0 + 2 * MINUTE, 5_000_001L);
    PaymentEvent afterPaid = bareSigned("V1", "U01-P", SignerRole.PRINCIPAL, T0 + 3 * MINUTE);
    feed(h, submitted, signed, paid,
        PaymentEvent.newBuilder(paid).setEventId("EPR1").build(), afterPaid);
    after(T0 + DAY);
    // Upstream re-sends the voucher under new eventIds: late, and dated later.
    feed(h, PaymentEvent.newBuilder(paid).setEventId("EPR2").build(),
        submitted("V1", T0 + 2 * DAY, 9_000_000L, "CO-9"),
        PaymentEvent.newBuilder(paid).setEventId("EPR3").setEventTime(paid.getEventTime().plusMillis(2 * DAY))
            .build(),
        v.event("V1", PaymentAction.REJECTED, T0 + 3 * DAY, 5_000_001L));
    List<PaymentEvent> out = after(T0 + 3 * DAY);
    assertThat(out).extracting(PaymentEvent::getEventId).as("every re-sent PAID, SUBMITTED and REJECTED ignored")
        .containsExactly(submitted.getEventId(), signed.getEventId(), paid.getEventId(), afterPaid.getEventId());
    assertThat(metrics.count(VoucherFacts.LATE_EVENTS_OF_ENDED)).isEqualTo(5);
    assertThat(out.get(3).getAmountFen()).as("a signature after PAID is still judged, on the voucher's facts")
        .isEqualTo(5_000_001L);

    after(T0 + 2 * MINUTE + tombstone - 1);
    SubjectStage<?, ?> stage = (SubjectStage<?, ?>) h.getOperator();
    assertThat(h.numKeyedStateEntries()).as("one value: facts, their expiry, the tombstone, the deadlines")
        .isEqualTo(1);
    assertThat(stage.subjectsHolding("VoucherFacts/voucher-paid-at")).as("the tombstone").isEqualTo(1);
    assertThat(stage.subjectsHolding("VoucherFacts/voucher-facts")).as("the facts").isEqualTo(1);
    assertThat(((SubjectStage<?, ?>) h.getOperator()).deadlines()).as("the facts' expiry and the tombstone's")
        .isEqualTo(2);
    assertThat(h.numEventTimeTimers()).as("folded into one").isEqualTo(1);
    after(T0 + 2 * MINUTE + tombstone);
    assertThat(stage.subjectsHolding("VoucherFacts/voucher-paid-at")).as("the tombstone is gone").isZero();
    assertThat(stage.subjectsHolding("VoucherFacts/voucher-facts")).as("the facts wait for their window")
        .isEqualTo(1);
    assertThat(((SubjectStage<?, ?>) h.getOperator()).deadlines()).isEqualTo(1);
    after(T0 + 3 * MINUTE + window);
    assertThat(h.numKeyedStateEntries()).isZero();
    assertThat(h.numEventTimeTimers()).isZero();
  }

  @Test
  void afterTheTombstoneAVoucherIdIsANewVoucher() throws Exception {
    feed(h, v.event("V1", PaymentAction.PAID, T0, 1_000L));
    after(T0 + tombstone);
    feed(h, submitted("V1", T0 + tombstone + 1, 2_000L, "CO-2"));
    assertThat(after(T0 + tombstone + 1)).hasSize(2);
    assertThat(metrics.count(VoucherFacts.LATE_EVENTS_OF_ENDED)).isZero();
  }

  @Test
  void theFactsAreAFlinkPojoNotKryo() {
    assertThat(TypeInformation.of(VoucherFacts.Facts.class)).isInstanceOf(PojoTypeInfo.class);
  }
}
