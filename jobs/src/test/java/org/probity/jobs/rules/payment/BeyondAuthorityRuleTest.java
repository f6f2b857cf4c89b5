package org.probity.jobs.rules.payment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.probity.jobs.rules.payment.Vouchers.DAY;
import static org.probity.jobs.rules.payment.Vouchers.MINUTE;
import static org.probity.jobs.rules.payment.Vouchers.T0;

import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.probity.jobs.config.ProbityConfig;
import org.probity.jobs.config.RulesFile;
import org.probity.schema.Alert;
import org.probity.schema.PaymentAction;
import org.probity.schema.PaymentEvent;
import org.probity.schema.Severity;
import org.probity.schema.SignerRole;
import org.probity.schema.SubjectType;

class BeyondAuthorityRuleTest {
  static final ProbityConfig CONFIG = RulesFile.parse("""
      units: [{id: U01}]
      people:
        - {id: U01-P, unitId: U01, role: PRINCIPAL, authorityLimitFen: 200000000}
        - {id: U01-D, unitId: U01, role: DEPUTY, authorityLimitFen: 20000000}
        - {id: U01-J, unitId: U01, role: DISCIPLINE, authorityLimitFen: 20000000}
        - {id: U01-D2, unitId: U01, role: DEPUTY, authorityLimitFen: 5000000}
        - {id: U01-R1, unitId: U01, role: REVIEWER}
      relatedParties:
        - {personId: U01-D, partyId: CO-1}
      """, "test.yaml");
  private final Vouchers v = new Vouchers();
  private SignatureRuleHarness rule;

  @BeforeEach
  void open() throws Exception {
    rule = new SignatureRuleHarness(new BeyondAuthorityRule.Check(), CONFIG);
  }

  @Test
  void aSignatureAboveTheSignersLimitIsLimitExceeded() throws Exception {
    PaymentEvent e = v.signed("V1", "U01-D2", SignerRole.DEPUTY, T0, 5_000_001L);
    rule.feed(e);
    assertThat(rule.alertsAfter(T0)).singleElement().satisfies(a -> {
      assertThat(a.getRuleId()).isEqualTo("PAYMENT_BEYOND_AUTHORITY");
      assertThat(a.getReason()).isEqualTo(BeyondAuthorityRule.LIMIT_EXCEEDED);
      assertThat(a.getSeverity()).isEqualTo(Severity.YELLOW);
      assertThat(a.getSubjectType()).isEqualTo(SubjectType.VOUCHER);
      assertThat(a.getSubjectId()).isEqualTo("V1");
      assertThat(a.getPersonIds()).containsExactly("U01-D2");
      assertThat(a.getAmountFen()).isEqualTo(5_000_001L);
      assertThat(a.getEventTime()).isEqualTo(e.getEventTime());
      assertThat(a.getEvidence()).containsExactly(e.getEventId());
      assertThat(a.getMessage()).contains("超过其审批权限¥50,000.00");
    });
  }

  @Test
  void exactlyAtTheLimitIsWithinIt() throws Exception {
    rule.feed(v.signed("V1", "U01-D2", SignerRole.DEPUTY, T0, 5_000_000L),
        v.signed("V1", "U01-P", SignerRole.PRINCIPAL, T0, 5_000_000L));
    assertThat(rule.alertsAfter(T0 + DAY)).isEmpty();
  }

  @Test
  void twoSignersOverTheirLimitsAreTwoAlertsWithTheirOwnIds() throws Exception {
    long amount = 20_000_001L;
    rule.feed(v.signed("V1", "U01-D", SignerRole.DEPUTY, T0, amount),
        v.signed("V1", "U01-J", SignerRole.DISCIPLINE, T0 + MINUTE, amount),
        v.signed("V1", "U01-P", SignerRole.PRINCIPAL, T0 + 2 * MINUTE, amount));
    assertThat(rule.alertsAfter(T0 + DAY)).extracting(a -> a.getPersonIds().get(0)).containsExactly("U01-D", "U01-J");
    assertThat(rule.first.extractOutputValues()).extracting(Alert::getAlertId).doesNotHaveDuplicates();
  }

  @Test
  void aSignerSigningTheSameVoucherAgainIsOneAlertAndTheMemoryEndsAfterTheWindow() throws Exception {
    PaymentEvent firstSignature = v.signed("V1", "U01-D2", SignerRole.DEPUTY, T0, 6_000_000L);
    rule.feed(v.signed("V1", "U01-D2", SignerRole.DEPUTY, T0 + DAY, 6_000_000L), firstSignature);
    assertThat(rule.alertsAfter(T0 + DAY)).singleElement()
        .satisfies(a -> assertThat(a.getEvidence()).containsExactly(firstSignature.getEventId()));
    assertThat(rule.first.numKeyedStateEntries()).isPositive();
    long window = CONFIG.payment().signatureWindowDays() * DAY;
    rule.alertsAfter(T0 + DAY + window - 1);
    assertThat(rule.first.numKeyedStateEntries()).as("remembered from the last violating signature").isPositive();
    rule.alertsAfter(T0 + DAY + window);
    assertThat(rule.first.numKeyedStateEntries()).isZero();
    assertThat(rule.first.numEventTimeTimers()).isZero();
  }

  @Test
  void cleanSignaturesLeaveNoStateBehind() throws Exception {
    rule.feed(v.signed("V1", "U01-D", SignerRole.DEPUTY, T0, 1_000L));
    rule.alertsAfter(T0 + DAY);
    assertThat(rule.first.numKeyedStateEntries()).isZero();
    assertThat(rule.first.numEventTimeTimers()).isZero();
  }

  @Test
  void anUnknownSignerIsAGapCountedAndSkippedWhileTheOthersAreStillJudged() throws Exception {
    rule.feed(v.signed("V1", "U99-X", SignerRole.DEPUTY, T0, 900_000_000L),
        v.signed("V2", "U99-X", SignerRole.DEPUTY, T0, 900_000_000L),
        v.signed("V1", "U01-J", SignerRole.DISCIPLINE, T0 + MINUTE, 900_000_000L));
    assertThat(rule.alertsAfter(T0 + DAY)).extracting(a -> a.getPersonIds().get(0)).containsExactly("U01-J");
    assertThat(rule.screenMetrics.count("referenceGapUnknownPerson")).isEqualTo(2);
    assertThat(rule.screenMetrics.count("referenceGapNoAuthorityLimit")).isZero();
  }

  @Test
  void aSignerWithoutALimitInTheFileIsAGapNotAViolation() throws Exception {
    rule.feed(v.signed("V1", "U01-R1", SignerRole.DEPUTY, T0, 900_000_000L));
    assertThat(rule.alertsAfter(T0 + DAY)).isEmpty();
    assertThat(rule.screenMetrics.count("referenceGapNoAuthorityLimit")).isEqualTo(1);
  }

  @Test
  void onlySignaturesAreJudged() throws Exception {
    rule.feed(v.event("V1", PaymentAction.PAID, T0, 900_000_000L));
    assertThat(rule.alertsAfter(T0 + DAY)).isEmpty();
    assertThat(rule.screenMetrics.count("referenceGapUnknownPerson")).isZero();
  }

  @Test
  void aContractConformingSignatureWithoutTheVouchersAmountIsAGapNotAnNpe() throws Exception {
    PaymentEvent bare = v.signed("V1", "U01-D2", SignerRole.DEPUTY, T0, 6_000_000L);
    bare.setAmountFen(null);
    bare.setPayeeId(null);
    rule.feed(bare);
    assertThat(rule.alertsAfter(T0 + DAY)).isEmpty();
    assertThat(rule.screenMetrics.count("referenceGapVoucherFacts")).isEqualTo(1);
  }

  @Test
  void aSignatureIsJudgedOnTheAmountOfTheVouchersSubmittedNotOnItsOwnCopy() throws Exception {
    SignatureRuleHarness job = SignatureRuleHarness.withVoucherFacts(new BeyondAuthorityRule.Check(), CONFIG);
    PaymentEvent over = v.bareSigned("V1", "U01-D2", SignerRole.DEPUTY, T0 + MINUTE);
    PaymentEvent copyBelow = v.signed("V2", "U01-D2", SignerRole.DEPUTY, T0 + MINUTE, 1_000L);
    PaymentEvent copyAbove = v.signed("V3", "U01-D2", SignerRole.DEPUTY, T0 + MINUTE, 9_000_000L);
    job.feed(over, v.event("V1", PaymentAction.SUBMITTED, T0, 5_000_001L),
        copyBelow, v.event("V2", PaymentAction.SUBMITTED, T0, 6_000_000L),
        copyAbove, v.event("V3", PaymentAction.SUBMITTED, T0, 5_000_000L));
    List<Alert> alerts = job.alertsAfter(T0 + DAY);
    assertThat(alerts).extracting(Alert::getSubjectId).containsExactlyInAnyOrder("V1", "V2");
    assertThat(alerts).filteredOn(a -> a.getSubjectId().equals("V1")).singleElement().satisfies(a -> {
      assertThat(a.getAmountFen()).isEqualTo(5_000_001L);
      assertThat(a.getEvidence()).containsExactly(over.getEventId());
      assertThat(a.getMessage()).contains("付款凭证V1（¥50,000.01）");
    });
    assertThat(job.factsMetrics.count(VoucherFacts.DISAGREEING)).isEqualTo(2);
    assertThat(job.screenMetrics.count("referenceGapVoucherFacts")).isZero();
  }

  @Test
  void aSignatureOfAVoucherNeverSubmittedIsAVoucherFactsGapEvenWithItsOwnAmount() throws Exception {
    SignatureRuleHarness job = SignatureRuleHarness.withVoucherFacts(new BeyondAuthorityRule.Check(), CONFIG);
    job.feed(v.signed("V1", "U01-D2", SignerRole.DEPUTY, T0, 900_000_000L),
        v.bareSigned("V1", "U01-J", SignerRole.DISCIPLINE, T0 + MINUTE));
    assertThat(job.alertsAfter(T0 + DAY)).isEmpty();
    assertThat(job.screenMetrics.count("referenceGapVoucherFacts")).isEqualTo(2);
    assertThat(job.first.numKeyedStateEntries()).isZero();
  }
}
