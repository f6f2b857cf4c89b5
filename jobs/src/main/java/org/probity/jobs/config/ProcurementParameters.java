package org.probity.jobs.config;

import java.io.Serializable;

/**
 * Parameters of the PROCUREMENT_* rules.
 *
 * @param tenderThresholdFen an order or award at or above this must go to open or invited tender (unless the unit or category sets its own)
 * @param splitWindowDays SAME_SUPPLIER_WINDOW window: event times in (t − N days, t]
 * @param fiscalYearStartMonth SAME_CATEGORY_YEAR year starts on the 1st of this month (1 = calendar year)
 * @param closeBidsPercent CLOSE_BIDS: ≥3 bids within this percentage of each other
 * @param changeOrderLimitPercent CHANGE_OVER_LIMIT: change orders without decisionRef above this share of the award
 * @param procurementRetentionDays state of a procurement with no further events is dropped after this
 * @param yearEndGraceDays SAME_CATEGORY_YEAR keeps a fiscal year's sums this long after the year ends, for late orders
 */
public record ProcurementParameters(
    long tenderThresholdFen,
    int splitWindowDays,
    int fiscalYearStartMonth,
    double closeBidsPercent,
    double changeOrderLimitPercent,
    int procurementRetentionDays,
    int yearEndGraceDays)
    implements Serializable {

  public static final ProcurementParameters DEFAULTS =
      new ProcurementParameters(200_000_000L, 30, 1, 0.5, 10.0, 400, 31);

  static ProcurementParameters from(ConfigNode n) {
    ProcurementParameters d = DEFAULTS;
    ProcurementParameters p = new ProcurementParameters(
        n.fen("tenderThresholdFen", d.tenderThresholdFen),
        n.integer("splitWindowDays", d.splitWindowDays, 1, 3650),
        n.integer("fiscalYearStartMonth", d.fiscalYearStartMonth, 1, 12),
        n.decimal("closeBidsPercent", d.closeBidsPercent, 0, 100),
        n.decimal("changeOrderLimitPercent", d.changeOrderLimitPercent, 0, 1000),
        n.integer("procurementRetentionDays", d.procurementRetentionDays, 1, 36500),
        n.integer("yearEndGraceDays", d.yearEndGraceDays, 0, 3650));
    n.finish();
    return p;
  }
}
