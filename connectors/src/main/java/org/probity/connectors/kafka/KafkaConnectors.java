package org.probity.connectors.kafka;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.avro.specific.SpecificRecordBase;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.KafkaSourceBuilder;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.util.function.SerializableFunction;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.probity.connectors.ingest.EventStream;
import org.probity.connectors.ingest.IngestDecoder;
import org.probity.connectors.ingest.Ingested;
import org.probity.schema.Alert;
import org.probity.schema.DeadLetter;
import org.probity.schema.UnitStatus;
import org.probity.schema.codec.SingleObjectCodec;

/** Kafka sources for the four event topics and sinks for alerts, unit status and dead letters. */
public final class KafkaConnectors {
  private KafkaConnectors() {}

  /**
   * The source of one event topic. Starts from the group's committed offsets (earliest on first
   * start) and reads {@code read_committed}, so aborted upstream transactions are never seen.
   */
  public static KafkaSource<Ingested> eventSource(KafkaSettings settings, EventStream stream, IngestDecoder decoder) {
    // New partitions are picked up within a minute; a bounded source reads a fixed set and must not be told to.
    return builder(settings, stream, decoder).setProperty("partition.discovery.interval.ms", "60000").build();
  }

  /**
   * As {@link #eventSource(KafkaSettings, EventStream, IngestDecoder)}, but bounded: finishes once
   * every partition reaches {@code stoppingOffsets} (e.g. {@link OffsetsInitializer#latest()}, the
   * end when the job starts), for replays, batch back-fills and tests.
   */
  public static org.apache.flink.api.connector.source.Source<Ingested,
      org.apache.flink.connector.kafka.source.split.KafkaPartitionSplit,
      org.apache.flink.connector.kafka.source.enumerator.KafkaSourceEnumState> eventSource(KafkaSettings settings,
      EventStream stream, IngestDecoder decoder, OffsetsInitializer stoppingOffsets) {
    return new BoundedRestoreSource<>(builder(settings, stream, decoder).setBounded(stoppingOffsets).build());
  }

  private static KafkaSourceBuilder<Ingested> builder(KafkaSettings settings, EventStream stream,
      IngestDecoder decoder) {
    return KafkaSource.<Ingested>builder()
        .setProperties(settings.client())
        .setBootstrapServers(settings.bootstrapServers())
        .setTopics(settings.topic(stream))
        .setGroupId(settings.groupId())
        .setStartingOffsets(OffsetsInitializer.committedOffsets(OffsetResetStrategy.EARLIEST))
        .setDeserializer(new IngestDeserializer(stream, decoder))
        .setProperty("isolation.level", "read_committed");
  }

  /**
   * Event time from the event; bounded out-of-orderness per Kafka partition; a partition with no
   * valid events for {@code idleness} stops holding the watermark back (the Kafka source does not
   * go idle by itself). Dead letters carry no time: they neither move the watermark nor count as
   * activity, so a partition that only receives garbage goes idle instead of stalling every rule.
   */
  public static WatermarkStrategy<Ingested> watermarks(Duration outOfOrderness, Duration idleness) {
    return new IngestWatermarks(outOfOrderness, idleness);
  }

  /** Kafka refused the client's credentials or TLS handshake: the client properties are wrong, not the address. */
  public static final class Refused extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    Refused(String message, Throwable cause) {
      super(message, cause);
    }
  }

  /**
   * Checks, before the job starts and within seconds, that the brokers answer with the client
   * properties given and, for exactly-once, accept the transaction timeout: a producer asking for
   * more than {@code transaction.max.timeout.ms} is refused at its first transaction, which would
   * make the job fail over and over.
   *
   * @throws IllegalArgumentException naming both values when the timeout is too long
   * @throws Refused when Kafka refuses the credentials or the TLS handshake
   * @throws IllegalStateException when the brokers cannot be reached
   */
  public static void checkBrokers(KafkaSettings settings) {
    Properties props = settings.client();
    // A start that cannot reach Kafka says so within seconds, not after the client's default minute.
    props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "10000");
    props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "5000");
    try (Admin admin = Admin.create(props)) {
      List<ConfigResource> brokers = admin.describeCluster().nodes().get().stream()
          .map(n -> new ConfigResource(ConfigResource.Type.BROKER, n.idString())).toList();
      if (!settings.exactlyOnce()) {
        return;
      }
      for (Map.Entry<ConfigResource, Config> e : admin.describeConfigs(brokers).all().get().entrySet()) {
        ConfigEntry max = e.getValue().get("transaction.max.timeout.ms");
        if (max != null && max.value() != null
            && settings.transactionTimeout().toMillis() > Long.parseLong(max.value())) {
          throw new IllegalArgumentException("the transaction timeout (" + settings.transactionTimeout().toMillis()
              + " ms) is above broker " + e.getKey().name() + "'s transaction.max.timeout.ms (" + max.value()
              + " ms)");
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while asking Kafka at " + settings.bootstrapServers(), e);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof org.apache.kafka.common.errors.AuthenticationException) {
        throw new Refused("Kafka at " + settings.bootstrapServers() + " refused the client: " + cause.getMessage(),
            cause);
      }
      throw new IllegalStateException("Kafka at " + settings.bootstrapServers() + " did not answer within 10 s ("
          + cause.getClass().getSimpleName() + (cause.getMessage() == null ? "" : ": " + cause.getMessage())
          + "); is it running, and is this its address and listener?", cause);
    }
  }

  public static KafkaSink<Alert> alertSink(KafkaSettings settings) {
    return sink(settings, settings.alertsTopic(), Alert.class, Alert::getAlertId, settings.exactlyOnce(),
        settings.transactionalIdPrefix());
  }

  public static KafkaSink<UnitStatus> unitStatusSink(KafkaSettings settings) {
    return sink(settings, settings.unitStatusTopic(), UnitStatus.class, UnitStatus::getUnitId,
        settings.exactlyOnce(), settings.transactionalIdPrefix() + "-unit-status");
  }

  /**
   * Dead letters are at-least-once (a repeat is harmless, its key names the source record), and
   * a dead letter Kafka refuses is logged and counted, never a failed job: see {@link DeadLetterSink}.
   */
  public static DeadLetterSink deadLetterSink(KafkaSettings settings) {
    return new DeadLetterSink(settings.bootstrapServers(), settings.deadLetterTopic(),
        DeadLetterSink.DEFAULT_MAX_REQUEST_SIZE, settings.clientProperties());
  }

  /** {@code topic-partition-offset}, or {@code file:line} for a replayed file. */
  public static String deadLetterKey(DeadLetter d) {
    if (d.getSourcePartition() != null && d.getSourceOffset() != null) {
      return d.getSourceTopic() + "-" + d.getSourcePartition() + "-" + d.getSourceOffset();
    }
    return d.getSourceTopic() + ":" + d.getLineNumber();
  }

  private static <T extends SpecificRecordBase> KafkaSink<T> sink(KafkaSettings settings, String topic,
      Class<T> type, SerializableFunction<T, String> key, boolean exactlyOnce, String transactionalIdPrefix) {
    KafkaRecordSerializationSchema<T> serializer = new SingleObjectSerializer<>(topic, type, key);
    var builder = KafkaSink.<T>builder()
        .setKafkaProducerConfig(settings.client())
        .setBootstrapServers(settings.bootstrapServers())
        .setRecordSerializer(serializer);
    if (exactlyOnce) {
      builder.setDeliveryGuarantee(DeliveryGuarantee.EXACTLY_ONCE)
          .setTransactionalIdPrefix(transactionalIdPrefix)
          .setProperty("transaction.timeout.ms", Long.toString(settings.transactionTimeout().toMillis()));
    } else {
      builder.setDeliveryGuarantee(DeliveryGuarantee.AT_LEAST_ONCE)
          .setProperty("linger.ms", "5");
    }
    return builder.build();
  }

  /** Key as UTF-8, value as Avro single-object encoding. */
  static final class SingleObjectSerializer<T extends SpecificRecordBase> implements KafkaRecordSerializationSchema<T> {
    private static final long serialVersionUID = 1L;
    private final String topic;
    private final SingleObjectCodec<T> codec;
    private final SerializableFunction<T, String> key;

    SingleObjectSerializer(String topic, Class<T> type, SerializableFunction<T, String> key) {
      this.topic = topic;
      this.codec = SingleObjectCodec.of(type);
      this.key = key;
    }

    @Override
    public ProducerRecord<byte[], byte[]> serialize(T element, KafkaSinkContext context, Long timestamp) {
      // No record timestamp: an alert's event time may be a year old in a replay, and the
      // topic's retention would delete it at once; the alert carries its own times.
      return new ProducerRecord<>(topic, null, null, key.apply(element).getBytes(StandardCharsets.UTF_8),
          codec.encode(element));
    }
  }
}
