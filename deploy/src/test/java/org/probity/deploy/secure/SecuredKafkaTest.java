package org.probity.deploy.secure;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.security.auth.SecurityProtocol;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.probity.connectors.kafka.EmbeddedKafka;
import org.probity.connectors.kafka.KafkaSettings;
import org.probity.deploy.KafkaAlerts;
import org.probity.deploy.chaos.ChaosRun;
import org.probity.jobs.cli.ProbityJob;

/**
 * Secured Kafka end to end: a real KRaft broker whose only client listener is SASL_SSL (PLAIN over
 * TLS, its certificate signed by a CA made at test time), traffic produced and alerts read over it,
 * and {@code probity run} given the client properties as an operator would — a {@code
 * --command-config} file and {@code --kafka-property} — exactly the ground truth; a wrong password
 * is one clear line before anything starts.
 */
class SecuredKafkaTest {
  private static final String PLAIN = "org.apache.kafka.common.security.plain.PlainLoginModule required "
      + "username=\"%s\" password=\"%s\";";
  @TempDir
  Path dir;

  @Test
  @Timeout(value = 5, unit = TimeUnit.MINUTES)
  void thePipelineRunsOnSaslSslAndAWrongPasswordIsOneLine() throws Exception {
    TestCa ca = TestCa.create(dir);
    Map<String, String> broker = Map.ofEntries(
        Map.entry("sasl.enabled.mechanisms", "PLAIN"),
        Map.entry("sasl.mechanism.inter.broker.protocol", "PLAIN"),
        Map.entry("listener.name.external.plain.sasl.jaas.config",
            "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"broker\" "
                + "password=\"broker-secret\" user_broker=\"broker-secret\" user_probity=\"probity-secret\";"),
        Map.entry("ssl.keystore.location", ca.brokerKeystore().toString()),
        Map.entry("ssl.keystore.password", ca.password()), Map.entry("ssl.key.password", ca.password()),
        Map.entry("ssl.keystore.type", "PKCS12"),
        Map.entry("ssl.truststore.location", ca.truststore().toString()),
        Map.entry("ssl.truststore.password", ca.password()), Map.entry("ssl.truststore.type", "PKCS12"));
    Map<String, String> client = Map.of("security.protocol", "SASL_SSL", "sasl.mechanism", "PLAIN",
        "sasl.jaas.config", String.format(PLAIN, "probity", "probity-secret"),
        "ssl.truststore.location", ca.truststore().toString(), "ssl.truststore.password", ca.password(),
        "ssl.truststore.type", "PKCS12");
    try (EmbeddedKafka kafka = EmbeddedKafka.start(dir.resolve("kafka"), SecurityProtocol.SASL_SSL, broker, client)) {
      KafkaSettings topics = KafkaSettings.defaults(kafka.bootstrapServers()).withClientProperties(client);
      kafka.createTopics(topics, 2);
      ChaosRun.Traffic traffic = ChaosRun.produce(kafka, topics, new ChaosRun.Plan(0, 5L, 20, 0.08, 1), System.err);

      // As an operator writes it: the TLS part in a file, the credentials on the command line.
      Path config = dir.resolve("client.properties");
      Files.writeString(config, "security.protocol=SASL_SSL\nsasl.mechanism=PLAIN\nssl.truststore.location="
          + ca.truststore() + "\nssl.truststore.password=" + ca.password() + "\nssl.truststore.type=PKCS12\n");
      List<String> run = List.of("run", "--bootstrap-servers", kafka.bootstrapServers(), "--command-config",
          config.toString(), "--job-name", "secured", "--checkpoint-interval", "1s", "--transaction-timeout", "60s",
          "--parallelism", "2", "--idleness", "5m", "--stop-at-latest");

      String wrong = run(run, "--kafka-property", "sasl.jaas.config=" + String.format(PLAIN, "probity", "wrong"));
      List<String> refused = wrong.lines().filter(l -> !l.startsWith("probity run: ")).toList();
      assertThat(wrong).as(wrong).contains("probity: run: --kafka-config/--kafka-property: Kafka at "
          + kafka.bootstrapServers() + " refused the client: ").contains("Authentication failed");
      assertThat(refused).as("one line: " + wrong).hasSize(1);
      assertThat(lastExit).isEqualTo(2);

      String ok = run(run, "--kafka-property", "sasl.jaas.config=" + String.format(PLAIN, "probity", "probity-secret"));
      assertThat(lastExit).as(ok).isZero();
      assertThat(ok).contains("kafka client sasl.jaas.config=***, sasl.mechanism=PLAIN, security.protocol=SASL_SSL")
          .doesNotContain("probity-secret");

      List<KafkaAlerts.Seen> seen = KafkaAlerts.readAll(kafka.bootstrapServers(), client, topics.alertsTopic(),
          new ChaosRun(dir, System.err).alertSchema());
      ChaosRun.Figures f = ChaosRun.compare(List.of(), traffic.truth(), seen, 0, Duration.ZERO);
      System.err.println("secured: " + f.summary());
      assertThat(f.truth()).isGreaterThan(20);
      assertThat(f.exact()).as(f.summary()).isTrue();
    }
  }

  private int lastExit;

  private String run(List<String> run, String... more) {
    String[] args = java.util.stream.Stream.concat(run.stream(), java.util.Arrays.stream(more)).toArray(String[]::new);
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    lastExit = ProbityJob.execute(args, System.out, new PrintStream(err, true, StandardCharsets.UTF_8));
    String said = err.toString(StandardCharsets.UTF_8);
    System.err.print(said);
    return said;
  }
}
