package org.probity.jobs.rules;

import java.util.EnumMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.probity.jobs.alert.RuleId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How a rule reports a gap in the rules file's reference data: an event names a person or unit the
 * file does not know, or a fact the file leaves out (a signer without an authority limit). The rule
 * skips only the judgement that needs the missing fact, never the event.
 *
 * <p>Each gap is counted in the operator's metric {@code referenceGap<Kind>} (registered at open,
 * so a healthy operator shows 0) and logged at WARN once per kind and id in each subtask, naming the
 * rule, the id and where it was seen: the metric says that something is missing, the log line says
 * what to add to the rules file. A restart logs each id once more, which is the point of a log.
 */
public final class ReferenceGaps {
  private static final Logger LOG = LoggerFactory.getLogger(ReferenceGaps.class);
  private static final String RULES_FILE = "Add it to the rules file.";
  /** Ids remembered for the once-per-id log line; past this the gaps are still counted, no longer logged. */
  static final int MAX_LOGGED_IDS = 10_000;

  /** What is missing, with its metric name and what the rule does without it. */
  public enum Gap {
    UNKNOWN_PERSON("referenceGapUnknownPerson", "person %s is not in the rules file's people", RULES_FILE),
    NO_AUTHORITY_LIMIT("referenceGapNoAuthorityLimit", "person %s has no authorityLimitFen in the rules file",
        RULES_FILE),
    UNKNOWN_UNIT("referenceGapUnknownUnit", "unit %s is not in the rules file's units", RULES_FILE),
    /** A fact of the voucher's own events (amount, payee) that none of them carried: the fix is upstream. */
    VOUCHER_FACTS("referenceGapVoucherFacts", "voucher %s lacks a fact its own events (SUBMITTED, PAID) never "
        + "carried", "The voucher's SUBMITTED is missing upstream or came later.");

    private final String metric;
    private final String description;
    private final String remedy;

    Gap(String metric, String description, String remedy) {
      this.metric = metric;
      this.description = description;
      this.remedy = remedy;
    }

    public String metric() {
      return metric;
    }
  }

  private final RuleId rule;
  private final String consequence;
  private final Map<Gap, Counter> counters = new EnumMap<>(Gap.class);
  private final Set<String> logged = new HashSet<>();

  /**
   * @param operatorMetrics the operator's metric group ({@code getRuntimeContext().getMetricGroup()})
   * @param consequence what the rule does without the fact, for the log line ("skips the limit check")
   * @param kinds the gaps this rule can meet; each gets its counter now
   */
  public ReferenceGaps(MetricGroup operatorMetrics, RuleId rule, String consequence, Gap... kinds) {
    this.rule = rule;
    this.consequence = consequence;
    for (Gap kind : kinds) {
      counters.put(kind, operatorMetrics.counter(kind.metric));
    }
  }

  /** Counts one event that met the gap {@code kind} for {@code id}; logs it the first time. */
  public void report(Gap kind, String id, String seenIn) {
    Counter counter = counters.get(kind);
    if (counter == null) {
      throw new IllegalArgumentException(rule + " did not declare the gap " + kind);
    }
    counter.inc();
    String key = kind.name() + '|' + id;
    if (logged.size() < MAX_LOGGED_IDS && logged.add(key)) {
      LOG.warn("reference data gap: {} ({}); {} {}. {} Further events are counted in the metric {}, not logged.",
          String.format(kind.description, id), seenIn, rule, consequence, kind.remedy, kind.metric);
    }
  }
}
