package org.probity.jobs.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
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
import org.probity.schema.Alert;

/**
 * {@code replay} (on the local Flink it starts itself) of a generated month dense with approval violations, events out of order:
 * every APPROVAL_* reason code and every step of the overdue ladder is planted, and the replay
 * raises exactly the ground truth (precision and recall 1.0 for every APPROVAL_* rule).
 */
class ApprovalReplayTest {
  private static final Set<String> EVERY_APPROVAL_ALERT = Set.of(
      "APPROVAL_OVERDUE OVERDUE RAISED NOTICE",
      "APPROVAL_OVERDUE OVERDUE ESCALATED YELLOW",
      "APPROVAL_OVERDUE OVERDUE ESCALATED RED",
      "APPROVAL_OVERDUE OVERDUE RESOLVED NOTICE",
      "APPROVAL_OVERDUE OVERDUE RESOLVED YELLOW",
      "APPROVAL_OVERDUE OVERDUE RESOLVED RED",
      "APPROVAL_PROCEDURE NO_REVIEW RAISED YELLOW",
      "APPROVAL_PROCEDURE SAME_PERSON RAISED YELLOW",
      "APPROVAL_PROCEDURE NO_RECEIPT RAISED YELLOW",
      "APPROVAL_PROCEDURE COMPLETED_WITHOUT_DECISION RAISED YELLOW",
      "APPROVAL_FEE OVERCHARGE RAISED RED",
      "APPROVAL_SUSPENSION_ABUSE TOO_MANY RAISED YELLOW",
      "APPROVAL_SUSPENSION_ABUSE TOO_LONG RAISED YELLOW");

  @TempDir
  Path dir;

  private final ProbityConfig config = RulesFile.defaults();
  private final GeneratorSettings month = GeneratorSettings.DEFAULTS.withViolationRate(0.3).withDisorderSeconds(90);

  private TrafficGenerator generate(Path file) {
    TrafficGenerator generator = new TrafficGenerator(config, month);
    try (JsonLinesWriter w = new JsonLinesWriter(file, new AvroJson(config.zone()))) {
      for (SpecificRecordBase e : generator) {
        w.writeEvent(e);
      }
    }
    return generator;
  }

  private static List<Alert> approvals(List<Alert> alerts) {
    return alerts.stream().filter(a -> a.getRuleId().startsWith("APPROVAL_")).toList();
  }

  private static String kind(Alert a) {
    return a.getRuleId() + " " + a.getReason() + " " + a.getStatus() + " " + a.getSeverity();
  }

  @Test
  void aMonthOfOutOfOrderApprovalsReplaysToItsGroundTruth() throws Exception {
    Path events = dir.resolve("events.jsonl");
    TrafficGenerator generator = generate(events);
    List<Alert> truth = approvals(generator.groundTruth());
    Set<String> planted = new TreeSet<>(truth.stream().map(ApprovalReplayTest::kind).toList());
    assertThat(planted).containsExactlyInAnyOrderElementsOf(EVERY_APPROVAL_ALERT);

    ReplayCommand.Result result = ReplayCommand.replay(config, events, null, Duration.ofMinutes(2), 2, System.err);
    System.err.println(GroundTruth.report(approvals(result.alerts()), truth));
    GroundTruth.assertSameAlerts(approvals(result.alerts()), truth);
    assertThat(result.deadLetters()).isEmpty();
  }

  @Test
  void aClockStoppedMidMonthRaisesOnlyTheStepsItReached() throws Exception {
    Path events = dir.resolve("events.jsonl");
    TrafficGenerator generator = generate(events);
    Instant until = Instant.parse("2025-09-24T16:00:00Z");
    ReplayCommand.Result result = ReplayCommand.replay(config, events, until, Duration.ofMinutes(2), 2, System.err);
    List<Alert> truth = approvals(generator.groundTruth(until));
    GroundTruth.assertSameAlerts(approvals(result.alerts()), truth);
    assertThat(truth).extracting(ApprovalReplayTest::kind).contains("APPROVAL_OVERDUE OVERDUE ESCALATED YELLOW");
    assertThat(approvals(generator.groundTruth())).hasSizeGreaterThan(truth.size());
  }
}
