package org.probity.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.flink.util.FileUtils;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.probity.connectors.ingest.EventStream;
import org.probity.connectors.ingest.IngestDecoder;
import org.probity.connectors.ingest.Ingested;
import org.probity.connectors.kafka.EmbeddedKafka;
import org.probity.connectors.kafka.KafkaSettings;

/**
 * A real KRaft broker in this process ({@link EmbeddedKafka}, as the demo and the end-to-end test
 * use) holding the mix in the contract's topics, two partitions each (the job's parallelism).
 * Its CPU is part of this process's, so every Kafka figure counts the broker's work too: on one
 * machine that is the honest cost of a Kafka-fed monitor.
 */
final class KafkaBench implements AutoCloseable {
  static final int PARTITIONS = 2;
  private final Path dir;
  private final EmbeddedKafka kafka;

  KafkaBench() throws Exception {
    dir = Files.createTempDirectory("probity-bench-kafka");
    kafka = EmbeddedKafka.start(dir);
  }

  String bootstrapServers() {
    return kafka.bootstrapServers();
  }

  /** The contract's topics under {@code prefix} (so runs never share topics), created on the broker. */
  KafkaSettings topics(String prefix, boolean exactlyOnce) throws Exception {
    KafkaSettings defaults = KafkaSettings.defaults(bootstrapServers());
    Map<EventStream, String> events = new EnumMap<>(EventStream.class);
    defaults.eventTopics().forEach((s, t) -> events.put(s, prefix + t));
    KafkaSettings settings = new KafkaSettings(bootstrapServers(), prefix + "probity", events,
        prefix + defaults.alertsTopic(), prefix + defaults.unitStatusTopic(), prefix + defaults.deadLetterTopic(),
        exactlyOnce, prefix + defaults.transactionalIdPrefix(), defaults.transactionTimeout());
    kafka.createTopics(settings, PARTITIONS);
    return settings;
  }

  /** Writes every event to its topic, keyed by subject, and waits until all are acknowledged. */
  void load(EncodedEvents events, KafkaSettings settings) {
    try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(producerProperties(bootstrapServers()))) {
      for (int i = 0; i < events.size(); i++) {
        producer.send(new ProducerRecord<>(settings.topic(events.stream(i)), events.key(i), events.value(i)));
      }
      producer.flush();
    }
  }

  static Properties producerProperties(String bootstrap) {
    Properties props = new Properties();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    props.put(ProducerConfig.LINGER_MS_CONFIG, "5");
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    return props;
  }

  /**
   * Figure 1b: one consumer thread reading all four topics from the start, {@code read_committed}
   * like the job's sources, decoding each record with the production decoder; {@code warmups}
   * untimed passes, then {@code passes} timed ones.
   */
  List<Sample> consumeAndDecode(KafkaSettings settings, long expected, IngestDecoder decoder, int warmups,
      int passes) {
    List<Sample> samples = new ArrayList<>();
    for (int p = 0; p < warmups + passes; p++) {
      long wall = System.nanoTime();
      long cpu = RunProbe.cpuNanos();
      long n = consumeAll(settings, expected, decoder);
      if (p >= warmups) {
        samples.add(new Sample(n, System.nanoTime() - wall, RunProbe.cpuNanos() - cpu));
      }
    }
    return samples;
  }

  private long consumeAll(KafkaSettings settings, long expected, IngestDecoder decoder) {
    Properties props = new Properties();
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    Map<String, EventStream> streamOfTopic = new java.util.HashMap<>();
    settings.eventTopics().forEach((s, t) -> streamOfTopic.put(t, s));
    long count = 0;
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props)) {
      List<TopicPartition> partitions = new ArrayList<>();
      for (String topic : streamOfTopic.keySet()) {
        for (int p = 0; p < PARTITIONS; p++) {
          partitions.add(new TopicPartition(topic, p));
        }
      }
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      long deadline = System.nanoTime() + Duration.ofMinutes(10).toNanos();
      while (count < expected) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("read " + count + " of " + expected + " events in 10 minutes");
        }
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(100))) {
          Ingested in = decoder.fromKafka(streamOfTopic.get(r.topic()), r.topic(), r.partition(), r.offset(),
              r.value());
          if (in.isDeadLetter()) {
            throw new IllegalStateException("a generated event became a dead letter: " + in.deadLetter.getError());
          }
          count++;
        }
      }
    }
    return count;
  }

  @Override
  public void close() throws Exception {
    try {
      kafka.close();
    } finally {
      FileUtils.deleteDirectory(dir.toFile());
    }
  }
}
