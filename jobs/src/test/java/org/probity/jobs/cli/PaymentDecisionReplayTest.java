package org.probity.jobs.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.apache.avro.specific.SpecificRecordBase;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.probity.connectors.file.JsonLinesWriter;
import org.probity.connectors.json.AvroJson;
import org.probity.jobs.config.ProbityConfig;
import org.probity.jobs.config.RulesFile;
import org.probity.jobs.generate.GeneratorSettings;
import org.probity.jobs.generate.TrafficGenerator;
import org.probity.jobs.testing.GroundTruth;
import org.probity.schema.Alert;

/**
 * {@code replay} on a generated month dense with payment and decision violations: the alerts are
 * exactly the ground truth (precision and recall 1.0 for every rule), in order and out of order.
 */
class PaymentDecisionReplayTest {
  /** Every reason (with status, where a reason has more than one) the payment and decision rules can give. */
  static final Set<String> EVERY_REASON = Set.of(
      "PAYMENT_SIGNATURE_CHAIN/MISSING_SIGNATURE/RAISED", "PAYMENT_SIGNATURE_CHAIN/OUT_OF_ORDER/RAISED",
      "PAYMENT_SIGNATURE_CHAIN/SAME_SIGNER/RAISED",
      "PAYMENT_LARGE_WITHOUT_DECISION/NO_DECISION_REF/RAISED", "PAYMENT_LARGE_WITHOUT_DECISION/UNKNOWN_DECISION/RAISED",
      "PAYMENT_LARGE_WITHOUT_DECISION/UNKNOWN_DECISION/RESOLVED",
      "PAYMENT_LARGE_WITHOUT_DECISION/DECISION_AFTER_PAYMENT/RAISED",
      "PAYMENT_LARGE_WITHOUT_DECISION/AMOUNT_EXCEEDS_DECISION/RAISED",
      "PAYMENT_BEYOND_AUTHORITY/LIMIT_EXCEEDED/RAISED", "PAYMENT_PRINCIPAL_DIRECT/PRINCIPAL_AS_DEPUTY/RAISED",
      "PAYMENT_DUPLICATE/SAME_INVOICE/RAISED", "CONFLICT_OF_INTEREST/RELATED_PARTY/RAISED",
      "DECISION_AGENDA_NOTICE/LATE_NOTICE/RAISED", "DECISION_AGENDA_NOTICE/NO_NOTICE/RAISED",
      "DECISION_PRINCIPAL_NOT_LAST/PRINCIPAL_NOT_LAST/RAISED");

  @TempDir
  Path dir;

  @ParameterizedTest(name = "disorder {0} s, signature chain engine {1}")
  @CsvSource({"0, cep", "90, cep", "90, keyed"})
  void aMonthDenseWithViolationsReplaysToItsGroundTruth(int disorderSeconds, String engine) throws Exception {
    ProbityConfig config = withSignatureChainEngine(engine);
    Path events = dir.resolve("events.jsonl");
    TrafficGenerator generator = new TrafficGenerator(config,
        GeneratorSettings.DEFAULTS.withViolationRate(0.3).withDisorderSeconds(disorderSeconds));
    try (JsonLinesWriter w = new JsonLinesWriter(events, new AvroJson(config.zone()))) {
      for (SpecificRecordBase e : generator) {
        w.writeEvent(e);
      }
    }
    List<Alert> truth = generator.groundTruth();
    Set<String> planted = new TreeSet<>();
    truth.forEach(a -> planted.add(a.getRuleId() + "/" + a.getReason() + "/" + a.getStatus()));
    assertThat(planted).containsAll(EVERY_REASON);

    ReplayCommand.Result result = ReplayCommand.replay(config, events, null, Duration.ofMinutes(2), 2, System.err);
    assertThat(result.deadLetters()).isEmpty();
    GroundTruth.assertSameAlerts(result.alerts(), truth);
  }

  /** The shipped rules file with its signatureChainEngine set to {@code engine}. */
  private static ProbityConfig withSignatureChainEngine(String engine) throws Exception {
    try (InputStream in = RulesFile.class.getClassLoader().getResourceAsStream(RulesFile.DEFAULT_RESOURCE)) {
      String shipped = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      assertThat(shipped).contains("# signatureChainEngine: cep");
      ProbityConfig config = RulesFile.parse(shipped.replace("# signatureChainEngine: cep",
          "signatureChainEngine: " + engine), "default-rules.yaml with engine " + engine);
      assertThat(config.payment().signatureChainEngine().name()).isEqualToIgnoringCase(engine);
      return config;
    }
  }
}
