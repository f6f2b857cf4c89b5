package org.probity.jobs.rules;

import java.util.List;
import org.probity.jobs.rules.decision.AgendaNoticeRule;
import org.probity.jobs.rules.decision.PrincipalNotLastRule;
import org.probity.jobs.rules.payment.BeyondAuthorityRule;
import org.probity.jobs.rules.payment.DuplicatePaymentRule;
import org.probity.jobs.rules.payment.LargeWithoutDecisionRule;
import org.probity.jobs.rules.payment.PaymentConflictOfInterestRule;
import org.probity.jobs.rules.payment.PrincipalDirectRule;
import org.probity.jobs.rules.payment.SignatureChainRule;
import org.probity.jobs.rules.procurement.TenderBypassRule;

/** The rules the job runs. A new rule is one class and one line here. */
public final class RuleSet {
  private RuleSet() {}

  public static List<Rule> all() {
    return List.of(
        new TenderBypassRule(),
        new SignatureChainRule(),
        new LargeWithoutDecisionRule(),
        new BeyondAuthorityRule(),
        new PrincipalDirectRule(),
        new DuplicatePaymentRule(),
        new PaymentConflictOfInterestRule(),
        new AgendaNoticeRule(),
        new PrincipalNotLastRule());
  }
}
