package org.probity.jobs.rules.payment;

import java.util.HashSet;
import java.util.Set;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.probity.jobs.alert.RuleId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A payment rule meets a voucher whose own events never carried a fact it needs (a SIGNED voucher
 * never SUBMITTED, so no amount or payee): the rule skips that judgement, never the event. Reported
 * as {@link org.probity.jobs.rules.ReferenceGaps} reports the rules file's gaps: counted in the
 * operator's metric {@code referenceGapVoucherFacts} (registered at open, so a healthy operator shows
 * 0) and logged at WARN once per voucher in each subtask (up to {@link #MAX_LOGGED_IDS} vouchers).
 * Unlike a rules-file gap, the fix is upstream: the voucher's SUBMITTED is missing or came later.
 */
final class VoucherFactGaps {
  private static final Logger LOG = LoggerFactory.getLogger(VoucherFactGaps.class);
  static final String METRIC = "referenceGapVoucherFacts";
  static final int MAX_LOGGED_IDS = 10_000;

  private final RuleId rule;
  private final String consequence;
  private final Counter counter;
  private final Set<String> logged = new HashSet<>();

  /** @param consequence what the rule does without the fact, for the log line */
  VoucherFactGaps(MetricGroup operatorMetrics, RuleId rule, String consequence) {
    this.rule = rule;
    this.consequence = consequence;
    this.counter = operatorMetrics.counter(METRIC);
  }

  /** Counts one event of voucher {@code voucherId} without the voucher's {@code field}; logs the voucher once. */
  void report(String voucherId, String field, String seenIn) {
    counter.inc();
    if (logged.size() < MAX_LOGGED_IDS && logged.add(voucherId)) {
      LOG.warn("voucher facts gap: voucher {} has no {} on its own events (SUBMITTED, PAID) by its {}; {} {}. "
          + "Further events are counted in the metric {}, not logged.", voucherId, field, seenIn, rule, consequence,
          METRIC);
    }
  }
}
