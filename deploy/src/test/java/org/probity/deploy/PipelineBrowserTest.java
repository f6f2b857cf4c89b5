package org.probity.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.avro.specific.SpecificRecordBase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.probity.jobs.config.IndexParameters;
import org.probity.jobs.config.ProbityConfig;
import org.probity.jobs.config.RulesFile;
import org.probity.jobs.generate.GeneratorSettings;
import org.probity.jobs.generate.KafkaTraffic;
import org.probity.jobs.generate.TrafficGenerator;
import org.probity.schema.Alert;

/**
 * The board turning a unit red with nothing faked: the generator's traffic on a real KRaft broker,
 * the monitor's pipeline on a Flink MiniCluster raising its own alerts and computing its own
 * integrity index ({@code probity.unit-status}), the console reading both, and headless Chromium
 * watching the page — wired by {@link DemoStack}, as {@code probity demo} is.
 */
@Timeout(value = 6, unit = TimeUnit.MINUTES)
class PipelineBrowserTest {
  /** A deadline, not a pause: generous because the whole stack shares a 2-core CI machine with the browser. */
  private static final Duration WAIT = Duration.ofSeconds(120);

  /** When a unit's score, by the generator's ground truth and the index's weights, first reaches each colour. */
  private record Timeline(String unitId, Instant first, Instant orange, Instant red) {
    Duration green() {
      return Duration.between(first, orange);
    }
  }

  @Test
  void theBoardTurnsAUnitRedWhenTheGeneratorPushesItOver(@TempDir Path tmp) throws Exception {
    // A dense fortnight: every subject of every unit carries a violation.
    ProbityConfig rules = RulesFile.defaults();
    TrafficGenerator generator = new TrafficGenerator(rules, GeneratorSettings.DEFAULTS
        .withStart(LocalDate.of(2026, 11, 2)).withDays(14).withScale(1).withViolationRate(1.0));
    List<SpecificRecordBase> events = new ArrayList<>();
    generator.forEach(events::add);
    List<Alert> truth = generator.groundTruth();

    // The unit that stays green longest before its alerts push it over; the traffic pauses just
    // before it would turn orange, so the page shows it green first.
    Timeline unit = timelines(truth, rules.index()).stream()
        .filter(t -> t.red() != null)
        .max(Comparator.comparing(Timeline::green)).orElseThrow();
    assertThat(unit.green()).as(unit + ": green long enough in event time for the watermark to pass its first alert")
        .isGreaterThan(Duration.ofHours(1));
    int pause = 0;
    while (eventTime(events.get(pause)).isBefore(unit.orange())) {
      pause++;
    }

    // Between the two bursts every partition is silent, and event time must still reach the end of
    // the first burst: the sources go idle. Not too soon: a partition marked idle while the job is
    // still reading the burst lets the others' watermark pass its pending events, which then count
    // as late and are judged out of order (it turned U02 orange at its first status, now and then).
    try (DemoStack stack = DemoStack.start(tmp.resolve("demo"), rules, Duration.ofSeconds(1), Duration.ofSeconds(10),
        new PrintStream(OutputStream.nullOutputStream()));
        ConsolePage page = new ConsolePage(tmp.resolve("chromium"), stack.console.url())) {
      page.signIn("demo", stack.password);
      assertThat(page.colour(unit.unitId())).as("no status before any traffic").isEqualTo("NONE");
      page.js("window.samePage = true");

      KafkaTraffic.produce(events.subList(0, pause), stack.topics, 0, e -> { });
      String first = page.until(WAIT, unit.unitId() + "'s first status, scored by the pipeline", d -> {
        String colour = page.colour(unit.unitId());
        return "NONE".equals(colour) ? null : colour;
      });
      assertThat(first).as(unit.unitId() + "'s first colour, before its alerts pass the orange line")
          .isEqualTo("GREEN");

      KafkaTraffic.produce(events.subList(pause, events.size()), stack.topics, 0, e -> { });
      page.until(WAIT, unit.unitId() + " red", d -> "RED".equals(page.colour(unit.unitId())));
      assertThat(page.js("return window.samePage")).as("no page reload").isEqualTo(true);
      String name = rules.reference().unit(unit.unitId()).name();
      page.until(WAIT, unit.unitId() + "'s tile names it and says 红", d -> {
        String text = page.tile(unit.unitId()).getText();
        return text.contains(name) && text.contains("红");
      });

      // One of its alerts (a single record, raised before it turned red), with its evidence events.
      Map<String, List<Alert>> byId = truth.stream().collect(Collectors.groupingBy(Alert::getAlertId));
      Alert alert = truth.stream()
          .filter(a -> a.getUnitId().equals(unit.unitId()) && byId.get(a.getAlertId()).size() == 1
              && a.getEventTime().isBefore(unit.red()))
          .findFirst().orElseThrow();
      // The board redraws a tile when its unit's status changes: click whichever element is current.
      page.until(WAIT, unit.unitId() + "'s tile clicked", d -> {
        page.tile(unit.unitId()).click();
        return true;
      });
      page.until(WAIT, "the feed shows " + unit.unitId() + "'s alerts only", d -> !page.rows().isEmpty()
          && page.rows().stream().allMatch(r -> unit.unitId().equals(r.getAttribute("data-unit"))));
      page.until(WAIT, "the row of " + alert.getAlertId(), d -> page.row(alert.getAlertId())).click();
      page.until(WAIT, "the alert's detail", d -> !d.findElements(
          By.cssSelector("#d-content [data-alert-id='" + alert.getAlertId() + "']")).isEmpty());
      List<WebElement> evidence = page.driver.findElements(By.cssSelector("#d-evidence .evidence"));
      assertThat(evidence).extracting(e -> e.getAttribute("data-event-id"))
          .as("the events the pipeline cited, as the console read them from the event topics")
          .containsExactlyInAnyOrderElementsOf(alert.getEvidence());
      assertThat(evidence).noneMatch(e -> e.getAttribute("class").contains("missing"));
      assertThat(page.driver.findElement(By.id("d-rule")).getText()).isEqualTo(alert.getRuleId());
    }
  }

  private static Instant eventTime(SpecificRecordBase event) {
    return (Instant) event.get("eventTime");
  }

  /** The index's score over the ground truth: each alert weighs as its worst severity (the traffic is shorter than the window). */
  private static List<Timeline> timelines(List<Alert> truth, IndexParameters index) {
    Map<String, Map<String, Double>> weights = new HashMap<>();
    Map<String, Instant[]> times = new HashMap<>();
    for (Alert a : truth) {
      double w = switch (a.getSeverity()) {
        case NOTICE -> index.noticeWeight();
        case YELLOW -> index.yellowWeight();
        case RED -> index.redWeight();
      };
      Map<String, Double> unit = weights.computeIfAbsent(a.getUnitId(), k -> new HashMap<>());
      unit.merge(a.getAlertId(), w, Math::max);
      double score = unit.values().stream().mapToDouble(Double::doubleValue).sum();
      Instant[] t = times.computeIfAbsent(a.getUnitId(), k -> new Instant[3]);
      t[0] = t[0] == null ? a.getEventTime() : t[0];
      t[1] = t[1] == null && score >= index.orangeAt() ? a.getEventTime() : t[1];
      t[2] = t[2] == null && score >= index.redAt() ? a.getEventTime() : t[2];
    }
    return times.entrySet().stream().filter(e -> e.getValue()[1] != null)
        .map(e -> new Timeline(e.getKey(), e.getValue()[0], e.getValue()[1], e.getValue()[2])).toList();
  }
}
