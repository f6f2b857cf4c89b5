package org.probity.console.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Sign-in and the lockout after repeated failures, on a clock the test moves (nothing waits). */
class SessionsTest {
  private static final String PASSWORD = "jiancha-2026!";
  private static final Account OPERATOR = new Account("zhangmin", "张敏", Role.OPERATOR,
      Passwords.hash(PASSWORD.toCharArray(), 1000));
  private static final Account READER = new Account("guest", "来访领导", Role.READ_ONLY,
      Passwords.hash(PASSWORD.toCharArray(), 1000));

  /** A clock that stands still until the test moves it. */
  private static final class TestClock extends Clock {
    private Instant now = Instant.parse("2026-11-16T01:00:00Z");

    void advance(Duration d) {
      now = now.plus(d);
    }

    @Override
    public Instant instant() {
      return now;
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      throw new UnsupportedOperationException();
    }
  }

  private final TestClock clock = new TestClock();
  private final Sessions sessions = new Sessions(List.of(OPERATOR, READER), Duration.ofHours(12), clock);

  private Sessions.Attempt signIn(String user, String password) {
    return sessions.signIn(user, password.toCharArray());
  }

  private void fail(String user, int times) {
    for (int i = 0; i < times; i++) {
      signIn(user, "guess-" + i);
    }
  }

  @Test
  void theRightPasswordGivesASessionAndAWrongOneIsRefused() {
    Sessions.Attempt ok = signIn("zhangmin", PASSWORD);
    assertThat(ok).isInstanceOf(Sessions.Accepted.class);
    String token = ((Sessions.Accepted) ok).session().token();
    assertThat(sessions.find(token)).get().extracting(s -> s.account().username()).isEqualTo("zhangmin");
    assertThat(signIn("zhangmin", "wrong")).isInstanceOf(Sessions.Refused.class);
    assertThat(signIn("nobody", PASSWORD)).isInstanceOf(Sessions.Refused.class);
    assertThat(signIn(null, PASSWORD)).isInstanceOf(Sessions.Refused.class);
  }

  @Test
  void fiveFailuresInARowLockTheUsernameOutEvenForTheRightPassword() {
    fail("zhangmin", Sessions.MAX_FAILURES - 1);
    assertThat(signIn("zhangmin", "guess-last")).as("the fifth failure locks")
        .isEqualTo(new Sessions.LockedOut(clock.instant().plus(Sessions.LOCKOUT)));
    clock.advance(Sessions.LOCKOUT.minusSeconds(1));
    assertThat(signIn("zhangmin", PASSWORD)).as("the right password, one second before the lockout ends")
        .isInstanceOf(Sessions.LockedOut.class);
    assertThat(signIn("guest", PASSWORD)).as("other usernames are not affected").isInstanceOf(Sessions.Accepted.class);

    clock.advance(Duration.ofSeconds(1));
    assertThat(signIn("zhangmin", PASSWORD)).as("after the lockout").isInstanceOf(Sessions.Accepted.class);
  }

  @Test
  void aSuccessfulSignInStartsTheCountAgain() {
    fail("zhangmin", Sessions.MAX_FAILURES - 1);
    assertThat(signIn("zhangmin", PASSWORD)).isInstanceOf(Sessions.Accepted.class);
    fail("zhangmin", Sessions.MAX_FAILURES - 1);
    assertThat(signIn("zhangmin", PASSWORD)).isInstanceOf(Sessions.Accepted.class);
  }

  @Test
  void failuresFarApartDoNotAddUp() {
    fail("zhangmin", Sessions.MAX_FAILURES - 1);
    clock.advance(Sessions.LOCKOUT);
    assertThat(signIn("zhangmin", "typo")).as("the earlier failures are forgotten").isInstanceOf(Sessions.Refused.class);
    assertThat(signIn("zhangmin", PASSWORD)).isInstanceOf(Sessions.Accepted.class);
  }

  @Test
  void afterALockoutEndsTheCountStartsFromZero() {
    fail("zhangmin", Sessions.MAX_FAILURES);
    clock.advance(Sessions.LOCKOUT);
    assertThat(signIn("zhangmin", "typo")).isInstanceOf(Sessions.Refused.class);
    fail("zhangmin", Sessions.MAX_FAILURES - 2);
    assertThat(signIn("zhangmin", "again")).as("five new failures lock again").isInstanceOf(Sessions.LockedOut.class);
  }

  @Test
  void unknownUsernamesAreLockedOutLikeKnownOnes() {
    fail("nobody", Sessions.MAX_FAILURES - 1);
    assertThat(signIn("nobody", "guess")).as("the lockout does not tell which usernames exist")
        .isInstanceOf(Sessions.LockedOut.class);
  }

  @Test
  void theRightPasswordInsideABurstOfParallelGuessesIsRefused() throws Exception {
    // Every password check waits until the test lets them all go: the burst is truly parallel.
    CountDownLatch go = new CountDownLatch(1);
    AtomicInteger checking = new AtomicInteger();
    Sessions slow = new Sessions(List.of(OPERATOR), Duration.ofHours(12), clock, (password, hash) -> {
      checking.incrementAndGet();
      try {
        go.await(30, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return Passwords.matches(password, hash);
    });
    ExecutorService clients = Executors.newFixedThreadPool(41);
    try {
      List<CompletableFuture<Sessions.Attempt>> guesses = new ArrayList<>();
      AtomicInteger answered = new AtomicInteger();
      for (int i = 0; i < 40; i++) {
        String guess = "guess-" + i;
        guesses.add(CompletableFuture.supplyAsync(() -> {
          try {
            return slow.signIn("zhangmin", guess.toCharArray(), "10.0.0.9");
          } finally {
            answered.incrementAndGet();
          }
        }, clients));
      }
      // Every guess is past the lockout check: being checked, or answered (refused without a check,
      // which only happens once MAX_FAILURES others are being checked).
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (checking.get() + answered.get() < 40 && answered.get() < 40 - Sessions.MAX_FAILURES
          && System.nanoTime() < deadline) {
        Thread.onSpinWait();
      }
      assertThat(System.nanoTime()).as("the burst reached the password checks in time").isLessThan(deadline);
      CompletableFuture<Sessions.Attempt> right = CompletableFuture.supplyAsync(
          () -> slow.signIn("zhangmin", PASSWORD.toCharArray(), "10.0.0.9"), clients);
      go.countDown();
      assertThat(right.get(30, TimeUnit.SECONDS)).as("the right password inside the burst")
          .isNotInstanceOf(Sessions.Accepted.class);
      for (CompletableFuture<Sessions.Attempt> g : guesses) {
        assertThat(g.get(30, TimeUnit.SECONDS)).isNotInstanceOf(Sessions.Accepted.class);
      }
      assertThat(checking.get()).as("passwords tried before the lockout").isLessThanOrEqualTo(Sessions.MAX_FAILURES);
      assertThat(slow.signIn("zhangmin", PASSWORD.toCharArray(), "10.0.0.8")).as("locked out after the burst")
          .isInstanceOf(Sessions.LockedOut.class);
    } finally {
      go.countDown();
      clients.shutdownNow();
      slow.close();
    }
  }

  @Test
  void anAddressGuessingManyUsernamesIsLockedOut() {
    for (int i = 0; i < Sessions.MAX_ADDRESS_FAILURES; i++) {
      assertThat(sessions.signIn("user-" + i, "guess".toCharArray(), "10.0.0.7")).isNotInstanceOf(Sessions.LockedOut.class);
    }
    assertThat(sessions.signIn("zhangmin", PASSWORD.toCharArray(), "10.0.0.7")).as("the right password, same address")
        .isInstanceOf(Sessions.LockedOut.class);
    assertThat(sessions.signIn("zhangmin", PASSWORD.toCharArray(), "10.0.0.8")).as("another address")
        .isInstanceOf(Sessions.Accepted.class);
  }
}
