package org.probity.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.probity.jobs.alert.RuleId;
import org.probity.jobs.cli.JobEnvironment;
import org.probity.jobs.config.ProbityConfig;
import org.probity.jobs.generate.GeneratorSettings;
import org.probity.jobs.generate.TrafficGenerator;
import org.probity.schema.Alert;

/**
 * Each peer raises exactly the planted violations of the rules it expresses, on the shipped
 * generator's traffic: compared on (rule, reason, unit, subject), the peers' row shape. Correctness
 * only; no timing is asserted.
 */
class PeersTest {
  private static ProbityConfig config;
  /**
   * What the peers run with: the benchmark's 200 units (the first 12 are the input's), so their
   * generated SQL and EPL are as large as in the benchmark.
   */
  private static ProbityConfig peers;
  private static EncodedEvents events;
  private static List<Alert> truth;

  @BeforeAll
  static void generate() {
    config = BenchRules.withUnits(12);
    peers = BenchRules.withUnits(Sizes.FULL.units());
    GeneratorSettings settings = GeneratorSettings.DEFAULTS.withDays(20).withScale(2).withViolationRate(0.3)
        .withDisorderSeconds(60);
    TrafficGenerator generator = new TrafficGenerator(config, settings);
    events = EncodedEvents.encode(generator, config.procurement().splitWindowDays(), config.zone());
    truth = Workload.truth(generator, events);
  }

  private static Set<String> expected(Set<RuleId> rules) {
    return AlertRecords.subjects(AlertRecords.ofRules(truth, rules));
  }

  @Test
  void thePlantedViolationsCoverEveryRuleThePeersExpress() {
    Set<RuleId> planted = EnumSet.noneOf(RuleId.class);
    truth.forEach(a -> planted.add(RuleId.valueOf(a.getRuleId())));
    assertThat(planted).containsAll(SqlPeer.EXPRESSED);
  }

  @Test
  void theSqlQueriesRaiseExactlyThePlantedAlerts() throws Exception {
    try (BenchCluster cluster = new BenchCluster(2, 128)) {
      InProcessRun.Result result = InProcessRun.run(cluster, events, peers, SqlPeer.job(peers, SqlPeer.EXPRESSED),
          2, JobEnvironment.StateBackend.HASHMAP, new int[] {0}, new boolean[1], (job, mark) -> { },
          Duration.ofMinutes(5));
      assertThat(result.complete()).isTrue();
      AlertRecords.Difference d = AlertRecords.compare(new TreeSet<>(result.records()), expected(SqlPeer.EXPRESSED));
      assertThat(d.missing()).as("missing " + d.byRule()).isEmpty();
      assertThat(d.extra()).as("extra " + d.byRule()).isEmpty();
    }
  }

  @Test
  void theEsperStatementsRaiseExactlyThePlantedAlerts() {
    EsperPeer.Result result = EsperPeer.run(events, peers, EsperPeer.EXPRESSED, 0);
    assertThat(result.timed().events()).isEqualTo(events.size());
    AlertRecords.Difference d = AlertRecords.compare(new TreeSet<>(result.records()), expected(EsperPeer.EXPRESSED));
    assertThat(d.missing()).as("missing " + d.byRule()).isEmpty();
    assertThat(d.extra()).as("extra " + d.byRule()).isEmpty();
  }
}
