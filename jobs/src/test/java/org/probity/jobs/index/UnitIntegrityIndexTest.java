package org.probity.jobs.index;

import static org.assertj.core.api.Assertions.assertThat;
import static org.probity.jobs.testing.TestAlerts.alert;

import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.probity.jobs.config.IndexParameters;
import org.probity.jobs.testing.RuleHarness;
import org.probity.schema.Alert;
import org.probity.schema.AlertStatus;
import org.probity.schema.Colour;
import org.probity.schema.Grade;
import org.probity.schema.Severity;
import org.probity.schema.UnitStatus;

class UnitIntegrityIndexTest {
  private static final long DAY = 86_400_000L;
  private static final ZoneId ZONE = ZoneId.of("Asia/Shanghai");
  // Window 30 days; YELLOW 2, RED 5; orange at 4, red at 10.
  private final IndexParameters params = new IndexParameters(30, 0, 2, 5, 4, 10, 400);
  private final long t0 = Instant.parse("2025-08-01T02:00:00Z").toEpochMilli();
  private KeyedOneInputStreamOperatorTestHarness<String, Alert, UnitStatus> harness;

  @BeforeEach
  void open() throws Exception {
    harness = RuleHarness.open(new UnitIntegrityIndex(params, ZONE), Alert::getUnitId);
  }

  private void feed(Alert a) throws Exception {
    harness.processElement(a, a.getEventTime().toEpochMilli());
  }

  private UnitStatus lastStatus() {
    List<UnitStatus> out = harness.extractOutputValues();
    return out.get(out.size() - 1);
  }

  @Test
  void colourFollowsTheScoreAndTheWindow() throws Exception {
    feed(alert("P1", "U1", Severity.YELLOW, AlertStatus.RAISED, t0, "e1"));
    harness.processWatermark(t0);
    assertThat(lastStatus().getColour()).isEqualTo(Colour.GREEN);
    assertThat(lastStatus().getScore()).isEqualTo(2.0);
    assertThat(lastStatus().getOpenAlerts()).isEqualTo(1);

    feed(alert("P2", "U1", Severity.YELLOW, AlertStatus.RAISED, t0 + DAY, "e2"));
    harness.processWatermark(t0 + DAY);
    assertThat(lastStatus().getColour()).isEqualTo(Colour.ORANGE);

    feed(alert("P2", "U1", Severity.RED, AlertStatus.ESCALATED, t0 + 2 * DAY, "e2"));
    feed(alert("P3", "U1", Severity.RED, AlertStatus.RAISED, t0 + 2 * DAY, "e3"));
    harness.processWatermark(t0 + 2 * DAY);
    assertThat(lastStatus().getScore()).isEqualTo(12.0);
    assertThat(lastStatus().getColour()).isEqualTo(Colour.RED);
    assertThat(lastStatus().getGrade()).isEqualTo(Grade.C);
    assertThat(lastStatus().getAsOf()).isEqualTo(Instant.ofEpochMilli(t0 + 2 * DAY));

    // The first alert leaves the 30-day window: 12 − 2 = 10, still red; then the rest leave.
    harness.processWatermark(t0 + 30 * DAY);
    assertThat(lastStatus().getScore()).isEqualTo(10.0);
    harness.processWatermark(t0 + 32 * DAY);
    assertThat(lastStatus().getScore()).isZero();
    assertThat(lastStatus().getColour()).isEqualTo(Colour.GREEN);
    assertThat(lastStatus().getOpenAlerts()).isZero();
  }

  @Test
  void oneStatusPerInstantWhateverTheArrivalOrder() throws Exception {
    feed(alert("P1", "U1", Severity.RED, AlertStatus.RAISED, t0, "e1"));
    feed(alert("P2", "U1", Severity.RED, AlertStatus.RAISED, t0, "e2"));
    harness.processWatermark(t0);
    assertThat(harness.extractOutputValues()).hasSize(1);
    assertThat(lastStatus().getScore()).isEqualTo(10.0);
  }

  @Test
  void resolvingAnAlertClosesItButKeepsItsScore() throws Exception {
    feed(alert("P1", "U1", Severity.RED, AlertStatus.RAISED, t0, "e1"));
    feed(alert("P1", "U1", Severity.RED, AlertStatus.RESOLVED, t0 + DAY, "e1"));
    harness.processWatermark(t0 + DAY);
    assertThat(lastStatus().getOpenAlerts()).isZero();
    assertThat(lastStatus().getScore()).isEqualTo(5.0);
  }

  @Test
  void theGradeStartsAgainEachQuarterAndStateEmptiesOnceNothingCounts() throws Exception {
    // 2025-09-20: third quarter; the fourth starts on 2025-10-01 (Asia/Shanghai).
    long late = Instant.parse("2025-09-20T02:00:00Z").toEpochMilli();
    feed(alert("P1", "U1", Severity.RED, AlertStatus.RAISED, late, "e1"));
    feed(alert("P2", "U1", Severity.RED, AlertStatus.RAISED, late, "e2"));
    harness.processWatermark(late);
    assertThat(lastStatus().getGrade()).isEqualTo(Grade.C);
    long q4 = Instant.parse("2025-09-30T16:00:00Z").toEpochMilli();
    harness.processWatermark(q4);
    assertThat(lastStatus().getGrade()).isEqualTo(Grade.A);
    assertThat(lastStatus().getColour()).isEqualTo(Colour.RED);
    assertThat(lastStatus().getAsOf()).isEqualTo(Instant.ofEpochMilli(q4));
    harness.processWatermark(late + 30 * DAY);
    assertThat(lastStatus().getColour()).isEqualTo(Colour.GREEN);
    assertThat(harness.numKeyedStateEntries()).isZero();
    assertThat(harness.numEventTimeTimers()).isZero();
  }
}
