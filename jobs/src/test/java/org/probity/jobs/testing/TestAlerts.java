package org.probity.jobs.testing;

import java.time.Instant;
import java.util.List;
import org.probity.jobs.alert.Alerts;
import org.probity.jobs.alert.RuleId;
import org.probity.schema.Alert;
import org.probity.schema.AlertStatus;
import org.probity.schema.Severity;
import org.probity.schema.SubjectType;

/** Alert records for the lifecycle and index tests. */
public final class TestAlerts {
  private TestAlerts() {}

  public static Alert alert(String subject, String unit, Severity severity, AlertStatus status, long time,
      String... evidence) {
    return Alerts.of(RuleId.PROCUREMENT_TENDER_BYPASS, 1, "NO_TENDER")
        .severity(severity)
        .status(status)
        .unit(unit)
        .subject(SubjectType.PROCUREMENT, subject)
        .eventTime(Instant.ofEpochMilli(time))
        .evidence(List.of(evidence))
        .build();
  }
}
