package org.probity.jobs.rules.payment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.probity.jobs.rules.payment.BeyondAuthorityRuleTest.CONFIG;
import static org.probity.jobs.rules.payment.Vouchers.DAY;
import static org.probity.jobs.rules.payment.Vouchers.MINUTE;
import static org.probity.jobs.rules.payment.Vouchers.T0;
import static org.assertj.core.api.Assertions.tuple;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.probity.schema.Alert;
import org.probity.schema.PaymentAction;
import org.probity.schema.PaymentEvent;
import org.probity.schema.Severity;
import org.probity.schema.SignerRole;
import org.probity.schema.SubjectType;

class PrincipalDirectRuleTest {
  private final Vouchers v = new Vouchers();
  private SignatureRuleHarness rule;

  @BeforeEach
  void open() throws Exception {
    rule = new SignatureRuleHarness(new PrincipalDirectRule.Check(), CONFIG);
  }

  @Test
  void thePrincipalSigningAsDeputyIsPrincipalAsDeputy() throws Exception {
    PaymentEvent e = v.signed("V1", "U01-P", SignerRole.DEPUTY, T0, 1_000L);
    rule.feed(e, v.signed("V1", "U01-P", SignerRole.DEPUTY, T0 + MINUTE, 1_000L));
    assertThat(rule.alertsAfter(T0 + DAY)).singleElement().satisfies(a -> {
      assertThat(a.getRuleId()).isEqualTo("PAYMENT_PRINCIPAL_DIRECT");
      assertThat(a.getReason()).isEqualTo(PrincipalDirectRule.PRINCIPAL_AS_DEPUTY);
      assertThat(a.getSeverity()).isEqualTo(Severity.RED);
      assertThat(a.getSubjectType()).isEqualTo(SubjectType.VOUCHER);
      assertThat(a.getSubjectId()).isEqualTo("V1");
      assertThat(a.getPersonIds()).containsExactly("U01-P");
      assertThat(a.getEvidence()).containsExactly(e.getEventId());
      assertThat(a.getEventTime()).isEqualTo(e.getEventTime());
    });
  }

  @Test
  void thePrincipalSigningAsPrincipalAndDeputiesAsDeputyAreClean() throws Exception {
    rule.feed(v.signed("V1", "U01-D", SignerRole.DEPUTY, T0, 1_000L),
        v.signed("V1", "U01-D2", SignerRole.DEPUTY, T0, 1_000L),
        v.signed("V1", "U01-P", SignerRole.PRINCIPAL, T0 + MINUTE, 1_000L));
    assertThat(rule.alertsAfter(T0 + DAY)).isEmpty();
    assertThat(rule.first.numKeyedStateEntries()).isZero();
  }

  @Test
  void anUnknownDeputySignerIsAGapAndAnUnknownSignerInAnotherRoleNeedsNoLookup() throws Exception {
    rule.feed(v.signed("V1", "U99-X", SignerRole.DEPUTY, T0, 1_000L),
        v.signed("V1", "U99-Y", SignerRole.DISCIPLINE, T0, 1_000L));
    assertThat(rule.alertsAfter(T0 + DAY)).isEmpty();
    assertThat(rule.screenMetrics.count("referenceGapUnknownPerson")).isEqualTo(1);
  }

  @Test
  void aDeputySignatureWithoutTheVouchersFieldsIsStillJudgedAndNamesTheSubmittedAmount() throws Exception {
    SignatureRuleHarness job = SignatureRuleHarness.withVoucherFacts(new PrincipalDirectRule.Check(), CONFIG);
    job.feed(v.bareSigned("V1", "U01-P", SignerRole.DEPUTY, T0 + MINUTE),
        v.event("V1", PaymentAction.SUBMITTED, T0, 2_000L), v.bareSigned("V2", "U01-P", SignerRole.DEPUTY, T0));
    assertThat(job.alertsAfter(T0 + DAY)).extracting(Alert::getSubjectId, Alert::getAmountFen)
        .containsExactlyInAnyOrder(tuple("V1", 2_000L), tuple("V2", null));
    assertThat(job.first.extractOutputValues()).allSatisfy(a -> assertThat(a.getMessage()).contains("以分管领导身份签批"));
    assertThat(job.screenMetrics.count("referenceGapVoucherFacts")).as("needs none of the voucher's facts").isZero();
  }
}
