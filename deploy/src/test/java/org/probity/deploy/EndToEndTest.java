package org.probity.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.probity.connectors.kafka.EmbeddedKafka;
import org.probity.connectors.kafka.KafkaSettings;
import org.probity.jobs.cli.JobEnvironment;
import org.probity.jobs.cli.RunCommand;
import org.probity.jobs.config.ProbityConfig;
import org.probity.jobs.config.RulesFile;
import org.probity.jobs.generate.GeneratorSettings;
import org.probity.jobs.generate.KafkaTraffic;
import org.probity.jobs.generate.TrafficGenerator;
import org.probity.schema.Alert;

/**
 * The whole monitor on real parts: generated traffic → a real KRaft broker → the production
 * pipeline on a Flink MiniCluster with exactly-once alerts → {@code probity.alerts} read back by a
 * plain read_committed consumer and decoded with the .avsc file alone — equal to the generator's
 * ground truth, with every alert's records in one partition in lifecycle order.
 */
class EndToEndTest {
  @RegisterExtension
  static final MiniClusterExtension FLINK = new MiniClusterExtension(
      new MiniClusterResourceConfiguration.Builder().setNumberTaskManagers(1).setNumberSlotsPerTaskManager(4).build());

  @TempDir
  static Path dir;
  static EmbeddedKafka kafka;

  @BeforeAll
  static void startKafka() throws Exception {
    kafka = EmbeddedKafka.start(dir.resolve("kafka"));
  }

  @AfterAll
  static void stopKafka() throws Exception {
    kafka.close();
  }

  @Test
  void generatedTrafficThroughKafkaRaisesExactlyTheGroundTruth() throws Exception {
    ProbityConfig config = RulesFile.defaults();
    KafkaSettings settings = KafkaSettings.defaults(kafka.bootstrapServers());
    kafka.createTopics(settings, 2);
    TrafficGenerator generator = new TrafficGenerator(config,
        GeneratorSettings.DEFAULTS.withDays(31).withViolationRate(0.08).withDisorderSeconds(60));
    KafkaTraffic.produce(generator, settings, 0, e -> { });
    List<Alert> truth = generator.groundTruth(Instant.MAX);
    assertThat(truth).isNotEmpty();

    RunCommand.Settings run = new RunCommand.Settings(settings, config, Duration.ofMillis(500), null,
        Duration.ofMinutes(2), Duration.ofMinutes(5), JobEnvironment.StateBackend.HASHMAP, 2, true);
    StreamExecutionEnvironment env = RunCommand.environment(run);
    RunCommand.defineWorkflow(env, run);
    env.execute("probity end-to-end");

    List<KafkaAlerts.Seen> seen = KafkaAlerts.readAll(kafka.bootstrapServers(), settings.alertsTopic(),
        Path.of("../schemas/src/main/avro/Alert.avsc"));
    assertThat(seen.stream().map(KafkaAlerts.Seen::comparable).sorted().toList())
        .as("alerts read back equal the ground truth")
        .containsExactlyElementsOf(truth.stream().map(KafkaAlerts::comparable).sorted().toList());
    assertThat(seen).allSatisfy(s -> assertThat(s.key()).isEqualTo(s.alertId()));
    Map<String, List<KafkaAlerts.Seen>> byAlert = seen.stream()
        .collect(Collectors.groupingBy(KafkaAlerts.Seen::alertId));
    byAlert.values().forEach(records -> {
      assertThat(records.stream().map(KafkaAlerts.Seen::partition).distinct()).hasSize(1);
      assertThat(records.get(0).status()).isEqualTo("RAISED");
    });
  }
}
