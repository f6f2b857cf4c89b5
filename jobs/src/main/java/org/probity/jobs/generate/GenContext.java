package org.probity.jobs.generate;

import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Consumer;
import org.apache.avro.specific.SpecificRecordBase;
import org.probity.jobs.config.ProbityConfig;
import org.probity.jobs.config.ReferenceData;
import org.probity.jobs.config.ConfigException;
import org.probity.schema.Alert;

/**
 * What a traffic planter sees: the seeded randomness, the rules file, the unit's people by role,
 * fresh ids, and the two outputs — events (scheduled at their event time) and the alerts the
 * planted violations must raise (ground truth).
 */
public final class GenContext {
  private final Random random;
  private final ProbityConfig config;
  private final Map<String, Map<String, List<String>>> peopleByUnitAndRole;
  private final Consumer<SpecificRecordBase> schedule;
  private final Consumer<Alert> expect;
  private final Map<String, Long> counters = new java.util.HashMap<>();
  private final GeneratorSettings settings;
  private final Map<String, Double> violationRates;

  GenContext(Random random, ProbityConfig config, GeneratorSettings settings, Consumer<SpecificRecordBase> schedule,
      Consumer<Alert> expect) {
    this.random = random;
    this.settings = settings;
    this.config = config;
    this.schedule = schedule;
    this.expect = expect;
    this.violationRates = settings.violationRates(config.reference().units().keySet());
    this.peopleByUnitAndRole = new java.util.HashMap<>();
    for (ReferenceData.Person p : config.reference().people().values()) {
      peopleByUnitAndRole.computeIfAbsent(p.unitId(), k -> new java.util.TreeMap<>())
          .computeIfAbsent(p.role(), k -> new ArrayList<>()).add(p.id());
    }
    peopleByUnitAndRole.values().forEach(m -> m.values().forEach(l -> l.sort(null)));
  }

  /** Subjects to start per unit, working day and stream. */
  public int scale() {
    return settings.scale();
  }

  /** Whether the next subject of {@code unitId} carries a planted violation (drawn at the unit's rate). */
  public boolean plantViolation(String unitId) {
    Double rate = violationRates.get(unitId);
    if (rate == null) {
      throw new IllegalArgumentException("generate: no unit " + unitId + " in the rules file");
    }
    return random.nextDouble() < rate;
  }

  public Random random() {
    return random;
  }

  public ProbityConfig config() {
    return config;
  }

  public ZoneId zone() {
    return config.zone();
  }

  /** The people of {@code unitId} with {@code role}, sorted by id; fails with a clear message when none. */
  public List<String> people(String unitId, String role) {
    List<String> ids = peopleByUnitAndRole.getOrDefault(unitId, Map.of()).get(role);
    if (ids == null || ids.isEmpty()) {
      throw new ConfigException("generate: the rules file has no person with role " + role + " in unit " + unitId);
    }
    return ids;
  }

  public String person(String unitId, String role) {
    return people(unitId, role).get(0);
  }

  public String pick(List<String> options) {
    return options.get(random.nextInt(options.size()));
  }

  /** A fresh id {@code PREFIX-000001}, unique within the run. */
  public String nextId(String prefix) {
    long n = counters.merge(prefix, 1L, Long::sum);
    return String.format("%s-%06d", prefix, n);
  }

  public Instant at(LocalDate day, int hour, int minute) {
    return day.atTime(LocalTime.of(hour, minute)).atZone(config.zone()).toInstant();
  }

  /** Schedules an event; it is emitted in event-time order (give or take the configured disorder). */
  public void emit(SpecificRecordBase event) {
    schedule.accept(event);
  }

  /** Records an alert the pipeline must raise for what was just planted. */
  public void expect(Alert alert) {
    expect.accept(alert);
  }
}
