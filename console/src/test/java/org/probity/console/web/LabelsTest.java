package org.probity.console.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.probity.jobs.alert.RuleId;

/** Every rule and reason code a person can meet on the console has its words, in both languages. */
class LabelsTest {
  private final Labels labels = Labels.load();

  @Test
  void everyRuleHasItsNamesAndWhatToFix() {
    for (RuleId rule : RuleId.values()) {
      assertThat(labels.ruleName(rule.name(), false)).as(rule.name()).isEqualTo(rule.chineseName());
      assertThat(labels.ruleName(rule.name(), true)).as(rule.name()).isNotEqualTo(rule.name()).isNotBlank();
      assertThat(labels.fix(rule.name(), false)).as(rule.name()).isNotBlank();
      assertThat(labels.fix(rule.name(), true)).as(rule.name()).isNotBlank();
    }
    for (Iterator<String> it = labels.json().get("rules").fieldNames(); it.hasNext(); ) {
      String id = it.next();
      assertThat(RuleId.valueOf(id)).as("labels.json names no rule the contract lacks").isNotNull();
    }
  }

  /**
   * The reason codes of contract.md's "Rules" section, copied here because the contract lives outside
   * the repository (CI builds a bare clone). A code the contract adds must be added here and to labels.json.
   */
  private static final List<String> CONTRACT_REASON_CODES = List.of(
      "AMOUNT_EXCEEDS_DECISION", "CHANGE_OVER_LIMIT", "CLOSE_BIDS", "COMPLETED_WITHOUT_DECISION",
      "DECISION_AFTER_PAYMENT", "IDENTICAL_BIDS", "LATE_NOTICE", "LIMIT_EXCEEDED", "MISSING_SIGNATURE",
      "NO_DECISION_REF", "NO_NOTICE", "NO_RECEIPT", "NO_REVIEW", "NO_TENDER", "OUT_OF_ORDER", "OVERCHARGE",
      "OVERDUE", "PRINCIPAL_AS_DEPUTY", "PRINCIPAL_NOT_LAST", "RELATED_PARTY", "SAME_CATEGORY_YEAR",
      "SAME_INVOICE", "SAME_PERSON", "SAME_SIGNER", "SAME_SUPPLIER_WINDOW", "SHARED_FINGERPRINT", "TOO_LONG",
      "TOO_MANY", "UNKNOWN_DECISION");

  @Test
  void everyReasonCodeOfTheContractHasWords() {
    for (String code : CONTRACT_REASON_CODES) {
      assertThat(labels.reason(code, false)).as(code).isNotEqualTo(code).isNotBlank();
      assertThat(labels.reason(code, true)).as(code).isNotEqualTo(code).isNotBlank();
    }
  }

  @Test
  void labelsNameNoReasonCodeTheContractLacks() {
    Set<String> labelled = new TreeSet<>();
    labels.json().get("reasons").fieldNames().forEachRemaining(labelled::add);
    assertThat(labelled).containsExactlyInAnyOrderElementsOf(CONTRACT_REASON_CODES);
  }
}
