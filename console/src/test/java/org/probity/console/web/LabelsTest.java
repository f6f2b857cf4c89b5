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

  /** Every reason code a rule raises, from the one place rules declare them ({@link RuleId#reasons}). */
  private static final List<String> CONTRACT_REASON_CODES = java.util.Arrays.stream(RuleId.values())
      .flatMap(r -> r.reasons().stream()).distinct().toList();

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
