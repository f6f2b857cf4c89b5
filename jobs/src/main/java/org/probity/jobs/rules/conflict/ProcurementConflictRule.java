package org.probity.jobs.rules.conflict;

import org.probity.jobs.rules.Filtered;
import org.probity.jobs.rules.Subjects;
import java.util.Set;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.util.Collector;
import org.probity.jobs.alert.Alerts;
import org.probity.jobs.alert.Money;
import org.probity.jobs.alert.RuleId;
import org.probity.jobs.config.ProbityConfig;
import org.probity.jobs.config.ReferenceData;
import org.probity.jobs.rules.SubjectRule;
import org.probity.jobs.rules.Rule;
import org.probity.jobs.rules.StateExpiry;
import org.probity.schema.Alert;
import org.probity.schema.ProcurementAction;
import org.probity.schema.ProcurementEvent;
import org.probity.schema.Severity;
import org.probity.schema.SubjectType;

/**
 * CONFLICT_OF_INTEREST / RELATED_PARTY on procurement: the official who buys (ORDER_PLACED) or
 * awards (AWARDED) — the event's {@code actorId} — is a related party of the event's supplier.
 * Subject PROCUREMENT {@code procurementId}; one alert per procurement and official (the official
 * is the discriminator), RED (the relation is on file, so the duty to recuse was known), dated at
 * the official's first such act, evidence = that event.
 *
 * <p>Every fact needed is on the event, so the related-party check runs as a stateless filter
 * first; only the rare conflicted events reach the keyed step, which exists to raise once per
 * official when the same official both orders and awards, and forgets the procurement {@code
 * procurementRetentionDays} after the last such act. Change orders carry no supplier in the
 * contract and are not acts of buying or awarding here.
 */
public final class ProcurementConflictRule implements Rule {

  @Override
  public Set<RuleId> ids() {
    return Set.of(RuleId.CONFLICT_OF_INTEREST);
  }

  @Override
  public void addTo(Subjects subjects, ProbityConfig config) {
    ReferenceData reference = config.reference();
    subjects.procurements().rule(Filtered.only(e -> conflicted(e, reference), new Detect(config)));
  }

  static boolean conflicted(ProcurementEvent e, ReferenceData reference) {
    return (e.getAction() == ProcurementAction.ORDER_PLACED || e.getAction() == ProcurementAction.AWARDED)
        && reference.related(e.getActorId(), e.getSupplierId());
  }

  static final class Detect extends SubjectRule<ProcurementEvent, Alert> {
    private static final long serialVersionUID = 1L;
    private final ReferenceData reference;
    private final long retentionMillis;
    private final StateExpiry expiry = new StateExpiry("procurement-conflict-expiry");
    private transient MapState<String, Boolean> alertedOfficials;

    Detect(ProbityConfig config) {
      this.reference = config.reference();
      this.retentionMillis = config.procurement().procurementRetentionDays() * 86_400_000L;
    }

    @Override
    protected void openState() {
      alertedOfficials = getRuntimeContext().getMapState(
          new MapStateDescriptor<>("alerted-officials", Types.STRING, Types.BOOLEAN));
      expiry.open(getRuntimeContext());
    }

    @Override
    protected void processInOrder(ProcurementEvent e, Context ctx, Collector<Alert> out) throws Exception {
      if (!conflicted(e, reference)) {
        return;
      }
      expiry.extendTo(ctx.timestamp() + retentionMillis, ctx.timerService());
      if (alertedOfficials.contains(e.getActorId())) {
        return;
      }
      alertedOfficials.put(e.getActorId(), Boolean.TRUE);
      String act = e.getAction() == ProcurementAction.AWARDED ? "定标" : "下单采购";
      out.collect(Alerts.of(RuleId.CONFLICT_OF_INTEREST, ConflictOfInterest.VERSION, ConflictOfInterest.RELATED_PARTY)
          .severity(Severity.RED)
          .unit(e.getUnitId())
          .subject(SubjectType.PROCUREMENT, e.getProcurementId())
          .discriminator(e.getActorId())
          .person(e.getActorId())
          .amountFen(e.getAmountFen())
          .eventTime(e.getEventTime())
          .evidence(e.getEventId())
          .message("采购项目" + e.getProcurementId() + "：" + e.getActorId() + "与供应商" + e.getSupplierId()
              + "存在关联关系，未回避，仍" + act + (e.getAmountFen() == null ? "" : "（" + Money.yuan(e.getAmountFen()) + "）"))
          .build());
    }

    @Override
    protected void onTime(long time, OnTimerContext ctx, Collector<Alert> out) throws Exception {
      if (expiry.isDue(time, ctx.timerService())) {
        alertedOfficials.clear();
      }
    }
  }
}
