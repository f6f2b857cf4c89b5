package org.probity.console.auth;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Signed-in sessions: a random 256-bit token in an HttpOnly cookie, held in memory and forgotten
 * after {@code idleTimeout} without a request. A console restart signs everyone out, which is the
 * safe side for a monitoring centre's shared screens.
 *
 * <p>Password guessing is slowed per username: after {@link #MAX_FAILURES} failed sign-ins in a
 * row the username is refused, even with the right password, for {@link #LOCKOUT}. A failure is
 * forgotten after {@link #LOCKOUT} without another one, so occasional typos never add up.
 */
public final class Sessions {
  public static final int MAX_FAILURES = 5;
  public static final Duration LOCKOUT = Duration.ofMinutes(5);
  /** Above this many usernames with failures, stale entries are dropped (guessed usernames are tracked too). */
  private static final int PRUNE_ABOVE = 1000;
  private static final SecureRandom RANDOM = new SecureRandom();

  public record Session(String token, Account account, Instant created) {}

  /** The outcome of a sign-in: a session, a wrong username or password, or a username locked out. */
  public sealed interface Attempt permits Accepted, Refused, LockedOut {}

  public record Accepted(Session session) implements Attempt {}

  public record Refused() implements Attempt {}

  /** Refused without checking the password until {@code until}. */
  public record LockedOut(Instant until) implements Attempt {}

  private record Entry(Session session, Instant lastSeen) {}

  /** Consecutive failures of one username; {@code lockedUntil} is null while below the limit. */
  private record Failures(int count, Instant last, Instant lockedUntil) {
    boolean stale(Instant now) {
      return lockedUntil == null ? !last.plus(LOCKOUT).isAfter(now) : !lockedUntil.isAfter(now);
    }
  }

  private final Map<String, Entry> sessions = new ConcurrentHashMap<>();
  private final Map<String, Failures> failures = new ConcurrentHashMap<>();
  private final Map<String, Account> accounts;
  private final Duration idleTimeout;
  private final Clock clock;

  public Sessions(List<Account> accounts, Duration idleTimeout, Clock clock) {
    Map<String, Account> byName = new ConcurrentHashMap<>();
    accounts.forEach(a -> byName.put(a.username(), a));
    this.accounts = Map.copyOf(byName);
    this.idleTimeout = idleTimeout;
    this.clock = clock;
  }

  /**
   * A new session when the password matches and the username is not locked out; the same work is
   * done for an unknown user (who is also locked out after as many failures), so neither timing
   * nor the lockout tells which usernames exist.
   */
  public Attempt signIn(String username, char[] password) {
    String name = username == null ? "" : username;
    Instant now = clock.instant();
    Failures failed = failures.get(name);
    if (failed != null && failed.lockedUntil() != null && now.isBefore(failed.lockedUntil())) {
      return new LockedOut(failed.lockedUntil());
    }
    Account account = accounts.get(name);
    boolean ok;
    if (account == null) {
      Passwords.matches(password, DUMMY_HASH);
      ok = false;
    } else {
      ok = Passwords.matches(password, account.passwordHash());
    }
    if (!ok) {
      Failures counted = failures.compute(name, (k, old) -> {
        int count = old == null || old.stale(now) ? 1 : old.count() + 1;
        return new Failures(count, now, count >= MAX_FAILURES ? now.plus(LOCKOUT) : null);
      });
      if (failures.size() > PRUNE_ABOVE) {
        failures.values().removeIf(f -> f.stale(now));
      }
      return counted.lockedUntil() == null ? new Refused() : new LockedOut(counted.lockedUntil());
    }
    failures.remove(name);
    byte[] bytes = new byte[32];
    RANDOM.nextBytes(bytes);
    String token = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    Session session = new Session(token, account, now);
    sessions.put(token, new Entry(session, now));
    sessions.values().removeIf(e -> expired(e, now));
    return new Accepted(session);
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

  private static final String DUMMY_HASH = Passwords.hash("unused".toCharArray());
}
