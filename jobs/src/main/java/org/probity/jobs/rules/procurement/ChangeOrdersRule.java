package org.probity.jobs.rules.procurement;

import org.probity.jobs.rules.Filtered;
import org.probity.jobs.rules.Subjects;
import java.util.Set;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.util.Collector;
import org.probity.jobs.alert.Alerts;
import org.probity.jobs.alert.Money;
import org.probity.jobs.alert.RuleId;
import org.probity.jobs.config.ProbityConfig;
import org.probity.jobs.rules.SubjectRule;
import org.probity.jobs.rules.Rule;
import org.probity.jobs.rules.StateExpiry;
import org.probity.schema.Alert;
import org.probity.schema.AlertStatus;
import org.probity.schema.ProcurementAction;
import org.probity.schema.ProcurementEvent;
import org.probity.schema.Severity;
import org.probity.schema.SubjectType;

/**
 * PROCUREMENT_CHANGE_ORDERS / CHANGE_OVER_LIMIT (追加工程, seed 004 《建设工程联系单工程确认流程图》),
 * keyed by procurementId: the CHANGE_ORDERs without a {@code decisionRef} (not reviewed by the
 * leadership / 班子会) add up to more than {@code changeOrderLimitPercent} of the awarded amount.
 *
 * <p>The awarded amount is the procurement's first AWARDED. The change order (or, if change orders
 * came first in event time, the award) that takes the sum past the limit raises the alert
 * (YELLOW; evidence = the award and the undecided change orders; amount = their sum; person = the
 * officials who ordered them). Every later undecided change order escalates it (ESCALATED, RED,
 * one more piece of evidence): additions kept coming without review after the limit was passed.
 * Change orders with a decisionRef neither count nor escalate.
 *
 * <p>A procurement that is never awarded has no amount to compare with: its state goes after
 * {@code procurementRetentionDays} like any other, and undecided change orders that could never be
 * judged are counted in the metric {@code changeOrdersWithoutAward}. State exists only for
 * procurements with an award or a change order.
 */
public final class ChangeOrdersRule implements Rule {
  public static final int VERSION = 1;
  public static final String CHANGE_OVER_LIMIT = RuleId.PROCUREMENT_CHANGE_ORDERS.reason("CHANGE_OVER_LIMIT");

  @Override
  public Set<RuleId> ids() {
    return Set.of(RuleId.PROCUREMENT_CHANGE_ORDERS);
  }

  @Override
  public void addTo(Subjects subjects, ProbityConfig config) {
    subjects.procurements().rule(Filtered.only(
        e -> e.getAction() == ProcurementAction.AWARDED || e.getAction() == ProcurementAction.CHANGE_ORDER,
        new Detect(config)));
  }

  /** One change order without a decisionRef. */
  public record ChangeOrder(String eventId, long amountFen, String actorId) {}

  /** The award (null until seen), the undecided sum and whether the alert is raised. */
  public record Contract(String awardEventId, Long awardedFen, long undecidedFen, boolean raised) {}

  static final class Detect extends SubjectRule<ProcurementEvent, Alert> {
    private static final long serialVersionUID = 1L;
    private final double limitPercent;
    private final long retentionMillis;
    private final StateExpiry expiry = new StateExpiry("change-orders-expiry");
    private transient ValueState<Contract> contract;
    private transient ListState<ChangeOrder> undecided;
    private transient Counter changeOrdersWithoutAward;

    Detect(ProbityConfig config) {
      this.limitPercent = config.procurement().changeOrderLimitPercent();
      this.retentionMillis = config.procurement().procurementRetentionDays() * 86_400_000L;
    }

    @Override
    protected void openState() {
      contract = getRuntimeContext().getState(new ValueStateDescriptor<>("contract", Contract.class));
      undecided = getRuntimeContext().getListState(new ListStateDescriptor<>("undecided-change-orders",
          ChangeOrder.class));
      changeOrdersWithoutAward = getRuntimeContext().getMetricGroup().counter("changeOrdersWithoutAward");
      expiry.open(getRuntimeContext());
    }

    @Override
    protected void processInOrder(ProcurementEvent e, Context ctx, Collector<Alert> out) throws Exception {
      Contract c = contract.value();
      if (c == null) {
        c = new Contract(null, null, 0, false);
      }
      boolean counts;
      if (e.getAction() == ProcurementAction.AWARDED) {
        if (c.awardedFen() != null) {
          return;
        }
        c = new Contract(e.getEventId(), e.getAmountFen(), c.undecidedFen(), c.raised());
        counts = false;
      } else if (e.getDecisionRef() == null || e.getDecisionRef().isBlank()) {
        undecided.add(new ChangeOrder(e.getEventId(), e.getAmountFen(), e.getActorId()));
        c = new Contract(c.awardEventId(), c.awardedFen(), c.undecidedFen() + e.getAmountFen(), c.raised());
        counts = true;
      } else {
        return;
      }
      expiry.extendTo(ctx.timestamp() + retentionMillis, ctx.timerService());
      boolean raises = !c.raised() && c.awardedFen() != null
          && Percent.exceeds(c.undecidedFen(), c.awardedFen(), limitPercent);
      boolean escalates = c.raised() && counts;
      if (raises) {
        c = new Contract(c.awardEventId(), c.awardedFen(), c.undecidedFen(), true);
      }
      contract.update(c);
      if (raises || escalates) {
        out.collect(alert(e, c, raises));
      }
    }

    private Alert alert(ProcurementEvent e, Contract c, boolean raised) throws Exception {
      List<String> evidence = new ArrayList<>();
      evidence.add(c.awardEventId());
      List<String> actors = new ArrayList<>();
      int count = 0;
      for (ChangeOrder o : undecided.get()) {
        evidence.add(o.eventId());
        if (o.actorId() != null && !actors.contains(o.actorId())) {
          actors.add(o.actorId());
        }
        count++;
      }
      return Alerts.of(RuleId.PROCUREMENT_CHANGE_ORDERS, VERSION, CHANGE_OVER_LIMIT)
          .severity(raised ? Severity.YELLOW : Severity.RED)
          .status(raised ? AlertStatus.RAISED : AlertStatus.ESCALATED)
          .unit(e.getUnitId())
          .subject(SubjectType.PROCUREMENT, e.getProcurementId())
          .persons(actors)
          .amountFen(c.undecidedFen())
          .eventTime(e.getEventTime())
          .evidence(evidence)
          .message("采购项目" + e.getProcurementId() + "未经集体决策的追加（变更）" + count + "笔，合计"
              + Money.yuan(c.undecidedFen()) + "，超过中标金额" + Money.yuan(c.awardedFen()) + "的" + Percent.text(limitPercent) + "%"
              + (raised ? "" : "（超限后继续追加）"))
          .build();
    }

    @Override
    protected void onTime(long time, OnTimerContext ctx, Collector<Alert> out) throws Exception {
      if (expiry.isDue(time, ctx.timerService())) {
        Contract c = contract.value();
        if (c != null && c.awardedFen() == null) {
          undecided.get().forEach(o -> changeOrdersWithoutAward.inc());
        }
        contract.clear();
        undecided.clear();
      }
    }
  }
}
