package org.probity.jobs.config;

import java.io.Serializable;

/**
 * Parameters of the APPROVAL_* rules (contract defaults in brackets there, here in {@link #DEFAULTS}).
 *
 * @param statutoryWorkingDays limit for an item the catalogue does not know (行政许可法 第四十二条: 20)
 * @param noticeWorkingDays NOTICE at the start of the last N working days before the deadline
 * @param redAfterWorkingDays RED at the end of the N-th working day after the deadline
 * @param maxSuspensions TOO_MANY when a case is suspended more often than this
 * @param maxSuspendedWorkingDays TOO_LONG past this many working days suspended in total
 * @param caseRetentionDays state of a case that never ends is dropped this long after its last event
 */
public record ApprovalParameters(
    int statutoryWorkingDays,
    int noticeWorkingDays,
    int redAfterWorkingDays,
    int maxSuspensions,
    int maxSuspendedWorkingDays,
    int caseRetentionDays)
    implements Serializable {

  public static final ApprovalParameters DEFAULTS = new ApprovalParameters(20, 1, 5, 2, 20, 400);

  static ApprovalParameters from(ConfigNode n) {
    ApprovalParameters d = DEFAULTS;
    ApprovalParameters p = new ApprovalParameters(
        n.integer("statutoryWorkingDays", d.statutoryWorkingDays, 1, 3650),
        n.integer("noticeWorkingDays", d.noticeWorkingDays, 0, 365),
        n.integer("redAfterWorkingDays", d.redAfterWorkingDays, 1, 365),
        n.integer("maxSuspensions", d.maxSuspensions, 0, 1000),
        n.integer("maxSuspendedWorkingDays", d.maxSuspendedWorkingDays, 1, 3650),
        n.integer("caseRetentionDays", d.caseRetentionDays, 1, 36500));
    n.finish();
    return p;
  }
}
