package org.probity.jobs.rules.approval;

import java.io.Serializable;
import org.probity.jobs.calendar.WorkingDayCalendar;
import org.probity.schema.ApprovalEvent;

/**
 * The time-limit clock of a case as contract.md counts it, shared by APPROVAL_OVERDUE (its
 * deadline) and APPROVAL_SUSPENSION_ABUSE (its suspended days):
 *
 * <ul>
 *   <li>RECEIVED starts it: the deadline is the end of the N-th working day after the day of
 *       RECEIVED, N the promised days plus every extension (EXTENDED, at any time).
 *   <li>SUPPLEMENT_REQUESTED stops it; until SUPPLEMENT_RECEIVED nothing is due. SUPPLEMENT_RECEIVED
 *       restarts the count from its own day with the full limit; extensions already granted stay
 *       part of the limit (they are the case's, not the period's).
 *   <li>SUSPENDED pauses it (nothing is due while suspended); RESUMED moves the deadline later by
 *       the working days d with S &lt; d ≤ R, counting only days after the current start. The
 *       contract's "moves later by that many" is taken literally: a suspension on the last day
 *       gives the rest of the resume day, as a paused clock would; a suspension after the
 *       deadline moves it too, so the RED waits as the clock did (the YELLOW already shown stands).
 *   <li>APPROVED or REJECTED stops it for good.
 * </ul>
 *
 * Supplements and a second RECEIVED before the clock started do nothing to it (the procedure rule
 * reports acting before receipt). Events that changed the clock are recorded as evidence.
 */
final class CaseClock implements Serializable {
  private static final long serialVersionUID = 1L;
  private final WorkingDayCalendar calendar;

  CaseClock(WorkingDayCalendar calendar) {
    this.calendar = calendar;
  }

  WorkingDayCalendar calendar() {
    return calendar;
  }

  /** Applies {@code e} (at event time {@code t}) to the clock's facts. */
  void apply(CaseState s, ApprovalEvent e, long t) {
    int day = calendar.day(t);
    boolean changed = switch (e.getAction()) {
      case RECEIVED -> {
        if (s.received) {
          yield false;
        }
        s.received = true;
        s.receivedBy = e.getActorId();
        restart(s, day);
        yield true;
      }
      case SUPPLEMENT_REQUESTED -> {
        if (!s.received || s.awaitingSupplement) {
          yield false;
        }
        s.awaitingSupplement = true;
        yield true;
      }
      case SUPPLEMENT_RECEIVED -> {
        if (!s.received) {
          yield false;
        }
        restart(s, day);
        yield true;
      }
      case SUSPENDED -> {
        s.suspensions++;
        s.suspensionEvidence.add(e.getEventId());
        if (!s.suspendedBy.contains(e.getActorId())) {
          s.suspendedBy.add(e.getActorId());
        }
        if (s.suspendedSinceDay != CaseState.NO_DAY) {
          yield false;
        }
        s.suspendedSinceDay = day;
        yield true;
      }
      case RESUMED -> {
        if (s.suspendedSinceDay == CaseState.NO_DAY) {
          yield false;
        }
        s.suspensionEvidence.add(e.getEventId());
        int from = s.suspendedSinceDay;
        s.suspendedWorkingDays += calendar.workingDaysIn(from, day);
        if (s.received) {
          s.shiftWorkingDays += calendar.workingDaysIn(Math.max(from, s.clockStartDay), day);
        }
        s.suspendedSinceDay = CaseState.NO_DAY;
        yield true;
      }
      case EXTENDED -> {
        // Saturating, and a non-positive extension grants nothing: no input can wrap the limit negative.
        Integer days = e.getExtensionDays();
        if (days != null && days > 0) {
          s.extensionWorkingDays = (int) Math.min(Integer.MAX_VALUE, (long) s.extensionWorkingDays + days);
        }
        yield true;
      }
      case APPROVED, REJECTED -> {
        s.decided = true;
        yield false;
      }
      default -> false;
    };
    if (changed) {
      s.clockEvidence.add(e.getEventId());
      s.clockChangedAt = t;
    }
  }

  private static void restart(CaseState s, int day) {
    s.clockStartDay = day;
    s.shiftWorkingDays = 0;
    s.awaitingSupplement = false;
  }

  /** Whether time counts against the limit now: received, not waiting for materials, not suspended, undecided. */
  boolean running(CaseState s) {
    return s.received && !s.awaitingSupplement && s.suspendedSinceDay == CaseState.NO_DAY && !s.decided;
  }

  /** The limit in working days, in long: promised days plus extensions cannot overflow. */
  long limit(CaseState s) {
    return (long) s.promisedWorkingDays + s.extensionWorkingDays;
  }

  /**
   * The last working day of the limit: the deadline is its end (24:00); {@link
   * WorkingDayCalendar#BEYOND} for a limit past the calendar's last day (never due). Meaningful
   * while {@link #running}.
   */
  int deadlineDay(CaseState s) {
    return calendar.workingDayAt((long) calendar.ordinal(s.clockStartDay) + limit(s) + s.shiftWorkingDays);
  }
}
