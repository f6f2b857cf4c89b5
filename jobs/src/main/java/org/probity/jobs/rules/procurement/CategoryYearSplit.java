package org.probity.jobs.rules.procurement;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.metrics.Counter;
import org.apache.flink.util.Collector;
import org.probity.jobs.alert.Alerts;
import org.probity.jobs.alert.Money;
import org.probity.jobs.alert.RuleId;
import org.probity.jobs.config.ProbityConfig;
import org.probity.jobs.rules.SubjectRule;
import org.probity.jobs.rules.StateExpiry;
import org.probity.schema.Alert;
import org.probity.schema.AlertStatus;
import org.probity.schema.ProcurementEvent;
import org.probity.schema.Severity;
import org.probity.schema.SubjectType;

/**
 * PROCUREMENT_SPLIT_PURCHASE / SAME_CATEGORY_YEAR (政府采购法实施条例 第二十八条: 在一个财政年度内
 * 同一品目多次采购累计超过公开招标数额标准), keyed by (unit, category, fiscal year): the unit's
 * countable orders (see {@link SplitPurchaseRule}) of one category in one fiscal year ({@link
 * FiscalYear}, {@code fiscalYearStartMonth}) add up to at least the tender threshold of that unit
 * and category. Subject CATEGORY {@code category/year}, one alert per key.
 *
 * <p>The order whose addition first reaches the threshold raises the alert (YELLOW; evidence =
 * every counted order of the year so far; amount = the sum; {@code eventTime} = that order's time).
 * Every later counted order of the year escalates it (ESCALATED, RED, evidence grown by that
 * order): the unit went on buying the category without a tender after reaching the threshold.
 *
 * <p>A running sum, so an order costs O(1) until the alert exists; from then on each escalation
 * carries the year's evidence, as the contract's record demands. The key's state is dropped
 * {@code yearEndGraceDays} after its fiscal year ends; an order of that year arriving later still
 * is judged with what is left (a fresh sum). An order without a category cannot be placed in a
 * sum: it is counted in the metric {@code ordersWithoutCategory} and skipped.
 */
public final class CategoryYearSplit extends SubjectRule<ProcurementEvent, Alert> {
  private static final long serialVersionUID = 1L;

  /** One counted order. */
  public record CountedOrder(String eventId, long amountFen, String buyerId) {}

  /** The year's running sum, the newest counted order time, and whether the alert is raised. */
  public record YearSum(long sumFen, int orders, long newestTime, boolean raised) {}

  private final ProbityConfig config;
  private final long graceMillis;
  private final StateExpiry expiry = new StateExpiry("category-year-expiry");
  private transient ValueState<YearSum> sum;
  private transient ListState<CountedOrder> counted;
  private transient Counter ordersWithoutCategory;

  public CategoryYearSplit(ProbityConfig config) {
    this.config = config;
    this.graceMillis = config.procurement().yearEndGraceDays() * 86_400_000L;
  }

  @Override
  protected void openState() {
    sum = getRuntimeContext().getState(new ValueStateDescriptor<>("category-year-sum", YearSum.class));
    counted = getRuntimeContext().getListState(new ListStateDescriptor<>("category-year-orders", CountedOrder.class));
    ordersWithoutCategory = getRuntimeContext().getMetricGroup().counter("ordersWithoutCategory");
    expiry.open(getRuntimeContext());
  }

  @Override
  protected void processInOrder(ProcurementEvent e, Context ctx, Collector<Alert> out) throws Exception {
    if (!SplitPurchaseRule.countable(e, config)) {
      return;
    }
    if (e.getCategory() == null || e.getCategory().isBlank()) {
      ordersWithoutCategory.inc();
      return;
    }
    long t = ctx.timestamp();
    FiscalYear year = FiscalYear.of(e.getEventTime(), config.zone(), config.procurement().fiscalYearStartMonth());
    expiry.extendTo(year.end(config.zone()).toEpochMilli() + graceMillis, ctx.timerService());
    counted.add(new CountedOrder(e.getEventId(), e.getAmountFen(), e.getActorId()));
    YearSum s = sum.value();
    s = s == null ? new YearSum(e.getAmountFen(), 1, t, false)
        : new YearSum(s.sumFen() + e.getAmountFen(), s.orders() + 1, Math.max(s.newestTime(), t), s.raised());
    long threshold = config.tenderThresholdFen(e.getUnitId(), e.getCategory());
    // Each order is under the threshold, so reaching it takes two; the count is checked all the same.
    boolean raises = !s.raised() && s.orders() >= 2 && s.sumFen() >= threshold;
    if (raises) {
      s = new YearSum(s.sumFen(), s.orders(), s.newestTime(), true);
    }
    sum.update(s);
    if (s.raised()) {
      out.collect(alert(e, year, s, raises, threshold));
    }
  }

  private Alert alert(ProcurementEvent e, FiscalYear year, YearSum s, boolean raised, long threshold)
      throws Exception {
    List<String> evidence = new ArrayList<>();
    List<String> buyers = new ArrayList<>();
    for (CountedOrder o : counted.get()) {
      evidence.add(o.eventId());
      if (o.buyerId() != null && !buyers.contains(o.buyerId())) {
        buyers.add(o.buyerId());
      }
    }
    return Alerts.of(RuleId.PROCUREMENT_SPLIT_PURCHASE, SplitPurchaseRule.VERSION, SplitPurchaseRule.SAME_CATEGORY_YEAR)
        .severity(raised ? Severity.YELLOW : Severity.RED)
        .status(raised ? AlertStatus.RAISED : AlertStatus.ESCALATED)
        .unit(e.getUnitId())
        .subject(SubjectType.CATEGORY, e.getCategory() + "/" + year.label())
        .persons(buyers)
        .amountFen(s.sumFen())
        .eventTime(Instant.ofEpochMilli(s.newestTime()))
        .evidence(evidence)
        .message("单位" + e.getUnitId() + "在" + year.label() + "财政年度对「" + e.getCategory() + "」非招标采购" + s.orders()
            + "笔，累计" + Money.yuan(s.sumFen()) + "，达到公开招标数额标准" + Money.yuan(threshold)
            + "，涉嫌化整为零规避招标（政府采购法实施条例第二十八条）" + (raised ? "" : "（预警后继续采购）"))
        .build();
  }

  @Override
  protected void onTime(long time, OnTimerContext ctx, Collector<Alert> out) throws Exception {
    if (expiry.isDue(time, ctx.timerService())) {
      sum.clear();
      counted.clear();
    }
  }
}
