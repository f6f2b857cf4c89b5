package org.probity.console.auth;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;

/**
 * Password hashes as {@code pbkdf2-sha256:<iterations>:<salt>:<hash>} (base64): PBKDF2 with
 * HMAC-SHA256 is in every JDK, so the console needs no crypto library, and the iteration count
 * travels with the hash so it can be raised later without invalidating old accounts.
 */
public final class Passwords {
  public static final String SCHEME = "pbkdf2-sha256";
  /** OWASP's 2023 recommendation for PBKDF2-HMAC-SHA256. */
  public static final int ITERATIONS = 600_000;
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final int SALT_BYTES = 16;
  private static final int HASH_BITS = 256;

  private Passwords() {}

  public static String hash(char[] password) {
    return hash(password, ITERATIONS);
  }

  /** A hash with fewer iterations: only tests, whose accounts protect nothing, should ask for it. */
  public static String hash(char[] password, int iterations) {
    byte[] salt = new byte[SALT_BYTES];
    RANDOM.nextBytes(salt);
    Base64.Encoder b64 = Base64.getEncoder().withoutPadding();
    return SCHEME + ':' + iterations + ':' + b64.encodeToString(salt) + ':'
        + b64.encodeToString(derive(password, salt, iterations));
  }

  /** Whether {@code hash} is well formed; the message says what is wrong, null when it is fine. */
  public static String problem(String hash) {
    String[] parts = hash == null ? new String[0] : hash.split(":");
    if (parts.length != 4 || !parts[0].equals(SCHEME)) {
      return "must be " + SCHEME + ":<iterations>:<salt>:<hash> (make one with `console hash-password`)";
    }
    try {
      if (Integer.parseInt(parts[1]) < 1) {
        return "iteration count must be positive";
      }
      Base64.getDecoder().decode(parts[2]);
      if (Base64.getDecoder().decode(parts[3]).length != HASH_BITS / 8) {
        return "hash part must be " + HASH_BITS / 8 + " bytes";
      }
    } catch (IllegalArgumentException e) {
      return "must be " + SCHEME + ":<iterations>:<salt>:<hash> with base64 salt and hash";
    }
    return null;
  }

  /** Constant-time check of {@code password} against a well-formed {@code hash}. */
  public static boolean matches(char[] password, String hash) {
    String[] parts = hash.split(":");
    byte[] salt = Base64.getDecoder().decode(parts[2]);
    byte[] expected = Base64.getDecoder().decode(parts[3]);
    return MessageDigest.isEqual(expected, derive(password, salt, Integer.parseInt(parts[1])));
  }

  /** A random password for a generated account (the demo's), 20 characters without look-alikes. */
  public static String randomPassword() {
    String alphabet = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < 20; i++) {
      sb.append(alphabet.charAt(RANDOM.nextInt(alphabet.length())));
    }
    return sb.toString();
  }

  private static byte[] derive(char[] password, byte[] salt, int iterations) {
    try {
      PBEKeySpec spec = new PBEKeySpec(password, salt, iterations, HASH_BITS);
      try {
        return SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256").generateSecret(spec).getEncoded();
      } finally {
        spec.clearPassword();
      }
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("PBKDF2WithHmacSHA256 missing from this JDK", e);
    }
  }
}
