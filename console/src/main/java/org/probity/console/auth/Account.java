package org.probity.console.auth;

/**
 * One person who may sign in. Only the password's hash is ever held ({@link Passwords}).
 *
 * @param displayName the name shown in the header and kept with each acknowledgement
 */
public record Account(String username, String displayName, Role role, String passwordHash) {
  @Override
  public String toString() {
    return "Account[" + username + ", " + role + "]";
  }
}
