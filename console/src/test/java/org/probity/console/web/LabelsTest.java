package org.probity.console.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
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

  @Test
  void everyReasonCodeOfTheContractHasWords() throws IOException {
    // shared/ sits beside the repository (as on CI); the module runs its tests from console/.
    Path contract = Path.of("..", "..", "shared", "contract.md");
    String text = Files.readString(contract);
    String rules = text.substring(text.indexOf("## Rules"));
    Matcher codes = Pattern.compile("`([A-Z][A-Z_]+)`").matcher(rules);
    int found = 0;
    while (codes.find()) {
      String code = codes.group(1);
      found++;
      assertThat(labels.reason(code, false)).as(code).isNotEqualTo(code);
      assertThat(labels.reason(code, true)).as(code).isNotEqualTo(code);
    }
    assertThat(found).as("reason codes read from the contract").isGreaterThan(25);
  }
}
