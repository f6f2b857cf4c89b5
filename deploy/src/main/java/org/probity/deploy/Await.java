package org.probity.deploy;

import java.time.Duration;
import java.util.concurrent.locks.LockSupport;

/**
 * Waits for a condition another process makes true (a REST answer, a registered TaskManager), with a
 * deadline: polled, since a remote process cannot notify us, starting at 10 ms and backing off to
 * 250 ms so a quick answer is seen at once and a slow one costs few requests.
 */
public final class Await {
  private Await() {}

  /** The condition, checked again until it holds. */
  @FunctionalInterface
  public interface Condition {
    boolean holds() throws Exception;
  }

  /** Whether {@code condition} held within {@code timeout}. */
  public static boolean within(Duration timeout, Condition condition) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    long pause = 10_000_000L;
    while (!condition.holds()) {
      if (System.nanoTime() > deadline) {
        return false;
      }
      LockSupport.parkNanos(pause);
      if (Thread.interrupted()) {
        throw new InterruptedException("interrupted while waiting");
      }
      pause = Math.min(pause * 2, 250_000_000L);
    }
    return true;
  }

  /** As {@link #within}, failing with "no {@code what} within {@code timeout}". */
  public static void until(String what, Duration timeout, Condition condition) throws Exception {
    if (!within(timeout, condition)) {
      throw new IllegalStateException("no " + what + " within " + timeout);
    }
  }
}
