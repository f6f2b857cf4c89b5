package org.probity.jobs.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.avro.specific.SpecificRecordBase;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.probity.connectors.file.JsonLinesWriter;
import org.probity.connectors.ingest.IngestLimits;
import org.probity.connectors.json.AvroJson;
import org.probity.jobs.config.ProbityConfig;
import org.probity.jobs.config.RulesFile;
import org.probity.jobs.generate.GeneratorSettings;
import org.probity.jobs.generate.TrafficGenerator;
import org.probity.jobs.testing.GroundTruth;
import org.probity.jobs.versions.RulesHistory;
import org.probity.schema.Alert;
import org.probity.schema.RulesVersion;

/**
 * {@code replay} with a rules history: a version judges the events from its effectiveFrom on and
 * none before, its alerts say which version judged them, and a unit's own signing chain changes
 * that unit's verdicts only. Each expectation is built from two plain replays (the old rules alone,
 * the new rules alone), so the test fails if a version leaks before its instant or past its unit.
 */
class RulesHistoryReplayTest {
  /** Halfway through the generated month (Sept 2025, Asia/Shanghai). */
  static final Instant T = Instant.parse("2025-09-15T16:00:00Z");
  static final String LARGE = "PAYMENT_LARGE_WITHOUT_DECISION";
  static final String CHAIN = "PAYMENT_SIGNATURE_CHAIN";

  @TempDir
  static Path dir;
  static Path events;
  static String shipped;
  static ProbityConfig old;
  static List<Alert> underOld;

  @BeforeAll
  static void generate() throws Exception {
    try (InputStream in = RulesFile.class.getClassLoader().getResourceAsStream(RulesFile.DEFAULT_RESOURCE)) {
      shipped = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    old = RulesFile.parse(shipped, "shipped");
    events = dir.resolve("events.jsonl");
    TrafficGenerator generator = new TrafficGenerator(old, GeneratorSettings.DEFAULTS.withViolationRate(0.3));
    try (JsonLinesWriter w = new JsonLinesWriter(events, new AvroJson(old.zone()))) {
      for (SpecificRecordBase e : generator) {
        w.writeEvent(e);
      }
    }
    underOld = replay(RulesHistory.startingWith(old, shipped));
  }

  static List<Alert> replay(RulesHistory history) throws Exception {
    return ReplayCommand.replay(history, events, null, Duration.ofMinutes(2), 2, IngestLimits.replay(Instant.now()),
        System.err).alerts();
  }

  static RulesHistory history(String newRules, Instant effectiveFrom) {
    return RulesHistory.startingWith(old, shipped).accept(RulesVersion.newBuilder().setVersion(2).setAuthor("test")
        .setComment("changed").setEffectiveFrom(effectiveFrom).setPublishedAt(Instant.now()).setRules(newRules)
        .build());
  }

  static String changed(String from, String to) {
    assertThat(shipped).contains(from);
    return shipped.replace(from, to);
  }

  /** {@code alerts} as a version {@code version} judged them. */
  static List<Alert> judgedBy(List<Alert> alerts, int version) {
    return alerts.stream().map(a -> Alert.newBuilder(a).setRulesVersion(version).build()).toList();
  }

  @Test
  void aLoweredThresholdRaisesWhatItImpliesFromItsInstantOnAndNothingBefore() throws Exception {
    String lowered = changed("largeFundsThresholdFen: 10000000 ", "largeFundsThresholdFen: 2000000 ");
    List<Alert> underNew = replay(RulesHistory.startingWith(RulesFile.parse(lowered, "lowered"), lowered));
    assertThat(count(underNew, LARGE)).as("the lower threshold finds more large payments")
        .isGreaterThan(count(underOld, LARGE) + 10);

    List<Alert> actual = replay(history(lowered, T));

    // Every rule but 三重一大 as under the old rules; 三重一大 per voucher by the rules at its payment.
    List<Alert> expected = new ArrayList<>();
    underOld.stream().filter(a -> !a.getRuleId().equals(LARGE)).forEach(expected::add);
    Map<String, Instant> paidAt = new HashMap<>();
    for (List<Alert> run : List.of(underOld, underNew)) {
      run.stream().filter(a -> a.getRuleId().equals(LARGE))
          .forEach(a -> paidAt.merge(a.getSubjectId(), a.getEventTime(), (x, y) -> x.isBefore(y) ? x : y));
    }
    underOld.stream().filter(a -> a.getRuleId().equals(LARGE) && paidAt.get(a.getSubjectId()).isBefore(T))
        .forEach(expected::add);
    underNew.stream().filter(a -> a.getRuleId().equals(LARGE) && !paidAt.get(a.getSubjectId()).isBefore(T))
        .forEach(expected::add);
    List<Alert> versioned = expected.stream()
        .map(a -> Alert.newBuilder(a).setRulesVersion(a.getEventTime().isBefore(T) ? 1 : 2).build()).toList();
    GroundTruth.assertSameAlerts(actual, versioned);
    assertThat(actual).as("version 2 judged some").anyMatch(a -> a.getRulesVersion() == 2)
        .as("version 1 judged some").anyMatch(a -> a.getRulesVersion() == 1);
  }

  @ParameterizedTest(name = "signature chain engine {0}")
  @ValueSource(strings = {"cep", "keyed"})
  void aUnitsOwnSigningChainChangesThatUnitsVerdictsOnly(String engine) throws Exception {
    String base = changed("# signatureChainEngine: cep", "signatureChainEngine: " + engine);
    ProbityConfig start = RulesFile.parse(base, "shipped, engine " + engine);
    List<Alert> before = engine.equals("cep") ? underOld
        : ReplayCommand.replay(RulesHistory.startingWith(start, base), events, null, Duration.ofMinutes(2), 2,
            IngestLimits.replay(Instant.now()), System.err).alerts();
    String discipline = base.replace("  - {id: U02, name: 县教育局}",
        "  - {id: U02, name: 县教育局, signingChain: [DISCIPLINE, DEPUTY, PRINCIPAL]}");
    assertThat(discipline).isNotEqualTo(base);
    RulesHistory history = RulesHistory.startingWith(start, base).accept(RulesVersion.newBuilder().setVersion(2)
        .setAuthor("test").setComment("U02: the discipline secretary signs first").setEffectiveFrom(Instant.EPOCH)
        .setPublishedAt(Instant.now()).setRules(discipline).build());
    List<Alert> actual = ReplayCommand.replay(history, events, null, Duration.ofMinutes(2), 2,
        IngestLimits.replay(Instant.now()), System.err).alerts();

    List<Alert> othersBefore = before.stream().filter(a -> !(a.getRuleId().equals(CHAIN) && a.getUnitId().equals("U02")))
        .toList();
    List<Alert> othersNow = actual.stream().filter(a -> !(a.getRuleId().equals(CHAIN) && a.getUnitId().equals("U02")))
        .toList();
    GroundTruth.assertSameAlerts(othersNow, judgedBy(othersBefore, 2));

    Set<String> u02Before = reasons(before, "U02");
    Set<String> u02Now = reasons(actual, "U02");
    assertThat(u02Now).as("U02's vouchers signed deputy first are now out of order").isNotEqualTo(u02Before);
    assertThat(actual).filteredOn(a -> a.getRuleId().equals(CHAIN) && a.getUnitId().equals("U02")
            && a.getReason().equals("OUT_OF_ORDER"))
        .isNotEmpty()
        .allSatisfy(a -> assertThat(a.getMessage()).contains("应为纪委书记（纪检组长）→分管领导→一把手"));
  }

  private static long count(List<Alert> alerts, String rule) {
    return alerts.stream().filter(a -> a.getRuleId().equals(rule)).count();
  }

  private static Set<String> reasons(List<Alert> alerts, String unit) {
    return alerts.stream().filter(a -> a.getRuleId().equals(CHAIN) && a.getUnitId().equals(unit))
        .map(a -> a.getSubjectId() + "/" + a.getReason()).collect(Collectors.toSet());
  }
}
