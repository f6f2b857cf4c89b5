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
 * survive upgrades) and a readable {@code name}. Serializable: a stage builds its rules again
 * from each version of the rules published while the job runs.
 */
public interface Rule extends java.io.Serializable {
  /** The contract's rule ids whose alerts this class raises. */
  Set<RuleId> ids();

  /** A line for the job's start, where the rule's way of running depends on the job (its engine); null if none. */
  default String describe(ProbityConfig config, boolean stateInRocksDb) {
    return null;
  }

  /** Adds this rule to the subjects' stages. */
  void addTo(Subjects subjects, ProbityConfig config);
}
