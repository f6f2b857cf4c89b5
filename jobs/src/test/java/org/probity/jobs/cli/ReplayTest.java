package org.probity.jobs.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.apache.avro.specific.SpecificRecordBase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.probity.connectors.file.JsonLinesWriter;
import org.probity.connectors.json.AvroJson;
import org.probity.jobs.config.ProbityConfig;
import org.probity.jobs.config.RulesFile;
import org.probity.jobs.generate.GeneratorSettings;
import org.probity.jobs.generate.TrafficGenerator;
import org.probity.jobs.testing.GroundTruth;
import org.probity.jobs.config.IndexParameters;
import org.probity.schema.Alert;
import org.probity.schema.AlertStatus;
import org.probity.schema.Colour;
import org.probity.schema.Grade;
import org.probity.schema.Severity;
import org.probity.schema.UnitStatus;

/** {@code replay} (each on its own local MiniCluster) on generated traffic: the ground truth, deterministically, with bad lines dead-lettered. */
class ReplayTest {
  @TempDir
  Path dir;

  private final ProbityConfig config = RulesFile.defaults();

  private TrafficGenerator generate(Path file, GeneratorSettings settings) {
    TrafficGenerator generator = new TrafficGenerator(config, settings);
    try (JsonLinesWriter w = new JsonLinesWriter(file, new AvroJson(config.zone()))) {
      for (SpecificRecordBase e : generator) {
        w.writeEvent(e);
      }
    }
    return generator;
  }

  @Test
  void aGeneratedMonthReplaysToItsGroundTruth() throws Exception {
    Path events = dir.resolve("events.jsonl");
    TrafficGenerator generator = generate(events, GeneratorSettings.DEFAULTS.withDisorderSeconds(60));
    List<Alert> truth = generator.groundTruth();
    assertThat(truth).isNotEmpty();

    ReplayCommand.Result result = ReplayCommand.replay(config, events, null, Duration.ofMinutes(2), 2, System.err);
    GroundTruth.assertSameAlerts(result.alerts(), truth);
    assertThat(result.deadLetters()).isEmpty();
  }

  @Test
  void unitsThatDifferInViolationRateViolateAsOftenAsConfiguredAndReplayToTheirGroundTruth() throws Exception {
    Path events = dir.resolve("events.jsonl");
    GeneratorSettings settings = GeneratorSettings.DEFAULTS.withDays(60).withUnitSpread(20).withDisorderSeconds(60);
    TrafficGenerator generator = generate(events, settings);
    List<Alert> truth = generator.groundTruth();

    // Subjects with a card (YELLOW or RED; a NOTICE is a near miss's reminder) per unit, against the
    // units' configured rates: the most violation-prone third against the cleanest third.
    Map<String, Long> carded = truth.stream().filter(a -> a.getSeverity() != Severity.NOTICE)
        .collect(Collectors.groupingBy(Alert::getUnitId, Collectors.mapping(Alert::getSubjectId,
            Collectors.collectingAndThen(Collectors.toSet(), s -> (long) s.size()))));
    List<Map.Entry<String, Double>> byRate = settings.violationRates(config.reference().units().keySet())
        .entrySet().stream().sorted(Map.Entry.comparingByValue()).toList();
    List<Map.Entry<String, Double>> cleanest = byRate.subList(0, 4);
    List<Map.Entry<String, Double>> dirtiest = byRate.subList(8, 12);
    double configured = dirtiest.stream().mapToDouble(Map.Entry::getValue).sum()
        / cleanest.stream().mapToDouble(Map.Entry::getValue).sum();
    double planted = dirtiest.stream().mapToLong(e -> carded.getOrDefault(e.getKey(), 0L)).sum()
        / (double) cleanest.stream().mapToLong(e -> carded.getOrDefault(e.getKey(), 0L)).sum();
    assertThat(configured).isGreaterThan(8);
    assertThat(planted).as("carded subjects, dirtiest third over cleanest third: %s", carded)
        .isBetween(configured / 1.5, configured * 1.5);

    ReplayCommand.Result result = ReplayCommand.replay(config, events, null, Duration.ofMinutes(2), 2, System.err);
    GroundTruth.assertSameAlerts(result.alerts(), truth);
  }

  @Test
  void theSameInputGivesByteIdenticalOutputAtAnyParallelism() throws Exception {
    Path events = dir.resolve("events.jsonl");
    generate(events, GeneratorSettings.DEFAULTS.withDays(10).withDisorderSeconds(60));
    Path one = dir.resolve("p1.jsonl");
    Path two = dir.resolve("p2.jsonl");
    assertThat(cli("replay", "--events", events.toString(), "--alerts", one.toString(), "--parallelism", "1"))
        .isZero();
    assertThat(cli("replay", "--events", events.toString(), "--alerts", two.toString(), "--parallelism", "2"))
        .isZero();
    assertThat(Files.size(one)).isPositive();
    assertThat(Files.readAllBytes(two)).isEqualTo(Files.readAllBytes(one));
  }

  @Test
  void theClockStopsAtUntil() throws Exception {
    Path events = dir.resolve("events.jsonl");
    TrafficGenerator generator = generate(events, GeneratorSettings.DEFAULTS.withDays(20));
    Instant until = Instant.parse("2025-09-10T00:00:00Z");
    ReplayCommand.Result result = ReplayCommand.replay(config, events, until, Duration.ofMinutes(2), 2, System.err);
    GroundTruth.assertSameAlerts(result.alerts(), generator.groundTruth(until));
    assertThat(result.alerts()).allSatisfy(a -> assertThat(a.getEventTime()).isBeforeOrEqualTo(until));
    assertThat(result.alerts().size()).isLessThan(generator.groundTruth().size());
  }

  @Test
  void invalidLinesGoToTheDeadLetterFileWithTheirLineNumbers() throws Exception {
    Path events = dir.resolve("events.jsonl");
    generate(events, GeneratorSettings.DEFAULTS.withDays(3));
    List<String> lines = new java.util.ArrayList<>(Files.readAllLines(events));
    int good = lines.size();
    lines.add(2, "this is not json");
    lines.add(5, "{\"stream\":\"payment\",\"eventId\":\"bad-1\"}");
    lines.add(9, lines.get(10).replace("\"action\":\"", "\"action\":\"NOPE_"));
    lines.add(12, "");
    Files.write(events, lines);
    Path alerts = dir.resolve("alerts.jsonl");
    Path dead = dir.resolve("dead.jsonl");
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code = ProbityJob.execute(new String[] {"replay", "--events", events.toString(), "--alerts",
        alerts.toString(), "--dead-letters", dead.toString()}, new PrintStream(err, true, StandardCharsets.UTF_8));
    assertThat(code).isZero();
    List<String> deadLines = Files.readAllLines(dead);
    assertThat(deadLines).hasSize(3);
    assertThat(deadLines.get(0)).contains("\"lineNumber\":3").contains("not JSON");
    assertThat(deadLines.get(1)).contains("\"lineNumber\":6").contains("missing required field");
    assertThat(deadLines.get(2)).contains("\"lineNumber\":10").contains("unknown value");
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("replay: " + good + " events, 3 dead letters");
  }

  @Test
  void unitStatusOfAGeneratedQuarterMatchesAnIndependentComputationFromTheAlerts() throws Exception {
    Path events = dir.resolve("events.jsonl");
    TrafficGenerator generator = generate(events, GeneratorSettings.DEFAULTS.withDays(92).withViolationRate(0.02));
    ReplayCommand.Result result = ReplayCommand.replay(config, events, null, Duration.ofMinutes(2), 2, System.err);
    long clock = generator.lastEventTime().toEpochMilli();
    IndexParameters p = config.index();

    Map<String, UnitStatus> lastByUnit = new TreeMap<>();
    result.unitStatus().forEach(u -> lastByUnit.put(u.getUnitId(), u));
    assertThat(lastByUnit).isNotEmpty();
    Map<String, List<Alert>> byUnit = result.alerts().stream().collect(Collectors.groupingBy(Alert::getUnitId,
        TreeMap::new, Collectors.toList()));
    for (String unit : byUnit.keySet()) {
      Map<String, List<Alert>> byAlert = byUnit.get(unit).stream().collect(Collectors.groupingBy(Alert::getAlertId));
      double score = 0;
      double quarter = 0;
      int open = 0;
      long windowStart = clock - p.windowDays() * 86_400_000L;
      ZonedDateTime now = Instant.ofEpochMilli(clock).atZone(config.zone());
      long quarterStart = now.toLocalDate().withDayOfMonth(1)
          .withMonth((now.getMonthValue() - 1) / 3 * 3 + 1).atStartOfDay(config.zone()).toInstant().toEpochMilli();
      for (List<Alert> records : byAlert.values()) {
        long first = records.stream().mapToLong(a -> a.getEventTime().toEpochMilli()).min().orElseThrow();
        double weight = records.stream().mapToDouble(a -> switch (a.getSeverity()) {
          case NOTICE -> p.noticeWeight();
          case YELLOW -> p.yellowWeight();
          case RED -> p.redWeight();
        }).max().orElseThrow();
        boolean resolved = records.stream().anyMatch(a -> a.getStatus() == AlertStatus.RESOLVED);
        if (first > windowStart && first <= clock) {
          score += weight;
          open += resolved ? 0 : 1;
        }
        if (first >= quarterStart && first <= clock) {
          quarter += weight;
        }
      }
      UnitStatus status = lastByUnit.get(unit);
      assertThat(status).as(unit).isNotNull();
      assertThat(status.getScore()).as(unit + " score").isCloseTo(score, within(1e-9));
      assertThat(status.getOpenAlerts()).as(unit + " open alerts").isEqualTo(open);
      assertThat(status.getColour()).as(unit + " colour").isEqualTo(
          score >= p.redAt() ? Colour.RED : score >= p.orangeAt() ? Colour.ORANGE : Colour.GREEN);
      assertThat(status.getGrade()).as(unit + " grade").isEqualTo(
          quarter >= p.redAt() ? Grade.C : quarter >= p.orangeAt() ? Grade.B : Grade.A);
    }
  }

  private static int cli(String... args) throws Exception {
    return ProbityJob.execute(args, System.err);
  }
}
