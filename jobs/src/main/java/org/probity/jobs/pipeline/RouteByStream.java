package org.probity.jobs.pipeline;

import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;
import org.probity.connectors.ingest.Ingested;
import org.probity.schema.ApprovalEvent;
import org.probity.schema.DecisionEvent;
import org.probity.schema.PaymentEvent;
import org.probity.schema.ProcurementEvent;

/** Splits the one de-duplicated stream back into the four typed event streams. */
final class RouteByStream extends ProcessFunction<Ingested, ApprovalEvent> {
  private static final long serialVersionUID = 1L;
  static final OutputTag<PaymentEvent> PAYMENTS = new OutputTag<>("payments", ExchangeType.PAYMENT);
  static final OutputTag<ProcurementEvent> PROCUREMENT = new OutputTag<>("procurement", ExchangeType.PROCUREMENT);
  static final OutputTag<DecisionEvent> DECISIONS = new OutputTag<>("decisions", ExchangeType.DECISION);

  @Override
  public void processElement(Ingested in, Context ctx, Collector<ApprovalEvent> out) {
    if (in.approval != null) {
      out.collect(in.approval);
    } else if (in.payment != null) {
      ctx.output(PAYMENTS, in.payment);
    } else if (in.procurement != null) {
      ctx.output(PROCUREMENT, in.procurement);
    } else if (in.decision != null) {
      ctx.output(DECISIONS, in.decision);
    }
  }
}
