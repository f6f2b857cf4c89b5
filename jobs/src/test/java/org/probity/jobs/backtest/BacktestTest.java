package org.probity.jobs.backtest;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.specific.SpecificRecordBase;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.probity.connectors.file.JsonLinesWriter;
import org.probity.connectors.json.AvroJson;
import org.probity.jobs.cli.ProbityJob;
import org.probity.jobs.config.ProbityConfig;
import org.probity.jobs.config.RulesFile;
import org.probity.jobs.generate.GeneratorSettings;
import org.probity.jobs.generate.TrafficGenerator;
import org.probity.schema.Alert;

/**
 * {@link Backtest} on generated traffic: its one job of two arms finds exactly what two separate
 * replays (the {@code replay} command, once per rules file) find, compared the same way.
 */
class BacktestTest {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final ProbityConfig DEFAULTS = RulesFile.defaults();

  @TempDir
  static Path dir;
  static Path events;
  static Path oldRules;
  static Path newRules;

  @BeforeAll
  static void history() throws IOException {
    events = dir.resolve("events.jsonl");
    TrafficGenerator generator = new TrafficGenerator(DEFAULTS, GeneratorSettings.DEFAULTS.withDays(20)
        .withDisorderSeconds(60));
    try (JsonLinesWriter w = new JsonLinesWriter(events, new AvroJson(DEFAULTS.zone()))) {
      for (SpecificRecordBase e : generator) {
        w.writeEvent(e);
      }
    }
    String text = defaultRulesText();
    oldRules = Files.writeString(dir.resolve("old.yaml"), text);
    newRules = Files.writeString(dir.resolve("new.yaml"), changed(text));
  }

  /** Two working days' notice instead of one, and a lower 三重一大 threshold. */
  static String changed(String rules) {
    String notice = "noticeWorkingDays: 1 ";
    String largeFunds = "largeFundsThresholdFen: 10000000 ";
    assertThat(rules).contains(notice, largeFunds);
    return rules.replace(notice, "noticeWorkingDays: 2 ").replace(largeFunds, "largeFundsThresholdFen: 2000000 ");
  }

  static String defaultRulesText() throws IOException {
    try (InputStream in = BacktestTest.class.getClassLoader().getResourceAsStream(RulesFile.DEFAULT_RESOURCE)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  @Test
  void oneJobOfTwoArmsFindsWhatTwoSeparateReplaysFind() throws Exception {
    BacktestReport backtest = Backtest.run(events, RulesFile.load(oldRules), RulesFile.load(newRules), null, null);

    List<Alert> underOld = replay(oldRules);
    List<Alert> underNew = replay(newRules);
    assertThat(underNew).isNotEqualTo(underOld);
    BacktestReport replays = AlertComparison.between(underOld, underNew, backtest.scope());

    assertThat(backtest.all()).isNotEmpty();
    assertThat(backtest.onlyAgainst()).isEqualTo(replays.onlyAgainst());
    assertThat(backtest.onlyOld()).isEqualTo(replays.onlyOld());
    assertThat(backtest.changed()).isEqualTo(replays.changed());
    // Both changes show: earlier notices change overdue cases, the lower threshold adds 三重一大 alerts.
    assertThat(backtest.changed()).anyMatch(d -> d.ruleId().equals("APPROVAL_OVERDUE"));
    assertThat(backtest.onlyAgainst()).anyMatch(d -> d.ruleId().equals("PAYMENT_LARGE_WITHOUT_DECISION"));
    assertThat(backtest.scope().events()).isPositive();
    assertThat(backtest.scope().deadLetters()).isZero();
    assertThat(backtest.toText()).contains("APPROVAL_OVERDUE", "PAYMENT_LARGE_WITHOUT_DECISION", "only new");
    assertThat(backtest.toCsv().lines().count()).isEqualTo(1 + backtest.all().size());
    assertThat(MAPPER.readTree(backtest.toJson()).get("onlyAgainst").size()).isEqualTo(backtest.onlyAgainst().size());
  }

  @Test
  void linesOutsideTheRangeAreNotJudgedAndABadLineIsADeadLetter() throws Exception {
    List<String> lines = new ArrayList<>(Files.readAllLines(events));
    lines.add(7, "{\"stream\": \"approval\", \"eventId\": ");
    Instant from = Instant.parse("2025-09-05T00:00:00Z");
    Instant until = Instant.parse("2025-09-12T00:00:00Z");
    long inRange = lines.stream().filter(l -> inRange(l, from, until)).count();

    BacktestReport report = Backtest.run(lines, DEFAULTS, RulesFile.load(newRules), from, until);

    assertThat(report.scope().deadLetters()).isEqualTo(1);
    assertThat(report.scope().events()).isEqualTo(inRange).isLessThan(lines.size() - 1);
    assertThat(report.all()).isNotEmpty();
  }

  private static boolean inRange(String line, Instant from, Instant until) {
    try {
      Instant t = java.time.OffsetDateTime.parse(MAPPER.readTree(line).get("eventTime").asText()).toInstant();
      return !t.isBefore(from) && t.isBefore(until);
    } catch (IOException | RuntimeException e) {
      return false;
    }
  }

  /** The alerts of one {@code probity replay} of the history with {@code rules}. */
  private static List<Alert> replay(Path rules) throws IOException {
    Path out = Files.createTempFile(dir, "alerts-", ".jsonl");
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code = ProbityJob.execute(new String[] {"replay", "--events", events.toString(), "--rules", rules.toString(),
        "--alerts", out.toString()}, new PrintStream(err, true, StandardCharsets.UTF_8));
    assertThat(code).as(err.toString(StandardCharsets.UTF_8)).isZero();
    AvroJson json = new AvroJson(DEFAULTS.zone());
    List<Alert> alerts = new ArrayList<>();
    for (String line : Files.readAllLines(out)) {
      alerts.add(json.read(MAPPER.readTree(line), Alert.class));
    }
    return alerts;
  }
}
