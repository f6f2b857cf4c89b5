package org.probity.bench;

import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;

/** Counts what reaches it into its {@link RunProbe} and reports when its input ended; keeps nothing. */
final class ProbeSink<T> implements Sink<T> {
  private static final long serialVersionUID = 1L;
  private final String probeId;
  private final String name;

  ProbeSink(String probeId, String name) {
    this.probeId = probeId;
    this.name = name;
  }

  @Override
  public SinkWriter<T> createWriter(WriterInitContext context) {
    RunProbe probe = RunProbe.get(probeId);
    return new SinkWriter<>() {
      @Override
      public void write(T element, Context ctx) {
        probe.countRecord(name);
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
