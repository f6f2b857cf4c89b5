package org.probity.jobs.rules;

import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.probity.jobs.alert.RuleId;
import org.probity.jobs.rules.approval.ApprovalCaseRule;
import org.probity.jobs.rules.conflict.ApprovalConflictRule;
import org.probity.jobs.rules.conflict.ProcurementConflictRule;
import org.probity.jobs.rules.decision.AgendaNoticeRule;
import org.probity.jobs.rules.decision.PrincipalNotLastRule;
import org.probity.jobs.rules.payment.BeyondAuthorityRule;
import org.probity.jobs.rules.payment.DuplicatePaymentRule;
import org.probity.jobs.rules.payment.LargeWithoutDecisionRule;
import org.probity.jobs.rules.payment.PaymentConflictOfInterestRule;
import org.probity.jobs.rules.payment.PrincipalDirectRule;
import org.probity.jobs.rules.payment.SignatureChainRule;
import org.probity.jobs.rules.procurement.BidRiggingRule;
import org.probity.jobs.rules.procurement.ChangeOrdersRule;
import org.probity.jobs.rules.procurement.SplitPurchaseRule;
import org.probity.jobs.rules.procurement.TenderBypassRule;

/** The rules the job runs. A new rule is one class and one line here. */
public final class RuleSet {
  private RuleSet() {}

  /** Every rule id the job raises, in the contract's order. */
  public static Set<RuleId> ids() {
    Set<RuleId> ids = EnumSet.noneOf(RuleId.class);
    all().forEach(r -> ids.addAll(r.ids()));
    return ids;
  }

  public static List<Rule> all() {
    return List.of(
        // 行政审批
        new ApprovalCaseRule(),
        new ApprovalConflictRule(),
        // 财务支付
        new SignatureChainRule(),
        new LargeWithoutDecisionRule(),
        new BeyondAuthorityRule(),
        new PrincipalDirectRule(),
        new DuplicatePaymentRule(),
        new PaymentConflictOfInterestRule(),
        // 采购/招投标
        new TenderBypassRule(),
        new SplitPurchaseRule(),
        new BidRiggingRule(),
        new ChangeOrdersRule(),
        new ProcurementConflictRule(),
        // 议事决策
        new AgendaNoticeRule(),
        new PrincipalNotLastRule());
  }
}
