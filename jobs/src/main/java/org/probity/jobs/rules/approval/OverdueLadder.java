package org.probity.jobs.rules.approval;

import java.io.Serializable;
import java.time.Instant;
import org.apache.flink.util.Collector;
import org.probity.jobs.alert.Alerts;
import org.probity.jobs.alert.RuleId;
import org.probity.jobs.calendar.WorkingDayCalendar;
import org.probity.jobs.config.ApprovalParameters;
import org.probity.jobs.config.ReferenceData;
import org.probity.schema.Alert;
import org.probity.schema.AlertStatus;
import org.probity.schema.ApprovalAction;
import org.probity.schema.ApprovalEvent;
import org.probity.schema.Severity;
import org.probity.schema.SubjectType;

/**
 * APPROVAL_OVERDUE / OVERDUE (超过规定时限, seeds 003 and 004): the ladder of one case, one alertId
 * per case, each step its own record, dated the instant it became true.
 *
 * <ul>
 *   <li>NOTICE (RAISED, severity NOTICE) at 00:00 of the first of the last [noticeWorkingDays]
 *       working days before the deadline;
 *   <li>YELLOW (ESCALATED) at the deadline, 24:00 of the last working day, if undecided;
 *   <li>RED (ESCALATED) at 24:00 of the [redAfterWorkingDays]-th working day after the deadline;
 *   <li>RESOLVED (with the severity reached) when the case is decided or withdrawn after a step
 *       was raised — NOTICE included, so the case system can close every alert it opened.
 * </ul>
 *
 * The deadline comes from {@link CaseClock}; nothing is due while the clock does not run
 * (suspended, waiting for a supplement). Steps only go up and each is raised at most once: when
 * the deadline moves later (extension, suspension, restart after a supplement), a step already
 * raised stands — the reminder was given, the card was shown — and the steps not yet raised are
 * rescheduled on the new deadline. A step whose instant has already passed when the deadline is
 * (re)set becomes true at that moment ({@link CaseState#clockChangedAt}). Events at an instant
 * come before the steps due at it, so a decision exactly at 24:00 of the last day is in time.
 * Only a decision or a withdrawal stops the ladder: a case COMPLETED without a decision is, to the
 * letter of the contract, still undecided, so its ladder runs on (APPROVAL_PROCEDURE reports the
 * completion itself).
 */
public final class OverdueLadder implements Serializable {
  private static final long serialVersionUID = 1L;
  public static final int VERSION = 1;
  public static final String OVERDUE = RuleId.APPROVAL_OVERDUE.reason("OVERDUE");
  static final int NONE = 0;
  static final int NOTICE = 1;
  static final int YELLOW = 2;
  static final int RED = 3;
  static final int RESOLVED = 4;

  private final CaseClock clock;
  private final ApprovalParameters parameters;
  private final ReferenceData reference;

  OverdueLadder(CaseClock clock, ApprovalParameters parameters, ReferenceData reference) {
    this.clock = clock;
    this.parameters = parameters;
    this.reference = reference;
  }

  /** The step after {@code ladder}, skipping NOTICE when no notice is configured. */
  private int nextStep(int ladder) {
    return ladder == NONE && parameters.noticeWorkingDays() == 0 ? YELLOW : ladder + 1;
  }

  /** When the next step is due on the current deadline, or {@link CaseState#NO_TIME}. */
  long nextDue(CaseState s) {
    if (!clock.running(s) || s.ladder >= RED) {
      return CaseState.NO_TIME;
    }
    return dueAt(nextStep(s.ladder), clock.deadlineDay(s));
  }

  private long dueAt(int step, int deadline) {
    var calendar = clock.calendar();
    if (deadline == WorkingDayCalendar.BEYOND) {
      return CaseState.NO_TIME;
    }
    return switch (step) {
      case NOTICE -> calendar.startOf(
          calendar.workingDayAt(calendar.ordinal(deadline) - parameters.noticeWorkingDays() + 1));
      case YELLOW -> calendar.startOf(deadline + 1);
      case RED -> {
        int redDay = calendar.nthWorkingDayAfter(deadline, parameters.redAfterWorkingDays());
        yield redDay == WorkingDayCalendar.BEYOND ? CaseState.NO_TIME : calendar.startOf(redDay + 1);
      }
      default -> throw new IllegalArgumentException("no ladder step " + step);
    };
  }

  /** Raises every step due at or before {@code upTo}; true if one was raised. */
  boolean fireDue(String caseId, CaseState s, long upTo, Collector<Alert> out) {
    return fireDue(caseId, s, upTo, Long.MIN_VALUE, out);
  }

  /** As above, each step dated no earlier than {@code notBefore} (when the rules that place it took effect). */
  boolean fireDue(String caseId, CaseState s, long upTo, long notBefore, Collector<Alert> out) {
    boolean fired = false;
    for (long due = nextDue(s); due != CaseState.NO_TIME && due <= upTo; due = nextDue(s)) {
      int deadline = clock.deadlineDay(s);
      s.ladder = nextStep(s.ladder);
      out.collect(step(caseId, s, s.ladder, Math.max(Math.max(due, s.clockChangedAt), notBefore), deadline));
      fired = true;
    }
    return fired;
  }

  /** A decision or a withdrawal: RESOLVED when a step was raised. */
  void onDecidedOrWithdrawn(String caseId, CaseState s, ApprovalEvent e, long t, Collector<Alert> out) {
    if (s.ladder < NOTICE || s.ladder > RED) {
      return;
    }
    Severity reached = severity(s.ladder);
    s.ladder = RESOLVED;
    out.collect(base(caseId, s, reached, AlertStatus.RESOLVED, t)
        .evidence(e.getEventId())
        .message(CaseText.caseAndItem(caseId, s.itemCode, reference) + "已"
            + (e.getAction() == ApprovalAction.WITHDRAWN ? "撤回" : "作出" + CaseText.action(e.getAction()) + "决定")
            + "，超时预警解除")
        .build());
  }

  private Alert step(String caseId, CaseState s, int step, long at, int deadline) {
    String subject = CaseText.caseAndItem(caseId, s.itemCode, reference);
    String message = switch (step) {
      case NOTICE -> subject + "办理时限" + clock.limit(s) + "个工作日，将于" + CaseText.endOf(deadline)
          + "到期，尚未作出决定，请抓紧办理";
      case YELLOW -> subject + "已超过办理时限（" + CaseText.endOf(deadline) + "到期）仍未作出决定，黄牌警告";
      default -> subject + "超过办理时限" + parameters.redAfterWorkingDays() + "个工作日（" + CaseText.endOf(deadline)
          + "到期）仍未作出决定，红牌督办";
    };
    if (!s.itemInCatalogue) {
      message += "（事项编码" + s.itemCode + "不在事项目录中，按法定" + s.promisedWorkingDays + "个工作日计）";
    }
    return base(caseId, s, severity(step), step == NOTICE ? AlertStatus.RAISED : AlertStatus.ESCALATED, at)
        .message(message)
        .build();
  }

  private Alerts.Builder base(String caseId, CaseState s, Severity severity, AlertStatus status, long at) {
    return Alerts.of(RuleId.APPROVAL_OVERDUE, VERSION, OVERDUE)
        .severity(severity)
        .status(status)
        .unit(s.unitId)
        .subject(SubjectType.CASE, caseId)
        .person(s.receivedBy)
        .eventTime(Instant.ofEpochMilli(at))
        .evidence(s.clockEvidence);
  }

  static Severity severity(int step) {
    return switch (step) {
      case NOTICE -> Severity.NOTICE;
      case YELLOW -> Severity.YELLOW;
      case RED -> Severity.RED;
      default -> throw new IllegalArgumentException("no ladder step " + step);
    };
  }
}
