package org.probity.connectors.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.probity.connectors.kafka.KafkaTestSupport.assertFinishedWithoutRestart;
import static org.probity.connectors.kafka.KafkaTestSupport.endOffsetSum;
import static org.probity.connectors.kafka.KafkaTestSupport.readCommitted;
import static org.probity.connectors.kafka.KafkaTestSupport.strictJobConfiguration;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.InjectMiniCluster;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.probity.connectors.FlinkTestCluster;
import org.probity.connectors.TestEvents;
import org.probity.schema.Alert;
import org.probity.schema.AlertStatus;
import org.probity.schema.codec.SingleObjectCodec;

/** The exactly-once alert sink commits its Kafka transaction, so read_committed readers see every alert once. */
class KafkaAlertSinkTest {
  @RegisterExtension
  static final MiniClusterExtension FLINK = FlinkTestCluster.extension();

  @TempDir
  static Path kafkaDir;

  private static EmbeddedKafka kafka;

  @BeforeAll
  static void startKafka() throws Exception {
    kafka = EmbeddedKafka.start(kafkaDir);
  }

  @AfterAll
  static void stopKafka() throws Exception {
    if (kafka != null) {
      kafka.close();
    }
  }

  @Test
  @Timeout(value = 120, unit = TimeUnit.SECONDS)
  void exactlyOnceAlertsAreCommittedForReadCommittedReaders(@InjectMiniCluster MiniCluster miniCluster)
      throws Exception {
    KafkaSettings settings = KafkaSettings.defaults(kafka.bootstrapServers())
        .withTransactionalIdPrefix("alert-sink-test");
    assertThat(settings.exactlyOnce()).isTrue();
    kafka.createTopics(settings, 2);
    List<Alert> alerts = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      alerts.add(TestEvents.alert("al-" + i));
    }
    Alert escalated = TestEvents.alert("al-3");
    escalated.setStatus(AlertStatus.ESCALATED);
    escalated.setAmountFen(null);
    alerts.add(escalated); // the same violation's next state: same key

    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(strictJobConfiguration());
    env.setParallelism(2);
    env.enableCheckpointing(500); // transactions commit on checkpoints; the last one at end of input
    env.fromData(alerts, TypeInformation.of(Alert.class))
        .keyBy(Alert::getAlertId) // as the jobs do: one alert's states through one writer, in order
        .sinkTo(KafkaConnectors.alertSink(settings)).name("alerts");
    JobClient job = env.executeAsync("exactly-once alerts");
    job.getJobExecutionResult().get(90, TimeUnit.SECONDS);
    assertFinishedWithoutRestart(miniCluster, job.getJobID());
    List<ConsumerRecord<byte[], byte[]>> records =
        readCommitted(kafka.bootstrapServers(), settings.alertsTopic(), alerts.size(), Duration.ofSeconds(30));
    SingleObjectCodec<Alert> codec = SingleObjectCodec.of(Alert.class);
    List<Alert> read = new ArrayList<>();
    Map<String, List<AlertStatus>> statusesByKey = new HashMap<>();
    for (ConsumerRecord<byte[], byte[]> r : records) {
      Alert alert = decode(codec, r.value());
      String key = new String(r.key(), StandardCharsets.UTF_8);
      assertThat(key).isEqualTo(alert.getAlertId());
      read.add(alert);
      statusesByKey.computeIfAbsent(key, k -> new ArrayList<>()).add(alert.getStatus());
    }
    assertThat(read).containsExactlyInAnyOrderElementsOf(alerts);
    // Keyed by alertId, so both states of al-3 share a partition and keep their order.
    assertThat(statusesByKey.get("al-3")).containsExactly(AlertStatus.RAISED, AlertStatus.ESCALATED);
    // They were written in transactions: the commit markers take offsets of their own.
    assertThat(endOffsetSum(kafka.bootstrapServers(), settings.alertsTopic(), "read_uncommitted"))
        .isGreaterThan(alerts.size());
  }

  private static Alert decode(SingleObjectCodec<Alert> codec, byte[] bytes) {
    try {
      return codec.decode(bytes);
    } catch (IOException e) {
      throw new AssertionError("the alerts topic holds a record that is not an Alert", e);
    }
  }
}
