package org.probity.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.probity.jobs.cli.JobEnvironment;
import org.probity.jobs.config.ProbityConfig;
import org.probity.jobs.generate.GeneratorSettings;
import org.probity.jobs.generate.TrafficGenerator;
import org.probity.jobs.rules.RuleSet;

/**
 * The standing population is clean for every rule of the build: the benchmark's alerts come from
 * the shipped generator's planted violations only, so a rule that starts flagging the backlog (a
 * changed rule, or a generator bug) shows here rather than as a silent change in the figures.
 */
class BacklogTrafficTest {
  @Test
  void theStandingPopulationRaisesNoAlertAndIsThereFromTheFirstDay() throws Exception {
    ProbityConfig config = BenchRules.withUnits(12);
    BacklogTraffic backlog = new BacklogTraffic(3, 25, 2, 8, 3, 5);
    GeneratorSettings settings = GeneratorSettings.DEFAULTS.withDays(5).withDisorderSeconds(60);
    EncodedEvents events = EncodedEvents.encode(new TrafficGenerator(config, settings, List.of(backlog)),
        config.procurement().splitWindowDays(), config.zone());
    int firstDay = 0;
    while (events.eventTimeMillis(firstDay)
        < settings.start().atStartOfDay(config.zone()).toInstant().toEpochMilli()) {
      firstDay++;
    }
    EncodedEvents.Population atStart = events.populationAt(firstDay);
    long weekdaysBefore = settings.start().minusDays(24).datesUntil(settings.start())
        .filter(d -> d.getDayOfWeek().getValue() <= 5).count();
    assertThat(atStart.openCases()).as("every case of the 24 days before is still open")
        .isEqualTo(12 * 3 * weekdaysBefore);
    assertThat(atStart.vouchersInFlight()).isPositive();

    try (BenchCluster cluster = new BenchCluster(2, 128)) {
      InProcessRun.Result result = InProcessRun.run(cluster, events, config,
          InProcessRun.probity(config, RuleSet.all()), 2, JobEnvironment.StateBackend.HASHMAP, new int[] {0},
          new boolean[1], (job, mark) -> { }, Duration.ofMinutes(5));
      assertThat(result.complete()).isTrue();
      assertThat(result.alerts()).isZero();
    }
  }
}
