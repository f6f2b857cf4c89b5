package org.probity.jobs.rules.approval;

import java.util.ArrayList;
import java.util.List;

/**
 * What the APPROVAL_* rules remember about one open case. One keyed value per case, so an event
 * costs one state read and one write (one RocksDB get and put), and ending a case is one clear.
 * Written by {@link CaseStateSerializer} (a field added here is added there, with a new snapshot
 * version that reads the one before). Days are epoch days in the calendar's zone, instants epoch
 * milliseconds.
 */
public class CaseState {
  static final int NO_DAY = Integer.MIN_VALUE;
  static final long NO_TIME = Long.MIN_VALUE;

  /** Once-per-case alerts already raised, and the once-per-case log line of an unknown item. */
  static final int RAISED_NO_RECEIPT = 1;
  static final int RAISED_NO_REVIEW = 1 << 1;
  static final int RAISED_SAME_PERSON = 1 << 2;
  static final int RAISED_COMPLETED_WITHOUT_DECISION = 1 << 3;
  static final int RAISED_OVERCHARGE = 1 << 4;
  static final int RAISED_TOO_MANY = 1 << 5;
  static final int RAISED_TOO_LONG = 1 << 6;

  public String unitId;
  /** The item of the case's first event, which sets the time limit. */
  public String itemCode;
  /** The item's promised working days, or the statutory limit when the catalogue does not know it. */
  public int promisedWorkingDays;
  public boolean itemInCatalogue;

  public boolean received;
  /** The clerk who received the case (承办人): the person on every record of its time-limit alert. */
  public String receivedBy;
  /** The day of RECEIVED or of the latest SUPPLEMENT_RECEIVED: the day the count starts after. */
  public int clockStartDay = NO_DAY;
  public boolean awaitingSupplement;
  public int extensionWorkingDays;
  /** Working days closed suspensions moved the current deadline later. */
  public int shiftWorkingDays;
  /** When the clock's facts last changed: a step due before it became true at it. */
  public long clockChangedAt = NO_TIME;
  /** The events that shaped the deadline, in event-time order. */
  public List<String> clockEvidence = new ArrayList<>();

  public int suspendedSinceDay = NO_DAY;
  public int suspensions;
  /** Working days of the case's closed suspensions, S &lt; d ≤ R each. */
  public int suspendedWorkingDays;
  public List<String> suspensionEvidence = new ArrayList<>();
  public List<String> suspendedBy = new ArrayList<>();

  public boolean decided;
  public boolean completed;
  public List<String> reviewedBy = new ArrayList<>();
  public List<String> reviews = new ArrayList<>();
  public List<String> decidedBy = new ArrayList<>();
  public List<String> decisions = new ArrayList<>();

  /** The highest step of the APPROVAL_OVERDUE ladder raised so far ({@link OverdueLadder#NONE} …). */
  public int ladder;
  public int raised;

  /** The latest event time of the case: its retention counts from here. */
  public long lastEventAt = NO_TIME;

  /** The rule's own event-time timers, so they can be moved and deleted. */
  public long ladderTimer = NO_TIME;
  public long suspensionTimer = NO_TIME;
  public long expiryTimer = NO_TIME;

  /** Marks {@code flag}; true the first time, so the caller raises (or logs) once per case. */
  boolean raiseOnce(int flag) {
    if ((raised & flag) != 0) {
      return false;
    }
    raised |= flag;
    return true;
  }

  boolean hasRaised(int flag) {
    return (raised & flag) != 0;
  }

  boolean hasTimerAt(long time) {
    return ladderTimer == time || suspensionTimer == time || expiryTimer == time;
  }
}
