package org.probity.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.probity.jobs.config.PaymentParameters;
import org.probity.jobs.config.ProbityConfig;
import org.probity.jobs.config.RulesFile;

/**
 * The rules file of a benchmark: the shipped default (its parameters, items, calendar and related
 * parties, whatever they are in this build) with as many units as the benchmark asks for. Each
 * added unit is a copy of the first default unit and its people, under a new id, so every role
 * the generator needs exists in every unit. Parsed by {@link RulesFile#parse}, so it is validated
 * exactly like a rule owner's file.
 */
final class BenchRules {
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  private BenchRules() {}

  /** {@code config} with PAYMENT_SIGNATURE_CHAIN evaluated by {@code engine}. */
  static ProbityConfig withEngine(ProbityConfig config, PaymentParameters.SignatureChainEngine engine) {
    PaymentParameters p = config.payment();
    return new ProbityConfig(config.zone(), config.holidayFiles(), config.calendarYears(), config.dedupRetentionDays(),
        config.approval(), new PaymentParameters(p.largeFundsThresholdFen(), p.duplicateWindowDays(),
            p.signatureWindowDays(), p.decisionRetentionDays(), p.signingChain(), engine),
        config.procurement(), config.decision(), config.index(), config.reference());
  }

  /** The default rules file with {@code units} units in all (at least the default ones). */
  static ProbityConfig withUnits(int units) {
    ObjectNode root = defaultRules();
    ArrayNode unitList = (ArrayNode) root.get("units");
    ArrayNode people = (ArrayNode) root.get("people");
    JsonNode template = unitList.get(0);
    String templateId = template.get("id").asText();
    List<JsonNode> templatePeople = new ArrayList<>();
    people.forEach(p -> {
      if (p.get("unitId").asText().equals(templateId)) {
        templatePeople.add(p);
      }
    });
    for (int n = unitList.size() + 1; n <= units; n++) {
      String id = String.format("B%04d", n);
      ObjectNode unit = template.deepCopy();
      unit.put("id", id);
      unit.put("name", "基准单位" + n);
      unitList.add(unit);
      for (JsonNode p : templatePeople) {
        ObjectNode person = p.deepCopy();
        String personId = p.get("id").asText();
        person.put("id", personId.startsWith(templateId) ? id + personId.substring(templateId.length())
            : id + "-" + personId);
        person.put("unitId", id);
        people.add(person);
      }
    }
    try {
      return RulesFile.parse(YAML.writeValueAsString(root), "bench rules (" + units + " units)");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static ObjectNode defaultRules() {
    try (InputStream in = RulesFile.class.getClassLoader().getResourceAsStream(RulesFile.DEFAULT_RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException(RulesFile.DEFAULT_RESOURCE + " missing from the classpath");
      }
      return (ObjectNode) YAML.readTree(new String(in.readAllBytes(), StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
