package org.probity.console.rules;

import java.time.Instant;
import java.util.List;
import org.probity.jobs.config.ConfigException;
import org.probity.jobs.config.ProbityConfig;
import org.probity.jobs.versions.RulesDiff;
import org.probity.jobs.versions.RulesHistory;
import org.probity.schema.RulesVersion;

/**
 * A rules file a rule owner is writing, judged exactly as the job will judge it when it arrives on
 * the topic: as the next version after the latest ({@link RulesHistory#accept}), so whatever the
 * editor passes the job takes, and whatever it refuses the job would dead-letter.
 */
public final class RulesDraft {
  private RulesDraft() {}

  /**
   * The outcome: either {@code error} (one line naming the field) or the draft as a version,
   * its rules parsed, and what it changes from the latest version.
   */
  public record Verdict(RulesVersion version, String error, ProbityConfig config, int comparedWith,
      List<RulesDiff.Change> changes) {
    public boolean accepted() {
      return error == null;
    }
  }

  /** The draft {@code rules} as version latest+1 by {@code author}, effective from {@code effectiveFrom}. */
  public static Verdict check(PublishedRules.Snapshot topic, String rules, String author, String comment,
      Instant effectiveFrom, Instant now) {
    RulesVersion candidate = RulesVersion.newBuilder().setVersion(topic.nextVersion()).setAuthor(author)
        .setComment(comment).setEffectiveFrom(effectiveFrom).setPublishedAt(now).setRules(rules).build();
    RulesHistory.Version latest = topic.history().latest();
    if (topic.empty()) {
      return new Verdict(candidate, "probity.rules: no version is published yet (the job publishes version 1,"
          + " its rules file, when it starts); there is nothing to follow", null, latest.version(), List.of());
    }
    try {
      ProbityConfig config = topic.history().accept(candidate).latest().config();
      return new Verdict(candidate, null, config, latest.version(), RulesDiff.between(latest.config(), config));
    } catch (ConfigException e) {
      return new Verdict(candidate, e.getMessage(), null, latest.version(), List.of());
    }
  }
}
