package org.probity.jobs.pipeline;

import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import org.probity.connectors.ingest.Ingested;

/**
 * Contract: "a repeated eventId is the same event and is ignored". Keyed by eventId; the first
 * occurrence passes, repeats are counted ({@code duplicateEvents}) and dropped. The key is
 * forgotten {@code retention} ms of event time after the event, by an event-time timer, so
 * state stays bounded by traffic × retention.
 */
final class DeduplicateEvents extends KeyedProcessFunction<String, Ingested, Ingested> {
  private static final long serialVersionUID = 1L;

  private final long retentionMillis;
  private transient ValueState<Boolean> seen;
  private transient Counter duplicates;

  DeduplicateEvents(long retentionMillis) {
    this.retentionMillis = retentionMillis;
  }

  @Override
  public void open(OpenContext context) {
    seen = getRuntimeContext().getState(new ValueStateDescriptor<>("seen", Types.BOOLEAN));
    duplicates = getRuntimeContext().getMetricGroup().counter("duplicateEvents");
  }

  @Override
  public void processElement(Ingested in, Context ctx, Collector<Ingested> out) throws Exception {
    if (seen.value() != null) {
      duplicates.inc();
      return;
    }
    seen.update(Boolean.TRUE);
    ctx.timerService().registerEventTimeTimer(in.timestamp() + retentionMillis);
    out.collect(in);
  }

  @Override
  public void onTimer(long timestamp, OnTimerContext ctx, Collector<Ingested> out) {
    seen.clear();
  }
}
