package org.probity.jobs.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.DateTimeException;
import java.time.ZoneId;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.time.LocalDate;
import org.probity.jobs.calendar.WorkingDayCalendar;

/**
 * Loads and validates the rules file (YAML): parameters, item catalogue, people, related parties,
 * units, calendar. Every problem is a {@link ConfigException} whose one line names the file and
 * the field, e.g. {@code rules.yaml: parameters.approval.noticeWorkingDays: must be a whole number
 * from 0 to 365, got "one"}.
 */
public final class RulesFile {
  /** The rules file shipped in the jar: a county's worth of units, people and items for the demo. */
  public static final String DEFAULT_RESOURCE = "probity/default-rules.yaml";

  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  /**
   * The roles a person may have: the approval actors, the buyer, the meeting member and the three
   * signers. A closed set: a misspelt role (BOSS for PRINCIPAL) would silently switch off the rules
   * that look for it (PAYMENT_PRINCIPAL_DIRECT).
   */
  static final List<String> ROLES = List.of("CLERK", "REVIEWER", "APPROVER", "BUYER", "MEMBER", "DEPUTY",
      "DISCIPLINE", "PRINCIPAL", "FINANCE");

  private RulesFile() {}

  public static ProbityConfig load(Path file) {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      throw new ConfigException(file + ": no such file");
    } catch (IOException e) {
      throw new ConfigException(file + ": cannot read: " + e.getMessage());
    }
    return parse(text, file.getFileName().toString());
  }

  public static ProbityConfig defaults() {
    return parse(defaultText(), DEFAULT_RESOURCE);
  }

  /** The text of the rules file shipped in the jar. */
  public static String defaultText() {
    try (InputStream in = RulesFile.class.getClassLoader().getResourceAsStream(DEFAULT_RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException(DEFAULT_RESOURCE + " missing from the jar");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IllegalStateException("cannot read " + DEFAULT_RESOURCE, e);
    }
  }

  public static ProbityConfig parse(String yaml, String source) {
    return parse(yaml, source, true);
  }

  /**
   * A version of the rules published to a running job: as {@link #parse}, but it may not name
   * holiday files (paths mean nothing on the job's machines); it states its years under {@code calendar.days}.
   */
  public static ProbityConfig parseVersion(String yaml, String source) {
    return parse(yaml, source, false);
  }

  private static ProbityConfig parse(String yaml, String source, boolean filesAllowed) {
    JsonNode root;
    try {
      root = YAML.readTree(yaml);
    } catch (JsonProcessingException e) {
      String where = e.getLocation() == null ? "" : " at line " + e.getLocation().getLineNr();
      throw new ConfigException(source + ": not valid YAML" + where + ": " + e.getOriginalMessage());
    }
    if (root == null || root.isMissingNode() || root.isNull() || (root.isObject() && root.isEmpty())) {
      // An empty file is a mistake (a truncated copy, the wrong path), not "all defaults": it would
      // run with no units, people or items, and every reference-data rule silently skipped.
      throw new ConfigException(source + ": is empty; a rules file needs at least its units, people and items"
          + " (start from " + DEFAULT_RESOURCE + ")");
    }
    if (!root.isObject()) {
      throw new ConfigException(source + ": must be a mapping at the top level");
    }
    try {
      return read(new ConfigNode(root, ""), filesAllowed);
    } catch (ConfigException e) {
      throw new ConfigException(source + ": " + e.getMessage());
    }
  }

  private static ProbityConfig read(ConfigNode root, boolean filesAllowed) {
    ConfigNode calendar = root.child("calendar");
    String zoneName = calendar.string("zone", "Asia/Shanghai");
    ZoneId zone;
    try {
      zone = ZoneId.of(zoneName);
    } catch (DateTimeException e) {
      throw calendar.error("zone", "unknown time zone '" + zoneName + "'");
    }
    List<String> holidayFiles = List.copyOf(calendar.strings("holidayFiles"));
    if (!filesAllowed && !holidayFiles.isEmpty()) {
      throw calendar.error("holidayFiles", "a published version cannot name files (they are paths on the machine"
          + " that starts the job); state the year's days under calendar.days");
    }
    Map<Integer, Map<LocalDate, Boolean>> years = new TreeMap<>(WorkingDayCalendar.readYears(holidayFiles));
    Map<Integer, Map<LocalDate, Boolean>> stated = new TreeMap<>();
    for (ConfigNode n : calendar.list("days")) {
      LocalDate date;
      try {
        date = LocalDate.parse(n.string("date"));
      } catch (DateTimeException e) {
        throw n.error("date", "must be a date like 2027-01-01, got \"" + n.string("date") + "\"");
      }
      if (!n.has("isOffDay")) {
        throw n.error("isOffDay", "is required (true: a holiday; false: a make-up working day)");
      }
      boolean off = n.bool("isOffDay");
      n.string("name", "");
      n.finish();
      stated.computeIfAbsent(date.getYear(), y -> new TreeMap<>()).put(date, off);
    }
    // A year stated here replaces that year's file and the shipped one, as a year file does.
    years.putAll(stated);
    Map<Integer, Map<LocalDate, Boolean>> calendarYears = new TreeMap<>();
    years.forEach((y, d) -> calendarYears.put(y, Map.copyOf(d)));
    calendar.finish();

    ConfigNode params = root.child("parameters");
    int dedupRetentionDays = params.integer("dedupRetentionDays", 30, 1, 3650);
    ApprovalParameters approval = ApprovalParameters.from(params.child("approval"));
    PaymentParameters payment = PaymentParameters.from(params.child("payment"));
    ProcurementParameters procurement = ProcurementParameters.from(params.child("procurement"));
    DecisionParameters decision = DecisionParameters.from(params.child("decision"));
    IndexParameters index = IndexParameters.from(params.child("index"));
    params.finish();

    Map<String, ReferenceData.Item> items = new LinkedHashMap<>();
    for (ConfigNode n : root.list("items")) {
      ReferenceData.Item item = new ReferenceData.Item(n.string("code"), n.string("name", ""),
          n.integer("promisedWorkingDays", 0, 1, 3650), n.fen("feeFen", 0));
      if (!n.has("promisedWorkingDays")) {
        throw n.error("promisedWorkingDays", "is required");
      }
      n.finish();
      if (items.put(item.code(), item) != null) {
        throw n.error("code", "duplicate item '" + item.code() + "'");
      }
    }

    Map<String, ReferenceData.Unit> units = new LinkedHashMap<>();
    for (ConfigNode n : root.list("units")) {
      ReferenceData.Unit unit = new ReferenceData.Unit(n.string("id"), n.string("name", ""),
          n.optionalFen("largeFundsThresholdFen"), n.optionalFen("tenderThresholdFen"),
          Map.copyOf(n.longMap("categoryTenderThresholdsFen", 0, ConfigNode.MAX_FEN)),
          PaymentParameters.signingChain(n, "signingChain", null));
      n.finish();
      if (units.put(unit.id(), unit) != null) {
        throw n.error("id", "duplicate unit '" + unit.id() + "'");
      }
    }

    Map<String, ReferenceData.Person> people = new LinkedHashMap<>();
    for (ConfigNode n : root.list("people")) {
      ReferenceData.Person person = new ReferenceData.Person(n.string("id"), n.string("unitId"),
          n.string("name", ""), n.oneOf("role", ROLES, ""), n.optionalFen("authorityLimitFen"));
      n.finish();
      if (!units.isEmpty() && !units.containsKey(person.unitId())) {
        throw n.error("unitId", "unknown unit '" + person.unitId() + "'");
      }
      if (people.put(person.id(), person) != null) {
        throw n.error("id", "duplicate person '" + person.id() + "'");
      }
    }

    Map<String, Set<String>> related = new HashMap<>();
    for (ConfigNode n : root.list("relatedParties")) {
      String personId = n.string("personId");
      String partyId = n.string("partyId");
      n.string("relation", "");
      n.finish();
      related.computeIfAbsent(personId, k -> new HashSet<>()).add(partyId);
    }
    root.finish();

    Map<String, Set<String>> frozen = new HashMap<>();
    related.forEach((k, v) -> frozen.put(k, Set.copyOf(v)));
    return new ProbityConfig(zone, holidayFiles, Map.copyOf(calendarYears), dedupRetentionDays, approval, payment, procurement, decision, index,
        new ReferenceData(Map.copyOf(items), Map.copyOf(people), Map.copyOf(frozen), Map.copyOf(units)));
  }
}
