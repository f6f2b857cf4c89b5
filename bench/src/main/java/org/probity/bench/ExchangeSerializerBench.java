package org.probity.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.specific.SpecificRecordBase;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.probity.jobs.config.RulesFile;
import org.probity.jobs.generate.GeneratorSettings;
import org.probity.jobs.generate.TrafficGenerator;
import org.probity.jobs.pipeline.ExchangeType;

/**
 * What one event costs to cross an exchange (serialized by the sender, read back by the receiver),
 * Avro's serializer against {@link ExchangeType}'s, on the generator's events of each stream, on one
 * thread. A micro-benchmark beside {@code bench/run}, for the tuning log of docs/benchmarks.md:
 * {@code java -cp "bench/target/classes:bench/target/lib/*" org.probity.bench.ExchangeSerializerBench}.
 */
public final class ExchangeSerializerBench {
  private static final int ROUNDS = 7;
  private static final int PASSES = 30;

  private ExchangeSerializerBench() {}

  public static void main(String[] args) throws Exception {
    Map<Class<?>, List<SpecificRecordBase>> byType = new LinkedHashMap<>();
    new TrafficGenerator(RulesFile.defaults(), GeneratorSettings.DEFAULTS.withDays(30).withScale(2))
        .forEach(e -> byType.computeIfAbsent(e.getClass(), k -> new ArrayList<>()).add(e));
    Map<Class<?>, ExchangeType<?>> exchange = new LinkedHashMap<>();
    for (ExchangeType<?> t : ExchangeType.EVENTS) {
      exchange.put(t.getTypeClass(), t);
    }
    System.out.println("| events | n | Avro ns/event | ExchangeType ns/event | Avro bytes | ExchangeType bytes |");
    System.out.println("|---|---:|---:|---:|---:|---:|");
    for (var e : byType.entrySet()) {
      @SuppressWarnings("unchecked")
      TypeSerializer<SpecificRecordBase> avro = (TypeSerializer<SpecificRecordBase>)
          TypeInformation.of(e.getKey()).createSerializer(new SerializerConfigImpl());
      @SuppressWarnings("unchecked")
      TypeSerializer<SpecificRecordBase> ours = (TypeSerializer<SpecificRecordBase>)
          exchange.get(e.getKey()).createSerializer(new SerializerConfigImpl());
      double[] best = {Double.MAX_VALUE, Double.MAX_VALUE};
      for (int r = 0; r < ROUNDS; r++) {
        best[0] = Math.min(best[0], nanosPerEvent(avro, e.getValue()));
        best[1] = Math.min(best[1], nanosPerEvent(ours, e.getValue()));
      }
      System.out.printf("| %s | %,d | %.0f | %.0f | %.1f | %.1f |%n", e.getKey().getSimpleName(), e.getValue().size(),
          best[0], best[1], bytesPerEvent(avro, e.getValue()), bytesPerEvent(ours, e.getValue()));
    }
  }

  /** Serialize then deserialize each event, {@link #PASSES} times over; the best of the rounds is reported. */
  private static double nanosPerEvent(TypeSerializer<SpecificRecordBase> s, List<SpecificRecordBase> events)
      throws Exception {
    DataOutputSerializer out = new DataOutputSerializer(4096);
    DataInputDeserializer in = new DataInputDeserializer();
    long read = 0;
    long t0 = System.nanoTime();
    for (int p = 0; p < PASSES; p++) {
      for (SpecificRecordBase e : events) {
        out.clear();
        s.serialize(e, out);
        in.setBuffer(out.getSharedBuffer(), 0, out.length());
        read += s.deserialize(in) != null ? 1 : 0;
      }
    }
    long t = System.nanoTime() - t0;
    if (read != (long) PASSES * events.size()) {
      throw new IllegalStateException("an event did not come back");
    }
    return t / (double) read;
  }

  private static double bytesPerEvent(TypeSerializer<SpecificRecordBase> s, List<SpecificRecordBase> events)
      throws Exception {
    DataOutputSerializer out = new DataOutputSerializer(1 << 20);
    for (SpecificRecordBase e : events) {
      s.serialize(e, out);
    }
    return out.length() / (double) events.size();
  }
}
