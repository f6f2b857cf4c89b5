package org.probity.jobs.versions;

import org.probity.jobs.config.ConfigException;
import org.probity.jobs.config.PaymentParameters;
import org.probity.jobs.config.ProbityConfig;
import org.probity.jobs.config.RulesFile;

import java.io.Serializable;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.probity.schema.RulesVersion;

/**
 * The versions of the rules, oldest first: version 1 is the rules file the job started with
 * (effective from the beginning of time), each later one a complete rules file published on the
 * rules topic ({@code probity.rules}) with the instant, in event time, from which it judges. The
 * version in force at instant {@code t} is the last whose {@code effectiveFrom} is at or before
 * {@code t}; versions and their instants only grow, so that is one version for every instant, the
 * same in a live run and in a replay with the same history.
 *
 * <p>A candidate that fails {@link #accept} is never applied: the job dead-letters it with the
 * message and keeps judging by the versions it has. Immutable; {@link #accept} returns a new history.
 */
public final class RulesHistory implements Serializable {
  private static final long serialVersionUID = 1L;

  /**
   * One version: its number, when it starts to judge, who published it and why, its rules as
   * published ({@code declared}) and as the job judges by them ({@code config}: the declared rules
   * with the fields that shape the dataflow taken from the job's rules file, {@link #withStructureOf}).
   */
  public record Version(int version, long effectiveFrom, String author, String comment, long publishedAt,
      String rules, ProbityConfig config, ProbityConfig declared) implements Serializable {}

  private final List<Version> versions;
  /** The job's rules file, whose dataflow-shaping fields every version takes; null: the versions' own. */
  private final ProbityConfig structure;

  private RulesHistory(List<Version> versions, ProbityConfig structure) {
    this.versions = List.copyOf(versions);
    this.structure = structure;
  }

  /** The history of a job started with {@code config} (read from {@code rulesText}), before any publication. */
  public static RulesHistory startingWith(ProbityConfig config, String rulesText) {
    return new RulesHistory(List.of(new Version(1, Long.MIN_VALUE, "", "the rules file the job started with",
        Long.MIN_VALUE, rulesText, config, config)), null);
  }

  /** A history as built from published versions, and the versions refused on the way (with why). */
  public record Built(RulesHistory history, List<Refused> refused) {}

  public record Refused(RulesVersion version, String reason) {}

  /**
   * The history of {@code published} (the rules topic, or a history file), in version order:
   * version 1 is the published one if there is one, else the start's rules file ({@code
   * startConfig}, read from {@code startText}); each later version is {@link #accept}ed or refused.
   * A repeated version (a topic read twice) counts once.
   */
  public static Built of(List<RulesVersion> published, ProbityConfig startConfig, String startText) {
    List<RulesVersion> sorted = new ArrayList<>(published);
    sorted.sort(java.util.Comparator.comparingInt(RulesVersion::getVersion));
    List<Refused> refused = new ArrayList<>();
    RulesHistory history = startingWith(startConfig, startText);
    for (RulesVersion v : sorted) {
      if (v.getVersion() == 1) {
        try {
          history = startingWith(RulesFile.parse(v.getRules(), "rules version 1"), v.getRules());
        } catch (ConfigException e) {
          refused.add(new Refused(v, e.getMessage()));
        }
        continue;
      }
      if (history.has(v)) {
        continue;
      }
      try {
        history = history.accept(v);
      } catch (ConfigException e) {
        refused.add(new Refused(v, e.getMessage()));
      }
    }
    return new Built(history, refused);
  }

  /**
   * This history as a job started with {@code start} runs it: every version takes the fields that
   * shape the dataflow ({@link #restartOnly}) from the rules file the job was started with, so a
   * restart with a changed engine or retention applies it to the whole history, and a version
   * published while the job runs must keep them.
   */
  public RulesHistory withStructureOf(ProbityConfig start) {
    return new RulesHistory(versions.stream().map(v -> new Version(v.version(), v.effectiveFrom(), v.author(),
        v.comment(), v.publishedAt(), v.rules(), v.declared().withStructureOf(start), v.declared())).toList(), start);
  }

  /** Version 1 as a record of the topic, for a job that finds the topic empty. */
  public RulesVersion firstAsRecord() {
    Version v = first();
    return RulesVersion.newBuilder().setVersion(1).setAuthor("probity run").setComment(v.comment())
        .setEffectiveFrom(Instant.EPOCH).setPublishedAt(Instant.now()).setRules(v.rules()).build();
  }

  public List<Version> versions() {
    return versions;
  }

  public Version first() {
    return versions.get(0);
  }

  public Version latest() {
    return versions.get(versions.size() - 1);
  }

  /** The version that judges instant {@code t}. */
  public Version inForceAt(long t) {
    for (int i = versions.size() - 1; i > 0; i--) {
      if (versions.get(i).effectiveFrom() <= t) {
        return versions.get(i);
      }
    }
    return versions.get(0);
  }

  /**
   * Whether {@code candidate} is a version already in this history (the topic re-read after a
   * restart, or version 1 as the job published it): the same number with the same rules.
   */
  public boolean has(RulesVersion candidate) {
    return versions.stream().anyMatch(v -> v.version() == candidate.getVersion() && v.rules().equals(candidate.getRules()));
  }

  /**
   * This history with {@code candidate} appended, or a {@link ConfigException} whose one line says
   * why it cannot be applied: not a complete valid rules file, not the next version, effective
   * before the latest version, or a change from the latest version to a field that shapes the
   * job's dataflow ({@link #restartOnly}), which a running job cannot take. The job, the CLI and
   * the console check a version alike.
   */
  public RulesHistory accept(RulesVersion candidate) {
    ProbityConfig declared = parse(candidate);
    String change = restartOnly(latest().declared(), declared);
    if (change != null) {
      throw new ConfigException("rules version " + candidate.getVersion() + ": " + change);
    }
    List<Version> more = new ArrayList<>(versions);
    more.add(new Version(candidate.getVersion(), candidate.getEffectiveFrom().toEpochMilli(), candidate.getAuthor(),
        candidate.getComment(), candidate.getPublishedAt().toEpochMilli(), candidate.getRules(),
        structure == null ? declared : declared.withStructureOf(structure), declared));
    return new RulesHistory(more, structure);
  }

  /**
   * This history with {@code candidate}, for an operator behind the job's {@link RulesGate} (which
   * dead-letters what it refuses): this same history when the candidate is known already or, told
   * to {@code refused}, cannot be applied.
   */
  public RulesHistory taking(RulesVersion candidate, java.util.function.Consumer<String> refused) {
    if (has(candidate)) {
      return this;
    }
    try {
      return accept(candidate);
    } catch (ConfigException e) {
      refused.accept(e.getMessage());
      return this;
    }
  }

  private ProbityConfig parse(RulesVersion candidate) {
    String name = "rules version " + candidate.getVersion();
    if (candidate.getVersion() <= latest().version()) {
      throw new ConfigException(name + ": version must be above " + latest().version() + ", the latest in force");
    }
    if (candidate.getEffectiveFrom().toEpochMilli() < latest().effectiveFrom()) {
      throw new ConfigException(name + ": effectiveFrom " + candidate.getEffectiveFrom() + " is before version "
          + latest().version() + "'s (" + Instant.ofEpochMilli(latest().effectiveFrom()) + "); versions take effect in order");
    }
    return RulesFile.parseVersion(candidate.getRules(), name);
  }

  /**
   * The first field {@code next} changes that a running job cannot take, as "field: why", or null.
   * These shape the dataflow at start: the engine of 三审三签 (which operators run) and its window
   * (the CEP pattern's); the de-duplication, 三重一大 join and alert retention (the ages their state
   * is kept to); the fiscal year's first month (a key of split purchases); the time zone (every
   * clock of the running job); and the integrity index's parameters (scores already published).
   * Everything else — every other parameter, the item catalogue, people and authority limits,
   * related parties, unit thresholds and signing chains, the calendar's days — changes at runtime.
   */
  public static String restartOnly(ProbityConfig start, ProbityConfig next) {
    String why = " changes only with a restart (";
    if (!start.zone().equals(next.zone())) {
      return "calendar.zone:" + why + "every working-day clock of the running job counts in " + start.zone() + ")";
    }
    if (start.dedupRetentionDays() != next.dedupRetentionDays()) {
      return "parameters.dedupRetentionDays:" + why + "the subjects' seen eventIds are kept to the start's "
          + start.dedupRetentionDays() + " days)";
    }
    PaymentParameters a = start.payment();
    PaymentParameters b = next.payment();
    if (a.signatureChainEngine() != b.signatureChainEngine()) {
      return "parameters.payment.signatureChainEngine:" + why + "it chooses the operators)";
    }
    if (a.signatureWindowDays() != b.signatureWindowDays()) {
      return "parameters.payment.signatureWindowDays:" + why + "it is the CEP pattern's window)";
    }
    if (a.decisionRetentionDays() != b.decisionRetentionDays()) {
      return "parameters.payment.decisionRetentionDays:" + why + "the 三重一大 join keeps decisions to the start's "
          + a.decisionRetentionDays() + " days)";
    }
    if (start.procurement().fiscalYearStartMonth() != next.procurement().fiscalYearStartMonth()) {
      return "parameters.procurement.fiscalYearStartMonth:" + why + "it keys the category-year split purchases)";
    }
    if (!start.index().equals(next.index())) {
      return "parameters.index:" + why + "the integrity index's scores and retention are computed as at start)";
    }
    return null;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof RulesHistory h && h.versions.equals(versions) && Objects.equals(h.structure, structure);
  }

  @Override
  public int hashCode() {
    return Objects.hash(versions, structure);
  }
}
