package org.probity.jobs.generate;

import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import org.probity.jobs.alert.Alerts;
import org.probity.jobs.alert.RuleId;
import org.probity.jobs.calendar.WorkingDayCalendar;
import org.probity.jobs.config.ApprovalParameters;
import org.probity.jobs.rules.approval.FeeCheck;
import org.probity.jobs.rules.approval.OverdueLadder;
import org.probity.jobs.rules.approval.ProcedureCheck;
import org.probity.jobs.rules.approval.SuspensionAbuseCheck;
import org.probity.schema.AlertStatus;
import org.probity.schema.ApprovalAction;
import org.probity.schema.ApprovalEvent;
import org.probity.schema.Severity;
import org.probity.schema.SubjectType;

/**
 * One planted approval case: its events, emitted as they are added, and the ground-truth alert
 * records its scenario must raise, written from contract.md's definitions. The ladder's
 * instants are computed from the deadline the scenario constructed; {@link #expectLadder} refuses
 * a scenario whose clock changes after its first step (that would need the rule's own
 * incremental logic, which the ground truth must not borrow).
 */
final class ApprovalCasePlan {
  private static final Set<ApprovalAction> CLOCK_ACTIONS = Set.of(ApprovalAction.RECEIVED,
      ApprovalAction.SUPPLEMENT_REQUESTED, ApprovalAction.SUPPLEMENT_RECEIVED, ApprovalAction.SUSPENDED,
      ApprovalAction.RESUMED, ApprovalAction.EXTENDED);
  private static final Set<ApprovalAction> SUSPENSION_ACTIONS = Set.of(ApprovalAction.SUSPENDED,
      ApprovalAction.RESUMED);

  /** The case's item: the catalogue's, or a code it lacks (statutory limit, no fee standard). */
  record Item(String code, int workingDays, Long feeFen) {}

  private final GenContext ctx;
  private final WorkingDayCalendar calendar;
  private final ApprovalParameters parameters;
  final String caseId;
  final String unitId;
  final Item item;
  final String applicant;
  final String clerk;
  final String reviewer;
  final String approver;
  /** The day the case is received: working days are counted after it. */
  final LocalDate day0;
  private final List<ApprovalEvent> events = new ArrayList<>();

  ApprovalCasePlan(GenContext ctx, WorkingDayCalendar calendar, String unitId, Item item, LocalDate day0) {
    this.ctx = ctx;
    this.calendar = calendar;
    this.parameters = ctx.config().approval();
    this.caseId = ctx.nextId("CASE");
    this.unitId = unitId;
    this.item = item;
    this.applicant = ctx.nextId("AP");
    this.clerk = ctx.pick(ctx.people(unitId, "CLERK"));
    this.reviewer = ctx.pick(ctx.people(unitId, "REVIEWER"));
    this.approver = ctx.pick(ctx.people(unitId, "APPROVER"));
    this.day0 = day0;
  }

  /** The {@code n}-th working day after the day of receipt (n = 0: that day). */
  LocalDate wd(int n) {
    return after(day0, n);
  }

  LocalDate after(LocalDate day, int n) {
    return n == 0 ? day : calendar.nthWorkingDayAfter(day, n);
  }

  Instant at(LocalDate day, int hour, int minute) {
    return ctx.at(day, hour, minute);
  }

  Instant startOf(LocalDate day) {
    return ctx.at(day, 0, 0);
  }

  ApprovalEvent add(ApprovalAction action, Instant time, String actor, String role) {
    ApprovalEvent e = ApprovalEvent.newBuilder()
        .setEventId(ctx.nextId("EA"))
        .setEventTime(time)
        .setUnitId(unitId)
        .setCaseId(caseId)
        .setItemCode(item.code())
        .setAction(action)
        .setActorId(actor)
        .setActorRole(role)
        .setApplicantId(applicant)
        .build();
    events.add(e);
    ctx.emit(e);
    return e;
  }

  ApprovalEvent received(Instant time) {
    return add(ApprovalAction.RECEIVED, time, clerk, "CLERK");
  }

  ApprovalEvent reviewed(Instant time) {
    return add(ApprovalAction.REVIEWED, time, reviewer, "REVIEWER");
  }

  ApprovalEvent decided(Instant time, boolean approved) {
    return add(approved ? ApprovalAction.APPROVED : ApprovalAction.REJECTED, time, approver, "APPROVER");
  }

  /** COMPLETED with a fee (null: none charged). */
  ApprovalEvent completed(Instant time, Long feeFen) {
    ApprovalEvent e = ApprovalEvent.newBuilder()
        .setEventId(ctx.nextId("EA"))
        .setEventTime(time)
        .setUnitId(unitId)
        .setCaseId(caseId)
        .setItemCode(item.code())
        .setAction(ApprovalAction.COMPLETED)
        .setActorId(clerk)
        .setActorRole("CLERK")
        .setApplicantId(applicant)
        .setFeeFen(feeFen)
        .build();
    events.add(e);
    ctx.emit(e);
    return e;
  }

  ApprovalEvent suspended(Instant time) {
    return add(ApprovalAction.SUSPENDED, time, approver, "APPROVER");
  }

  ApprovalEvent resumed(Instant time) {
    return add(ApprovalAction.RESUMED, time, approver, "APPROVER");
  }

  ApprovalEvent extended(Instant time, int days) {
    ApprovalEvent e = ApprovalEvent.newBuilder()
        .setEventId(ctx.nextId("EA"))
        .setEventTime(time)
        .setUnitId(unitId)
        .setCaseId(caseId)
        .setItemCode(item.code())
        .setAction(ApprovalAction.EXTENDED)
        .setActorId(approver)
        .setActorRole("APPROVER")
        .setApplicantId(applicant)
        .setExtensionDays(days)
        .build();
    events.add(e);
    ctx.emit(e);
    return e;
  }

  /** Reviewed, decided and completed (with the standard fee) on {@code day}, from {@code hour}. */
  ApprovalEvent reviewDecideComplete(LocalDate day, int hour, int minute) {
    reviewed(at(day, hour, minute));
    ApprovalEvent decision = decided(at(day, hour + 1, minute), ctx.random().nextInt(5) != 0);
    completed(at(day, hour + 3, minute), item.feeFen());
    return decision;
  }

  /**
   * The APPROVAL_OVERDUE records of a case whose last working day is {@code deadline} and which
   * is decided or withdrawn by {@code end} (null: never): every step due before the end, then
   * RESOLVED at the end if a step was raised. A step due at the very instant of the end is not
   * raised: events at an instant come before the steps due at it.
   */
  void expectLadder(LocalDate deadline, ApprovalEvent end) {
    long endAt = end == null ? Long.MAX_VALUE : end.getEventTime().toEpochMilli();
    int k = parameters.noticeWorkingDays();
    List<Instant> dues = new ArrayList<>();
    List<Severity> severities = new ArrayList<>();
    if (k > 0) {
      int last = (int) deadline.toEpochDay();
      dues.add(startOf(LocalDate.ofEpochDay(calendar.workingDayAt(calendar.ordinal(last) - k + 1))));
      severities.add(Severity.NOTICE);
    }
    dues.add(startOf(deadline.plusDays(1)));
    severities.add(Severity.YELLOW);
    dues.add(startOf(after(deadline, parameters.redAfterWorkingDays()).plusDays(1)));
    severities.add(Severity.RED);
    Severity reached = null;
    for (int i = 0; i < dues.size() && dues.get(i).toEpochMilli() < endAt; i++) {
      Instant due = dues.get(i);
      if (events.stream().anyMatch(e -> CLOCK_ACTIONS.contains(e.getAction()) && !e.getEventTime().isBefore(due))) {
        throw new IllegalStateException("generate: case " + caseId + " changes its clock after its ladder starts");
      }
      reached = severities.get(i);
      ctx.expect(ladder(reached, reached == Severity.NOTICE ? AlertStatus.RAISED : AlertStatus.ESCALATED, due)
          .evidence(eventIds(CLOCK_ACTIONS, due))
          .build());
    }
    if (end != null && reached != null) {
      ctx.expect(ladder(reached, AlertStatus.RESOLVED, end.getEventTime())
          .evidence(eventIds(CLOCK_ACTIONS, end.getEventTime()))
          .evidence(end.getEventId())
          .build());
    }
  }

  private Alerts.Builder ladder(Severity severity, AlertStatus status, Instant time) {
    return Alerts.of(RuleId.APPROVAL_OVERDUE, OverdueLadder.VERSION, OverdueLadder.OVERDUE)
        .severity(severity)
        .status(status)
        .unit(unitId)
        .subject(SubjectType.CASE, caseId)
        .person(clerk)
        .eventTime(time);
  }

  /** An APPROVAL_PROCEDURE record raised at {@code at} with {@code evidence}. */
  void expectProcedure(String reason, ApprovalEvent at, ApprovalEvent... evidence) {
    var alert = Alerts.of(RuleId.APPROVAL_PROCEDURE, ProcedureCheck.VERSION, reason)
        .severity(ProcedureCheck.SEVERITY)
        .unit(unitId)
        .subject(SubjectType.CASE, caseId)
        .person(at.getActorId())
        .eventTime(at.getEventTime());
    for (ApprovalEvent e : evidence) {
      alert.evidence(e.getEventId());
    }
    ctx.expect(alert.build());
  }

  void expectOvercharge(ApprovalEvent charged, long excessFen) {
    ctx.expect(Alerts.of(RuleId.APPROVAL_FEE, FeeCheck.VERSION, FeeCheck.OVERCHARGE)
        .severity(FeeCheck.SEVERITY)
        .unit(unitId)
        .subject(SubjectType.CASE, caseId)
        .person(charged.getActorId())
        .amountFen(excessFen)
        .eventTime(charged.getEventTime())
        .evidence(charged.getEventId())
        .build());
  }

  /** An APPROVAL_SUSPENSION_ABUSE record at {@code time}: the suspensions so far are its evidence. */
  void expectSuspensionAbuse(String reason, Instant time) {
    var alert = Alerts.of(RuleId.APPROVAL_SUSPENSION_ABUSE, SuspensionAbuseCheck.VERSION, reason)
        .severity(SuspensionAbuseCheck.SEVERITY)
        .unit(unitId)
        .subject(SubjectType.CASE, caseId)
        .eventTime(time)
        .evidence(eventIds(SUSPENSION_ACTIONS, time));
    inOrder().filter(e -> e.getAction() == ApprovalAction.SUSPENDED && !e.getEventTime().isAfter(time))
        .forEach(e -> alert.person(e.getActorId()));
    ctx.expect(alert.build());
  }

  private List<String> eventIds(Set<ApprovalAction> actions, Instant upTo) {
    return inOrder().filter(e -> actions.contains(e.getAction()) && !e.getEventTime().isAfter(upTo))
        .map(ApprovalEvent::getEventId).toList();
  }

  private java.util.stream.Stream<ApprovalEvent> inOrder() {
    return events.stream().sorted(Comparator.comparing(ApprovalEvent::getEventTime)
        .thenComparing(ApprovalEvent::getEventId));
  }
}
