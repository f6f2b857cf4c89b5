package org.probity.jobs.rules.approval;

import java.util.Set;
import org.probity.jobs.alert.RuleId;
import org.probity.jobs.calendar.WorkingDayCalendar;
import org.probity.jobs.config.ProbityConfig;
import org.probity.jobs.rules.Rule;
import org.probity.jobs.rules.Subjects;

/**
 * 行政审批电子监察: APPROVAL_OVERDUE ({@link OverdueLadder}), APPROVAL_PROCEDURE
 * ({@link ProcedureCheck}), APPROVAL_FEE ({@link FeeCheck}) and APPROVAL_SUSPENSION_ABUSE
 * ({@link SuspensionAbuseCheck}) of contract.md, each its own small class, run by one keyed
 * rule of the case's stage ({@link ApprovalCaseFunction}) rather than four:
 *
 * <ul>
 *   <li>each event of a case is buffered for event-time order once, not four times, and the
 *       case's state is one value: one read and one write per event;
 *   <li>the case has one life — it ends (decided and completed, or withdrawn) or expires in one
 *       place, so no rule can keep a case's state or timers alive after it;
 *   <li>the time-limit ladder and the suspension rule read the same clock ({@link CaseClock}),
 *       so they can never disagree on what a suspension counted.
 * </ul>
 *
 * The working-day calendar is loaded here, at job build, so a bad holiday file fails the start.
 */
public final class ApprovalCaseRule implements Rule {
  @Override
  public Set<RuleId> ids() {
    return Set.of(RuleId.APPROVAL_OVERDUE, RuleId.APPROVAL_PROCEDURE, RuleId.APPROVAL_FEE,
        RuleId.APPROVAL_SUSPENSION_ABUSE);
  }

  @Override
  public void addTo(Subjects subjects, ProbityConfig config) {
    subjects.cases().rule(new ApprovalCaseFunction(config, WorkingDayCalendar.of(config)));
  }
}
