package org.probity.jobs.rules;

import java.util.List;
import org.probity.jobs.rules.approval.ApprovalCaseRule;
import org.probity.jobs.rules.conflict.ApprovalConflictRule;
import org.probity.jobs.rules.conflict.ProcurementConflictRule;
import org.probity.jobs.rules.procurement.BidRiggingRule;
import org.probity.jobs.rules.procurement.ChangeOrdersRule;
import org.probity.jobs.rules.procurement.SplitPurchaseRule;
import org.probity.jobs.rules.procurement.TenderBypassRule;

/** The rules the job runs. A new rule is one class and one line here. */
public final class RuleSet {
  private RuleSet() {}

  public static List<Rule> all() {
    return List.of(
        new ApprovalCaseRule(),
        new TenderBypassRule(),
        new SplitPurchaseRule(),
        new BidRiggingRule(),
        new ChangeOrdersRule(),
        new ProcurementConflictRule(),
        new ApprovalConflictRule());
  }
}
