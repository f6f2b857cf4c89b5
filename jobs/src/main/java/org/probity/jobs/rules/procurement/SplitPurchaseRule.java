package org.probity.jobs.rules.procurement;

import org.probity.jobs.pipeline.ExchangeType;
import org.apache.flink.util.OutputTag;
import org.probity.jobs.rules.Filtered;
import org.probity.jobs.rules.SubjectStage;
import org.probity.jobs.rules.Subjects;
import org.probity.jobs.alert.RuleId;
import java.util.Set;
import java.time.ZoneId;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.probity.jobs.config.ProbityConfig;
import org.probity.jobs.rules.Rule;
import org.probity.schema.Alert;
import org.probity.schema.ProcurementAction;
import org.probity.schema.ProcurementEvent;
import org.probity.schema.ProcurementMethod;

/**
 * PROCUREMENT_SPLIT_PURCHASE (化整为零): a unit's non-tender purchases, each under the tender
 * threshold, that together reach it — SAME_SUPPLIER_WINDOW ({@link SupplierWindowSplit}) and
 * SAME_CATEGORY_YEAR ({@link CategoryYearSplit}, 政府采购法实施条例 第二十八条).
 *
 * <p>What counts ({@link #countable}): an ORDER_PLACED or AWARDED by a method other than
 * OPEN_TENDER or INVITED_TENDER whose amount is <em>under</em> the tender threshold of its unit and
 * category. An order at or above the threshold is PROCUREMENT_TENDER_BYPASS's business and counts
 * in neither sum: a split is orders that each stay under the threshold to dodge it.
 *
 * <p>A procurement is one purchase however many order and award events it has: {@link
 * FirstOrderOfProcurement} passes on only its first ORDER_PLACED or AWARDED in event time, so an
 * order that is then awarded is not counted twice. The two sums then run side by side on their own
 * keys, (unit, supplier) and (unit, category, fiscal year).
 */
public final class SplitPurchaseRule implements Rule {
  public static final int VERSION = 1;
  public static final String SAME_SUPPLIER_WINDOW = RuleId.PROCUREMENT_SPLIT_PURCHASE.reason("SAME_SUPPLIER_WINDOW");
  public static final String SAME_CATEGORY_YEAR = RuleId.PROCUREMENT_SPLIT_PURCHASE.reason("SAME_CATEGORY_YEAR");

  /** The first order or award of each procurement, for the split stages. */
  static final OutputTag<ProcurementEvent> PURCHASES = new OutputTag<>("split-purchase-orders", ExchangeType.PROCUREMENT);

  @Override
  public Set<RuleId> ids() {
    return Set.of(RuleId.PROCUREMENT_SPLIT_PURCHASE);
  }

  @Override
  public void addTo(Subjects subjects, ProbityConfig config) {
    subjects.procurements().feed(PURCHASES,
        Filtered.only(SplitPurchaseRule::isPurchase, new FirstOrderOfProcurement(config.procurement())));
    int fiscalYearStartMonth = config.procurement().fiscalYearStartMonth();
    ZoneId zone = config.zone();
    subjects.downstream(stages -> {
      DataStream<ProcurementEvent> purchases = Subjects.feed(stages.procurements(), PURCHASES);
      DataStream<Alert> bySupplier = subjects.keyedStage(purchases, SplitPurchaseRule::supplierKey,
          rules -> SubjectStage.<ProcurementEvent, Alert>of(ProcurementEvent.class).rule(new SupplierWindowSplit(rules)),
          "rule-procurement-split-supplier-window", "PROCUREMENT_SPLIT_PURCHASE SAME_SUPPLIER_WINDOW");
      DataStream<Alert> byCategory = subjects.keyedStage(purchases,
          e -> categoryYearKey(e, zone, fiscalYearStartMonth),
          rules -> SubjectStage.<ProcurementEvent, Alert>of(ProcurementEvent.class).rule(new CategoryYearSplit(rules)),
          "rule-procurement-split-category-year", "PROCUREMENT_SPLIT_PURCHASE SAME_CATEGORY_YEAR");
      return bySupplier.union(byCategory);
    });
  }

  static boolean isPurchase(ProcurementEvent e) {
    return e.getAction() == ProcurementAction.ORDER_PLACED || e.getAction() == ProcurementAction.AWARDED;
  }

  /** Whether {@code e} is a purchase that counts in the split sums (see the class comment). */
  public static boolean countable(ProcurementEvent e, ProbityConfig config) {
    if (!isPurchase(e) || e.getAmountFen() == null || e.getMethod() == null) {
      return false;
    }
    boolean tendered = e.getMethod() == ProcurementMethod.OPEN_TENDER
        || e.getMethod() == ProcurementMethod.INVITED_TENDER;
    return !tendered && e.getAmountFen() < config.tenderThresholdFen(e.getUnitId(), e.getCategory());
  }

  static String supplierKey(ProcurementEvent e) {
    return e.getUnitId() + '|' + e.getSupplierId();
  }

  static String categoryYearKey(ProcurementEvent e, ZoneId zone, int fiscalYearStartMonth) {
    return e.getUnitId() + '|' + e.getCategory() + '|'
        + FiscalYear.of(e.getEventTime(), zone, fiscalYearStartMonth).label();
  }
}
