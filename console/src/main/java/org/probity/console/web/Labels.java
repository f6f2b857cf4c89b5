package org.probity.console.web;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import org.probity.jobs.alert.RuleId;

/**
 * What people read for the contract's codes: rule names (Chinese from {@link RuleId}, the one
 * source of them; English here), reason codes, and what each rule asks a unit to fix, as the
 * warning notice prints it. Read from {@code labels.json} beside this class.
 */
public final class Labels {
  private final ObjectNode labels;

  private Labels(ObjectNode labels) {
    this.labels = labels;
  }

  public static Labels load() {
    try (InputStream in = Labels.class.getResourceAsStream("/org/probity/console/labels.json")) {
      if (in == null) {
        throw new IllegalStateException("labels.json missing from the jar");
      }
      ObjectNode node = (ObjectNode) new ObjectMapper().readTree(in);
      ObjectNode rules = (ObjectNode) node.get("rules");
      for (RuleId rule : RuleId.values()) {
        JsonNode r = rules.get(rule.name());
        if (r == null) {
          r = rules.putObject(rule.name());
        }
        ((ObjectNode) r).put("zh", rule.chineseName());
      }
      return new Labels(node);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read labels.json", e);
    }
  }

  /** Everything, for the page's script. */
  public ObjectNode json() {
    return labels;
  }

  private String text(String group, String code, String field, String fallback) {
    JsonNode v = labels.path(group).path(code).path(field);
    return v.isTextual() ? v.asText() : fallback;
  }

  public String ruleName(String ruleId, boolean english) {
    return text("rules", ruleId, english ? "en" : "zh", ruleId);
  }

  public String reason(String code, boolean english) {
    return text("reasons", code, english ? "en" : "zh", code);
  }

  /** What the rule asks the unit to fix; empty for a rule without a text. */
  public String fix(String ruleId, boolean english) {
    return text("rules", ruleId, english ? "fixEn" : "fix", "");
  }
}
