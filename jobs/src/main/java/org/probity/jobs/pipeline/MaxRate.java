package org.probity.jobs.pipeline;

import java.util.concurrent.locks.LockSupport;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichMapFunction;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.probity.connectors.ingest.Ingested;

/**
 * {@code run --max-rate}: holds each source subtask to its share of N events/s (a back-fill that must
 * not starve the cluster). Chained to the source, so no records queue in front of a checkpoint barrier.
 */
final class MaxRate extends RichMapFunction<Ingested, Ingested> {
  private static final long serialVersionUID = 1L;
  private final int eventsPerSecond;
  private transient long intervalNanos;
  private transient long next;

  private MaxRate(int eventsPerSecond) {
    this.eventsPerSecond = eventsPerSecond;
  }

  static DataStream<Ingested> apply(DataStream<Ingested> events, int eventsPerSecond) {
    return events.map(new MaxRate(eventsPerSecond)).returns(Ingested.class).name("max rate " + eventsPerSecond + "/s");
  }

  @Override
  public void open(OpenContext context) {
    int subtasks = getRuntimeContext().getTaskInfo().getNumberOfParallelSubtasks();
    intervalNanos = Math.max(1, 1_000_000_000L * subtasks / eventsPerSecond);
  }

  @Override
  public Ingested map(Ingested in) {
    next = Math.max(next, System.nanoTime()) + intervalNanos;
    LockSupport.parkNanos(next - System.nanoTime());
    return in;
  }
}
