package org.probity.jobs.rules.approval;

import java.util.HashSet;
import java.util.Set;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.TimerService;
import org.apache.flink.util.Collector;
import org.probity.jobs.calendar.WorkingDayCalendar;
import org.probity.jobs.config.ApprovalParameters;
import org.probity.jobs.config.ProbityConfig;
import org.probity.jobs.config.ReferenceData;
import org.probity.jobs.rules.SubjectRule;
import org.probity.schema.Alert;
import org.probity.schema.ApprovalAction;
import org.probity.schema.ApprovalEvent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The life of one approval case, keyed by caseId, in event-time order: it keeps the case's
 * {@link CaseState}, lets the four APPROVAL_* rules judge each event ({@link ProcedureCheck},
 * {@link FeeCheck}, {@link SuspensionAbuseCheck}, {@link OverdueLadder}) and runs their event-time
 * timers. Timers in event time make a replay of last year's traffic raise the same cards, at the
 * same instants, as the live job did.
 *
 * <p>Per event at t: steps that fell due before t are raised first (only a late event can find
 * any), then the rules judge the event, the clock takes it in, and steps its change made due are
 * raised at t. Steps due exactly at t wait for the timer at t, which runs after all events at t.
 *
 * <p>The case ends — its state cleared, its timers deleted — when it is decided and completed
 * (in either order) or withdrawn; a case that never ends is forgotten [caseRetentionDays] after
 * its last event. An ended case leaves a tombstone (its end time, one long) for [dedupRetentionDays]:
 * events of it that come later (a re-sent RECEIVED with a new eventId, or the same one past the
 * de-duplication) are ignored and counted in {@code lateEventsOfEndedSubjects}, not opened as a
 * new case with a false ladder; then the tombstone and its timer go too. An item the catalogue does not know never drops an event: the limit falls back
 * to the statutory [statutoryWorkingDays] (行政许可法 第四十二条), the fee check is skipped, both
 * are counted in {@code unknownItemCodes} and logged once per item code (a catalogue gap is one
 * line to add to the rules file, however many cases meet it). A deadline counted through a
 * year the calendar has no data for is counted Monday–Friday, counted in
 * {@code deadlinesWithoutCalendar} and logged once per year.
 */
final class ApprovalCaseFunction extends SubjectRule<ApprovalEvent, Alert> {
  /** Item codes remembered for the once-per-code log line; past this they are still counted. */
  private static final int MAX_LOGGED_ITEM_CODES = 10_000;
  private static final long serialVersionUID = 1L;
  private static final Logger LOG = LoggerFactory.getLogger(ApprovalCaseFunction.class);
  private static final long DAY_MILLIS = 86_400_000L;

  private final ApprovalParameters parameters;
  private final ReferenceData reference;
  private final WorkingDayCalendar calendar;
  private final OverdueLadder ladder;
  private final ProcedureCheck procedure = new ProcedureCheck();
  private final FeeCheck fee = new FeeCheck();
  private final SuspensionAbuseCheck suspensionAbuse;
  private final CaseClock clock;
  private final long tombstoneMillis;

  private transient ValueState<CaseState> cases;
  /** An ended case's end time (its tombstone), kept for [dedupRetentionDays]: later events of it are ignored. */
  private transient ValueState<Long> endedAt;
  private transient Counter lateEventsOfEndedSubjects;
  private transient Counter unknownItemCodes;
  private transient Counter deadlinesWithoutCalendar;
  private transient Set<Integer> uncoveredYearsLogged;
  private transient Set<String> unknownItemsLogged;

  ApprovalCaseFunction(ProbityConfig config, WorkingDayCalendar calendar) {
    this.parameters = config.approval();
    this.reference = config.reference();
    this.calendar = calendar;
    this.clock = new CaseClock(calendar);
    this.ladder = new OverdueLadder(clock, parameters, reference);
    this.suspensionAbuse = new SuspensionAbuseCheck(clock, parameters);
    this.tombstoneMillis = config.dedupRetentionDays() * DAY_MILLIS;
  }

  @Override
  protected void openState() {
    cases = getRuntimeContext().getState(new ValueStateDescriptor<>("case", CaseStateSerializer.INSTANCE));
    endedAt = getRuntimeContext().getState(new ValueStateDescriptor<>("ended-at", Types.LONG));
    lateEventsOfEndedSubjects = getRuntimeContext().getMetricGroup().counter("lateEventsOfEndedSubjects");
    unknownItemCodes = getRuntimeContext().getMetricGroup().counter("unknownItemCodes");
    deadlinesWithoutCalendar = getRuntimeContext().getMetricGroup().counter("deadlinesWithoutCalendar");
    uncoveredYearsLogged = new HashSet<>();
    unknownItemsLogged = new HashSet<>();
  }

  @Override
  protected void processInOrder(ApprovalEvent e, Context ctx, Collector<Alert> out) throws Exception {
    long t = ctx.timestamp();
    String caseId = ctx.getCurrentKey();
    CaseState s = cases.value();
    if (s == null) {
      if (endedAt.value() != null) {
        // A re-sent event of a case that has ended (new eventId, or past the de-duplication):
        // opening a new case on it would start a false ladder.
        lateEventsOfEndedSubjects.inc();
        return;
      }
      s = open(caseId, e);
    }
    ladder.fireDue(caseId, s, t - 1, out);
    suspensionAbuse.fireDue(caseId, s, t - 1, out);
    long tooLongBefore = suspensionAbuse.dueAt(s);

    procedure.onEvent(caseId, s, e, out);
    if (e.getFeeFen() != null) {
      ReferenceData.Item item = item(caseId, e.getItemCode());
      if (item != null) {
        fee.onEvent(caseId, s, e, item, out);
      }
    }
    clock.apply(s, e, t);
    suspensionAbuse.onEvent(caseId, s, e, tooLongBefore, t, out);
    ApprovalAction action = e.getAction();
    if (action == ApprovalAction.APPROVED || action == ApprovalAction.REJECTED || action == ApprovalAction.WITHDRAWN) {
      ladder.onDecidedOrWithdrawn(caseId, s, e, t, out);
    }
    ladder.fireDue(caseId, s, t - 1, out);

    s.completed |= action == ApprovalAction.COMPLETED;
    if (action == ApprovalAction.WITHDRAWN || (s.decided && s.completed)) {
      end(s, ctx.timerService());
      endedAt.update(t);
      ctx.timerService().registerEventTimeTimer(t + tombstoneMillis);
      return;
    }
    s.lastEventAt = Math.max(s.lastEventAt, t);
    // The retention timer is set once and moved only when it fires: not a delete and a register per event.
    schedule(caseId, s, ctx.timerService(), s.expiryTimer == CaseState.NO_TIME ? retentionEnd(s) : s.expiryTimer);
    cases.update(s);
  }

  @Override
  protected void onTime(long time, OnTimerContext ctx, Collector<Alert> out) throws Exception {
    CaseState s = cases.value();
    if (s == null) {
      Long ended = endedAt.value();
      if (ended != null && time >= ended + tombstoneMillis) {
        endedAt.clear();
      }
      return;
    }
    String caseId = ctx.getCurrentKey();
    boolean raised = ladder.fireDue(caseId, s, time, out);
    raised |= suspensionAbuse.fireDue(caseId, s, time, out);
    if (time >= s.expiryTimer && time >= retentionEnd(s)) {
      end(s, ctx.timerService());
      return;
    }
    long expiry = time >= s.expiryTimer ? retentionEnd(s) : s.expiryTimer;
    if (schedule(caseId, s, ctx.timerService(), expiry) || raised) {
      cases.update(s);
    }
  }

  /**
   * A new version of the rules takes effect at {@code at}: the case's ladder and suspension limit
   * are judged by it from then on. Its limit stays the one it was received under (the item's
   * promised days as at 受理, plus extensions); what a version moves is the warning and red-card
   * steps, the suspension limits and the working days (a newly published year's holidays). Steps it
   * places later are re-armed; a step it places before {@code at} became true under the rules in
   * force at {@code at}, so it is raised then, dated {@code at}: every alert is dated within the
   * version that judged it.
   */
  @Override
  protected void onRulesChanged(long at, OnTimerContext ctx, Collector<Alert> out) throws Exception {
    CaseState s = cases.value();
    if (s == null) {
      return;
    }
    String caseId = ctx.getCurrentKey();
    boolean raised = ladder.fireDue(caseId, s, at - 1, at, out);
    raised |= suspensionAbuse.fireDue(caseId, s, at - 1, at, out);
    if (schedule(caseId, s, ctx.timerService(), s.expiryTimer) || raised) {
      cases.update(s);
    }
  }

  /** When a case that never ends is forgotten: [caseRetentionDays] after its last event. */
  private long retentionEnd(CaseState s) {
    return s.lastEventAt + parameters.caseRetentionDays() * DAY_MILLIS;
  }

  private CaseState open(String caseId, ApprovalEvent e) {
    CaseState s = new CaseState();
    s.unitId = e.getUnitId();
    s.itemCode = e.getItemCode();
    ReferenceData.Item item = reference.item(e.getItemCode());
    s.itemInCatalogue = item != null;
    s.promisedWorkingDays = item != null ? item.promisedWorkingDays() : parameters.statutoryWorkingDays();
    if (item == null) {
      unknownItem(caseId, e.getItemCode());
    }
    return s;
  }

  /** The catalogue item of a fee, or null (counted, logged once per item code) when the catalogue lacks it. */
  private ReferenceData.Item item(String caseId, String itemCode) {
    ReferenceData.Item item = reference.item(itemCode);
    if (item == null) {
      unknownItem(caseId, itemCode);
    }
    return item;
  }

  private void unknownItem(String caseId, String itemCode) {
    unknownItemCodes.inc();
    if (unknownItemsLogged.size() < MAX_LOGGED_ITEM_CODES && unknownItemsLogged.add(String.valueOf(itemCode))) {
      LOG.warn("item code {} (first seen in case {}) is not in the catalogue: its cases get the statutory {} "
          + "working days and no fee check. Add it to the rules file's items; further cases are counted in the "
          + "metric unknownItemCodes, not logged.", itemCode, caseId, parameters.statutoryWorkingDays());
    }
  }

  /** Moves the rule's three timers to where the case now needs them; true if any moved. */
  private boolean schedule(String caseId, CaseState s, TimerService timers, long expiry) throws Exception {
    long ladderAt = ladder.nextDue(s);
    long suspensionAt = suspensionAbuse.dueAt(s);
    long[] before = {s.ladderTimer, s.suspensionTimer, s.expiryTimer};
    long[] after = {ladderAt, suspensionAt, expiry};
    if (ladderAt != CaseState.NO_TIME && ladderAt != s.ladderTimer) {
      checkCalendarCovers(caseId, s.clockStartDay, calendar.day(ladderAt));
    }
    s.ladderTimer = ladderAt;
    s.suspensionTimer = suspensionAt;
    s.expiryTimer = expiry;
    boolean moved = false;
    for (int i = 0; i < before.length; i++) {
      if (before[i] == after[i]) {
        continue;
      }
      moved = true;
      if (before[i] != CaseState.NO_TIME && !s.hasTimerAt(before[i])) {
        deleteEventTimeTimer(timers, before[i]);
      }
      if (after[i] != CaseState.NO_TIME) {
        timers.registerEventTimeTimer(after[i]);
      }
    }
    return moved;
  }

  private void end(CaseState s, TimerService timers) throws Exception {
    for (long timer : new long[] {s.ladderTimer, s.suspensionTimer, s.expiryTimer}) {
      if (timer != CaseState.NO_TIME) {
        deleteEventTimeTimer(timers, timer);
      }
    }
    cases.clear();
  }

  private void checkCalendarCovers(String caseId, int fromDay, int toDay) {
    int year = calendar.firstUncoveredYear(fromDay, toDay);
    if (year != 0) {
      deadlinesWithoutCalendar.inc();
      if (uncoveredYearsLogged.add(year)) {
        LOG.warn("case {}: its time limit runs into {}, a year without official holiday data; {} is counted "
            + "Monday to Friday only — add {}.json (holiday-cn) to calendar.holidayFiles", caseId, year, year, year);
      }
    }
  }
}
