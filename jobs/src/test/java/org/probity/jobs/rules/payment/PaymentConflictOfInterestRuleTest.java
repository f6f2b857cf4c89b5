package org.probity.jobs.rules.payment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.probity.jobs.rules.payment.BeyondAuthorityRuleTest.CONFIG;
import static org.probity.jobs.rules.payment.Vouchers.DAY;
import static org.probity.jobs.rules.payment.Vouchers.MINUTE;
import static org.probity.jobs.rules.payment.Vouchers.T0;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.probity.jobs.alert.Alerts;
import org.probity.jobs.alert.RuleId;
import org.probity.schema.PaymentAction;
import org.probity.schema.PaymentEvent;
import org.probity.schema.Severity;
import org.probity.schema.SignerRole;
import org.probity.schema.SubjectType;

class PaymentConflictOfInterestRuleTest {
  private final Vouchers v = new Vouchers();
  private SignatureRuleHarness rule;

  @BeforeEach
  void open() throws Exception {
    rule = new SignatureRuleHarness(new PaymentConflictOfInterestRule.Check(), CONFIG);
  }

  private PaymentEvent signed(String voucher, String signer, SignerRole role, long time, String payee) {
    PaymentEvent e = v.signed(voucher, signer, role, time, 1_000L);
    e.setPayeeId(payee);
    return e;
  }

  @Test
  void aSignerRelatedToThePayeeIsRelatedPartyOnTheVoucher() throws Exception {
    PaymentEvent e = signed("V1", "U01-D", SignerRole.DEPUTY, T0, "CO-1");
    rule.feed(e, signed("V1", "U01-J", SignerRole.DISCIPLINE, T0 + MINUTE, "CO-1"),
        signed("V1", "U01-P", SignerRole.PRINCIPAL, T0 + 2 * MINUTE, "CO-1"));
    assertThat(rule.alertsAfter(T0 + DAY)).singleElement().satisfies(a -> {
      assertThat(a.getRuleId()).isEqualTo("CONFLICT_OF_INTEREST");
      assertThat(a.getReason()).isEqualTo("RELATED_PARTY");
      assertThat(a.getSeverity()).isEqualTo(Severity.RED);
      assertThat(a.getSubjectType()).isEqualTo(SubjectType.VOUCHER);
      assertThat(a.getSubjectId()).isEqualTo("V1");
      assertThat(a.getAlertId()).isEqualTo(
          Alerts.alertId(RuleId.CONFLICT_OF_INTEREST, "RELATED_PARTY", "U01", SubjectType.VOUCHER, "V1", "U01-D"));
      assertThat(a.getPersonIds()).containsExactly("U01-D");
      assertThat(a.getEvidence()).containsExactly(e.getEventId());
      assertThat(a.getMessage()).contains("U01-D与CO-1存在关联关系");
    });
  }

  @Test
  void theRelatedSignerPayingSomeoneElseIsClean() throws Exception {
    rule.feed(signed("V1", "U01-D", SignerRole.DEPUTY, T0, "CO-2"), signed("V2", "U99-X", SignerRole.DEPUTY, T0, "CO-1"));
    assertThat(rule.alertsAfter(T0 + DAY)).isEmpty();
    assertThat(rule.first.numKeyedStateEntries()).isZero();
  }

  @Test
  void aSignatureWithoutThePayeeIsJudgedOnTheVouchersPayeeNotOnItsOwnCopy() throws Exception {
    SignatureRuleHarness job = SignatureRuleHarness.withVoucherFacts(new PaymentConflictOfInterestRule.Check(), CONFIG);
    PaymentEvent submitted = v.event("V1", PaymentAction.SUBMITTED, T0, 1_000L);
    submitted.setPayeeId("CO-1");
    PaymentEvent bare = v.bareSigned("V1", "U01-D", SignerRole.DEPUTY, T0 + MINUTE);
    PaymentEvent unrelatedVoucher = v.event("V2", PaymentAction.SUBMITTED, T0, 1_000L);
    unrelatedVoucher.setPayeeId("CO-2");
    job.feed(bare, submitted, unrelatedVoucher, signed("V2", "U01-D", SignerRole.DEPUTY, T0 + MINUTE, "CO-1"));
    assertThat(job.alertsAfter(T0 + DAY)).singleElement().satisfies(a -> {
      assertThat(a.getSubjectId()).isEqualTo("V1");
      assertThat(a.getPersonIds()).containsExactly("U01-D");
      assertThat(a.getAmountFen()).isEqualTo(1_000L);
      assertThat(a.getEvidence()).containsExactly(bare.getEventId());
      assertThat(a.getMessage()).contains("U01-D与CO-1存在关联关系");
    });
    assertThat(job.factsMetrics.count(VoucherFacts.DISAGREEING)).isEqualTo(1);
  }

  @Test
  void aSignatureOfAVoucherWithoutAPayeeIsAVoucherFactsGap() throws Exception {
    SignatureRuleHarness job = SignatureRuleHarness.withVoucherFacts(new PaymentConflictOfInterestRule.Check(), CONFIG);
    job.feed(v.bareSigned("V1", "U01-D", SignerRole.DEPUTY, T0));
    assertThat(job.alertsAfter(T0 + DAY)).isEmpty();
    assertThat(job.screenMetrics.count("referenceGapVoucherFacts")).isEqualTo(1);
  }
}
