package org.probity.jobs.rules.payment;

import org.probity.jobs.rules.SubjectStage;
import static org.assertj.core.api.Assertions.assertThat;
import static org.probity.jobs.rules.payment.Vouchers.DAY;
import static org.probity.jobs.rules.payment.Vouchers.MINUTE;
import static org.probity.jobs.rules.payment.Vouchers.T0;
import static org.probity.jobs.rules.payment.Vouchers.feed;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.apache.avro.specific.SpecificRecordBase;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;
import org.probity.jobs.config.PaymentParameters;
import org.probity.jobs.config.ProbityConfig;
import org.probity.jobs.config.RulesFile;
import org.probity.jobs.generate.GeneratorSettings;
import org.probity.jobs.generate.TrafficGenerator;
import org.probity.jobs.rules.RestampLateEvents;
import org.probity.jobs.testing.CapturedMetrics;
import org.probity.schema.Alert;
import org.probity.schema.PaymentAction;
import org.probity.schema.PaymentEvent;
import org.probity.schema.SignerRole;

/** The keyed engine of PAYMENT_SIGNATURE_CHAIN: the CEP pattern's verdicts, and nothing left behind. */
class KeyedSignatureChainTest {
  private final PaymentParameters parameters = PaymentParameters.DEFAULTS;

  private KeyedOneInputStreamOperatorTestHarness<String, PaymentEvent, Alert> keyed() throws Exception {
    KeyedOneInputStreamOperatorTestHarness<String, PaymentEvent, Alert> h = new KeyedOneInputStreamOperatorTestHarness<>(
        SubjectStage.<PaymentEvent, Alert>of(PaymentEvent.class).rule(new KeyedSignatureChain(org.probity.jobs.config.RulesFile.defaults())).build(), PaymentEvent::getVoucherId, Types.STRING);
    ((SerializerConfigImpl) h.getExecutionConfig().getSerializerConfig()).setGenericTypes(false);
    h.open();
    return h;
  }

  @Test
  void raisesExactlyWhatTheCepPatternRaisesOnAMonthOfGeneratedPayments() throws Exception {
    ProbityConfig config = RulesFile.defaults();
    List<PaymentEvent> payments = new ArrayList<>();
    for (SpecificRecordBase e : new TrafficGenerator(config, GeneratorSettings.DEFAULTS.withScale(5).withDays(30)
        .withDisorderSeconds(60))) {
      if (e instanceof PaymentEvent p && p.getAction() != PaymentAction.SUBMITTED) {
        payments.add(p);
      }
    }
    assertThat(payments).as("signatures carrying only the signer, as the contract allows")
        .anySatisfy(p -> assertThat(p.getAction() == PaymentAction.SIGNED && p.getAmountFen() == null).isTrue());
    try (BothEngines job = new BothEngines(this)) {
      long watermark = Long.MIN_VALUE;
      int n = 0;
      for (PaymentEvent p : payments) {
        job.feed(p);
        watermark = Math.max(watermark, p.getEventTime().toEpochMilli() - 120_000);
        if (++n % 64 == 0) {
          job.watermark(watermark);
        }
      }
      long end = payments.stream().mapToLong(p -> p.getEventTime().toEpochMilli()).max().orElseThrow() + DAY;
      job.watermark(end);
      Comparator<Alert> byId = Comparator.comparing(Alert::getAlertId);
      List<Alert> expected = job.cep.extractOutputValues().stream().sorted(byId).toList();
      assertThat(expected).as("the generator plants signature-chain violations").isNotEmpty();
      assertThat(job.keyed.extractOutputValues().stream().sorted(byId).toList()).isEqualTo(expected);
    }
  }

  @Test
  void eventsArrivingInReverseAreJudgedInEventTimeByBothEngines() throws Exception {
    Vouchers v = new Vouchers();
    List<PaymentEvent> inOrder = List.of(v.signed("V1", "U01-D", SignerRole.DEPUTY, T0, 100),
        v.signed("V1", "U01-J", SignerRole.DISCIPLINE, T0 + MINUTE, 100),
        v.signed("V1", "U01-P", SignerRole.PRINCIPAL, T0 + 2 * MINUTE, 100),
        v.event("V1", PaymentAction.PAID, T0 + 3 * MINUTE, 100));
    try (BothEngines job = new BothEngines(this)) {
      for (int i = inOrder.size() - 1; i >= 0; i--) {
        job.feed(inOrder.get(i));
      }
      job.watermark(T0 + 3 * MINUTE);
      assertThat(job.cep.extractOutputValues()).as("CEP: in order by three people").isEmpty();
      assertThat(job.keyed.extractOutputValues()).as("keyed: in order by three people").isEmpty();
    }
  }

  @Test
  void aPaidVoucherLeavesNoStateAndNoTimer() throws Exception {
    Vouchers v = new Vouchers();
    try (var h = keyed()) {
      feed(h, v.signed("V1", "U01-D", SignerRole.DEPUTY, T0, 100), v.signed("V1", "U01-J", SignerRole.DISCIPLINE,
          T0 + MINUTE, 100));
      h.processWatermark(T0 + MINUTE);
      assertThat(h.numKeyedStateEntries()).as("signatures wait for PAID").isPositive();
      assertThat(h.numEventTimeTimers()).as("the pruning timer").isEqualTo(1);

      feed(h, v.event("V1", PaymentAction.PAID, T0 + 2 * MINUTE, 100));
      h.processWatermark(T0 + 2 * MINUTE);
      assertThat(h.extractOutputValues()).extracting(Alert::getReason).containsExactly(
          SignatureChainRule.MISSING_SIGNATURE);
      assertThat(h.numKeyedStateEntries()).isZero();
      assertThat(h.numEventTimeTimers()).isZero();
    }
  }

  @Test
  void anUnpaidVoucherIsForgottenAfterTheSignatureWindow() throws Exception {
    Vouchers v = new Vouchers();
    try (var h = keyed()) {
      feed(h, v.signed("V1", "U01-D", SignerRole.DEPUTY, T0, 100));
      h.processWatermark(T0 + parameters.signatureWindowDays() * DAY);
      assertThat(h.extractOutputValues()).isEmpty();
      assertThat(h.numKeyedStateEntries()).isZero();
      assertThat(h.numEventTimeTimers()).isZero();
    }
  }

  @Test
  void signaturesWithoutTheVouchersFieldsGetTheSameVerdictsFromBothEngines() throws Exception {
    Vouchers v = new Vouchers();
    PaymentEvent unstated = v.event("V2", PaymentAction.PAID, T0 + 3 * MINUTE, 0);
    unstated.setAmountFen(null);
    unstated.setPayeeId(null);
    List<PaymentEvent> events = List.of(
        v.bareSigned("V1", "U01-D", SignerRole.DEPUTY, T0), v.bareSigned("V1", "U01-D", SignerRole.DISCIPLINE, T0 + MINUTE),
        v.event("V1", PaymentAction.PAID, T0 + 2 * MINUTE, 4_200L),
        v.bareSigned("V2", "U01-P", SignerRole.PRINCIPAL, T0), v.bareSigned("V2", "U01-D", SignerRole.DEPUTY, T0 + MINUTE),
        unstated);
    try (var cep = SignatureChainRuleTest.cep(parameters); var keyed = keyed()) {
      for (PaymentEvent p : events) {
        cep.processElement(p, p.getEventTime().toEpochMilli());
        keyed.processElement(p, p.getEventTime().toEpochMilli());
      }
      cep.processWatermark(T0 + DAY);
      keyed.processWatermark(T0 + DAY);
      Comparator<Alert> byId = Comparator.comparing(Alert::getAlertId);
      List<Alert> expected = cep.extractOutputValues().stream().sorted(byId).toList();
      assertThat(expected).extracting(Alert::getSubjectId, Alert::getReason).containsExactlyInAnyOrder(
          org.assertj.core.api.Assertions.tuple("V1", SignatureChainRule.MISSING_SIGNATURE),
          org.assertj.core.api.Assertions.tuple("V1", SignatureChainRule.SAME_SIGNER),
          org.assertj.core.api.Assertions.tuple("V2", SignatureChainRule.MISSING_SIGNATURE),
          org.assertj.core.api.Assertions.tuple("V2", SignatureChainRule.OUT_OF_ORDER));
      assertThat(expected).filteredOn(a -> a.getSubjectId().equals("V1"))
          .allSatisfy(a -> assertThat(a.getAmountFen()).as("the PAID's amount").isEqualTo(4_200L));
      assertThat(expected).filteredOn(a -> a.getSubjectId().equals("V2"))
          .allSatisfy(a -> assertThat(a.getMessage()).startsWith("付款凭证V2").doesNotContain("null").doesNotContain("¥"));
      assertThat(keyed.extractOutputValues().stream().sorted(byId).toList()).isEqualTo(expected);
    }
  }

  /**
   * The job's path for both engines: the voucher-facts stage, SUBMITTED left out, then the keyed engine
   * directly and the CEP operator behind {@link RestampLateEvents} (as {@link SignatureChainRule#apply}
   * builds them).
   */
  private static final class BothEngines implements AutoCloseable {
    final CapturedMetrics factsMetrics = new CapturedMetrics();
    final KeyedOneInputStreamOperatorTestHarness<String, PaymentEvent, PaymentEvent> facts;
    final OneInputStreamOperatorTestHarness<PaymentEvent, PaymentEvent> restamp;
    final KeyedOneInputStreamOperatorTestHarness<String, PaymentEvent, Alert> cep;
    final KeyedOneInputStreamOperatorTestHarness<String, PaymentEvent, Alert> keyed;
    private int forwarded;
    private int restamped;

    BothEngines(KeyedSignatureChainTest test) throws Exception {
      facts = factsMetrics.open(new VoucherFacts(RulesFile.defaults()), PaymentEvent::getVoucherId, PaymentEvent.class);
      restamp = new OneInputStreamOperatorTestHarness<>(new RestampLateEvents<PaymentEvent>(),
          TypeInformation.of(PaymentEvent.class).createSerializer(new SerializerConfigImpl()));
      restamp.open();
      cep = SignatureChainRuleTest.cep(test.parameters);
      keyed = test.keyed();
    }

    void feed(PaymentEvent... events) throws Exception {
      for (PaymentEvent e : events) {
        facts.processElement(e, e.getEventTime().toEpochMilli());
        forward();
      }
    }

    void watermark(long w) throws Exception {
      facts.processWatermark(w);
      forward();
      restamp.processWatermark(w);
      cep.processWatermark(w);
      keyed.processWatermark(w);
    }

    private void forward() throws Exception {
      List<StreamRecord<? extends PaymentEvent>> out = facts.extractOutputStreamRecords();
      for (StreamRecord<? extends PaymentEvent> r : out.subList(forwarded, out.size())) {
        if (r.getValue().getAction() != PaymentAction.SUBMITTED) {
          keyed.processElement(r.getValue(), r.getTimestamp());
          restamp.processElement(r.getValue(), r.getTimestamp());
        }
      }
      forwarded = out.size();
      List<StreamRecord<? extends PaymentEvent>> onTime = restamp.extractOutputStreamRecords();
      for (StreamRecord<? extends PaymentEvent> r : onTime.subList(restamped, onTime.size())) {
        cep.processElement(r.getValue(), r.getTimestamp());
      }
      restamped = onTime.size();
    }

    long stateEntries() {
      return facts.numKeyedStateEntries() + cep.numKeyedStateEntries() + keyed.numKeyedStateEntries();
    }

    long timers() {
      return facts.numEventTimeTimers() + cep.numEventTimeTimers() + keyed.numEventTimeTimers();
    }

    @Override
    public void close() throws Exception {
      facts.close();
      restamp.close();
      cep.close();
      keyed.close();
    }
  }

  @Test
  void aPaidResentAfterTheVoucherEndedRestartsItInNeitherEngine() throws Exception {
    Vouchers v = new Vouchers();
    long window = parameters.signatureWindowDays() * DAY;
    PaymentEvent paid = v.event("V1", PaymentAction.PAID, T0 + 4 * MINUTE, 100);
    PaymentEvent resentAtOnce = PaymentEvent.newBuilder(paid).setEventId("EPR1").build();
    PaymentEvent resentLate = PaymentEvent.newBuilder(paid).setEventId("EPR2").build();
    PaymentEvent resentLater = PaymentEvent.newBuilder(paid).setEventId("EPR3")
        .setEventTime(paid.getEventTime().plusMillis(2 * DAY)).build();
    try (BothEngines job = new BothEngines(this)) {
      job.feed(v.event("V1", PaymentAction.SUBMITTED, T0, 100), v.bareSigned("V1", "U01-D", SignerRole.DEPUTY, T0 + MINUTE),
          v.bareSigned("V1", "U01-J", SignerRole.DISCIPLINE, T0 + 2 * MINUTE),
          v.bareSigned("V1", "U01-P", SignerRole.PRINCIPAL, T0 + 3 * MINUTE), paid, resentAtOnce);
      job.watermark(T0 + DAY);
      // Upstream re-sends the PAID under a new eventId: behind the watermark, and once more dated later.
      job.feed(resentLate, resentLater);
      job.watermark(T0 + 3 * DAY);
      assertThat(job.cep.extractOutputValues()).as("CEP: a clean voucher, paid once").isEmpty();
      assertThat(job.keyed.extractOutputValues()).as("keyed: a clean voucher, paid once").isEmpty();
      assertThat(job.factsMetrics.count(VoucherFacts.LATE_EVENTS_OF_ENDED)).isEqualTo(3);

      job.watermark(T0 + 4 * MINUTE + window);
      assertThat(job.stateEntries()).isZero();
      assertThat(job.timers()).isZero();
    }
  }
}
