package org.probity.jobs.generate;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.apache.avro.specific.SpecificRecordBase;
import org.junit.jupiter.api.Test;
import org.probity.jobs.calendar.WorkingDayCalendar;
import org.probity.jobs.config.ProbityConfig;
import org.probity.jobs.config.RulesFile;
import org.probity.schema.Alert;
import org.probity.schema.ApprovalAction;
import org.probity.schema.ApprovalEvent;

/** The approval planter: cases start on official working days; clean traffic and near misses stay below YELLOW. */
class ApprovalTrafficTest {
  private final ProbityConfig config = RulesFile.defaults();
  private final WorkingDayCalendar calendar = WorkingDayCalendar.of(config);

  private List<ApprovalEvent> approvals(TrafficGenerator generator) {
    List<ApprovalEvent> events = new ArrayList<>();
    for (SpecificRecordBase e : generator) {
      if (e instanceof ApprovalEvent a) {
        events.add(a);
      }
    }
    return events;
  }

  @Test
  void casesAreReceivedOnWorkingDaysOnlyMakeUpDaysIncluded() {
    // 09-15 … 10-19 spans National Day (10-01…08 off) and its make-up days 09-28 (Sunday) and 10-11 (Saturday).
    TrafficGenerator generator = new TrafficGenerator(config,
        GeneratorSettings.DEFAULTS.withStart(LocalDate.of(2025, 9, 15)).withDays(35).withScale(1));
    Set<LocalDate> receivedOn = new TreeSet<>();
    for (ApprovalEvent e : approvals(generator)) {
      if (e.getAction() == ApprovalAction.RECEIVED) {
        receivedOn.add(LocalDate.ofInstant(e.getEventTime(), config.zone()));
      }
    }
    assertThat(receivedOn).allMatch(calendar::isWorkingDay);
    assertThat(receivedOn).contains(LocalDate.of(2025, 9, 28), LocalDate.of(2025, 10, 11));
    assertThat(receivedOn).doesNotContain(LocalDate.of(2025, 10, 1), LocalDate.of(2025, 10, 8));
  }

  @Test
  void withoutPlantedViolationsApprovalsRaiseNothingButTheNoticesOfNearMisses() {
    TrafficGenerator generator = new TrafficGenerator(config, GeneratorSettings.DEFAULTS.withViolationRate(0));
    List<ApprovalEvent> events = approvals(generator);
    assertThat(events).hasSizeGreaterThan(3000);
    List<Alert> truth = generator.groundTruth(java.time.Instant.MAX).stream()
        .filter(a -> a.getRuleId().startsWith("APPROVAL_")).toList();
    assertThat(truth).isNotEmpty().allSatisfy(a -> {
      assertThat(a.getRuleId()).isEqualTo("APPROVAL_OVERDUE");
      assertThat(a.getSeverity().name()).isEqualTo("NOTICE");
    });
  }

  @Test
  void theSameSeedPlantsTheSameCases() {
    GeneratorSettings settings = GeneratorSettings.DEFAULTS.withDays(10).withViolationRate(0.3);
    TrafficGenerator one = new TrafficGenerator(config, settings);
    TrafficGenerator two = new TrafficGenerator(config, settings);
    assertThat(approvals(two)).isEqualTo(approvals(one));
    assertThat(two.groundTruth()).isEqualTo(one.groundTruth());
  }
}
