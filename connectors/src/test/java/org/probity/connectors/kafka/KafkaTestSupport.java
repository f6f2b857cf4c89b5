package org.probity.connectors.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.runtime.executiongraph.AccessExecutionVertex;
import org.apache.flink.runtime.executiongraph.ArchivedExecutionGraph;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/** Plain Kafka clients and Flink job checks for the tests against the embedded broker. */
final class KafkaTestSupport {
  private KafkaTestSupport() {}

  /** No restarts, so any exception fails the job; no Kryo, so every type has a real serializer. */
  static Configuration strictJobConfiguration() {
    Configuration conf = new Configuration();
    conf.set(RestartStrategyOptions.RESTART_STRATEGY, "none");
    conf.set(PipelineOptions.GENERIC_TYPES, false);
    return conf;
  }

  static KafkaProducer<byte[], byte[]> producer(String bootstrap) {
    Properties props = new Properties();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
    return new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer());
  }

  /**
   * Every committed record of {@code topic}, read from the beginning by a {@code read_committed}
   * consumer: at least {@code expected} of them, and then on until the topic is settled (no open
   * transaction, every commit marker written; markers land asynchronously after a commit returns,
   * so until then the last stable offset can lag) and read to its end, so extra records show.
   */
  static List<ConsumerRecord<byte[], byte[]>> readCommitted(String bootstrap, String topic, int expected,
      Duration timeout) {
    List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
    try (KafkaConsumer<byte[], byte[]> consumer = consumer(bootstrap, "read_committed");
        KafkaConsumer<byte[], byte[]> uncommitted = consumer(bootstrap, "read_uncommitted")) {
      List<TopicPartition> partitions = consumer.partitionsFor(topic, timeout).stream()
          .map(p -> new TopicPartition(topic, p.partition()))
          .toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      long deadline = System.nanoTime() + timeout.toNanos();
      while (true) {
        consumer.poll(Duration.ofMillis(100)).forEach(records::add);
        if (records.size() >= expected) {
          Map<TopicPartition, Long> stable = consumer.endOffsets(partitions, timeout);
          boolean settled = stable.equals(uncommitted.endOffsets(partitions, timeout))
              && stable.entrySet().stream().allMatch(e -> consumer.position(e.getKey()) >= e.getValue());
          if (settled) {
            return records;
          }
        }
        assertThat(System.nanoTime())
            .as("read %d committed records of %s in time; got %d", expected, topic, records.size())
            .isLessThan(deadline);
      }
    }
  }

  private static KafkaConsumer<byte[], byte[]> consumer(String bootstrap, String isolation) {
    Properties props = new Properties();
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, isolation);
    props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    return new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
  }

  static long endOffsetSum(String bootstrap, String topic, String isolation) {
    try (KafkaConsumer<byte[], byte[]> consumer = consumer(bootstrap, isolation)) {
      List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
          .map(p -> new TopicPartition(topic, p.partition()))
          .toList();
      return consumer.endOffsets(partitions).values().stream().mapToLong(Long::longValue).sum();
    }
  }

  /** The job finished, never failed, and no task of it ever ran a second attempt. */
  static void assertFinishedWithoutRestart(MiniCluster miniCluster, JobID job) throws Exception {
    ArchivedExecutionGraph graph = miniCluster.getArchivedExecutionGraph(job).get();
    assertThat(graph.getState()).isEqualTo(JobStatus.FINISHED);
    assertThat(graph.getFailureInfo()).as("failure of the job").isNull();
    assertThat(graph.getStatusTimestamp(JobStatus.RESTARTING)).as("time the job restarted").isZero();
    assertThat(graph.getArchivedExecutionConfig().getRestartStrategyDescription())
        .as("restarts were disabled, so a throwing deserializer could only have failed the job")
        .isEqualTo("Restart deactivated.");
    List<Integer> attempts = new ArrayList<>();
    for (AccessExecutionVertex vertex : graph.getAllExecutionVertices()) {
      attempts.add(vertex.getCurrentExecutionAttempt().getAttemptNumber());
    }
    assertThat(attempts).isNotEmpty().containsOnly(0);
  }
}
