package org.probity.jobs.rules.procurement;

import java.math.BigDecimal;

/**
 * Percentage comparisons of fen amounts in exact decimal arithmetic: a configured 0.5 % or 10 %
 * must decide the boundary case (a spread of exactly 0.5 %, change orders of exactly 10 %) the
 * way the rules file reads, not the way binary floating point rounds it.
 */
final class Percent {
  private static final BigDecimal HUNDRED = BigDecimal.valueOf(100);

  private Percent() {}

  /** {@code part > percent % of whole}. */
  static boolean exceeds(long part, long whole, double percent) {
    return compare(part, whole, percent) > 0;
  }

  /** {@code part ≤ percent % of whole}. */
  static boolean within(long part, long whole, double percent) {
    return compare(part, whole, percent) <= 0;
  }

  /** {@code 0.5} → "0.5", {@code 10.0} → "10", for messages. */
  static String text(double percent) {
    return BigDecimal.valueOf(percent).stripTrailingZeros().toPlainString();
  }

  private static int compare(long part, long whole, double percent) {
    return BigDecimal.valueOf(part).multiply(HUNDRED)
        .compareTo(BigDecimal.valueOf(percent).multiply(BigDecimal.valueOf(whole)));
  }
}
