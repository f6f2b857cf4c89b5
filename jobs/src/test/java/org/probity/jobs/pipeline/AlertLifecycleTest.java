package org.probity.jobs.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.probity.jobs.testing.TestAlerts.alert;

import java.time.Instant;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.probity.jobs.testing.RuleHarness;
import org.probity.schema.Alert;
import org.probity.schema.AlertStatus;
import org.probity.schema.Severity;

class AlertLifecycleTest {
  private static final long DAY = 86_400_000L;
  private static final long RETENTION = 10 * DAY;
  private final long t0 = Instant.parse("2025-09-01T00:00:00Z").toEpochMilli();
  private KeyedOneInputStreamOperatorTestHarness<String, Alert, Alert> harness;

  @BeforeEach
  void open() throws Exception {
    harness = RuleHarness.open(new AlertLifecycle(RETENTION), Alert::getAlertId);
  }

  private void feed(Alert a) throws Exception {
    harness.processElement(a, a.getEventTime().toEpochMilli());
  }

  @Test
  void aLadderPassesInOrder() throws Exception {
    feed(alert("P1", "U1", Severity.NOTICE, AlertStatus.RAISED, t0, "e1"));
    feed(alert("P1", "U1", Severity.YELLOW, AlertStatus.ESCALATED, t0 + DAY, "e1"));
    feed(alert("P1", "U1", Severity.RED, AlertStatus.ESCALATED, t0 + 2 * DAY, "e1"));
    feed(alert("P1", "U1", Severity.RED, AlertStatus.RESOLVED, t0 + 3 * DAY, "e1", "e2"));
    assertThat(harness.extractOutputValues()).extracting(Alert::getStatus).containsExactly(AlertStatus.RAISED,
        AlertStatus.ESCALATED, AlertStatus.ESCALATED, AlertStatus.RESOLVED);
  }

  @Test
  void anIdenticalRepeatIsSuppressed() throws Exception {
    feed(alert("P1", "U1", Severity.RED, AlertStatus.RAISED, t0, "e1"));
    feed(alert("P1", "U1", Severity.RED, AlertStatus.RAISED, t0 + 1, "e1"));
    feed(alert("P1", "U1", Severity.RED, AlertStatus.ESCALATED, t0 + 2, "e1"));
    assertThat(harness.extractOutputValues()).hasSize(1);
  }

  @Test
  void aRepeatWithMoreEvidenceWhileOpenUpdatesTheAlertInsteadOfRaisingAnother() throws Exception {
    feed(alert("P1", "U1", Severity.RED, AlertStatus.RAISED, t0, "e1"));
    feed(alert("P1", "U1", Severity.RED, AlertStatus.RAISED, t0 + 1, "e1", "e2"));
    assertThat(harness.extractOutputValues()).extracting(Alert::getStatus)
        .containsExactly(AlertStatus.RAISED, AlertStatus.ESCALATED);
    assertThat(harness.extractOutputValues().get(1).getEvidence()).containsExactly("e1", "e2");
  }

  @Test
  void aFirstRecordThatIsNotRaisedIsRaised() throws Exception {
    feed(alert("P1", "U1", Severity.YELLOW, AlertStatus.ESCALATED, t0, "e1"));
    assertThat(harness.extractOutputValues()).extracting(Alert::getStatus).containsExactly(AlertStatus.RAISED);
  }

  @Test
  void neverAResolvedBeforeItsRaisedNorAnythingAfterResolved() throws Exception {
    feed(alert("P1", "U1", Severity.YELLOW, AlertStatus.RESOLVED, t0, "e1"));
    assertThat(harness.extractOutputValues()).isEmpty();
    feed(alert("P2", "U1", Severity.YELLOW, AlertStatus.RAISED, t0, "e1"));
    feed(alert("P2", "U1", Severity.YELLOW, AlertStatus.RESOLVED, t0 + 1, "e1"));
    feed(alert("P2", "U1", Severity.RED, AlertStatus.ESCALATED, t0 + 2, "e1"));
    feed(alert("P2", "U1", Severity.RED, AlertStatus.RAISED, t0 + 3, "e9"));
    assertThat(harness.extractOutputValues()).extracting(Alert::getStatus)
        .containsExactly(AlertStatus.RAISED, AlertStatus.RESOLVED);
  }

  @Test
  void anAlertIsForgottenAfterTheRetention() throws Exception {
    feed(alert("P1", "U1", Severity.RED, AlertStatus.RAISED, t0, "e1"));
    feed(alert("P1", "U1", Severity.RED, AlertStatus.RESOLVED, t0 + DAY, "e1"));
    assertThat(harness.numKeyedStateEntries()).isPositive();
    assertThat(harness.numEventTimeTimers()).isEqualTo(1);
    harness.processWatermark(t0 + DAY + RETENTION);
    assertThat(harness.numKeyedStateEntries()).isZero();
    assertThat(harness.numEventTimeTimers()).isZero();
  }
}
