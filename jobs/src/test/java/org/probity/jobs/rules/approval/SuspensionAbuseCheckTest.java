package org.probity.jobs.rules.approval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.probity.schema.ApprovalAction.RECEIVED;
import static org.probity.schema.ApprovalAction.RESUMED;
import static org.probity.schema.ApprovalAction.SUSPENDED;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.probity.schema.Alert;
import org.probity.schema.AlertStatus;
import org.probity.schema.ApprovalEvent;
import org.probity.schema.Severity;

/**
 * APPROVAL_SUSPENSION_ABUSE: TOO_MANY above 2 suspensions, TOO_LONG above 20 working days, raised
 * at 00:00 of the 21st suspended working day even while still suspended.
 */
class SuspensionAbuseCheckTest {
  private final CaseHarness h;

  SuspensionAbuseCheckTest() throws Exception {
    h = new CaseHarness();
  }

  private List<Alert> abuseAlerts() {
    return h.newAlerts().stream().filter(a -> a.getRuleId().equals("APPROVAL_SUSPENSION_ABUSE")).toList();
  }

  @Test
  void aThirdSuspensionIsTooMany() throws Exception {
    h.feed("ITEM-20", RECEIVED, "2025-09-01T09:00");
    ApprovalEvent s1 = h.feed("ITEM-20", SUSPENDED, "2025-09-02T10:00");
    ApprovalEvent r1 = h.feed("ITEM-20", RESUMED, "2025-09-03T10:00");
    ApprovalEvent s2 = h.feed(h.event("C1", "ITEM-20", SUSPENDED, "2025-09-04T10:00", "A2"));
    ApprovalEvent r2 = h.feed("ITEM-20", RESUMED, "2025-09-05T10:00");
    h.clock("2025-09-05T12:00");
    assertThat(abuseAlerts()).as("two suspensions are allowed").isEmpty();
    ApprovalEvent s3 = h.feed("ITEM-20", SUSPENDED, "2025-09-08T10:00");
    h.feed("ITEM-20", RESUMED, "2025-09-09T10:00");
    h.feed("ITEM-20", SUSPENDED, "2025-09-10T10:00");
    h.clock("2025-09-10T12:00");
    List<Alert> alerts = abuseAlerts();
    assertThat(alerts).hasSize(1);
    Alert a = alerts.get(0);
    assertThat(a.getReason()).isEqualTo("TOO_MANY");
    assertThat(a.getSeverity()).isEqualTo(Severity.YELLOW);
    assertThat(a.getStatus()).isEqualTo(AlertStatus.RAISED);
    assertThat(a.getEventTime()).isEqualTo(s3.getEventTime());
    assertThat(a.getEvidence()).containsExactly(s1.getEventId(), r1.getEventId(), s2.getEventId(), r2.getEventId(),
        s3.getEventId());
    assertThat(a.getPersonIds()).containsExactly("A1", "A2");
  }

  @Test
  void tooLongFiresAtTheStartOfTheFirstDayPastTheLimitWhileStillSuspended() throws Exception {
    // Suspended 09-02: 20 working days are 09-03 … 09-29 (09-28 a make-up Sunday); the 21st is 09-30.
    h.feed("ITEM-20", RECEIVED, "2025-09-01T09:00");
    ApprovalEvent suspended = h.feed("ITEM-20", SUSPENDED, "2025-09-02T10:00");
    h.clock("2025-09-29T23:59:59.999");
    assertThat(abuseAlerts()).isEmpty();
    h.clock("2025-09-30T00:00");
    List<Alert> alerts = abuseAlerts();
    assertThat(alerts).extracting(CaseHarness::step).containsExactly("RAISED YELLOW 2025-09-30T00:00");
    assertThat(alerts.get(0).getReason()).isEqualTo("TOO_LONG");
    assertThat(alerts.get(0).getEvidence()).containsExactly(suspended.getEventId());
    assertThat(alerts.get(0).getMessage()).contains("20个工作日");
    assertThat(h.timers()).as("only the retention is left: TOO_LONG is raised once").isEqualTo(1);
    h.feed("ITEM-20", RESUMED, "2025-10-20T10:00");
    h.clock("2025-10-21T00:00");
    assertThat(abuseAlerts()).isEmpty();
  }

  @Test
  void exactlyTheLimitIsClean() throws Exception {
    h.feed("ITEM-20", RECEIVED, "2025-09-01T09:00");
    h.feed("ITEM-20", SUSPENDED, "2025-09-02T10:00");
    h.feed("ITEM-20", RESUMED, "2025-09-29T16:00");
    h.clock("2025-12-31T00:00");
    assertThat(h.newAlerts()).noneMatch(a -> a.getRuleId().equals("APPROVAL_SUSPENSION_ABUSE"));
  }

  @Test
  void resumedAtTheVeryStartOfTheFirstDayPastTheLimitStillCountsThatDay() throws Exception {
    h.feed("ITEM-20", RECEIVED, "2025-09-01T09:00");
    ApprovalEvent suspended = h.feed("ITEM-20", SUSPENDED, "2025-09-02T10:00");
    ApprovalEvent resumed = h.feed("ITEM-20", RESUMED, "2025-09-30T00:00");
    h.clock("2025-10-31T00:00");
    List<Alert> alerts = abuseAlerts();
    assertThat(alerts).extracting(CaseHarness::step).containsExactly("RAISED YELLOW 2025-09-30T00:00");
    assertThat(alerts.get(0).getEvidence()).containsExactly(suspended.getEventId(), resumed.getEventId());
  }

  @Test
  void suspensionsAddUpAcrossTheCase() throws Exception {
    // 09-03 … 09-12: 8 days; the second from 09-15 needs 13 more: 16 … 30, 10-09 (after National Day).
    h.feed("ITEM-20", RECEIVED, "2025-09-01T09:00");
    ApprovalEvent s1 = h.feed("ITEM-20", SUSPENDED, "2025-09-02T10:00");
    ApprovalEvent r1 = h.feed("ITEM-20", RESUMED, "2025-09-12T10:00");
    ApprovalEvent s2 = h.feed("ITEM-20", SUSPENDED, "2025-09-15T10:00");
    h.clock("2025-10-08T23:59:59.999");
    assertThat(abuseAlerts()).isEmpty();
    h.clock("2025-10-09T00:00");
    List<Alert> alerts = abuseAlerts();
    assertThat(alerts).extracting(CaseHarness::step).containsExactly("RAISED YELLOW 2025-10-09T00:00");
    assertThat(alerts.get(0).getEvidence()).containsExactly(s1.getEventId(), r1.getEventId(), s2.getEventId());
  }

  @Test
  void aResumeRemovesTheSuspensionTimer() throws Exception {
    h.feed("ITEM-20", RECEIVED, "2025-09-01T09:00");
    h.feed("ITEM-20", SUSPENDED, "2025-09-02T10:00");
    h.clock("2025-09-02T10:00");
    int suspended = h.timers();
    h.feed("ITEM-20", RESUMED, "2025-09-03T10:00");
    h.clock("2025-09-03T10:00");
    assertThat(h.timers()).as("ladder + retention, the TOO_LONG timer gone").isEqualTo(2);
    assertThat(suspended).as("TOO_LONG + retention while suspended").isEqualTo(2);
  }
}
