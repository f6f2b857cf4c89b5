package org.probity.jobs.pipeline;

import org.apache.flink.streaming.api.datastream.DataStream;
import org.probity.schema.Alert;
import org.probity.schema.DeadLetter;
import org.probity.schema.UnitStatus;

/** What the pipeline produces: alerts, dead letters, unit status. */
public record ProbityOutputs(DataStream<Alert> alerts, DataStream<DeadLetter> deadLetters,
    DataStream<UnitStatus> unitStatus) {

  /** Every record a {@code collectAsync()} of one of these streams gives, once the job has ended. */
  public static <T> java.util.List<T> drain(org.apache.flink.util.CloseableIterator<T> it) {
    java.util.List<T> items = new java.util.ArrayList<>();
    try (it) {
      it.forEachRemaining(items::add);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
    return items;
  }
}
