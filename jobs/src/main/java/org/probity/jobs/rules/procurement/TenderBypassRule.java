package org.probity.jobs.rules.procurement;

import org.probity.jobs.rules.Subjects;
import java.util.Set;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
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
import org.probity.schema.ProcurementAction;
import org.probity.schema.ProcurementEvent;
import org.probity.schema.ProcurementMethod;
import org.probity.schema.Severity;
import org.probity.schema.SubjectType;

/**
 * PROCUREMENT_TENDER_BYPASS / NO_TENDER (工程项目一律公开招投标, seed 004): one ORDER_PLACED or
 * AWARDED at or above the tender threshold of its unit (and category) by a method other than
 * OPEN_TENDER or INVITED_TENDER.
 *
 * <p>The test itself needs only the event, but a procurement can be ordered and then awarded, and
 * the contract wants one alert per procurement, dated by its first violating event: so the
 * function is keyed by procurementId, sees the events in event-time order, and remembers that it
 * raised until {@code procurementRetentionDays} of event time after the last violating event.
 * Only violating procurements hold state beyond the watermark's delay.
 */
public final class TenderBypassRule implements Rule {
  public static final int VERSION = 1;
  public static final String NO_TENDER = RuleId.PROCUREMENT_TENDER_BYPASS.reason("NO_TENDER");

  @Override
  public Set<RuleId> ids() {
    return Set.of(RuleId.PROCUREMENT_TENDER_BYPASS);
  }

  @Override
  public void addTo(Subjects subjects, ProbityConfig config) {
    subjects.procurements().rule(new Detect(config));
  }

  /** Whether {@code e} by itself is a NO_TENDER violation under {@code config}. */
  public static boolean violates(ProcurementEvent e, ProbityConfig config) {
    if (e.getAction() != ProcurementAction.ORDER_PLACED && e.getAction() != ProcurementAction.AWARDED) {
      return false;
    }
    if (e.getAmountFen() == null || e.getMethod() == null) {
      return false;
    }
    boolean tendered = e.getMethod() == ProcurementMethod.OPEN_TENDER
        || e.getMethod() == ProcurementMethod.INVITED_TENDER;
    return !tendered && e.getAmountFen() >= config.tenderThresholdFen(e.getUnitId(), e.getCategory());
  }

  static final class Detect extends SubjectRule<ProcurementEvent, Alert> {
    private static final long serialVersionUID = 1L;
    private final ProbityConfig config;
    private final StateExpiry expiry = new StateExpiry("tender-bypass-expiry");
    private transient ValueState<Boolean> raised;

    Detect(ProbityConfig config) {
      this.config = config;
    }

    @Override
    protected void openState() {
      raised = getRuntimeContext().getState(new ValueStateDescriptor<>("raised", Types.BOOLEAN));
      expiry.open(getRuntimeContext());
    }

    @Override
    protected void processInOrder(ProcurementEvent e, Context ctx, Collector<Alert> out) throws Exception {
      if (!violates(e, config)) {
        return;
      }
      expiry.extendTo(e.getEventTime().toEpochMilli() + config.procurement().procurementRetentionDays() * 86_400_000L,
          ctx.timerService());
      if (raised.value() == null) {
        raised.update(Boolean.TRUE);
        long threshold = config.tenderThresholdFen(e.getUnitId(), e.getCategory());
        out.collect(Alerts.of(RuleId.PROCUREMENT_TENDER_BYPASS, VERSION, NO_TENDER)
            .severity(Severity.RED)
            .unit(e.getUnitId())
            .subject(SubjectType.PROCUREMENT, e.getProcurementId())
            .person(e.getActorId())
            .amountFen(e.getAmountFen())
            .eventTime(e.getEventTime())
            .evidence(e.getEventId())
            .message("采购项目" + e.getProcurementId() + "金额" + Money.yuan(e.getAmountFen())
                + "，达到公开招标数额标准" + Money.yuan(threshold) + "，却以" + methodName(e.getMethod())
                + "方式" + (e.getAction() == ProcurementAction.AWARDED ? "定标" : "下单") + "，未公开招标")
            .build());
      }
    }

    @Override
    protected void onTime(long time, OnTimerContext ctx, Collector<Alert> out) throws Exception {
      if (expiry.isDue(time, ctx.timerService())) {
        raised.clear();
      }
    }
  }

  static String methodName(ProcurementMethod method) {
    return switch (method) {
      case OPEN_TENDER -> "公开招标";
      case INVITED_TENDER -> "邀请招标";
      case COMPETITIVE_NEGOTIATION -> "竞争性谈判";
      case INQUIRY -> "询价";
      case SINGLE_SOURCE -> "单一来源";
      case DIRECT -> "直接采购";
    };
  }
}
