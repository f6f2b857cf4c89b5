package org.probity.jobs.rules.payment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.probity.jobs.rules.payment.Vouchers.DAY;
import static org.probity.jobs.rules.payment.Vouchers.MINUTE;
import static org.probity.jobs.rules.payment.Vouchers.T0;
import static org.probity.jobs.rules.payment.Vouchers.feed;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.cep.nfa.compiler.NFACompiler;
import org.apache.flink.cep.operator.CepOperator;
import org.apache.flink.cep.pattern.Pattern;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.BeforeEach;
import org.probity.jobs.rules.OrderedCepOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.probity.jobs.config.PaymentParameters;
import org.probity.schema.Alert;
import org.probity.schema.AlertStatus;
import org.probity.schema.PaymentAction;
import org.probity.schema.PaymentEvent;
import org.probity.schema.Severity;
import org.probity.schema.SignerRole;
import org.probity.schema.SubjectType;

/**
 * The CEP operator of PAYMENT_SIGNATURE_CHAIN in an operator harness (the job's {@link OrderedCepOperator} of
 * the pattern with the eventId comparator and the contract's chain), fed in event-time order as the voucher
 * stage feeds it (out-of-order arrival at the stage: {@link KeyedSignatureChainTest}, both engines behind it).
 */
class SignatureChainRuleTest {
  private static final long AMOUNT = 1_000_000L;
  private final PaymentParameters parameters = PaymentParameters.DEFAULTS;
  private final long window = parameters.signatureWindowDays() * DAY;
  private static final TypeSerializer<PaymentEvent> SERIALIZER =
      TypeInformation.of(PaymentEvent.class).createSerializer(new SerializerConfigImpl());
  private final Vouchers v = new Vouchers();
  private KeyedOneInputStreamOperatorTestHarness<String, PaymentEvent, Alert> harness;

  @BeforeEach
  void open() throws Exception {
    harness = cep(parameters);
  }

  static KeyedOneInputStreamOperatorTestHarness<String, PaymentEvent, Alert> cep(PaymentParameters parameters)
      throws Exception {
    return open(SignatureChainRule.operator(SERIALIZER, parameters, new SignatureChainRule.Judge()));
  }

  /** flink-cep's own operator of the pattern, as its PatternStreamBuilder builds it (what releases before ran). */
  static KeyedOneInputStreamOperatorTestHarness<String, PaymentEvent, Alert> flinkCep(PaymentParameters parameters)
      throws Exception {
    return open(flinkCepOperator(parameters));
  }

  private static CepOperator<PaymentEvent, String, Alert> flinkCepOperator(PaymentParameters parameters) {
    Pattern<PaymentEvent, ?> pattern = SignatureChainRule.pattern(parameters);
    return new CepOperator<>(SERIALIZER, false, NFACompiler.compileFactory(pattern, false),
        SignatureChainRule.BY_EVENT_ID, pattern.getAfterMatchSkipStrategy(), new SignatureChainRule.Judge(), null);
  }

  static KeyedOneInputStreamOperatorTestHarness<String, PaymentEvent, Alert> open(
      OneInputStreamOperator<PaymentEvent, Alert> operator) throws Exception {
    return open(operator, null);
  }

  private static KeyedOneInputStreamOperatorTestHarness<String, PaymentEvent, Alert> open(
      OneInputStreamOperator<PaymentEvent, Alert> operator, OperatorSubtaskState restored) throws Exception {
    KeyedOneInputStreamOperatorTestHarness<String, PaymentEvent, Alert> h =
        new KeyedOneInputStreamOperatorTestHarness<>(operator, PaymentEvent::getVoucherId, Types.STRING);
    ((SerializerConfigImpl) h.getExecutionConfig().getSerializerConfig()).setGenericTypes(false);
    if (restored != null) {
      h.initializeState(restored);
    }
    h.open();
    return h;
  }

  /**
   * A savepoint of the release before, which ran flink-cep's own operator under the same uid: its partial
   * matches, and a late signature it still held waiting (restamped to the instant after the watermark), go on
   * here as they would have there, the waiting one before a PAID of its very instant that orders after it.
   */
  @Test
  void aSavepointOfFlinkCepsOwnOperatorGoesOnWithItsPartialMatchesAndWaitingEvents() throws Exception {
    long restamp = T0 + MINUTE + 1;
    PaymentEvent lateSignature = sign("V1", "U01-P", SignerRole.PRINCIPAL, T0 + 30_000);
    OperatorSubtaskState savepoint;
    try (var before = flinkCep(parameters)) {
      feed(before, sign("V1", "U01-D", SignerRole.DEPUTY, T0), sign("V2", "U01-D", SignerRole.DEPUTY, T0),
          sign("V1", "U01-J", SignerRole.DISCIPLINE, T0 + MINUTE));
      before.processWatermark(T0 + MINUTE);
      before.processElement(lateSignature, restamp);
      savepoint = before.snapshot(1, 1);
    }
    PaymentEvent paidAtTheSameInstant = v.event("V1", PaymentAction.PAID, restamp, AMOUNT);
    assertThat(SignatureChainRule.BY_EVENT_ID.compare(lateSignature, paidAtTheSameInstant)).isNegative();
    List<PaymentEvent> after = List.of(paidAtTheSameInstant, sign("V2", "U01-P", SignerRole.PRINCIPAL, T0 + 60 * MINUTE),
        paid("V2", T0 + 120 * MINUTE), sign("V3", "U01-D", SignerRole.DEPUTY, T0 + 180 * MINUTE));

    List<Alert> expected;
    try (var flinkCep = open(flinkCepOperator(parameters), savepoint)) {
      after.forEach(e -> feedTo(flinkCep, e));
      flinkCep.processWatermark(T0 + DAY);
      expected = flinkCep.extractOutputValues();
    }
    assertThat(expected).extracting(Alert::getSubjectId, Alert::getReason)
        .containsExactly(tuple("V2", SignatureChainRule.MISSING_SIGNATURE));
    try (var ordered = open(SignatureChainRule.operator(SERIALIZER, parameters, new SignatureChainRule.Judge()),
        savepoint)) {
      after.forEach(e -> feedTo(ordered, e));
      ordered.processWatermark(T0 + DAY);
      assertThat(ordered.extractOutputValues()).isEqualTo(expected);
      ordered.processWatermark(T0 + 180 * MINUTE + window);
      assertThat(ordered.numKeyedStateEntries()).isZero();
      assertThat(ordered.numEventTimeTimers()).isZero();
    }
  }

  private static void feedTo(KeyedOneInputStreamOperatorTestHarness<String, PaymentEvent, Alert> h, PaymentEvent e) {
    try {
      feed(h, e);
    } catch (Exception ex) {
      throw new IllegalStateException(ex);
    }
  }

  private PaymentEvent sign(String voucher, String signer, SignerRole role, long time) {
    return v.signed(voucher, signer, role, time, AMOUNT);
  }

  private static String signerOf(SignerRole role) {
    return switch (role) {
      case DEPUTY -> "U01-D";
      case DISCIPLINE -> "U01-J";
      case PRINCIPAL -> "U01-P";
      case FINANCE -> "U01-F";
    };
  }

  private PaymentEvent paid(String voucher, long time) {
    return v.event(voucher, PaymentAction.PAID, time, AMOUNT);
  }

  private PaymentEvent submitted(String voucher, long time) {
    return v.event(voucher, PaymentAction.SUBMITTED, time, AMOUNT);
  }

  private List<Alert> alertsAfter(long watermark) throws Exception {
    harness.processWatermark(watermark);
    return harness.extractOutputValues();
  }

  @Test
  void theChainInOrderByThreePeopleIsCleanAndLeavesNoStateOnceJudged() throws Exception {
    feed(harness, submitted("V1", T0), sign("V1", "U01-D", SignerRole.DEPUTY, T0 + MINUTE),
        sign("V1", "U01-J", SignerRole.DISCIPLINE, T0 + 2 * MINUTE),
        sign("V1", "U01-P", SignerRole.PRINCIPAL, T0 + 3 * MINUTE));
    harness.processWatermark(T0 + 3 * MINUTE);
    assertThat(harness.numKeyedStateEntries()).as("partial matches wait for PAID").isPositive();
    assertThat(harness.numEventTimeTimers()).as("the earliest match's window end").isEqualTo(1);

    feed(harness, paid("V1", T0 + 4 * MINUTE));
    assertThat(alertsAfter(T0 + 5 * MINUTE)).isEmpty();
    assertThat(harness.numKeyedStateEntries()).isZero();
    // flink-cep's own operator would keep a timer per signature until its window had passed.
    assertThat(harness.numEventTimeTimers()).isZero();
  }

  static Stream<Arguments> everyOrderOfTheThreeSignatures() {
    SignerRole d = SignerRole.DEPUTY;
    SignerRole j = SignerRole.DISCIPLINE;
    SignerRole p = SignerRole.PRINCIPAL;
    return Stream.of(
        Arguments.of(List.of(d, j, p), false),
        Arguments.of(List.of(d, p, j), true),
        Arguments.of(List.of(j, d, p), true),
        Arguments.of(List.of(j, p, d), true),
        Arguments.of(List.of(p, d, j), true),
        Arguments.of(List.of(p, j, d), true));
  }

  @ParameterizedTest(name = "{0} out of order: {1}")
  @MethodSource("everyOrderOfTheThreeSignatures")
  void onlyDeputyThenDisciplineThenPrincipalIsInOrder(List<SignerRole> order, boolean outOfOrder) throws Exception {
    List<PaymentEvent> signatures = new ArrayList<>();
    long t = T0;
    for (SignerRole role : order) {
      signatures.add(sign("V1", signerOf(role), role, t += MINUTE));
    }
    signatures.forEach(this::feedOne);
    PaymentEvent paid = paid("V1", t + MINUTE);
    feed(harness, paid);
    List<Alert> alerts = alertsAfter(t + MINUTE);
    if (!outOfOrder) {
      assertThat(alerts).isEmpty();
      return;
    }
    assertThat(alerts).singleElement().satisfies(a -> {
      assertThat(a.getRuleId()).isEqualTo("PAYMENT_SIGNATURE_CHAIN");
      assertThat(a.getReason()).isEqualTo(SignatureChainRule.OUT_OF_ORDER);
      assertThat(a.getSeverity()).isEqualTo(Severity.YELLOW);
      assertThat(a.getStatus()).isEqualTo(AlertStatus.RAISED);
      assertThat(a.getSubjectType()).isEqualTo(SubjectType.VOUCHER);
      assertThat(a.getSubjectId()).isEqualTo("V1");
      assertThat(a.getUnitId()).isEqualTo("U01");
      assertThat(a.getAmountFen()).isEqualTo(AMOUNT);
      assertThat(a.getEventTime()).isEqualTo(paid.getEventTime());
      assertThat(a.getEvidence()).containsExactlyElementsOf(
          Stream.concat(signatures.stream(), Stream.of(paid)).map(PaymentEvent::getEventId).toList());
      assertThat(a.getPersonIds()).containsExactlyElementsOf(signatures.stream().map(PaymentEvent::getSignerId).toList());
      assertThat(a.getMessage()).contains("应为分管领导→纪委书记（纪检组长）→一把手");
    });
  }

  private void feedOne(PaymentEvent e) {
    feedTo(harness, e);
  }

  @ParameterizedTest
  @MethodSource("missingOneRole")
  void eachMissingRoleIsMissingSignature(SignerRole absent, String named) throws Exception {
    long t = T0;
    List<PaymentEvent> present = new ArrayList<>();
    for (SignerRole role : SignatureChainRule.CHAIN) {
      if (role != absent) {
        present.add(sign("V1", signerOf(role), role, t += MINUTE));
      }
    }
    present.forEach(this::feedOne);
    PaymentEvent paid = paid("V1", t + MINUTE);
    feed(harness, paid);
    assertThat(alertsAfter(t + MINUTE)).singleElement().satisfies(a -> {
      assertThat(a.getReason()).isEqualTo(SignatureChainRule.MISSING_SIGNATURE);
      assertThat(a.getSeverity()).isEqualTo(Severity.RED);
      assertThat(a.getMessage()).contains("缺少" + named + "审签");
      assertThat(a.getEvidence()).containsExactly(present.get(0).getEventId(), present.get(1).getEventId(),
          paid.getEventId());
    });
  }

  static Stream<Arguments> missingOneRole() {
    return Stream.of(Arguments.of(SignerRole.DEPUTY, "分管领导"),
        Arguments.of(SignerRole.DISCIPLINE, "纪委书记（纪检组长）"), Arguments.of(SignerRole.PRINCIPAL, "一把手"));
  }

  @Test
  void aPaymentWithNoSignatureAtAllMissesAllThree() throws Exception {
    PaymentEvent paid = paid("V1", T0);
    feed(harness, submitted("V1", T0 - MINUTE), paid);
    assertThat(alertsAfter(T0)).singleElement().satisfies(a -> {
      assertThat(a.getReason()).isEqualTo(SignatureChainRule.MISSING_SIGNATURE);
      assertThat(a.getEvidence()).containsExactly(paid.getEventId());
      assertThat(a.getPersonIds()).isEmpty();
      assertThat(a.getMessage()).contains("缺少分管领导、纪委书记（纪检组长）、一把手审签");
    });
  }

  @Test
  void aSignatureAfterPaidDoesNotCureIt() throws Exception {
    feed(harness, sign("V1", "U01-D", SignerRole.DEPUTY, T0), sign("V1", "U01-J", SignerRole.DISCIPLINE, T0 + MINUTE),
        paid("V1", T0 + 2 * MINUTE), sign("V1", "U01-P", SignerRole.PRINCIPAL, T0 + 3 * MINUTE));
    assertThat(alertsAfter(T0 + DAY)).extracting(Alert::getReason).containsExactly(SignatureChainRule.MISSING_SIGNATURE);
  }

  @Test
  void onePersonInTwoRolesIsSameSignerOnly() throws Exception {
    PaymentEvent asDeputy = sign("V1", "U01-D", SignerRole.DEPUTY, T0);
    PaymentEvent asDiscipline = sign("V1", "U01-D", SignerRole.DISCIPLINE, T0 + MINUTE);
    PaymentEvent paid = paid("V1", T0 + 3 * MINUTE);
    feed(harness, asDeputy, asDiscipline, sign("V1", "U01-P", SignerRole.PRINCIPAL, T0 + 2 * MINUTE), paid);
    assertThat(alertsAfter(T0 + DAY)).singleElement().satisfies(a -> {
      assertThat(a.getReason()).isEqualTo(SignatureChainRule.SAME_SIGNER);
      assertThat(a.getSeverity()).isEqualTo(Severity.RED);
      assertThat(a.getPersonIds()).containsExactly("U01-D");
      assertThat(a.getEvidence()).containsExactly(asDeputy.getEventId(), asDiscipline.getEventId(), paid.getEventId());
      assertThat(a.getMessage()).contains("U01-D（分管领导、纪委书记（纪检组长））");
    });
  }

  @Test
  void reasonsAreIndependentAndEachRaisedOnce() throws Exception {
    // Every role is present, but the principal signed as deputy too, and before the discipline secretary.
    feed(harness, sign("V1", "U01-P", SignerRole.DEPUTY, T0), sign("V1", "U01-P", SignerRole.PRINCIPAL, T0 + MINUTE),
        sign("V1", "U01-J", SignerRole.DISCIPLINE, T0 + 2 * MINUTE), paid("V1", T0 + 3 * MINUTE));
    assertThat(alertsAfter(T0 + DAY)).extracting(Alert::getReason)
        .containsExactly(SignatureChainRule.OUT_OF_ORDER, SignatureChainRule.SAME_SIGNER);
  }

  @Test
  void aRoleRepeatedRightAfterItselfIsInOrder() throws Exception {
    feed(harness, sign("V1", "U01-D", SignerRole.DEPUTY, T0), sign("V1", "U01-D", SignerRole.DEPUTY, T0 + MINUTE),
        sign("V1", "U01-D2", SignerRole.DEPUTY, T0 + 2 * MINUTE), sign("V1", "U01-J", SignerRole.DISCIPLINE, T0 + 3 * MINUTE),
        sign("V1", "U01-P", SignerRole.PRINCIPAL, T0 + 4 * MINUTE), sign("V1", "U01-P", SignerRole.PRINCIPAL, T0 + 5 * MINUTE),
        paid("V1", T0 + 6 * MINUTE));
    assertThat(alertsAfter(T0 + DAY)).isEmpty();
  }

  @Test
  void aRoleSigningAgainAfterALaterRoleIsOutOfOrder() throws Exception {
    feed(harness, sign("V1", "U01-D", SignerRole.DEPUTY, T0), sign("V1", "U01-J", SignerRole.DISCIPLINE, T0 + MINUTE),
        sign("V1", "U01-D", SignerRole.DEPUTY, T0 + 2 * MINUTE), sign("V1", "U01-P", SignerRole.PRINCIPAL, T0 + 3 * MINUTE),
        paid("V1", T0 + 4 * MINUTE));
    assertThat(alertsAfter(T0 + DAY)).extracting(Alert::getReason).containsExactly(SignatureChainRule.OUT_OF_ORDER);
  }

  @Test
  void aReturnedVoucherIsJudgedOnTheSigningAfterItsReturn() throws Exception {
    feed(harness, sign("V1", "U01-D", SignerRole.DEPUTY, T0), sign("V1", "U01-J", SignerRole.DISCIPLINE, T0 + MINUTE),
        v.event("V1", PaymentAction.REJECTED, T0 + 2 * MINUTE, AMOUNT), submitted("V1", T0 + DAY),
        sign("V1", "U01-D", SignerRole.DEPUTY, T0 + DAY + MINUTE),
        sign("V1", "U01-J", SignerRole.DISCIPLINE, T0 + DAY + 2 * MINUTE),
        sign("V1", "U01-P", SignerRole.PRINCIPAL, T0 + DAY + 3 * MINUTE), paid("V1", T0 + DAY + 4 * MINUTE));
    assertThat(alertsAfter(T0 + 2 * DAY)).isEmpty();
  }

  @Test
  void paidAfterItsReturnWithoutSigningAgainMissesEverySignature() throws Exception {
    PaymentEvent paid = paid("V1", T0 + 4 * MINUTE);
    feed(harness, sign("V1", "U01-D", SignerRole.DEPUTY, T0), sign("V1", "U01-J", SignerRole.DISCIPLINE, T0 + MINUTE),
        sign("V1", "U01-P", SignerRole.PRINCIPAL, T0 + 2 * MINUTE),
        v.event("V1", PaymentAction.REJECTED, T0 + 3 * MINUTE, AMOUNT), paid);
    assertThat(alertsAfter(T0 + DAY)).singleElement().satisfies(a -> {
      assertThat(a.getReason()).isEqualTo(SignatureChainRule.MISSING_SIGNATURE);
      assertThat(a.getEvidence()).containsExactly(paid.getEventId());
    });
  }

  @Test
  void partialMatchesOfAVoucherNeverPaidArePrunedAtTheWindow() throws Exception {
    feed(harness, submitted("V1", T0), sign("V1", "U01-D", SignerRole.DEPUTY, T0 + MINUTE),
        sign("V1", "U01-J", SignerRole.DISCIPLINE, T0 + 2 * MINUTE));
    harness.processWatermark(T0 + 2 * MINUTE);
    assertThat(harness.numKeyedStateEntries()).isPositive();
    assertThat(harness.numEventTimeTimers()).as("one, at the earliest match's window end").isEqualTo(1);

    harness.processWatermark(T0 + 2 * MINUTE + window - 1);
    assertThat(harness.numKeyedStateEntries()).as("the last signature's match is still inside the window").isPositive();
    assertThat(harness.numEventTimeTimers()).as("the next one, at the last match's window end").isEqualTo(1);
    harness.processWatermark(T0 + 2 * MINUTE + window);
    assertThat(harness.numKeyedStateEntries()).isZero();
    assertThat(harness.numEventTimeTimers()).isZero();
    assertThat(harness.extractOutputValues()).isEmpty();
  }

  @Test
  void aSignatureOlderThanTheWindowAtPaidNoLongerCounts() throws Exception {
    feed(harness, sign("V1", "U01-D", SignerRole.DEPUTY, T0), sign("V1", "U01-J", SignerRole.DISCIPLINE, T0 + MINUTE),
        sign("V1", "U01-P", SignerRole.PRINCIPAL, T0 + window - MINUTE), paid("V1", T0 + window));
    assertThat(alertsAfter(T0 + window)).singleElement().satisfies(a -> {
      assertThat(a.getReason()).isEqualTo(SignatureChainRule.MISSING_SIGNATURE);
      assertThat(a.getMessage()).contains("缺少分管领导审签");
    });
  }

  @Test
  void aPaidRestampedPastTheWatermarkIsStillJudgedWithItsOwnEventTime() throws Exception {
    feed(harness, sign("V1", "U01-D", SignerRole.DEPUTY, T0), sign("V1", "U01-J", SignerRole.DISCIPLINE, T0 + MINUTE));
    harness.processWatermark(T0 + DAY);
    PaymentEvent latePaid = paid("V1", T0 + 2 * MINUTE);
    // What RestampLateEvents hands over for a PAID that arrives a day late.
    harness.processElement(latePaid, T0 + DAY + 1);
    assertThat(alertsAfter(T0 + DAY + 1)).singleElement().satisfies(a -> {
      assertThat(a.getReason()).isEqualTo(SignatureChainRule.MISSING_SIGNATURE);
      assertThat(a.getEventTime()).isEqualTo(latePaid.getEventTime());
    });
  }

  /**
   * The pattern on its own. In the job a second PAID of a voucher reaches it only after the voucher's
   * tombstone in {@link VoucherFacts} has gone (KeyedSignatureChainTest, both engines behind the stage).
   */
  @Test
  void aSecondPaidIsJudgedOnTheSigningSinceTheFirst() throws Exception {
    feed(harness, sign("V1", "U01-D", SignerRole.DEPUTY, T0), sign("V1", "U01-J", SignerRole.DISCIPLINE, T0 + MINUTE),
        sign("V1", "U01-P", SignerRole.PRINCIPAL, T0 + 2 * MINUTE), paid("V1", T0 + 3 * MINUTE));
    PaymentEvent again = paid("V1", T0 + DAY);
    feed(harness, again);
    assertThat(alertsAfter(T0 + DAY)).singleElement().satisfies(a -> {
      assertThat(a.getReason()).isEqualTo(SignatureChainRule.MISSING_SIGNATURE);
      assertThat(a.getEvidence()).containsExactly(again.getEventId());
    });
  }

  @Test
  void vouchersAreJudgedSeparately() throws Exception {
    feed(harness, sign("V1", "U01-D", SignerRole.DEPUTY, T0), sign("V2", "U01-P", SignerRole.PRINCIPAL, T0),
        sign("V1", "U01-J", SignerRole.DISCIPLINE, T0 + MINUTE), sign("V1", "U01-P", SignerRole.PRINCIPAL, T0 + 2 * MINUTE),
        paid("V1", T0 + 3 * MINUTE), paid("V2", T0 + 3 * MINUTE));
    assertThat(alertsAfter(T0 + DAY)).extracting(Alert::getSubjectId, Alert::getReason)
        .containsExactly(tuple("V2", SignatureChainRule.MISSING_SIGNATURE));
  }

  /** Voucher lives with SUBMITTED at the start, in the middle, after a return and outside the window. */
  static Stream<Arguments> voucherLivesWithSubmissions() {
    Vouchers v = new Vouchers();
    SignerRole d = SignerRole.DEPUTY;
    SignerRole j = SignerRole.DISCIPLINE;
    SignerRole p = SignerRole.PRINCIPAL;
    long w = PaymentParameters.DEFAULTS.signatureWindowDays() * DAY;
    return Stream.of(
        Arguments.of("clean", List.of(v.event("V1", PaymentAction.SUBMITTED, T0, AMOUNT),
            v.signed("V1", "U01-D", d, T0 + MINUTE, AMOUNT), v.signed("V1", "U01-J", j, T0 + 2 * MINUTE, AMOUNT),
            v.signed("V1", "U01-P", p, T0 + 3 * MINUTE, AMOUNT), v.event("V1", PaymentAction.PAID, T0 + 4 * MINUTE,
                AMOUNT))),
        Arguments.of("out of order, one missing", List.of(v.event("V2", PaymentAction.SUBMITTED, T0, AMOUNT),
            v.signed("V2", "U01-J", j, T0 + MINUTE, AMOUNT), v.signed("V2", "U01-D", d, T0 + 2 * MINUTE, AMOUNT),
            v.event("V2", PaymentAction.PAID, T0 + 3 * MINUTE, AMOUNT))),
        Arguments.of("submitted between signatures", List.of(v.signed("V3", "U01-D", d, T0, AMOUNT),
            v.event("V3", PaymentAction.SUBMITTED, T0 + MINUTE, AMOUNT), v.signed("V3", "U01-D", j, T0 + 2 * MINUTE,
                AMOUNT), v.event("V3", PaymentAction.PAID, T0 + 3 * MINUTE, AMOUNT))),
        Arguments.of("returned and resubmitted", List.of(v.event("V4", PaymentAction.SUBMITTED, T0, AMOUNT),
            v.signed("V4", "U01-D", d, T0 + MINUTE, AMOUNT), v.event("V4", PaymentAction.REJECTED, T0 + 2 * MINUTE,
                AMOUNT), v.event("V4", PaymentAction.SUBMITTED, T0 + DAY, AMOUNT),
            v.signed("V4", "U01-J", j, T0 + DAY + MINUTE, AMOUNT), v.event("V4", PaymentAction.PAID,
                T0 + DAY + 2 * MINUTE, AMOUNT))),
        Arguments.of("clean, submitted outside the window", List.of(v.event("V5", PaymentAction.SUBMITTED, T0, AMOUNT),
            v.signed("V5", "U01-D", d, T0 + DAY, AMOUNT), v.signed("V5", "U01-J", j, T0 + 2 * DAY, AMOUNT),
            v.signed("V5", "U01-P", p, T0 + 3 * DAY, AMOUNT), v.event("V5", PaymentAction.PAID, T0 + w + DAY / 2,
                AMOUNT))),
        Arguments.of("paid twice, no signature the second time", List.of(
            v.event("V6", PaymentAction.SUBMITTED, T0, AMOUNT), v.signed("V6", "U01-D", d, T0 + MINUTE, AMOUNT),
            v.event("V6", PaymentAction.PAID, T0 + 2 * MINUTE, AMOUNT),
            v.event("V6", PaymentAction.SUBMITTED, T0 + 3 * MINUTE, AMOUNT),
            v.event("V6", PaymentAction.PAID, T0 + 4 * MINUTE, AMOUNT))));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("voucherLivesWithSubmissions")
  void leavingSubmittedOutBeforeThePatternChangesNoVerdict(String life, List<PaymentEvent> events) throws Exception {
    // SignatureChainRule drops SUBMITTED in front of CEP; the pattern must judge alike either way.
    KeyedOneInputStreamOperatorTestHarness<String, PaymentEvent, Alert> without = cep(parameters);
    for (PaymentEvent e : events) {
      feed(harness, e);
      if (e.getAction() != PaymentAction.SUBMITTED) {
        feed(without, e);
      }
    }
    long end = events.get(events.size() - 1).getEventTime().toEpochMilli() + MINUTE;
    harness.processWatermark(end);
    without.processWatermark(end);
    List<Alert> expected = harness.extractOutputValues();
    assertThat(without.extractOutputValues()).isEqualTo(expected);
    if (!life.startsWith("clean")) {
      assertThat(expected).as("a life that should raise something").isNotEmpty();
    }
    without.close();
  }
}
