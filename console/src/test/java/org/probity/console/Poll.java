package org.probity.console;

import static org.assertj.core.api.Assertions.fail;

import java.time.Duration;
import java.util.concurrent.Callable;

/** Waits for a condition with a deadline (tests never sleep for a fixed time). */
final class Poll {
  private Poll() {}

  static void until(Duration timeout, String what, Callable<Boolean> condition) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    Exception last = null;
    while (System.nanoTime() < deadline) {
      try {
        if (Boolean.TRUE.equals(condition.call())) {
          return;
        }
        last = null;
      } catch (Exception e) {
        last = e;
      }
      java.util.concurrent.locks.LockSupport.parkNanos(50_000_000L);
    }
    fail("timed out after " + timeout + " waiting until " + what + (last == null ? "" : ": " + last));
  }
}
