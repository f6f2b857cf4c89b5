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
 */
public final class Sessions {
  private static final SecureRandom RANDOM = new SecureRandom();

  public record Session(String token, Account account, Instant created) {}

  private record Entry(Session session, Instant lastSeen) {}

  private final Map<String, Entry> sessions = new ConcurrentHashMap<>();
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

  /** A new session when the password matches; the same work is done for an unknown user, so timing tells nothing. */
  public Optional<Session> signIn(String username, char[] password) {
    Account account = username == null ? null : accounts.get(username);
    boolean ok;
    if (account == null) {
      Passwords.matches(password, DUMMY_HASH);
      ok = false;
    } else {
      ok = Passwords.matches(password, account.passwordHash());
    }
    if (!ok) {
      return Optional.empty();
    }
    byte[] bytes = new byte[32];
    RANDOM.nextBytes(bytes);
    String token = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    Instant now = clock.instant();
    Session session = new Session(token, account, now);
    sessions.put(token, new Entry(session, now));
    sessions.values().removeIf(e -> expired(e, now));
    return Optional.of(session);
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
