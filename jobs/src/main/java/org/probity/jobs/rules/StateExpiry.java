package org.probity.jobs.rules;

import java.io.Serializable;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.streaming.api.TimerService;

/**
 * When a key's state may go: the latest expiry any of its events asked for (e.g. last event +
 * retention, or the end of a fiscal year + grace). One event-time timer per key, re-armed lazily
 * when it fires early rather than deleted and re-registered on every event: a busy key costs one
 * small value update per event, and no timer is ever deleted (a delete could hit the instant at
 * which another of the key's deadlines is due).
 */
public final class StateExpiry implements Serializable {
  private static final long serialVersionUID = 1L;

  /** The instant the key's state may go, and the instant its one timer is armed for. */
  public record Due(long expiresAt, long timerAt) {}

  private final String name;
  private transient ValueState<Due> due;

  public StateExpiry(String name) {
    this.name = name;
  }

  public void open(SubjectRule.RuleRuntime context) {
    due = context.getState(new ValueStateDescriptor<>(name, Due.class));
  }

  /** The key's state must live at least until {@code expiresAt}. */
  public void extendTo(long expiresAt, TimerService timers) throws Exception {
    Due current = due.value();
    if (current == null) {
      timers.registerEventTimeTimer(expiresAt);
      due.update(new Due(expiresAt, expiresAt));
    } else if (expiresAt > current.expiresAt()) {
      due.update(new Due(expiresAt, current.timerAt()));
    }
  }

  /**
   * Whether the key's state is to be dropped at timer instant {@code time} (then this expiry is
   * already cleared, and the caller clears the rest). Re-arms the timer if the key was extended
   * since it was armed; ignores instants it did not arm.
   */
  public boolean isDue(long time, TimerService timers) throws Exception {
    Due current = due.value();
    if (current == null || current.timerAt() != time) {
      return false;
    }
    if (current.expiresAt() > time) {
      timers.registerEventTimeTimer(current.expiresAt());
      due.update(new Due(current.expiresAt(), current.expiresAt()));
      return false;
    }
    due.clear();
    return true;
  }
}
