package org.probity.jobs.alert;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.probity.schema.SubjectType;

class AlertsTest {

  @Test
  void theSameViolationHasTheSameIdAndAnyDifferenceGivesAnother() {
    String id = Alerts.alertId(RuleId.PROCUREMENT_SPLIT_PURCHASE, "SAME_CATEGORY_YEAR", "U02", SubjectType.CATEGORY,
        "工程监理/2025", null);
    assertThat(Alerts.alertId(RuleId.PROCUREMENT_SPLIT_PURCHASE, "SAME_CATEGORY_YEAR", "U02", SubjectType.CATEGORY,
        "工程监理/2025", null)).isEqualTo(id);
    // Two units buying in the same category and year are two violations (a supplier likewise).
    assertThat(Alerts.alertId(RuleId.PROCUREMENT_SPLIT_PURCHASE, "SAME_CATEGORY_YEAR", "U07", SubjectType.CATEGORY,
        "工程监理/2025", null)).isNotEqualTo(id);
    assertThat(Alerts.alertId(RuleId.PROCUREMENT_SPLIT_PURCHASE, "SAME_SUPPLIER_WINDOW", "U02", SubjectType.CATEGORY,
        "工程监理/2025", null)).isNotEqualTo(id);
    assertThat(Alerts.alertId(RuleId.PROCUREMENT_SPLIT_PURCHASE, "SAME_CATEGORY_YEAR", "U02", SubjectType.CATEGORY,
        "工程监理/2025", "group-2")).isNotEqualTo(id);
  }

  @Test
  void moneyReadsAsYuan() {
    assertThat(Money.yuan(250_000_000L)).isEqualTo("¥2,500,000.00");
    assertThat(Money.yuan(5L)).isEqualTo("¥0.05");
  }
}
