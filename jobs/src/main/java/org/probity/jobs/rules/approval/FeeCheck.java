package org.probity.jobs.rules.approval;

import java.io.Serializable;
import org.apache.flink.util.Collector;
import org.probity.jobs.alert.Alerts;
import org.probity.jobs.alert.Money;
import org.probity.jobs.alert.RuleId;
import org.probity.jobs.config.ReferenceData;
import org.probity.schema.Alert;
import org.probity.schema.ApprovalEvent;
import org.probity.schema.Severity;
import org.probity.schema.SubjectType;

/**
 * APPROVAL_FEE / OVERCHARGE (违规收费, seed 000: the published 服务收费标准): an event carrying a
 * fee above the item's standard in the catalogue — for a free item, any fee at all. Once per
 * case, at the first such event; {@code amountFen} is the excess (多收金额), the money to refund.
 * A fee at or below the standard is not this rule's business.
 *
 * <p>Severity RED: money taken from an applicant without legal basis (乱收费) is a disciplinary
 * matter in itself, not a reminder. An item the catalogue does not know has no standard: the
 * caller skips the check and counts the gap.
 */
public final class FeeCheck implements Serializable {
  private static final long serialVersionUID = 1L;
  public static final int VERSION = 1;
  public static final String OVERCHARGE = RuleId.APPROVAL_FEE.reason("OVERCHARGE");
  public static final Severity SEVERITY = Severity.RED;

  /** Judges the fee of {@code e} against {@code item}'s standard. */
  void onEvent(String caseId, CaseState s, ApprovalEvent e, ReferenceData.Item item, Collector<Alert> out) {
    Long fee = e.getFeeFen();
    if (fee == null || fee <= item.feeFen() || !s.raiseOnce(CaseState.RAISED_OVERCHARGE)) {
      return;
    }
    String subject = "办件" + caseId + "（" + item.name() + "）";
    out.collect(Alerts.of(RuleId.APPROVAL_FEE, VERSION, OVERCHARGE)
        .severity(SEVERITY)
        .unit(s.unitId)
        .subject(SubjectType.CASE, caseId)
        .person(e.getActorId())
        .amountFen(fee - item.feeFen())
        .eventTime(e.getEventTime())
        .evidence(e.getEventId())
        .message(item.feeFen() == 0
            ? subject + "为免费事项，却收取费用" + Money.yuan(fee)
            : subject + "收费" + Money.yuan(fee) + "，超过收费标准" + Money.yuan(item.feeFen()) + "，多收"
                + Money.yuan(fee - item.feeFen()))
        .build());
  }
}
