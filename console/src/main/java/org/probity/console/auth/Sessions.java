package org.probity.console.auth;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Signed-in sessions: a random 256-bit token in an HttpOnly cookie, held in memory and forgotten
 * after {@code idleTimeout} without a request. A console restart signs everyone out, which is the
 * safe side for a monitoring centre's shared screens.
 *
 * <p>Password guessing is slowed per username: after {@link #MAX_FAILURES} failed sign-ins in a
 * row the username is refused, even with the right password, for {@link #LOCKOUT}. A failure is
 * forgotten after {@link #LOCKOUT} without another one, so occasional typos never add up. A client
 * address is limited alike, at {@link #MAX_ADDRESS_FAILURES} (guesses spread over many usernames).
 *
 * <p>The check and the count are one step: an attempt reserves its place in the count before its
 * password is hashed, so parallel guesses cannot all pass the check while the first ones are still
 * hashing; at most {@link #MAX_FAILURES} passwords of a username are ever tried before it locks.
 * Hashes run on a small bounded pool: when it is full the attempt is {@link Busy} (HTTP 503).
 */
public final class Sessions implements AutoCloseable {
  public static final int MAX_FAILURES = 5;
  public static final int MAX_ADDRESS_FAILURES = 20;
  public static final Duration LOCKOUT = Duration.ofMinutes(5);
  /** How long a sign-in waits for its hash before it is answered 503 (below the server's request time limit). */
  static final Duration HASH_WAIT = Duration.ofSeconds(5);
  /** Hashes at once: PBKDF2 is CPU-bound, so more threads than cores only make each one slower. */
  static final int HASH_THREADS = Math.max(1, Math.min(2, Runtime.getRuntime().availableProcessors()));
  /** Hashes waiting: a few seconds of work at most, so a queued sign-in is still answered in time. */
  static final int HASH_QUEUE = 8;
  /** Above this many usernames or addresses with failures, stale entries are dropped (guessed usernames are tracked too). */
  private static final int PRUNE_ABOVE = 1000;
  private static final SecureRandom RANDOM = new SecureRandom();

  public record Session(String token, Account account, Instant created) {}

  /** The outcome of a sign-in. */
  public sealed interface Attempt permits Accepted, Refused, LockedOut, Throttled, Busy {}

  public record Accepted(Session session) implements Attempt {}

  public record Refused() implements Attempt {}

  /** Refused without checking the password until {@code until}. */
  public record LockedOut(Instant until) implements Attempt {}

  /** Refused without checking the password: as many attempts as may still fail are being checked now. */
  public record Throttled() implements Attempt {}

  /** Not checked: the console is hashing as many passwords as it can; try again shortly. */
  public record Busy() implements Attempt {}

  /** Checks a password against a stored hash (the PBKDF2 check; a test may slow it down). */
  @FunctionalInterface
  public interface PasswordCheck {
    boolean matches(char[] password, String hash);
  }

  private record Entry(Session session, Instant lastSeen) {}

  /** Failures of one username or address in a row, and attempts of it being checked now. */
  private static final class Failures {
    int count;
    int pending;
    Instant last;
    Instant lockedUntil;

    boolean locked(Instant now) {
      return lockedUntil != null && now.isBefore(lockedUntil);
    }

    /** Forgets failures a lockout or a quiet {@link #LOCKOUT} has put behind. */
    void expire(Instant now) {
      if (lockedUntil != null ? !now.isBefore(lockedUntil) : last != null && !last.plus(LOCKOUT).isAfter(now)) {
        count = 0;
        last = null;
        lockedUntil = null;
      }
    }

    boolean idle(Instant now) {
      expire(now);
      return pending == 0 && count == 0;
    }
  }

  private final Map<String, Entry> sessions = new ConcurrentHashMap<>();
  /** Guarded by {@code this}: the check and the reservation are one step. */
  private final Map<String, Failures> byUser = new HashMap<>();
  private final Map<String, Failures> byAddress = new HashMap<>();
  private final Map<String, Account> accounts;
  private final Duration idleTimeout;
  private final Clock clock;
  private final PasswordCheck check;
  private final ThreadPoolExecutor hashing;

  public Sessions(List<Account> accounts, Duration idleTimeout, Clock clock) {
    this(accounts, idleTimeout, clock, Passwords::matches);
  }

  public Sessions(List<Account> accounts, Duration idleTimeout, Clock clock, PasswordCheck check) {
    Map<String, Account> byName = new HashMap<>();
    accounts.forEach(a -> byName.put(a.username(), a));
    this.accounts = Map.copyOf(byName);
    this.idleTimeout = idleTimeout;
    this.clock = clock;
    this.check = check;
    AtomicInteger n = new AtomicInteger();
    this.hashing = new ThreadPoolExecutor(HASH_THREADS, HASH_THREADS, 30, TimeUnit.SECONDS,
        new ArrayBlockingQueue<>(HASH_QUEUE), r -> {
          Thread t = new Thread(r, "console-password-hash-" + n.incrementAndGet());
          t.setDaemon(true);
          return t;
        });
    this.hashing.allowCoreThreadTimeOut(true);
  }

  /** A sign-in whose client address is not known (no address limit). */
  public Attempt signIn(String username, char[] password) {
    return signIn(username, password, null);
  }

  /**
   * A new session when the password matches and neither the username nor the client address is
   * locked out; the same work is done for an unknown user (who is also locked out after as many
   * failures), so neither timing nor the lockout tells which usernames exist.
   */
  public Attempt signIn(String username, char[] password, String address) {
    String name = username == null ? "" : username;
    Attempt refused = reserve(name, address);
    if (refused != null) {
      return refused;
    }
    Account account = accounts.get(name);
    CompletableFuture<Boolean> checked;
    try {
      // The count is settled by the hashing task itself, so a sign-in answered 503 while its hash
      // still runs is counted all the same.
      checked = CompletableFuture.supplyAsync(() -> {
        boolean ok = false;
        try {
          ok = account == null ? dummyCheck(password) : check.matches(password, account.passwordHash());
          return ok;
        } finally {
          settle(name, address, ok);
        }
      }, hashing);
    } catch (RejectedExecutionException e) {
      release(name, address);
      return new Busy();
    }
    boolean ok;
    try {
      ok = checked.get(HASH_WAIT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      return new Busy();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new Busy();
    } catch (ExecutionException e) {
      throw new IllegalStateException("password check failed", e.getCause());
    }
    if (!ok) {
      synchronized (this) {
        Failures f = byUser.get(name);
        return f != null && f.locked(clock.instant()) ? new LockedOut(f.lockedUntil) : new Refused();
      }
    }
    Instant now = clock.instant();
    byte[] bytes = new byte[32];
    RANDOM.nextBytes(bytes);
    String token = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    Session session = new Session(token, account, now);
    sessions.put(token, new Entry(session, now));
    sessions.values().removeIf(e -> expired(e, now));
    return new Accepted(session);
  }

  private boolean dummyCheck(char[] password) {
    check.matches(password, DUMMY_HASH);
    return false;
  }

  /** Checks the lockouts and, when the attempt may go on, counts it as pending; null when it may. */
  private synchronized Attempt reserve(String name, String address) {
    Instant now = clock.instant();
    Failures user = byUser.computeIfAbsent(name, k -> new Failures());
    Failures addr = address == null ? null : byAddress.computeIfAbsent(address, k -> new Failures());
    user.expire(now);
    if (addr != null) {
      addr.expire(now);
    }
    Instant until = null;
    if (user.locked(now)) {
      until = user.lockedUntil;
    }
    if (addr != null && addr.locked(now) && (until == null || addr.lockedUntil.isAfter(until))) {
      until = addr.lockedUntil;
    }
    if (until != null) {
      return new LockedOut(until);
    }
    if (user.count + user.pending >= MAX_FAILURES
        || addr != null && addr.count + addr.pending >= MAX_ADDRESS_FAILURES) {
      return new Throttled();
    }
    user.pending++;
    if (addr != null) {
      addr.pending++;
    }
    return null;
  }

  private synchronized void release(String name, String address) {
    byUser.get(name).pending--;
    if (address != null) {
      byAddress.get(address).pending--;
    }
  }

  private synchronized void settle(String name, String address, boolean ok) {
    Instant now = clock.instant();
    release(name, address);
    Failures user = byUser.get(name);
    if (ok) {
      // The address count stays: a valid account must not wash out guesses made from the same place.
      user.count = 0;
      user.last = null;
      user.lockedUntil = null;
    } else {
      fail(user, MAX_FAILURES, now);
      if (address != null) {
        fail(byAddress.get(address), MAX_ADDRESS_FAILURES, now);
      }
    }
    if (byUser.size() > PRUNE_ABOVE) {
      byUser.values().removeIf(f -> f.idle(now));
    }
    if (byAddress.size() > PRUNE_ABOVE) {
      byAddress.values().removeIf(f -> f.idle(now));
    }
  }

  private static void fail(Failures f, int max, Instant now) {
    f.expire(now);
    f.count++;
    f.last = now;
    if (f.count >= max && f.lockedUntil == null) {
      f.lockedUntil = now.plus(LOCKOUT);
    }
  }

  /** The live session of {@code token}, refreshed; empty when unknown or idle too long. */
  public Optional<Session> find(String token) {
    if (token == null) {
      return Optional.empty();
    }
    Instant now = clock.instant();
    Entry entry = sessions.get(token);
    if (entry == null || expired(entry, now)) {
      if (entry != null) {
        sessions.remove(token);
      }
      return Optional.empty();
    }
    sessions.put(token, new Entry(entry.session(), now));
    return Optional.of(entry.session());
  }

  public void signOut(String token) {
    if (token != null) {
      sessions.remove(token);
    }
  }

  private boolean expired(Entry e, Instant now) {
    return e.lastSeen().plus(idleTimeout).isBefore(now);
  }

  @Override
  public void close() {
    hashing.shutdownNow();
  }

  private static final String DUMMY_HASH = Passwords.hash("unused".toCharArray());
}
