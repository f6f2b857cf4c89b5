package org.probity.jobs.rules.approval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.probity.schema.ApprovalAction.APPROVED;
import static org.probity.schema.ApprovalAction.RECEIVED;
import static org.probity.schema.ApprovalAction.REVIEWED;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.probity.schema.Alert;
import org.probity.schema.AlertStatus;
import org.probity.schema.ApprovalEvent;
import org.probity.schema.Severity;

/** APPROVAL_FEE / OVERCHARGE against the catalogue's fee standard (ITEM-5 ¥80.00, ITEM-1 free). */
class FeeCheckTest {
  private final CaseHarness h;

  FeeCheckTest() throws Exception {
    h = new CaseHarness();
  }

  private List<Alert> decidedCaseCharged(String item, long fee) throws Exception {
    h.feed(item, RECEIVED, "2025-09-01T09:00");
    h.feed(item, REVIEWED, "2025-09-01T10:00");
    h.feed(item, APPROVED, "2025-09-01T11:00");
    h.completed(item, fee, "2025-09-01T14:00");
    h.clock("2025-09-02T00:00");
    return h.newAlerts();
  }

  @ParameterizedTest(name = "{0} charged {1} fen: excess {2}")
  @CsvSource({
      "ITEM-5, 8001, 1",
      "ITEM-5, 16000, 8000",
      "ITEM-1, 1, 1",
      "ITEM-1, 5000, 5000",
  })
  void aFeeAboveTheStandardIsOvercharge(String item, long fee, long excess) throws Exception {
    List<Alert> alerts = decidedCaseCharged(item, fee);
    assertThat(alerts).hasSize(1);
    Alert a = alerts.get(0);
    assertThat(a.getRuleId()).isEqualTo("APPROVAL_FEE");
    assertThat(a.getReason()).isEqualTo("OVERCHARGE");
    assertThat(a.getSeverity()).isEqualTo(Severity.RED);
    assertThat(a.getStatus()).isEqualTo(AlertStatus.RAISED);
    assertThat(a.getAmountFen()).isEqualTo(excess);
    assertThat(a.getPersonIds()).containsExactly("C1");
    assertThat(a.getEvidence()).containsExactly("E004");
    assertThat(a.getMessage()).contains(item.equals("ITEM-1") ? "免费事项" : "超过收费标准¥80.00");
  }

  @ParameterizedTest
  @CsvSource({"ITEM-5, 8000", "ITEM-5, 0", "ITEM-1, 0"})
  void aFeeAtOrBelowTheStandardIsClean(String item, long fee) throws Exception {
    assertThat(decidedCaseCharged(item, fee)).isEmpty();
    h.pastTombstones();
    assertThat(h.stateEntries()).isZero();
  }

  @Test
  void oneAlertPerCaseHoweverOftenItIsOvercharged() throws Exception {
    h.feed("ITEM-5", RECEIVED, "2025-09-01T09:00");
    ApprovalEvent first = h.event("C1", "ITEM-5", REVIEWED, "2025-09-01T10:00", "R1");
    first.setFeeFen(9000L);
    h.feed(first);
    h.completed("ITEM-5", 12000L, "2025-09-01T14:00");
    h.clock("2025-09-02T00:00");
    assertThat(h.newAlerts()).filteredOn(a -> a.getRuleId().equals("APPROVAL_FEE"))
        .extracting(Alert::getEvidence).containsExactly(List.of(first.getEventId()));
  }

  @Test
  void aFeeForAnItemTheCatalogueLacksIsSkippedAndCounted() throws Exception {
    h.feed("NOPE-1", RECEIVED, "2025-09-01T09:00");
    h.feed("NOPE-1", REVIEWED, "2025-09-01T10:00");
    h.feed("NOPE-1", APPROVED, "2025-09-01T11:00");
    h.completed("NOPE-1", 999_999L, "2025-09-01T14:00");
    h.clock("2025-09-02T00:00");
    assertThat(h.newAlerts()).isEmpty();
    assertThat(h.counter("unknownItemCodes")).as("the limit fallback and the skipped fee").isEqualTo(2);
    h.pastTombstones();
    assertThat(h.stateEntries()).as("the event was not dropped: the case ended").isZero();
  }
}
