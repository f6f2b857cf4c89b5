package org.probity.jobs.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.avro.specific.SpecificRecordBase;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.probity.connectors.file.JsonLinesWriter;
import org.probity.connectors.json.AvroJson;
import org.probity.jobs.config.ProbityConfig;
import org.probity.jobs.config.RulesFile;
import org.probity.jobs.generate.GeneratorSettings;
import org.probity.jobs.generate.TrafficGenerator;
import org.probity.jobs.testing.GroundTruth;
import org.probity.schema.Alert;
import org.probity.schema.AlertStatus;

/**
 * {@code replay} on a generated quarter that spans a new year, dirty enough that every procurement
 * and conflict-of-interest reason code (and every escalation) is planted: the alerts equal the
 * ground truth, record for record, in order and out of order.
 */
class ProcurementReplayTest {
  private static final Set<String> REASONS = Set.of(
      "PROCUREMENT_TENDER_BYPASS/NO_TENDER",
      "PROCUREMENT_SPLIT_PURCHASE/SAME_SUPPLIER_WINDOW",
      "PROCUREMENT_SPLIT_PURCHASE/SAME_CATEGORY_YEAR",
      "PROCUREMENT_BID_RIGGING/SHARED_FINGERPRINT",
      "PROCUREMENT_BID_RIGGING/IDENTICAL_BIDS",
      "PROCUREMENT_BID_RIGGING/CLOSE_BIDS",
      "PROCUREMENT_BID_RIGGING/BID_AFTER_OPENING",
      "PROCUREMENT_CHANGE_ORDERS/CHANGE_OVER_LIMIT",
      "CONFLICT_OF_INTEREST/RELATED_PARTY");

  @TempDir
  Path dir;

  private final ProbityConfig config = RulesFile.defaults();

  @ParameterizedTest(name = "disorderSeconds={0}")
  @ValueSource(ints = {0, 90})
  void aGeneratedQuarterAcrossNewYearReplaysToItsGroundTruth(int disorderSeconds) throws Exception {
    GeneratorSettings settings = GeneratorSettings.DEFAULTS
        .withStart(LocalDate.of(2025, 11, 3))
        .withDays(90)
        .withViolationRate(0.08)
        .withDisorderSeconds(disorderSeconds);
    Path events = dir.resolve("quarter.jsonl");
    TrafficGenerator generator = new TrafficGenerator(config, settings);
    try (JsonLinesWriter w = new JsonLinesWriter(events, new AvroJson(config.zone()))) {
      for (SpecificRecordBase e : generator) {
        w.writeEvent(e);
      }
    }
    List<Alert> truth = generator.groundTruth();
    assertThat(truth.stream().map(a -> a.getRuleId() + "/" + a.getReason()).collect(Collectors.toSet()))
        .containsAll(REASONS);
    assertThat(truth.stream()
        .filter(a -> a.getStatus() == AlertStatus.ESCALATED)
        .map(a -> a.getRuleId() + "/" + a.getReason())
        .collect(Collectors.toSet()))
        .contains("PROCUREMENT_SPLIT_PURCHASE/SAME_SUPPLIER_WINDOW", "PROCUREMENT_SPLIT_PURCHASE/SAME_CATEGORY_YEAR",
            "PROCUREMENT_CHANGE_ORDERS/CHANGE_OVER_LIMIT");
    assertThat(truth).as("conflicts on both streams")
        .filteredOn(a -> a.getRuleId().equals("CONFLICT_OF_INTEREST"))
        .extracting(Alert::getSubjectType).map(Enum::name).contains("CASE", "PROCUREMENT");
    assertThat(truth).as("SAME_CATEGORY_YEAR in both years")
        .filteredOn(a -> a.getReason().equals("SAME_CATEGORY_YEAR"))
        .extracting(Alert::getSubjectId).anyMatch(s -> s.endsWith("/2025")).anyMatch(s -> s.endsWith("/2026"));

    ReplayCommand.Result result = ReplayCommand.replay(config, events, null, Duration.ofMinutes(2), 2, System.err);
    System.err.println(GroundTruth.report(result.alerts(), truth));
    GroundTruth.assertSameAlerts(result.alerts(), truth);
    assertThat(result.deadLetters()).isEmpty();
  }
}
