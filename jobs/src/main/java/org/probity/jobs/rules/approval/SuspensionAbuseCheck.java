package org.probity.jobs.rules.approval;

import java.io.Serializable;
import java.time.Instant;
import org.apache.flink.util.Collector;
import org.probity.jobs.alert.Alerts;
import org.probity.jobs.alert.RuleId;
import org.probity.jobs.config.ApprovalParameters;
import org.probity.schema.Alert;
import org.probity.schema.ApprovalAction;
import org.probity.schema.ApprovalEvent;
import org.probity.schema.Severity;
import org.probity.schema.SubjectType;

/**
 * APPROVAL_SUSPENSION_ABUSE (suspensions used to stop the clock), each reason once per case:
 *
 * <ul>
 *   <li>{@code TOO_MANY}: more than [maxSuspensions] SUSPENDED events; raised at the one that
 *       crosses the limit (a SUSPENDED while already suspended still counts: it was recorded).
 *   <li>{@code TOO_LONG}: more than [maxSuspendedWorkingDays] working days suspended in total,
 *       each suspension counted as the clock counts it (S &lt; d ≤ R). Raised at 00:00 of the
 *       first working day past the limit by an event-time timer, while the case is still
 *       suspended — no need to wait for RESUMED. A RESUMED on that very day counts the day (d ≤ R),
 *       so a resume at exactly 00:00 still raises it, dated 00:00.
 * </ul>
 *
 * The suspension count is the case's, not the period's: a supplement restart does not reset it,
 * and a decision does not close a suspension left open (the case ends only when also completed).
 * Severity YELLOW, status RAISED: a pattern for the monitoring centre to look at, not a
 * violation of a single step. Evidence: the SUSPENDED and RESUMED events so far; persons: who
 * suspended.
 */
public final class SuspensionAbuseCheck implements Serializable {
  private static final long serialVersionUID = 1L;
  public static final int VERSION = 1;
  public static final String TOO_MANY = RuleId.APPROVAL_SUSPENSION_ABUSE.reason("TOO_MANY");
  public static final String TOO_LONG = RuleId.APPROVAL_SUSPENSION_ABUSE.reason("TOO_LONG");
  public static final Severity SEVERITY = Severity.YELLOW;

  private final CaseClock clock;
  private final ApprovalParameters parameters;

  SuspensionAbuseCheck(CaseClock clock, ApprovalParameters parameters) {
    this.clock = clock;
    this.parameters = parameters;
  }

  /** When TOO_LONG becomes true if the open suspension lasts, or {@link CaseState#NO_TIME}. */
  long dueAt(CaseState s) {
    if (s.suspendedSinceDay == CaseState.NO_DAY || s.hasRaised(CaseState.RAISED_TOO_LONG)) {
      return CaseState.NO_TIME;
    }
    int left = Math.max(1, parameters.maxSuspendedWorkingDays() + 1 - s.suspendedWorkingDays);
    var calendar = clock.calendar();
    return calendar.startOf(calendar.nthWorkingDayAfter(s.suspendedSinceDay, left));
  }

  /**
   * After {@code e} was applied to the clock; {@code dueBefore} is {@link #dueAt} as it was before
   * {@code e}, for a RESUMED at the very instant the limit was crossed.
   */
  void onEvent(String caseId, CaseState s, ApprovalEvent e, long dueBefore, long t, Collector<Alert> out) {
    if (e.getAction() == ApprovalAction.SUSPENDED && s.suspensions > parameters.maxSuspensions()
        && s.raiseOnce(CaseState.RAISED_TOO_MANY)) {
      out.collect(alert(TOO_MANY, caseId, s, t,
          "办件" + caseId + "已暂停计时" + s.suspensions + "次，超过" + parameters.maxSuspensions() + "次上限"));
    } else if (e.getAction() == ApprovalAction.RESUMED && dueBefore != CaseState.NO_TIME && dueBefore <= t) {
      raiseTooLong(caseId, s, dueBefore, out);
    }
  }

  /** Raises TOO_LONG if it came due at or before {@code upTo}; true if raised. */
  boolean fireDue(String caseId, CaseState s, long upTo, Collector<Alert> out) {
    return fireDue(caseId, s, upTo, Long.MIN_VALUE, out);
  }

  /** As above, dated no earlier than {@code notBefore} (when the rules that place it took effect). */
  boolean fireDue(String caseId, CaseState s, long upTo, long notBefore, Collector<Alert> out) {
    long due = dueAt(s);
    return due != CaseState.NO_TIME && due <= upTo && raiseTooLong(caseId, s, Math.max(due, notBefore), out);
  }

  private boolean raiseTooLong(String caseId, CaseState s, long at, Collector<Alert> out) {
    if (!s.raiseOnce(CaseState.RAISED_TOO_LONG)) {
      return false;
    }
    out.collect(alert(TOO_LONG, caseId, s, at,
        "办件" + caseId + "累计暂停计时超过" + parameters.maxSuspendedWorkingDays() + "个工作日"));
    return true;
  }

  private static Alert alert(String reason, String caseId, CaseState s, long at, String message) {
    return Alerts.of(RuleId.APPROVAL_SUSPENSION_ABUSE, VERSION, reason)
        .severity(SEVERITY)
        .unit(s.unitId)
        .subject(SubjectType.CASE, caseId)
        .persons(s.suspendedBy)
        .eventTime(Instant.ofEpochMilli(at))
        .evidence(s.suspensionEvidence)
        .message(message)
        .build();
  }
}
