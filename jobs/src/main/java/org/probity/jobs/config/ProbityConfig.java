package org.probity.jobs.config;

import java.io.Serializable;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import org.probity.schema.SignerRole;

/**
 * Everything the rules know, loaded once from the rules file and validated at start ({@link
 * RulesFile}); immutable and shipped to every task. Rule owners change it without a code release.
 *
 * @param zone the time zone of working days and of the JSON form's times
 * @param holidayFiles extra holiday-cn year files (a newer year) on top of the shipped ones
 * @param calendarYears the official days of the years the rules file states (its holidayFiles,
 *     then its {@code calendar.days}): year → date → isOffDay; each replaces the shipped year
 * @param dedupRetentionDays a repeated eventId is recognised for this long after the first
 */
public record ProbityConfig(
    ZoneId zone,
    List<String> holidayFiles,
    Map<Integer, Map<LocalDate, Boolean>> calendarYears,
    int dedupRetentionDays,
    ApprovalParameters approval,
    PaymentParameters payment,
    ProcurementParameters procurement,
    DecisionParameters decision,
    IndexParameters index,
    ReferenceData reference)
    implements Serializable {

  /** The public-tender threshold of a unit's purchase in a category: category, then unit, then the rule default. */
  public long tenderThresholdFen(String unitId, String category) {
    ReferenceData.Unit unit = reference.unit(unitId);
    if (unit != null) {
      Long byCategory = category == null ? null : unit.categoryTenderThresholdsFen().get(category);
      if (byCategory != null) {
        return byCategory;
      }
      if (unit.tenderThresholdFen() != null) {
        return unit.tenderThresholdFen();
      }
    }
    return procurement.tenderThresholdFen();
  }

  /**
   * This config with the fields that shape a job's dataflow taken from {@code start} (the rules
   * file the job was started with; {@link org.probity.jobs.versions.RulesHistory#restartOnly}).
   */
  public ProbityConfig withStructureOf(ProbityConfig start) {
    PaymentParameters p = payment;
    PaymentParameters s = start.payment;
    ProcurementParameters q = procurement;
    return new ProbityConfig(start.zone, holidayFiles, calendarYears, start.dedupRetentionDays, approval,
        new PaymentParameters(p.largeFundsThresholdFen(), p.duplicateWindowDays(), s.signatureWindowDays(),
            s.decisionRetentionDays(), p.signingChain(), s.signatureChainEngine()),
        new ProcurementParameters(q.tenderThresholdFen(), q.splitWindowDays(), start.procurement.fiscalYearStartMonth(),
            q.closeBidsPercent(), q.changeOrderLimitPercent(), q.procurementRetentionDays(), q.yearEndGraceDays()),
        decision, start.index, reference);
  }

  /** The roles that must sign a voucher of the unit, in their order (三审三签): the unit's own chain, else the rule's. */
  public List<SignerRole> signingChain(String unitId) {
    ReferenceData.Unit unit = reference.unit(unitId);
    return unit != null && unit.signingChain() != null ? unit.signingChain() : payment.signingChain();
  }

  /** The 三重一大 large-funds threshold of a unit: the unit's own, else the rule default. */
  public long largeFundsThresholdFen(String unitId) {
    ReferenceData.Unit unit = reference.unit(unitId);
    if (unit != null && unit.largeFundsThresholdFen() != null) {
      return unit.largeFundsThresholdFen();
    }
    return payment.largeFundsThresholdFen();
  }
}
