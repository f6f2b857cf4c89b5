package org.probity.jobs.generate;

import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import org.probity.jobs.calendar.WorkingDayCalendar;
import org.probity.jobs.config.ApprovalParameters;
import org.probity.jobs.config.ReferenceData;
import org.probity.jobs.rules.approval.ProcedureCheck;
import org.probity.jobs.rules.approval.SuspensionAbuseCheck;
import org.probity.schema.ApprovalAction;
import org.probity.schema.ApprovalEvent;

/**
 * 行政审批办件, received on working days (the official calendar, 调休 included).
 *
 * <p>Clean cases are received, reviewed by a reviewer, decided by a different approver within the
 * first half of the time before the notice window, and completed with the catalogue's fee: far
 * from every threshold, with fresh applicants (related to nobody). A quarter of them are near
 * misses: decided the working day before the notice window; decided on the last working day or
 * exactly at the deadline (these raise NOTICE and its RESOLVED, never YELLOW); suspended exactly
 * the maximum number of times for exactly the maximum working days; decided after the original
 * deadline but inside an extension; an item the catalogue lacks (counted, no alert).
 *
 * <p>Planted, one {@link Violation} per violating case, each with its ground truth: the overdue
 * ladder to YELLOW, to RED and withdrawn after YELLOW; a case whose deadline is moved by
 * suspensions, a supplement restart and an extension and then passes; TOO_MANY; TOO_LONG (one
 * long suspension, a resume at the very instant of the limit, two suspensions adding up);
 * NO_REVIEW; SAME_PERSON; NO_RECEIPT (acted on before receipt, or never received);
 * COMPLETED_WITHOUT_DECISION (then decided, or never — its ladder runs on); OVERCHARGE; and an
 * item the catalogue lacks running late on the statutory limit.
 */
final class ApprovalTraffic implements TrafficPlanter {
  enum Violation {
    LATE_YELLOW, LATE_RED, WITHDRAWN_LATE, CLOCK_CHANGES_THEN_LATE, TOO_MANY, TOO_LONG, NO_REVIEW, SAME_PERSON,
    NO_RECEIPT, COMPLETED_WITHOUT_DECISION, OVERCHARGE, UNKNOWN_ITEM_LATE
  }

  enum NearMiss {
    DAY_BEFORE_NOTICE, LAST_WORKING_DAY, AT_THE_DEADLINE, SUSPENDED_UP_TO_THE_LIMITS, INSIDE_THE_EXTENSION,
    UNKNOWN_ITEM_IN_TIME
  }

  private WorkingDayCalendar calendar;
  private List<ReferenceData.Item> catalogue;
  private String unknownItemCode;

  @Override
  public void plantDay(LocalDate day, ReferenceData.Unit unit, GenContext ctx) {
    if (calendar == null) {
      calendar = WorkingDayCalendar.of(ctx.config());
      catalogue = new ArrayList<>(ctx.config().reference().items().values());
      catalogue.sort(Comparator.comparing(ReferenceData.Item::code));
      unknownItemCode = "UNLISTED-ITEM";
      while (ctx.config().reference().item(unknownItemCode) != null) {
        unknownItemCode += "-X";
      }
    }
    if (catalogue.isEmpty() || !calendar.isWorkingDay(day)) {
      return;
    }
    Random random = ctx.random();
    for (int i = 0; i < ctx.scale(); i++) {
      if (ctx.plantViolation(unit.id())) {
        Violation v = Violation.values()[random.nextInt(Violation.values().length)];
        if (!plant(v, day, unit.id(), ctx)) {
          clean(day, unit.id(), ctx);
        }
      } else if (random.nextInt(4) == 0) {
        NearMiss m = NearMiss.values()[random.nextInt(NearMiss.values().length)];
        if (!nearMiss(m, day, unit.id(), ctx)) {
          clean(day, unit.id(), ctx);
        }
      } else {
        clean(day, unit.id(), ctx);
      }
    }
  }

  private ApprovalParameters parameters(GenContext ctx) {
    return ctx.config().approval();
  }

  /** Whether a catalogue item has at least {@code minDays} promised working days. */
  private boolean fits(int minDays) {
    return catalogue.stream().anyMatch(i -> i.promisedWorkingDays() >= minDays);
  }

  /** A catalogue item with at least {@code minDays} promised working days, or null when none has. */
  private ApprovalCasePlan.Item item(GenContext ctx, int minDays) {
    List<ReferenceData.Item> fit = catalogue.stream().filter(i -> i.promisedWorkingDays() >= minDays).toList();
    if (fit.isEmpty()) {
      return null;
    }
    ReferenceData.Item item = fit.get(ctx.random().nextInt(fit.size()));
    return new ApprovalCasePlan.Item(item.code(), item.promisedWorkingDays(), item.feeFen());
  }

  private ApprovalCasePlan.Item unknownItem(GenContext ctx) {
    return new ApprovalCasePlan.Item(unknownItemCode, parameters(ctx).statutoryWorkingDays(), null);
  }

  private ApprovalCasePlan plan(GenContext ctx, String unitId, ApprovalCasePlan.Item item, LocalDate day) {
    return new ApprovalCasePlan(ctx, calendar, unitId, item, day);
  }

  /** Decided well before the notice window, by a reviewer and a different approver, at the standard fee. */
  private void clean(LocalDate day, String unitId, GenContext ctx) {
    int k = parameters(ctx).noticeWorkingDays();
    ApprovalCasePlan.Item item = item(ctx, Math.max(k, 1));
    if (item == null) {
      return;
    }
    ApprovalCasePlan c = plan(ctx, unitId, item, day);
    int minute = ctx.random().nextInt(60);
    c.received(c.at(day, 9, minute));
    c.reviewDecideComplete(c.wd(ctx.random().nextInt((item.workingDays() - k) / 2 + 1)), 10, minute);
  }

  private boolean nearMiss(NearMiss kind, LocalDate day, String unitId, GenContext ctx) {
    ApprovalParameters p = parameters(ctx);
    int k = p.noticeWorkingDays();
    if (!fits(Math.max(k, 1)) || p.statutoryWorkingDays() < k) {
      return false;
    }
    int minute = ctx.random().nextInt(60);
    switch (kind) {
      case DAY_BEFORE_NOTICE -> {
        ApprovalCasePlan c = received(ctx, unitId, item(ctx, Math.max(k, 1)), day, minute);
        LocalDate last = c.wd(c.item.workingDays() - k);
        c.reviewed(c.at(last, 16, 30));
        c.decided(c.at(last, 17, 30), true);
        c.completed(c.at(last, 18, 0), c.item.feeFen());
      }
      case LAST_WORKING_DAY, AT_THE_DEADLINE -> {
        ApprovalCasePlan c = received(ctx, unitId, item(ctx, Math.max(k, 1)), day, minute);
        LocalDate deadline = c.wd(c.item.workingDays());
        c.reviewed(c.at(deadline, 15, 0));
        Instant decisionTime = kind == NearMiss.LAST_WORKING_DAY
            ? c.at(deadline, 16, minute)
            : c.startOf(deadline.plusDays(1));
        ApprovalEvent decision = c.decided(decisionTime, true);
        c.completed(decisionTime.plusSeconds(7200), c.item.feeFen());
        c.expectLadder(deadline, decision);
      }
      case SUSPENDED_UP_TO_THE_LIMITS -> {
        int limit = p.maxSuspendedWorkingDays();
        if (p.maxSuspensions() == 0) {
          return false;
        }
        ApprovalCasePlan c = received(ctx, unitId, item(ctx, Math.max(k, 1)), day, minute);
        LocalDate lastResume = c.wd(limit);
        c.suspended(c.at(day, 10, 30));
        if (p.maxSuspensions() >= 2 && limit >= 2) {
          LocalDate between = c.wd(limit / 2);
          c.resumed(c.at(between, 10, 0));
          c.suspended(c.at(between, 15, 0));
        }
        c.resumed(c.at(lastResume, 10, 0));
        c.reviewed(c.at(lastResume, 14, 0));
        c.decided(c.at(lastResume, 16, 0), true);
        c.completed(c.at(lastResume, 17, 0), c.item.feeFen());
      }
      case INSIDE_THE_EXTENSION -> {
        ApprovalCasePlan c = received(ctx, unitId, item(ctx, Math.max(k, 1)), day, minute);
        c.extended(c.at(day, 15, 0), k + 1 + ctx.random().nextInt(3));
        c.reviewDecideComplete(c.wd(c.item.workingDays() + 1), 10, minute);
      }
      case UNKNOWN_ITEM_IN_TIME -> {
        ApprovalCasePlan c = received(ctx, unitId, unknownItem(ctx), day, minute);
        LocalDate decided = c.wd(ctx.random().nextInt((c.item.workingDays() - k) / 2 + 1));
        c.reviewed(c.at(decided, 10, minute));
        c.decided(c.at(decided, 11, minute), true);
        c.completed(c.at(decided, 14, minute), 1_000L + ctx.random().nextInt(100_000));
      }
    }
    return true;
  }

  private ApprovalCasePlan received(GenContext ctx, String unitId, ApprovalCasePlan.Item item, LocalDate day,
      int minute) {
    ApprovalCasePlan c = plan(ctx, unitId, item, day);
    c.received(c.at(day, 9, minute));
    return c;
  }

  /** Plants {@code kind}; false when the rules file's parameters or catalogue leave no room for it. */
  private boolean plant(Violation kind, LocalDate day, String unitId, GenContext ctx) {
    ApprovalParameters p = parameters(ctx);
    int k = p.noticeWorkingDays();
    int r = p.redAfterWorkingDays();
    int m = p.maxSuspensions();
    int limit = p.maxSuspendedWorkingDays();
    Random random = ctx.random();
    if (!fits(Math.max(k, 1)) || p.statutoryWorkingDays() < k) {
      return false;
    }
    int minute = random.nextInt(60);
    switch (kind) {
      case LATE_YELLOW, LATE_RED, UNKNOWN_ITEM_LATE -> {
        ApprovalCasePlan.Item item = kind == Violation.UNKNOWN_ITEM_LATE ? unknownItem(ctx) : item(ctx, Math.max(k, 1));
        ApprovalCasePlan c = received(ctx, unitId, item, day, minute);
        LocalDate deadline = c.wd(item.workingDays());
        int late = kind == Violation.LATE_RED ? r + 1 + random.nextInt(3) : 1 + random.nextInt(r);
        c.expectLadder(deadline, c.reviewDecideComplete(c.after(deadline, late), 9, minute));
      }
      case WITHDRAWN_LATE -> {
        ApprovalCasePlan c = received(ctx, unitId, item(ctx, Math.max(k, 1)), day, minute);
        LocalDate deadline = c.wd(c.item.workingDays());
        ApprovalEvent withdrawn = c.add(ApprovalAction.WITHDRAWN,
            c.at(c.after(deadline, 1 + random.nextInt(r)), 11, minute), c.clerk, "CLERK");
        c.expectLadder(deadline, withdrawn);
      }
      case CLOCK_CHANGES_THEN_LATE -> {
        ApprovalCasePlan.Item item = item(ctx, k + 2);
        if (item == null || m < 2 || limit < 4) {
          return false;
        }
        ApprovalCasePlan c = received(ctx, unitId, item, day, minute);
        c.suspended(c.at(c.wd(1), 10, 0));
        c.resumed(c.at(c.wd(3), 10, 0));
        c.add(ApprovalAction.SUPPLEMENT_REQUESTED, c.at(c.wd(4), 11, 0), c.clerk, "CLERK");
        LocalDate restart = c.wd(6);
        c.add(ApprovalAction.SUPPLEMENT_RECEIVED, c.at(restart, 9, 30), c.clerk, "CLERK");
        int extension = 2 + random.nextInt(4);
        c.extended(c.at(restart, 14, 0), extension);
        c.suspended(c.at(c.after(restart, 2), 10, 0));
        c.resumed(c.at(c.after(restart, 4), 16, 0));
        // The restart counts from its own day; the earlier suspension no longer matters, the later one moves it by 2.
        LocalDate deadline = c.after(restart, item.workingDays() + extension + 2);
        c.expectLadder(deadline, c.reviewDecideComplete(c.after(deadline, 1 + random.nextInt(r)), 9, minute));
      }
      case TOO_MANY -> {
        ApprovalCasePlan.Item item = item(ctx, k + m + 1);
        if (item == null || limit < m + 1) {
          return false;
        }
        ApprovalCasePlan c = received(ctx, unitId, item, day, minute);
        ApprovalEvent crossing = null;
        for (int i = 0; i <= m; i++) {
          crossing = c.suspended(i == 0 ? c.at(day, 13, 0) : c.at(c.wd(2 * i), 10, 0));
          c.resumed(c.at(c.wd(2 * i + 1), 10, 0));
        }
        c.reviewDecideComplete(c.wd(2 * m + 2), 10, minute);
        c.expectSuspensionAbuse(SuspensionAbuseCheck.TOO_MANY, crossing.getEventTime());
      }
      case TOO_LONG -> {
        ApprovalCasePlan.Item item = item(ctx, k + 1);
        if (item == null) {
          return false;
        }
        ApprovalCasePlan c = received(ctx, unitId, item, day, minute);
        c.suspended(c.at(day, 14, 0));
        int variant = m >= 2 && limit >= 2 ? random.nextInt(3) : random.nextInt(2);
        Instant crossed;
        LocalDate lastResume;
        if (variant == 0) {
          crossed = c.startOf(c.wd(limit + 1));
          lastResume = c.wd(limit + 1 + random.nextInt(3));
          c.resumed(c.at(lastResume, 10, 0));
        } else if (variant == 1) {
          // Resumed at the very instant the limit is crossed: that day counts (S < d ≤ R).
          lastResume = c.wd(limit + 1);
          crossed = c.startOf(lastResume);
          c.resumed(crossed);
        } else {
          int first = 1 + random.nextInt(limit - 1);
          c.resumed(c.at(c.wd(first), 10, 0));
          LocalDate again = c.wd(first + 1);
          c.suspended(c.at(again, 10, 0));
          crossed = c.startOf(c.after(again, limit + 1 - first));
          lastResume = c.after(again, limit + 1 - first + random.nextInt(2));
          c.resumed(c.at(lastResume, 10, 0));
        }
        c.reviewed(c.at(lastResume, 14, 0));
        c.decided(c.at(lastResume, 15, 0), true);
        c.completed(c.at(lastResume, 16, 0), item.feeFen());
        c.expectSuspensionAbuse(SuspensionAbuseCheck.TOO_LONG, crossed);
      }
      case NO_REVIEW -> {
        ApprovalCasePlan c = received(ctx, unitId, item(ctx, Math.max(k, 1)), day, minute);
        ApprovalEvent decision = c.decided(c.at(day, 11, minute), random.nextBoolean());
        c.completed(c.at(day, 14, minute), c.item.feeFen());
        c.expectProcedure(ProcedureCheck.NO_REVIEW, decision, decision);
      }
      case SAME_PERSON -> {
        ApprovalCasePlan c = received(ctx, unitId, item(ctx, Math.max(k, 1)), day, minute);
        ApprovalEvent review = c.add(ApprovalAction.REVIEWED, c.at(day, 10, minute), c.approver, "REVIEWER");
        ApprovalEvent decision = c.decided(c.at(day, 11, minute), true);
        c.completed(c.at(day, 14, minute), c.item.feeFen());
        c.expectProcedure(ProcedureCheck.SAME_PERSON, decision, review, decision);
      }
      case NO_RECEIPT -> {
        ApprovalCasePlan c = plan(ctx, unitId, item(ctx, Math.max(k, 1)), day);
        ApprovalEvent review = c.reviewed(c.at(day, 9, 0));
        if (random.nextBoolean()) {
          c.received(c.at(day, 9, 30));
        }
        c.decided(c.at(day, 11, minute), true);
        c.completed(c.at(day, 14, minute), c.item.feeFen());
        c.expectProcedure(ProcedureCheck.NO_RECEIPT, review, review);
      }
      case COMPLETED_WITHOUT_DECISION -> {
        ApprovalCasePlan c = received(ctx, unitId, item(ctx, Math.max(k, 1)), day, minute);
        c.reviewed(c.at(day, 10, minute));
        ApprovalEvent completed = c.completed(c.at(day, 11, minute), c.item.feeFen());
        c.expectProcedure(ProcedureCheck.COMPLETED_WITHOUT_DECISION, completed, completed);
        if (random.nextBoolean()) {
          c.decided(c.at(day, 15, 0), true);
        } else {
          // Never decided: to the letter of the contract the case is undecided, so its ladder runs on.
          c.expectLadder(c.wd(c.item.workingDays()), null);
        }
      }
      case OVERCHARGE -> {
        ApprovalCasePlan c = received(ctx, unitId, item(ctx, Math.max(k, 1)), day, minute);
        long standard = c.item.feeFen();
        long excess = 1 + random.nextInt((int) Math.min(Integer.MAX_VALUE - 1, Math.max(100, standard)));
        c.reviewed(c.at(day, 10, minute));
        c.decided(c.at(day, 11, minute), true);
        c.expectOvercharge(c.completed(c.at(day, 14, minute), standard + excess), excess);
      }
    }
    return true;
  }
}
