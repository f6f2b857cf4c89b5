package org.probity.jobs.pipeline;

import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.core.fs.Path;
import org.probity.connectors.file.JsonLinesSource;
import org.probity.connectors.ingest.EventStream;
import org.probity.connectors.ingest.IngestDecoder;
import org.probity.connectors.ingest.Ingested;
import org.probity.connectors.kafka.KafkaConnectors;
import org.probity.connectors.kafka.KafkaSettings;

/** Where the pipeline's events come from, with event-time timestamps and watermarks assigned. */
@FunctionalInterface
public interface ProbitySources {
  DataStream<Ingested> events(StreamExecutionEnvironment env);

  /** The rules topic's records, read while the job runs; null where versions come only from the history at start. */
  default DataStream<org.probity.jobs.versions.RulesRecord> rules(StreamExecutionEnvironment env) {
    return null;
  }

  /** The topic each stream is read from, where there is one (a dead letter names it). */
  default Map<EventStream, String> sourceNames() {
    return Map.of();
  }

  /**
   * The four Kafka event topics, each with per-partition watermarks, unioned; with {@code
   * stopAtLatest} they end at the offsets current at start (then every pending timer fires).
   */
  static ProbitySources kafka(KafkaSettings settings, IngestDecoder decoder, Duration outOfOrderness,
      Duration idleness, boolean stopAtLatest) {
    return kafka(settings, decoder, outOfOrderness, idleness, stopAtLatest, 0);
  }

  /** As above, each topic read at most {@code maxRatePerTopic} events/s (0: no limit). */
  static ProbitySources kafka(KafkaSettings settings, IngestDecoder decoder, Duration outOfOrderness,
      Duration idleness, boolean stopAtLatest, int maxRatePerTopic) {
    Map<EventStream, String> topics = new EnumMap<>(EventStream.class);
    for (EventStream stream : EventStream.values()) {
      topics.put(stream, settings.topic(stream));
    }
    ProbitySources events = env -> {
      DataStream<Ingested> all = null;
      for (EventStream stream : EventStream.values()) {
        DataStream<Ingested> one = env
            .fromSource(stopAtLatest
                    ? KafkaConnectors.eventSource(settings, stream, decoder, OffsetsInitializer.latest())
                    : KafkaConnectors.eventSource(settings, stream, decoder),
                KafkaConnectors.watermarks(outOfOrderness, idleness), "kafka " + settings.topic(stream))
            .uid("source-" + stream.jsonName());
        if (maxRatePerTopic > 0) {
          one = MaxRate.apply(one, maxRatePerTopic);
        }
        all = all == null ? one : all.union(one);
      }
      return all;
    };
    return new ProbitySources() {
      @Override
      public DataStream<Ingested> events(StreamExecutionEnvironment env) {
        return events.events(env);
      }

      @Override
      public Map<EventStream, String> sourceNames() {
        return topics;
      }
    };
  }

  /** {@code events} with the rules topic {@code topic} read beside them, while the job runs. */
  static ProbitySources withRules(ProbitySources events, KafkaSettings settings, String topic) {
    return new ProbitySources() {
      @Override
      public DataStream<Ingested> events(StreamExecutionEnvironment env) {
        return events.events(env);
      }

      @Override
      public DataStream<org.probity.jobs.versions.RulesRecord> rules(StreamExecutionEnvironment env) {
        return env.fromSource(org.probity.jobs.versions.RulesTopic.source(settings.client(), settings.bootstrapServers(),
                settings.groupId() + "-rules", topic),
            org.apache.flink.api.common.eventtime.WatermarkStrategy.noWatermarks(), "kafka " + topic)
            .setParallelism(1)
            .uid("source-rules");
      }

      @Override
      public Map<EventStream, String> sourceNames() {
        return events.sourceNames();
      }
    };
  }

  /**
   * One JSON Lines file, read in order by one reader, with a watermark punctuated by the file's
   * records ({@link ReplayWatermarks}); the replay clock stops at {@code untilMillis} (null: the
   * file's last event time) and hands late events on as the next instant ({@link ReplayClock}), so
   * the same file gives the same output every run and at any parallelism.
   */
  static ProbitySources jsonLines(Path file, IngestDecoder decoder, Duration outOfOrderness, Long untilMillis) {
    return env -> env
        .fromSource(JsonLinesSource.of(decoder, file),
            new ReplayWatermarks(outOfOrderness), "file " + file.getName())
        .setParallelism(1)
        .transform("replay clock", org.apache.flink.api.common.typeinfo.TypeInformation.of(Ingested.class),
            new ReplayClock(untilMillis))
        .setParallelism(1);
  }
}
