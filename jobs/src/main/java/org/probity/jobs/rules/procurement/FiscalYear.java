package org.probity.jobs.rules.procurement;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;

/**
 * The fiscal (budget) year an order falls in, for SAME_CATEGORY_YEAR (政府采购法实施条例 第二十八条:
 * "在一个财政年度内"). China's 预算年度 is the calendar year ({@code startMonth} 1), labelled
 * {@code 2025}; a year starting in another month is labelled by the two calendar years it spans,
 * {@code 2025-2026}, so a label never reads as a calendar year it is not. Days are taken in the
 * rules file's zone, so an order at 2026-01-01T00:30+08:00 belongs to 2026.
 *
 * @param startYear the calendar year in which the fiscal year starts
 * @param startMonth the month (1–12) on whose 1st every fiscal year starts
 */
public record FiscalYear(int startYear, int startMonth) {

  public static FiscalYear of(Instant time, ZoneId zone, int startMonth) {
    LocalDate day = time.atZone(zone).toLocalDate();
    return new FiscalYear(day.getMonthValue() >= startMonth ? day.getYear() : day.getYear() - 1, startMonth);
  }

  public String label() {
    return startMonth == 1 ? Integer.toString(startYear) : startYear + "-" + (startYear + 1);
  }

  /** The first instant after the year. */
  public Instant end(ZoneId zone) {
    return LocalDate.of(startYear + 1, startMonth, 1).atStartOfDay(zone).toInstant();
  }
}
