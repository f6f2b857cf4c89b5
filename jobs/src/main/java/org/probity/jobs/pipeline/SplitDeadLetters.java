package org.probity.jobs.pipeline;

import org.apache.flink.api.common.accumulators.LongCounter;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;
import org.probity.connectors.ingest.Ingested;
import org.probity.schema.DeadLetter;

/**
 * Valid events continue; records that became dead letters at the source leave by a side output.
 * Counts both in the accumulators {@value #EVENTS} and {@value #DEAD_LETTER_COUNT} for progress lines.
 */
public final class SplitDeadLetters extends ProcessFunction<Ingested, Ingested> {
  private static final long serialVersionUID = 1L;
  static final OutputTag<DeadLetter> DEAD_LETTERS = new OutputTag<>("dead-letters") {};
  public static final String EVENTS = "probity.events";
  public static final String DEAD_LETTER_COUNT = "probity.deadLetters";

  private transient LongCounter events;
  private transient LongCounter deadLetters;

  @Override
  public void open(OpenContext context) {
    events = new LongCounter();
    deadLetters = new LongCounter();
    getRuntimeContext().addAccumulator(EVENTS, events);
    getRuntimeContext().addAccumulator(DEAD_LETTER_COUNT, deadLetters);
  }

  @Override
  public void processElement(Ingested in, Context ctx, Collector<Ingested> out) {
    if (in.isDeadLetter()) {
      deadLetters.add(1);
      ctx.output(DEAD_LETTERS, in.deadLetter);
    } else {
      events.add(1);
      out.collect(in);
    }
  }
}
