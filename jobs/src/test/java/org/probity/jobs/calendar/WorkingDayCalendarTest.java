package org.probity.jobs.calendar;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.probity.jobs.config.ConfigException;

/**
 * The contract's counting rule — "the day on which a period starts is not counted; the deadline
 * is the end of the N-th working day after it" — on the official 2019–2026 calendars, checked by
 * hand around Spring Festival, National Day, their make-up Saturdays/Sundays and year ends, and by
 * a day-by-day oracle over every day of 2017–2028.
 */
class WorkingDayCalendarTest {
  private static final ZoneId SHANGHAI = ZoneId.of("Asia/Shanghai");
  private final WorkingDayCalendar calendar = WorkingDayCalendar.load(SHANGHAI, List.of());

  private static LocalDate d(String iso) {
    return LocalDate.parse(iso);
  }

  @ParameterizedTest(name = "received {0}: working day {1} is {2}")
  @CsvSource({
      // Spring Festival 2025: off 01-28..02-04, make-up Sunday 01-26 and Saturday 02-08.
      "2025-01-24, 1, 2025-01-26",
      "2025-01-24, 2, 2025-01-27",
      "2025-01-24, 3, 2025-02-05",
      "2025-01-24, 5, 2025-02-07",
      "2025-01-24, 6, 2025-02-08",
      "2025-01-24, 7, 2025-02-10",
      "2025-01-27, 1, 2025-02-05",
      // received on the first day of the holiday, and on the make-up Sunday itself
      "2025-01-28, 1, 2025-02-05",
      "2025-01-26, 1, 2025-01-27",
      // Spring Festival 2026: make-up Saturdays 02-14 and 02-28, off 02-15..02-23.
      "2026-02-13, 1, 2026-02-14",
      "2026-02-13, 2, 2026-02-24",
      "2026-02-27, 1, 2026-02-28",
      "2026-02-27, 2, 2026-03-02",
      // National Day 2025: off 10-01..10-08, make-up Sunday 09-28 and Saturday 10-11.
      "2025-09-26, 1, 2025-09-28",
      "2025-09-26, 3, 2025-09-30",
      "2025-09-26, 4, 2025-10-09",
      "2025-09-26, 6, 2025-10-11",
      "2025-09-26, 7, 2025-10-13",
      "2025-09-30, 1, 2025-10-09",
      // received on a holiday: the count starts after it, on the next working day
      "2025-10-03, 1, 2025-10-09",
      "2025-10-03, 20, 2025-11-04",
      "2024-10-01, 1, 2024-10-08",
      // year ends: 2024→2025 (01-01 off), 2025→2026 (01-01..03 off, Sunday 01-04 a make-up day)
      "2024-12-31, 1, 2025-01-02",
      "2025-12-31, 1, 2026-01-04",
      "2025-12-31, 2, 2026-01-05",
      "2025-12-26, 4, 2026-01-04",
      // 2019.json's make-up Saturday 2018-12-29 and the 2018-12-31/2019-01-01 holiday
      "2018-12-28, 1, 2018-12-29",
      "2018-12-28, 2, 2019-01-02",
      // a whole statutory limit across National Day 2024 (10-01..07 off, make-up 09-29 and 10-12)
      "2024-09-27, 20, 2024-10-30",
  })
  void nthWorkingDayAfter(String received, int n, String expected) {
    assertThat(calendar.nthWorkingDayAfter(d(received), n)).isEqualTo(d(expected));
  }

  @Test
  void makeUpWeekendDaysAreWorkingDaysAndHolidaysAreNot() {
    assertThat(calendar.isWorkingDay(d("2025-09-28"))).as("Sunday make-up day").isTrue();
    assertThat(calendar.isWorkingDay(d("2025-10-11"))).as("Saturday make-up day").isTrue();
    assertThat(calendar.isWorkingDay(d("2025-10-08"))).as("Wednesday in the National Day holiday").isFalse();
    assertThat(calendar.isWorkingDay(d("2025-10-04"))).as("Saturday in the holiday").isFalse();
    assertThat(calendar.isWorkingDay(d("2025-10-12"))).as("an ordinary Sunday").isFalse();
    assertThat(calendar.isWorkingDay(d("2025-10-13"))).as("an ordinary Monday").isTrue();
  }

  @Test
  void workingDaysInCountsAfterExclusiveUpToInclusive() {
    // S < d ≤ R: a suspension from Friday 09-26 to Thursday 10-09 removes 09-28, 09-29, 09-30, 10-09.
    assertThat(calendar.workingDaysIn(d("2025-09-26"), d("2025-10-09"))).isEqualTo(4);
    assertThat(calendar.workingDaysIn(d("2025-10-01"), d("2025-10-08"))).as("inside the holiday").isZero();
    assertThat(calendar.workingDaysIn(d("2025-10-09"), d("2025-10-09"))).isZero();
    assertThat(calendar.workingDaysIn(d("2025-10-10"), d("2025-10-09"))).as("backwards").isZero();
  }

  @Test
  void aYearWithoutDataIsCountedMondayToFridayAndReported() {
    assertThat(calendar.covers(2026)).isTrue();
    assertThat(calendar.covers(2027)).isFalse();
    // 2027-01-01 is a Friday: without the 2027 notice it is an ordinary working day.
    assertThat(calendar.nthWorkingDayAfter(d("2026-12-31"), 1)).isEqualTo(d("2027-01-01"));
    assertThat(calendar.nthWorkingDayAfter(d("2026-12-31"), 2)).isEqualTo(d("2027-01-04"));
    assertThat(calendar.firstUncoveredYear((int) d("2026-12-01").toEpochDay(), (int) d("2027-01-04").toEpochDay()))
        .isEqualTo(2027);
    assertThat(calendar.firstUncoveredYear((int) d("2025-12-01").toEpochDay(), (int) d("2026-01-04").toEpochDay()))
        .isZero();
    assertThat(calendar.nthWorkingDayAfter(d("2018-06-01"), 1)).as("before the data").isEqualTo(d("2018-06-04"));
  }

  @Test
  void aConfiguredFileAddsAYearAndReplacesAShippedOne(@TempDir Path dir) throws Exception {
    Path y2027 = dir.resolve("2027.json");
    Files.writeString(y2027, """
        {"year": 2027, "days": [
          {"name": "元旦", "date": "2027-01-01", "isOffDay": true},
          {"name": "春节", "date": "2027-01-02", "isOffDay": false}]}
        """);
    Path y2025 = dir.resolve("2025.json");
    Files.writeString(y2025, """
        {"year": 2025, "days": [{"name": "国庆节", "date": "2025-10-01", "isOffDay": true}]}
        """);
    WorkingDayCalendar extended = WorkingDayCalendar.load(SHANGHAI, List.of(y2027.toString(), y2025.toString()));
    assertThat(extended.covers(2027)).isTrue();
    assertThat(extended.nthWorkingDayAfter(d("2026-12-31"), 1)).isEqualTo(d("2027-01-02"));
    assertThat(extended.nthWorkingDayAfter(d("2026-12-31"), 2)).isEqualTo(d("2027-01-04"));
    assertThat(extended.isWorkingDay(d("2025-10-08"))).as("the replacement 2025 has only 10-01 off").isTrue();
    assertThat(extended.isWorkingDay(d("2025-10-01"))).isFalse();
  }

  @Test
  void aBadConfiguredFileIsAOneLineConfigError(@TempDir Path dir) throws Exception {
    Path bad = dir.resolve("2027.json");
    Files.writeString(bad, "{\"year\": 2027}");
    assertThatThrownBy(() -> WorkingDayCalendar.load(SHANGHAI, List.of(bad.toString())))
        .isInstanceOf(ConfigException.class).hasMessageContaining("2027.json").hasMessageContaining("days");
    assertThatThrownBy(() -> WorkingDayCalendar.load(SHANGHAI, List.of(dir.resolve("none.json").toString())))
        .isInstanceOf(ConfigException.class).hasMessageContaining("calendar.holidayFiles: no such file");
  }

  @Test
  void daysAndTheirStartAreInTheConfiguredZone() {
    int oct9 = (int) d("2025-10-09").toEpochDay();
    assertThat(calendar.day(Instant.parse("2025-10-08T16:00:00Z").toEpochMilli())).as("00:00 +08:00").isEqualTo(oct9);
    assertThat(calendar.day(Instant.parse("2025-10-08T15:59:59.999Z").toEpochMilli())).isEqualTo(oct9 - 1);
    assertThat(calendar.startOf(oct9)).isEqualTo(Instant.parse("2025-10-08T16:00:00Z").toEpochMilli());
  }

  @Test
  void weekdayArithmeticInvertsItself() {
    for (int day = -3000; day < 3000; day++) {
      int ordinal = WorkingDayCalendar.weekdayOrdinal(day);
      boolean weekday = LocalDate.ofEpochDay(day).getDayOfWeek().getValue() <= 5;
      assertThat(ordinal - WorkingDayCalendar.weekdayOrdinal(day - 1)).isEqualTo(weekday ? 1 : 0);
      if (weekday) {
        assertThat(WorkingDayCalendar.weekdayAt(ordinal)).isEqualTo(day);
      }
    }
  }

  /** Every day of 2017–2028 and every N up to 45 against a plain day-by-day count of the raw files. */
  @Test
  void agreesWithADayByDayCountEverywhere() {
    Map<LocalDate, Boolean> official = new HashMap<>();
    for (WorkingDayCalendar.YearFile f : WorkingDayCalendar.shipped()) {
      official.putAll(f.days());
    }
    LocalDate from = d("2017-01-01");
    LocalDate to = d("2028-12-31");
    for (LocalDate day = from; day.isBefore(to); day = day.plusDays(1)) {
      LocalDate next = day;
      for (int n = 1; n <= 45; n++) {
        do {
          next = next.plusDays(1);
        } while (!oracleWorking(official, next));
        assertThat(calendar.nthWorkingDayAfter(day, n)).as("%s + %d", day, n).isEqualTo(next);
        assertThat(calendar.workingDaysIn(day, next)).isEqualTo(n);
      }
      assertThat(calendar.isWorkingDay(day)).as("%s", day).isEqualTo(oracleWorking(official, day));
    }
  }

  private static boolean oracleWorking(Map<LocalDate, Boolean> official, LocalDate day) {
    Boolean off = official.get(day);
    if (off != null) {
      return !off;
    }
    return day.getDayOfWeek() != DayOfWeek.SATURDAY && day.getDayOfWeek() != DayOfWeek.SUNDAY;
  }

  @Test
  void itSurvivesJavaSerializationAsPartOfAFunction() throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(calendar);
    }
    WorkingDayCalendar copy;
    try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
      copy = (WorkingDayCalendar) in.readObject();
    }
    assertThat(copy.nthWorkingDayAfter(d("2025-09-26"), 7)).isEqualTo(d("2025-10-13"));
    assertThat(copy.zone()).isEqualTo(SHANGHAI);
  }

  @ParameterizedTest
  @CsvSource({"Asia/Shanghai", "Europe/Berlin", "America/Sao_Paulo"})
  void daysAndTheirStartsAreTheZoneRulesOnEveryHourOfTheTableAndBeyond(String zoneId) {
    ZoneId zone = ZoneId.of(zoneId);
    WorkingDayCalendar calendar = WorkingDayCalendar.load(zone, List.of());
    long from = Instant.parse("1990-01-01T00:00:00Z").toEpochMilli();
    long to = Instant.parse("2035-01-01T00:00:00Z").toEpochMilli();
    for (long t = from; t < to; t += 7 * 60_000L + 13) {
      int expected = (int) LocalDate.ofInstant(Instant.ofEpochMilli(t), zone).toEpochDay();
      assertThat(calendar.day(t)).as("%s at %s", zoneId, Instant.ofEpochMilli(t)).isEqualTo(expected);
    }
    for (int day = (int) LocalDate.of(1990, 1, 1).toEpochDay(); day < LocalDate.of(2035, 1, 1).toEpochDay(); day++) {
      assertThat(calendar.startOf(day)).isEqualTo(LocalDate.ofEpochDay(day).atStartOfDay(zone).toInstant().toEpochMilli());
      assertThat(calendar.day(calendar.startOf(day))).isEqualTo(day);
      assertThat(calendar.day(calendar.startOf(day) - 1)).isEqualTo(day - 1);
    }
  }
}
