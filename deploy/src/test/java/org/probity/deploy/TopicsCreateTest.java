package org.probity.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.probity.connectors.kafka.EmbeddedKafka;
import org.probity.jobs.cli.ProbityJob;

/** {@code probity topics create} on a real broker: creates the contract's topics, then checks what exists. */
class TopicsCreateTest {
  @TempDir
  Path dir;

  private int code;

  private String run(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    PrintStream p = new PrintStream(out, true, StandardCharsets.UTF_8);
    code = ProbityJob.execute(args, p, p);
    return out.toString(StandardCharsets.UTF_8);
  }

  @Test
  @Timeout(value = 2, unit = TimeUnit.MINUTES)
  void createsTheContractsTopicsAndReportsAUnitStatusTopicThatIsNotCompacted() throws Exception {
    try (EmbeddedKafka kafka = EmbeddedKafka.start(dir.resolve("kafka"))) {
      String bootstrap = kafka.bootstrapServers();
      String first = run("topics", "create", "--bootstrap-servers", bootstrap, "--partitions", "3");
      assertThat(code).as(first).isZero();
      assertThat(first).contains("created probity.approvals (3 partitions, replication 1)",
          "created probity.unit-status (3 partitions, replication 1, {cleanup.policy=compact})",
          "created probity.deadletter (1 partitions, replication 1)",
          "created probity.rules (1 partitions, replication 1, {cleanup.policy=compact})");
      assertThat(first.lines().filter(l -> l.startsWith("created "))).hasSize(8);
      try (Admin admin = kafka.admin()) {
        String policy = admin.describeConfigs(List.of(new ConfigResource(ConfigResource.Type.TOPIC,
            "probity.unit-status"))).all().get().values().iterator().next().get("cleanup.policy").value();
        assertThat(policy).isEqualTo("compact");
        admin.createTopics(List.of(new NewTopic("county.unit-status", 3, (short) 1)
            .configs(Map.of("cleanup.policy", "delete")))).all().get();
      }

      String again = run("topics", "create", "--bootstrap-servers", bootstrap, "--partitions", "3");
      assertThat(code).as(again).isZero();
      assertThat(again.lines().filter(l -> l.startsWith("exists  "))).hasSize(8);

      String renamed = run("topics", "create", "--bootstrap-servers", bootstrap, "--partitions", "3",
          "--topic", "unit-status=county.unit-status");
      assertThat(code).as(renamed).isEqualTo(1);
      assertThat(renamed).contains("problem county.unit-status must be compacted");

      String typo = run("topics", "create", "--bootstrap-servers", bootstrap, "--kafka-property", "sasl.mechansim=PLAIN");
      assertThat(code).isEqualTo(2);
      assertThat(typo.strip()).isEqualTo("probity: topics create: --kafka-property: 'sasl.mechansim' is not a Kafka "
          + "client property");
    }
  }
}
