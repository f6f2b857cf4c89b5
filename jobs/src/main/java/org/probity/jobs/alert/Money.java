package org.probity.jobs.alert;

/** Fen as the yuan text of a Chinese message: 250000000 → "¥2,500,000.00". */
public final class Money {
  private Money() {}

  public static String yuan(long fen) {
    return String.format("¥%,d.%02d", fen / 100, Math.abs(fen % 100));
  }
}
