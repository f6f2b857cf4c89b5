package org.probity.bench;

import java.util.ArrayList;
import java.util.List;
import org.probity.connectors.ingest.EventStream;
import org.probity.connectors.ingest.IngestDecoder;
import org.probity.connectors.ingest.Ingested;

/**
 * Figure 1, the limit: one thread decoding the mix with the production {@link IngestDecoder} (the
 * body check, the single-object decode and the validation every Kafka record goes through), and
 * nothing else. No pipeline can run faster per core than this. CPU is the whole process's, as in
 * every figure, so the garbage collector's share is counted.
 */
final class DecodeLimit {
  /** Written after each pass so the JIT cannot discard the decoding as unused. */
  private static volatile long consumed;

  private DecodeLimit() {}

  /** Each pass decodes at least this many events (the mix, as often as it takes): about a second's work. */
  static final int EVENTS_PER_PASS = 1_000_000;

  /** {@code warmups} untimed passes, then {@code passes} timed ones. */
  static List<Sample> measure(EncodedEvents events, IngestDecoder decoder, int warmups, int passes) {
    int rounds = (EVENTS_PER_PASS + events.size() - 1) / events.size();
    for (int w = 0; w < warmups; w++) {
      consumed = pass(events, decoder, rounds);
    }
    List<Sample> samples = new ArrayList<>();
    for (int p = 0; p < passes; p++) {
      long wall = System.nanoTime();
      long cpu = RunProbe.cpuNanos();
      consumed = pass(events, decoder, rounds);
      samples.add(new Sample((long) rounds * events.size(), System.nanoTime() - wall, RunProbe.cpuNanos() - cpu));
    }
    return samples;
  }

  /** Decodes every event {@code rounds} times; returns a value that depends on all of them. */
  private static long pass(EncodedEvents events, IngestDecoder decoder, int rounds) {
    long sum = 0;
    for (int r = 0; r < rounds; r++) {
      sum += round(events, decoder);
    }
    return sum;
  }

  private static long round(EncodedEvents events, IngestDecoder decoder) {
    long sum = 0;
    for (int i = 0; i < events.size(); i++) {
      EventStream stream = events.stream(i);
      Ingested in = decoder.fromKafka(stream, stream.defaultTopic(), 0, i, events.value(i));
      if (in.isDeadLetter()) {
        throw new IllegalStateException("the generated event " + i + " is a dead letter: " + in.deadLetter.getError());
      }
      sum += in.timestamp();
    }
    return sum;
  }
}
