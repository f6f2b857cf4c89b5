package org.probity.jobs.backtest;

import org.apache.flink.api.common.accumulators.LongCounter;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichFilterFunction;
import org.probity.connectors.ingest.Ingested;

/**
 * The events of a backtest: those with an event time in {@code [from, until)} (either bound
 * {@code null}: unbounded), and every dead letter, which carries no time. Counts what it lets through
 * in the accumulator {@code counter}, one per arm (chained operators share a task's accumulators).
 */
final class EventRange extends RichFilterFunction<Ingested> {
  private static final long serialVersionUID = 1L;

  private final long from;
  private final long until;
  private final String counter;
  private transient LongCounter events;

  EventRange(Long from, Long until, String counter) {
    this.from = from == null ? Long.MIN_VALUE : from;
    this.until = until == null ? Long.MAX_VALUE : until;
    this.counter = counter;
  }

  @Override
  public void open(OpenContext context) {
    events = new LongCounter();
    getRuntimeContext().addAccumulator(counter, events);
  }

  @Override
  public boolean filter(Ingested in) {
    if (in.isDeadLetter()) {
      return true;
    }
    long t = in.timestamp();
    boolean inRange = t >= from && t < until;
    if (inRange) {
      events.add(1);
    }
    return inRange;
  }
}
