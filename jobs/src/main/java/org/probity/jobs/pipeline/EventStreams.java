package org.probity.jobs.pipeline;

import org.apache.flink.streaming.api.datastream.DataStream;
import org.probity.schema.ApprovalEvent;
import org.probity.schema.DecisionEvent;
import org.probity.schema.PaymentEvent;
import org.probity.schema.ProcurementEvent;

/** The four event streams after validation and de-duplication, with event-time timestamps and watermarks. */
public record EventStreams(
    DataStream<ApprovalEvent> approvals,
    DataStream<PaymentEvent> payments,
    DataStream<ProcurementEvent> procurement,
    DataStream<DecisionEvent> decisions) {}
