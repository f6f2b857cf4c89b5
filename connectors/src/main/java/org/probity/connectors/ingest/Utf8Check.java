package org.probity.connectors.ingest;

/**
 * Strict UTF-8 validation in place, as the JDK's decoder with {@code REPORT} judges it (no overlong
 * forms, no encoded surrogates, nothing above U+10FFFF), without allocating a character buffer per
 * string: every string of every event is checked before Avro would decode it leniently.
 */
final class Utf8Check {
  private Utf8Check() {}

  /** The index of the first byte of the first malformed sequence in {@code b[0, length)}, or -1. */
  static int firstInvalid(byte[] b, int length) {
    int i = 0;
    while (i < length) {
      int c = b[i];
      if (c >= 0) {
        i++;
        continue;
      }
      c &= 0xFF;
      if (c >= 0xC2 && c <= 0xDF) {
        if (i + 1 >= length || !continuation(b[i + 1])) {
          return i;
        }
        i += 2;
      } else if (c >= 0xE0 && c <= 0xEF) {
        if (i + 2 >= length) {
          return i;
        }
        int c1 = b[i + 1] & 0xFF;
        boolean second = c == 0xE0 ? c1 >= 0xA0 && c1 <= 0xBF
            : c == 0xED ? c1 >= 0x80 && c1 <= 0x9F // U+D800..U+DFFF are not characters
            : continuation(b[i + 1]);
        if (!second || !continuation(b[i + 2])) {
          return i;
        }
        i += 3;
      } else if (c >= 0xF0 && c <= 0xF4) {
        if (i + 3 >= length) {
          return i;
        }
        int c1 = b[i + 1] & 0xFF;
        boolean second = c == 0xF0 ? c1 >= 0x90 && c1 <= 0xBF
            : c == 0xF4 ? c1 >= 0x80 && c1 <= 0x8F // nothing above U+10FFFF
            : continuation(b[i + 1]);
        if (!second || !continuation(b[i + 2]) || !continuation(b[i + 3])) {
          return i;
        }
        i += 4;
      } else {
        return i;
      }
    }
    return -1;
  }

  private static boolean continuation(byte b) {
    return (b & 0xC0) == 0x80;
  }
}
