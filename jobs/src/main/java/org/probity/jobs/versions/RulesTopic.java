package org.probity.jobs.versions;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.probity.schema.RulesVersion;
import org.probity.schema.codec.SingleObjectCodec;

/**
 * The rules topic ({@code probity.rules}, compacted, key the version number): every version ever
 * published, each a complete rules file. Read whole at a job's start (so a replay of the same
 * history and a restarted job both know every version before their first event) and by the console
 * and {@code probity rules}; written by {@code probity rules publish} and the console's publish.
 */
public final class RulesTopic {
  public static final String DEFAULT = "probity.rules";
  private static final SingleObjectCodec<RulesVersion> CODEC = SingleObjectCodec.of(RulesVersion.class);

  private RulesTopic() {}

  /** One record as read: the version, or null with the error where it does not decode; and where it was. */
  public record Read(RulesVersion version, String error, int partition, long offset, byte[] raw) {}

  /** Every record of {@code topic}, in offset order; none if the topic does not exist yet. */
  public static List<Read> readAll(Properties client, String topic, Duration timeout) {
    Properties p = new Properties();
    p.putAll(client);
    p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    List<Read> all = new ArrayList<>();
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(p)) {
      var partitions = consumer.partitionsFor(topic, timeout);
      if (partitions == null || partitions.isEmpty()) {
        return all;
      }
      List<TopicPartition> tps = partitions.stream().map(i -> new TopicPartition(topic, i.partition())).toList();
      consumer.assign(tps);
      consumer.seekToBeginning(tps);
      Map<TopicPartition, Long> end = consumer.endOffsets(tps, timeout);
      long deadline = System.nanoTime() + timeout.toNanos();
      while (tps.stream().anyMatch(tp -> consumer.position(tp, timeout) < end.get(tp))) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("rules topic " + topic + ": not read to its end within " + timeout);
        }
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
          all.add(decode(r.value(), r.partition(), r.offset()));
        }
      }
    }
    all.sort(Comparator.comparingInt(Read::partition).thenComparingLong(Read::offset));
    return all;
  }

  static Read decode(byte[] raw, int partition, long offset) {
    try {
      return new Read(CODEC.decode(raw), null, partition, offset, raw);
    } catch (Exception e) {
      return new Read(null, "not a RulesVersion record: " + e.getMessage(), partition, offset, raw);
    }
  }

  /** Creates {@code topic} (one partition, compacted) if it does not exist, as {@code probity topics create} would. */
  public static void ensure(Properties client, String topic) {
    try (org.apache.kafka.clients.admin.Admin admin = org.apache.kafka.clients.admin.Admin.create(client)) {
      if (admin.listTopics().names().get(30, java.util.concurrent.TimeUnit.SECONDS).contains(topic)) {
        return;
      }
      int brokers = admin.describeCluster().nodes().get(30, java.util.concurrent.TimeUnit.SECONDS).size();
      admin.createTopics(List.of(new org.apache.kafka.clients.admin.NewTopic(topic, 1, (short) Math.min(3, brokers))
          .configs(Map.of("cleanup.policy", "compact")))).all().get(30, java.util.concurrent.TimeUnit.SECONDS);
    } catch (java.util.concurrent.ExecutionException e) {
      if (!(e.getCause() instanceof org.apache.kafka.common.errors.TopicExistsException)) {
        throw new IllegalStateException("rules topic " + topic + ": cannot create: " + e.getCause().getMessage(), e);
      }
    } catch (java.util.concurrent.TimeoutException e) {
      throw new IllegalStateException("rules topic " + topic + ": Kafka did not answer within 30 s", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  /**
   * The job's reader of {@code topic}: every record from the earliest (the versions the job knows
   * already pass {@link RulesGate} silently), undecoded.
   */
  public static org.apache.flink.api.connector.source.Source<RulesRecord, ?, ?> source(Properties client,
      String bootstrapServers, String groupId, String topic) {
    var builder = org.apache.flink.connector.kafka.source.KafkaSource.<RulesRecord>builder()
        .setProperties(client)
        .setBootstrapServers(bootstrapServers)
        .setTopics(topic)
        .setGroupId(groupId)
        .setStartingOffsets(org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer.earliest())
        .setDeserializer(new RulesDeserializer())
        .setProperty("isolation.level", "read_committed");
    return builder.build();
  }

  /** Never throws: a record is handed on as bytes, and {@link RulesGate} judges it. */
  static final class RulesDeserializer
      implements org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema<RulesRecord> {
    private static final long serialVersionUID = 1L;

    @Override
    public void deserialize(ConsumerRecord<byte[], byte[]> record, org.apache.flink.util.Collector<RulesRecord> out) {
      out.collect(RulesRecord.of(record.topic(), record.partition(), record.offset(), record.value()));
    }

    @Override
    public org.apache.flink.api.common.typeinfo.TypeInformation<RulesRecord> getProducedType() {
      return org.apache.flink.api.common.typeinfo.TypeInformation.of(RulesRecord.class);
    }
  }

  /** Publishes {@code version} (keyed by its number) and waits until the broker has it. */
  public static void publish(Properties client, String topic, RulesVersion version) {
    Properties p = new Properties();
    p.putAll(client);
    p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
    try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p)) {
      producer.send(new ProducerRecord<>(topic, Integer.toString(version.getVersion()).getBytes(StandardCharsets.UTF_8),
          CODEC.encode(version))).get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted publishing rules version " + version.getVersion(), e);
    } catch (java.util.concurrent.ExecutionException e) {
      throw new IllegalStateException("rules topic " + topic + ": cannot publish version " + version.getVersion()
          + ": " + e.getCause().getMessage(), e.getCause());
    }
  }
}
