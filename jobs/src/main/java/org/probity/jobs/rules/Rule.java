package org.probity.jobs.rules;

import java.util.Set;
import org.probity.jobs.alert.RuleId;
import org.probity.jobs.config.ProbityConfig;

/**
 * One rule class of the contract: it names the rule ids it raises (its identity, read by the bench,
 * the tests and the console's labels) and adds its judgement to the stage of the subject it judges
 * ({@link Subjects}): a {@link SubjectRule} in the stage of cases, vouchers, procurements or
 * meetings, and where it needs another key, a feed from that stage into a stage of its own.
 * Implementations give every stateful operator they build a stable {@code uid} (so savepoints
 * survive upgrades) and a readable {@code name}.
 */
public interface Rule {
  /** The contract's rule ids whose alerts this class raises. */
  Set<RuleId> ids();

  /** Adds this rule to the subjects' stages. */
  void addTo(Subjects subjects, ProbityConfig config);
}
