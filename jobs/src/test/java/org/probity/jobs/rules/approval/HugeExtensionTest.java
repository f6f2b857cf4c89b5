package org.probity.jobs.rules.approval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.probity.schema.ApprovalAction.APPROVED;
import static org.probity.schema.ApprovalAction.COMPLETED;
import static org.probity.schema.ApprovalAction.RECEIVED;

import org.junit.jupiter.api.Test;
import org.probity.schema.Alert;

/**
 * Extensions the validation would refuse, fed to the rule directly: the limit is counted in long
 * (saturating), so it never wraps negative into a deadline in the past and a false card.
 */
class HugeExtensionTest {
  private final CaseHarness h;

  HugeExtensionTest() throws Exception {
    h = new CaseHarness();
  }

  @Test
  void twoExtensionsOfOnePointFiveBillionDaysRaiseNothing() throws Exception {
    h.feed("ITEM-20", RECEIVED, "2025-09-01T09:00");
    h.extend("ITEM-20", 1_500_000_000, "2025-09-02T09:00");
    h.extend("ITEM-20", 1_500_000_000, "2025-09-03T09:00");
    h.clock("2026-09-30T00:00");
    assertThat(h.newAlerts()).extracting(Alert::getMessage).isEmpty();
    assertThat(h.timers()).as("only the retention timer: the ladder is never due").isEqualTo(1);
  }

  @Test
  void extensionsUpToIntegerMaxSaturateAndTheCaseStillEnds() throws Exception {
    h.feed("ITEM-20", RECEIVED, "2025-09-01T09:00");
    for (int i = 0; i < 3; i++) {
      h.extend("ITEM-20", Integer.MAX_VALUE, "2025-09-02T09:0" + i);
    }
    h.clock("2026-09-30T00:00");
    assertThat(h.newAlerts()).isEmpty();
    h.feed("ITEM-20", APPROVED, "2026-09-30T09:00");
    h.feed("ITEM-20", COMPLETED, "2026-09-30T10:00");
    h.clock("2026-10-01T00:00");
    assertThat(h.newAlerts()).extracting(Alert::getRuleId).as("nothing overdue to resolve")
        .doesNotContain("APPROVAL_OVERDUE");
    h.pastTombstones();
    assertThat(h.stateEntries()).isZero();
    assertThat(h.timers()).isZero();
  }

  @Test
  void aNegativeExtensionDoesNotShortenTheLimit() throws Exception {
    h.feed("ITEM-20", RECEIVED, "2025-09-01T09:00");
    h.extend("ITEM-20", -1_000_000, "2025-09-02T09:00");
    h.clock("2025-09-20T00:00");
    assertThat(h.newAlerts()).as("20 working days from 2025-09-01 are not over on 09-20").isEmpty();
  }

  @Test
  void aLargeButCountableExtensionKeepsItsDeadline() throws Exception {
    h.feed("ITEM-1", RECEIVED, "2025-09-01T09:00");
    h.extend("ITEM-1", 100, "2025-09-01T10:00");
    h.clock("2026-03-31T00:00");
    assertThat(h.newAlerts()).extracting(Alert::getMessage).first().asString().contains("办理时限101个工作日");
  }
}
