package org.probity.jobs.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.probity.jobs.config.RulesFile;

/** {@code probity backtest} on a generated history: the table on standard output, the JSON and CSV in --out. */
class BacktestCommandTest {
  @TempDir
  Path dir;

  private String run(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code = ProbityJob.execute(args, new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
    assertThat(code).as(err.toString(StandardCharsets.UTF_8)).isZero();
    return out.toString(StandardCharsets.UTF_8);
  }

  @Test
  void printsTheTableAndWritesJsonAndCsv() throws Exception {
    Path events = dir.resolve("events.jsonl");
    run("generate", "--out", events.toString(), "--days", "10");
    String shipped;
    try (InputStream in = RulesFile.class.getClassLoader().getResourceAsStream(RulesFile.DEFAULT_RESOURCE)) {
      shipped = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    Path old = Files.writeString(dir.resolve("old.yaml"), shipped);
    Path lower = Files.writeString(dir.resolve("new.yaml"),
        shipped.replace("tenderThresholdFen: 200000000 ", "tenderThresholdFen: 20000000 "));
    assertThat(lower).content().isNotEqualTo(shipped);
    Path out = Files.createDirectory(dir.resolve("out"));

    String table = run("backtest", "--events", events.toString(), "--rules", old.toString(), "--against",
        lower.toString(), "--out", out.toString());

    assertThat(table).contains("only under the new rules", "PROCUREMENT_TENDER_BYPASS", "only new");
    JsonNode json = new ObjectMapper().readTree(out.resolve("backtest.json").toFile());
    assertThat(json.get("onlyAgainst").size()).isPositive();
    assertThat(json.get("byRuleAndUnit").get(0).fieldNames()).toIterable()
        .containsExactly("ruleId", "unitId", "onlyNew", "onlyOld", "changed");
    List<String> csv = Files.readAllLines(out.resolve("backtest.csv"));
    assertThat(csv.get(0)).isEqualTo("kind,alertId,ruleId,reason,unitId,subjectId,what,oldSummary,newSummary");
    assertThat(csv).hasSize(1 + json.get("onlyAgainst").size() + json.get("onlyOld").size()
        + json.get("changed").size());
  }
}
