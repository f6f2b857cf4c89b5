package org.probity.jobs.rules.procurement;

import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.util.Collector;
import org.probity.jobs.config.ProcurementParameters;
import org.probity.jobs.rules.SubjectRule;
import org.probity.jobs.rules.StateExpiry;
import org.probity.schema.ProcurementEvent;

/**
 * PROCUREMENT_SPLIT_PURCHASE's "a procurement is one purchase": keyed by procurementId, passes on
 * the first ORDER_PLACED or AWARDED of each procurement in event time and drops the later ones
 * (an award that follows the order restates the same purchase; counting both would double a
 * split sum). The procurement is remembered until {@code procurementRetentionDays} of event time
 * after its last order or award, which outlasts both the supplier window and the fiscal year an
 * award can still fall in.
 */
final class FirstOrderOfProcurement extends SubjectRule<ProcurementEvent, ProcurementEvent> {
  private static final long serialVersionUID = 1L;
  private final long retentionMillis;
  private final StateExpiry expiry = new StateExpiry("first-order-expiry");
  private transient ValueState<Boolean> passed;

  FirstOrderOfProcurement(ProcurementParameters parameters) {
    this.retentionMillis = parameters.procurementRetentionDays() * 86_400_000L;
  }

  @Override
  protected void openState() {
    passed = getRuntimeContext().getState(new ValueStateDescriptor<>("first-order-passed", Types.BOOLEAN));
    expiry.open(getRuntimeContext());
  }

  @Override
  protected void processInOrder(ProcurementEvent e, Context ctx, Collector<ProcurementEvent> out) throws Exception {
    if (passed.value() == null) {
      passed.update(Boolean.TRUE);
      out.collect(e);
    }
    expiry.extendTo(ctx.timestamp() + retentionMillis, ctx.timerService());
  }

  @Override
  protected void onTime(long time, OnTimerContext ctx, Collector<ProcurementEvent> out) throws Exception {
    if (expiry.isDue(time, ctx.timerService())) {
      passed.clear();
    }
  }
}
