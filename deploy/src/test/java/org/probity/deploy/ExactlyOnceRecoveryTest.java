package org.probity.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Collectors;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichMapFunction;
import org.apache.flink.api.common.state.CheckpointListener;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.probity.connectors.ingest.IngestDecoder;
import org.probity.connectors.ingest.Ingested;
import org.probity.connectors.json.AvroJson;
import org.probity.connectors.kafka.EmbeddedKafka;
import org.probity.connectors.kafka.KafkaConnectors;
import org.probity.connectors.kafka.KafkaSettings;
import org.probity.jobs.cli.JobEnvironment;
import org.probity.jobs.cli.RunCommand;
import org.probity.jobs.config.ConfigException;
import org.probity.jobs.config.ProbityConfig;
import org.probity.jobs.config.RulesFile;
import org.probity.jobs.generate.GeneratorSettings;
import org.probity.jobs.generate.KafkaTraffic;
import org.probity.jobs.generate.TrafficGenerator;
import org.probity.jobs.pipeline.ProbityPipeline;
import org.probity.jobs.pipeline.ProbitySinks;
import org.probity.jobs.pipeline.ProbitySources;
import org.probity.jobs.rules.RuleSet;
import org.probity.schema.Alert;

/**
 * Alert delivery the case system can trust: the job fails and restarts from its checkpoint three
 * times during a generated run, and a read_committed consumer still sees exactly the ground-truth
 * alert records — none twice, none missing, each alert's lifecycle in order in one partition.
 */
class ExactlyOnceRecoveryTest {
  @RegisterExtension
  static final MiniClusterExtension FLINK = new MiniClusterExtension(
      new MiniClusterResourceConfiguration.Builder().setNumberTaskManagers(1).setNumberSlotsPerTaskManager(4).build());

  static final int FAILURES = 3;
  static final AtomicInteger injected = new AtomicInteger();

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

  /**
   * Fails the task once a checkpoint has completed in this attempt, {@link #FAILURES} times in all.
   * Paces the input (about 2,000 events/s per subtask) so that checkpoints complete between failures:
   * unpaced, the generated month is processed before the first checkpoint of a restarted attempt.
   */
  static final class FailAfterCheckpoints extends RichMapFunction<Ingested, Ingested> implements CheckpointListener {
    private transient int completed;
    private transient int attempt;
    private transient long next;

    @Override
    public void open(OpenContext context) {
      attempt = getRuntimeContext().getTaskInfo().getAttemptNumber();
    }

    @Override
    public Ingested map(Ingested in) {
      next = Math.max(next, System.nanoTime()) + 500_000;
      LockSupport.parkNanos(next - System.nanoTime());
      if (completed >= 1
          && injected.getAndUpdate(n -> n < FAILURES ? n + 1 : n) < FAILURES) {
        throw new IllegalStateException("injected failure in attempt " + attempt);
      }
      return in;
    }

    @Override
    public void notifyCheckpointComplete(long checkpointId) {
      completed++;
    }
  }

  @Test
  void restartsFromCheckpointsLoseNothingAndRepeatNothing() throws Exception {
    ProbityConfig config = RulesFile.defaults();
    KafkaSettings settings = KafkaSettings.defaults(kafka.bootstrapServers()).withGroupId("recovery")
        .withTransactionalIdPrefix("recovery");
    kafka.createTopics(settings, 2);
    TrafficGenerator generator = new TrafficGenerator(config,
        GeneratorSettings.DEFAULTS.withDays(60).withViolationRate(0.08).withDisorderSeconds(60));
    KafkaTraffic.produce(generator, settings, 0, e -> { });
    List<Alert> truth = generator.groundTruth(Instant.MAX);

    RunCommand.Settings run = new RunCommand.Settings(settings, config, Duration.ofMillis(200), null,
        Duration.ofMinutes(2), Duration.ofMinutes(5), JobEnvironment.StateBackend.HASHMAP, 2, true);
    StreamExecutionEnvironment env = RunCommand.environment(run);
    env.configure(Configuration.fromMap(Map.of("restart-strategy.type", "fixed-delay",
        "restart-strategy.fixed-delay.attempts", "10", "restart-strategy.fixed-delay.delay", "200 ms")));
    IngestDecoder decoder = new IngestDecoder(new AvroJson(config.zone()));
    ProbitySources kafkaSources = ProbitySources.kafka(settings, decoder, run.outOfOrderness(), run.idleness(), true);
    ProbitySources chaos = e -> kafkaSources.events(e).map(new FailAfterCheckpoints()).returns(Ingested.class)
        .name("inject failures");
    ProbityPipeline.defineWorkflow(env, chaos,
        new ProbitySinks(KafkaConnectors.alertSink(settings), KafkaConnectors.deadLetterSink(settings),
            KafkaConnectors.unitStatusSink(settings)),
        config, RuleSet.all(), true);
    env.execute("probity recovery");
    assertThat(injected.get()).as("failures injected").isEqualTo(FAILURES);

    List<KafkaAlerts.Seen> seen = KafkaAlerts.readAll(kafka.bootstrapServers(), settings.alertsTopic(),
        Path.of("../schemas/src/main/avro/Alert.avsc"));
    assertThat(seen.stream().map(KafkaAlerts.Seen::comparable).sorted().toList())
        .containsExactlyElementsOf(truth.stream().map(KafkaAlerts::comparable).sorted().toList());
    Map<String, List<KafkaAlerts.Seen>> byAlert = seen.stream()
        .collect(Collectors.groupingBy(KafkaAlerts.Seen::alertId));
    byAlert.values().forEach(records -> {
      assertThat(records.stream().map(KafkaAlerts.Seen::partition).distinct()).hasSize(1);
      assertThat(records.get(0).status()).isEqualTo("RAISED");
      for (int i = 1; i < records.size(); i++) {
        assertThat(records.get(i).status()).isNotEqualTo("RAISED");
        assertThat(records.get(i - 1).status()).isNotEqualTo("RESOLVED");
      }
    });
  }

  @Test
  void aTransactionTimeoutAboveTheBrokersMaximumIsRefusedAtStart() {
    KafkaSettings defaults = KafkaSettings.defaults(kafka.bootstrapServers());
    KafkaSettings tooLong = new KafkaSettings(defaults.bootstrapServers(), defaults.groupId(), defaults.eventTopics(),
        defaults.alertsTopic(), defaults.unitStatusTopic(), defaults.deadLetterTopic(), true,
        defaults.transactionalIdPrefix(), Duration.ofMinutes(20));
    RunCommand.Settings run = new RunCommand.Settings(tooLong, RulesFile.defaults(), Duration.ofSeconds(10), null,
        Duration.ofMinutes(2), Duration.ofMinutes(1), JobEnvironment.StateBackend.HASHMAP, 1, false);
    assertThatThrownBy(() -> RunCommand.preflight(run))
        .isInstanceOf(ConfigException.class)
        .hasMessage("run: --transaction-timeout: the transaction timeout (1200000 ms) is above broker 0's "
            + "transaction.max.timeout.ms (900000 ms)");
    RunCommand.preflight(new RunCommand.Settings(defaults, RulesFile.defaults(), Duration.ofSeconds(10), null,
        Duration.ofMinutes(2), Duration.ofMinutes(1), JobEnvironment.StateBackend.HASHMAP, 1, false));
  }
}
