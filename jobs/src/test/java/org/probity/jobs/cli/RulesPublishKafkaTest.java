package org.probity.jobs.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.probity.connectors.kafka.EmbeddedKafka;
import org.probity.connectors.kafka.KafkaClientProperties;
import org.probity.jobs.config.RulesFile;
import org.probity.jobs.versions.RulesHistoryFile;
import org.probity.jobs.versions.RulesTopic;
import org.probity.schema.RulesVersion;

/**
 * {@code rules publish|list|export} on a real broker: two versions published, listed and exported;
 * a version the job would refuse (a restart-only field), a dry run and a version effective before
 * the latest leave the topic as it was.
 */
class RulesPublishKafkaTest {
  @TempDir
  Path dir;

  private record Run(int code, String err, String out) {}

  private Run run(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code = ProbityJob.execute(args, new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
    return new Run(code, err.toString(StandardCharsets.UTF_8), out.toString(StandardCharsets.UTF_8));
  }

  private static String shipped() throws IOException {
    try (InputStream in = RulesFile.class.getClassLoader().getResourceAsStream(RulesFile.DEFAULT_RESOURCE)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  private Path edited(String name, String what, String with) throws IOException {
    String text = shipped();
    assertThat(text).contains(what);
    return Files.writeString(dir.resolve(name), text.replace(what, with));
  }

  private static String at(Instant t) {
    return t.atOffset(java.time.ZoneOffset.ofHours(8)).toString();
  }

  @Test
  void publishesTwiceListsExportsAndRefusesWhatTheJobWouldRefuse() throws Exception {
    try (EmbeddedKafka kafka = EmbeddedKafka.start(dir.resolve("kafka"))) {
      String servers = kafka.bootstrapServers();
      Instant tomorrow = Instant.now().plus(1, ChronoUnit.DAYS).truncatedTo(ChronoUnit.SECONDS);
      Path notice = edited("notice.yaml", "noticeWorkingDays: 1 ", "noticeWorkingDays: 2 ");
      Path funds = edited("funds.yaml", "largeFundsThresholdFen: 10000000 ", "largeFundsThresholdFen: 5000000 ");
      Path engine = edited("engine.yaml", "  payment:\n", "  payment:\n    signatureChainEngine: keyed\n");

      Run dry = run("rules", "publish", notice.toString(), "--effective-from", at(tomorrow), "--comment", "two days",
          "--author", "wang", "--bootstrap-servers", servers, "--dry-run");
      assertThat(dry.code()).as(dry.err()).isZero();
      assertThat(dry.out()).contains("rules version 2 by wang", "1 change from version 1:",
          "  parameters.approval.noticeWorkingDays: 1 → 2", "dry run: nothing published");
      assertThat(published(servers)).isEmpty();

      Run first = run("rules", "publish", notice.toString(), "--effective-from", at(tomorrow), "--comment",
          "notice two working days ahead", "--author", "wang", "--bootstrap-servers", servers, "--yes");
      assertThat(first.code()).as(first.err()).isZero();
      assertThat(first.out()).contains("published rules version 2 to probity.rules");
      Run second = run("rules", "publish", funds.toString(), "--effective-from", at(tomorrow.plus(Duration.ofDays(1))),
          "--comment", "三重一大 from ¥50,000", "--author", "li", "--bootstrap-servers", servers, "--yes");
      assertThat(second.code()).as(second.err()).isZero();
      // Version 3 is a complete file: against version 2 it moves the threshold and puts the notice back.
      assertThat(second.out()).contains("2 changes from version 2:",
          "  parameters.approval.noticeWorkingDays: 2 → 1", "  parameters.payment.largeFundsThresholdFen: 10000000 → 5000000");
      List<RulesVersion> two = published(servers);
      assertThat(two).extracting(RulesVersion::getVersion).containsExactly(2, 3);
      assertThat(two.get(0).getEffectiveFrom()).isEqualTo(tomorrow);
      assertThat(two.get(1).getAuthor()).isEqualTo("li");
      try (Admin admin = kafka.admin()) {
        var config = admin.describeConfigs(List.of(new ConfigResource(ConfigResource.Type.TOPIC, RulesTopic.DEFAULT)))
            .all().get().values().iterator().next();
        assertThat(config.get("cleanup.policy").value()).isEqualTo("compact");
      }

      Run refused = run("rules", "publish", engine.toString(), "--effective-from", at(tomorrow.plus(Duration.ofDays(2))),
          "--comment", "keyed engine", "--author", "wang", "--bootstrap-servers", servers, "--yes");
      assertThat(refused.code()).isEqualTo(Cli.USAGE_ERROR);
      assertThat(refused.err().strip()).isEqualTo("probity: rules publish: engine.yaml: rules version 4: "
          + "parameters.payment.signatureChainEngine: changes only with a restart (it chooses the operators)");
      Run early = run("rules", "publish", notice.toString(), "--effective-from", at(tomorrow.plus(Duration.ofHours(1))),
          "--comment", "back to two", "--author", "wang", "--bootstrap-servers", servers, "--yes");
      assertThat(early.code()).isEqualTo(Cli.USAGE_ERROR);
      assertThat(early.err()).contains("rules version 4: effectiveFrom", "is before version 3's");
      assertThat(published(servers)).isEqualTo(two);

      Run list = run("rules", "list", "--bootstrap-servers", servers);
      assertThat(list.code()).as(list.err()).isZero();
      List<String> lines = list.out().lines().toList();
      assertThat(lines).hasSize(4);
      assertThat(lines.get(0)).startsWith("version").contains("effective from", "author", "changes", "comment");
      assertThat(lines.get(1)).startsWith("1 ").contains("the rules shipped in the jar");
      assertThat(lines.get(2).split(" +")).containsSubsequence("2", at(tomorrow), "wang", "1");
      assertThat(lines.get(2)).endsWith("notice two working days ahead");
      assertThat(lines.get(3).split(" +")).containsSubsequence("3", "li", "2");

      Path exported = dir.resolve("history.jsonl");
      Run export = run("rules", "export", "--out", exported.toString(), "--bootstrap-servers", servers);
      assertThat(export.code()).as(export.err()).isZero();
      assertThat(export.out()).contains("exported 2 rules versions from probity.rules to " + exported);
      assertThat(RulesHistoryFile.read(exported, ZoneId.of("Asia/Shanghai"))).isEqualTo(two);
    }
  }

  private static List<RulesVersion> published(String servers) {
    List<RulesVersion> versions = new ArrayList<>();
    for (RulesTopic.Read r : RulesTopic.readAll(KafkaClientProperties.of(servers, Map.of(
        "allow.auto.create.topics", "false")), RulesTopic.DEFAULT, Duration.ofSeconds(30))) {
      versions.add(r.version());
    }
    return versions;
  }
}
