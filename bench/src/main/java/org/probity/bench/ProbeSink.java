package org.probity.bench;

import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;

/**
 * Counts what reaches it into its {@link RunProbe} and reports when its input ended; with a
 * {@link AlertRecords.Key} it also hands the probe each record's key, for the comparison with the
 * ground truth (alerts are a few thousand per run; the cost is outside the rules' own).
 */
final class ProbeSink<T> implements Sink<T> {
  private static final long serialVersionUID = 1L;
  private final String probeId;
  private final String name;
  private final AlertRecords.Key<T> key;

  ProbeSink(String probeId, String name) {
    this(probeId, name, null);
  }

  ProbeSink(String probeId, String name, AlertRecords.Key<T> key) {
    this.probeId = probeId;
    this.name = name;
    this.key = key;
  }

  @Override
  public SinkWriter<T> createWriter(WriterInitContext context) {
    RunProbe probe = RunProbe.get(probeId);
    return new SinkWriter<>() {
      @Override
      public void write(T element, Context ctx) {
        if (key == null) {
          probe.countRecord(name);
          return;
        }
        String k = key.apply(element);
        if (k != null) {
          probe.countRecord(name);
          probe.keep(name, k);
        }
      }

      @Override
      public void flush(boolean endOfInput) {
        if (endOfInput) {
          probe.sinkFinished();
        }
      }

      @Override
      public void close() {}
    };
  }
}
