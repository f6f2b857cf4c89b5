package org.probity.jobs.calendar;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.probity.jobs.config.ConfigException;
import org.probity.jobs.config.ProbityConfig;

/**
 * The working days of the contract's time limits (办理时限): Monday–Friday, minus official holidays,
 * plus official make-up working days (调休), as published by the State Council and collected by
 * the holiday-cn project (MIT; the year files ship under {@code holiday-cn/} in the jar, and the
 * rules file's {@code calendar.holidayFiles} adds or replaces years without a release).
 *
 * <p>Days are epoch days ({@link LocalDate#toEpochDay()}) in the configured zone. Every day has an
 * <em>ordinal</em>: the number of working days up to and including it, counted from a fixed
 * Monday, so "working days d with a &lt; d ≤ b" is {@code ordinal(b) − ordinal(a)} and "the N-th
 * working day after a" is the working day whose ordinal is {@code ordinal(a) + N}. Both are O(1):
 * the years with data are a precomputed table (about 2,900 days, 20 KB for eight years); outside
 * it the ordinal is weekday arithmetic that continues the table's count. The rules call these per
 * event, so nothing here allocates.
 *
 * <p>A year without a file is counted Monday–Friday only; {@link #covers(int)} lets callers warn.
 * Immutable and serializable: it travels inside the rule functions to every task.
 */
public final class WorkingDayCalendar implements Serializable {
  private static final long serialVersionUID = 1L;
  /** Where the shipped year files are, and the file that lists them (a jar cannot be listed). */
  public static final String RESOURCE_DIR = "holiday-cn/";
  static final String INDEX = RESOURCE_DIR + "index.txt";
  /** 1970-01-05, a Monday: weekday arithmetic counts from here. */
  private static final int MONDAY = 4;
  private static final ObjectMapper JSON = new ObjectMapper();
  /** 9999-12-31: the last day a time limit can end on; a limit counted past it is never reached. */
  public static final int LAST_DAY = (int) LocalDate.of(9999, 12, 31).toEpochDay();
  /** A day past {@link #LAST_DAY}: what a time limit beyond the calendar ends on (never). */
  public static final int BEYOND = Integer.MAX_VALUE;

  private final ZoneId zone;
  private final int[] coveredYears;
  /** First epoch day of the table; the table is empty when no year has data. */
  private final int first;
  /** ordinals[i] = ordinal(first + i). */
  private final int[] ordinals;
  /** The working days of the table, ascending: workingDays[j] has ordinal ordinalBefore + j + 1. */
  private final int[] workingDays;
  private final int ordinalBefore;
  /** starts[i] = startOf(first + i), so that the instants of the table's days need no zone rules per event. */
  private final long[] starts;

  /** One holiday-cn year file: its year and its days (date → isOffDay). */
  record YearFile(int year, Map<LocalDate, Boolean> days, String source) {}

  private WorkingDayCalendar(ZoneId zone, int[] coveredYears, int first, int[] ordinals, int[] workingDays) {
    this.zone = zone;
    this.coveredYears = coveredYears;
    this.first = first;
    this.ordinals = ordinals;
    this.workingDays = workingDays;
    this.ordinalBefore = weekdayOrdinal(first - 1);
    this.starts = new long[ordinals.length == 0 ? 0 : ordinals.length + 1];
    for (int i = 0; i < starts.length; i++) {
      starts[i] = zoneStartOf(first + i);
    }
  }

  /**
   * The calendar of {@code config}: the shipped years, then the years its rules file states (its
   * {@code holidayFiles}, read when the file was, and its {@code calendar.days}). Reads nothing:
   * a version of the rules published while the job runs builds its calendar on any machine.
   */
  public static WorkingDayCalendar of(ProbityConfig config) {
    List<YearFile> files = new ArrayList<>(shipped());
    config.calendarYears().forEach((year, days) -> files.add(new YearFile(year, days, "calendar")));
    return build(config.zone(), files);
  }

  /** The days of holiday-cn year files (year → date → isOffDay), each file read and checked. */
  public static Map<Integer, Map<LocalDate, Boolean>> readYears(List<String> files) {
    Map<Integer, Map<LocalDate, Boolean>> years = new TreeMap<>();
    for (String file : files) {
      YearFile f = parse(readFile(file), file);
      years.put(f.year(), f.days());
    }
    return years;
  }

  private static String readFile(String file) {
    try {
      return Files.readString(Path.of(file), StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      throw new ConfigException("calendar.holidayFiles: no such file '" + file + "'");
    } catch (IOException e) {
      throw new ConfigException("calendar.holidayFiles: cannot read '" + file + "': " + e.getMessage());
    }
  }

  /**
   * The shipped years plus {@code extraFiles} (paths of holiday-cn year files). A file for a year
   * that is already known replaces that year: a corrected notice wins over the shipped one.
   */
  public static WorkingDayCalendar load(ZoneId zone, List<String> extraFiles) {
    List<YearFile> files = new ArrayList<>(shipped());
    for (String file : extraFiles) {
      files.add(parse(readFile(file), file));
    }
    return build(zone, files);
  }

  /** Weekends only, no holidays: for tests and for zones without official data. */
  public static WorkingDayCalendar weekendsOnly(ZoneId zone) {
    return build(zone, List.of());
  }

  static List<YearFile> shipped() {
    List<YearFile> files = new ArrayList<>();
    for (String name : resource(INDEX).split("\\R")) {
      if (!name.isBlank()) {
        files.add(parse(resource(RESOURCE_DIR + name.strip()), RESOURCE_DIR + name.strip()));
      }
    }
    return files;
  }

  private static String resource(String name) {
    try (InputStream in = WorkingDayCalendar.class.getClassLoader().getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException(name + " missing from the jar");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IllegalStateException("cannot read " + name, e);
    }
  }

  /** Parses one holiday-cn year file ({@code {"year": 2025, "days": [{"date", "isOffDay"}, …]}}). */
  static YearFile parse(String json, String source) {
    JsonNode root;
    try {
      root = JSON.readTree(json);
    } catch (IOException e) {
      throw new ConfigException(source + ": not a holiday-cn JSON file: " + e.getMessage());
    }
    if (root == null || !root.path("year").isInt() || !root.path("days").isArray()) {
      throw new ConfigException(source + ": not a holiday-cn year file (needs \"year\" and \"days\")");
    }
    Map<LocalDate, Boolean> days = new LinkedHashMap<>();
    for (JsonNode day : root.get("days")) {
      if (!day.path("date").isTextual() || !day.path("isOffDay").isBoolean()) {
        throw new ConfigException(source + ": every day needs \"date\" and \"isOffDay\", got " + day);
      }
      try {
        days.put(LocalDate.parse(day.get("date").textValue()), day.get("isOffDay").booleanValue());
      } catch (DateTimeException e) {
        throw new ConfigException(source + ": bad date '" + day.get("date").textValue() + "'");
      }
    }
    return new YearFile(root.get("year").intValue(), days, source);
  }

  static WorkingDayCalendar build(ZoneId zone, List<YearFile> files) {
    Map<Integer, YearFile> byYear = new TreeMap<>();
    files.forEach(f -> byYear.put(f.year(), f));
    // A file may list days of the neighbouring year (2019.json has 2018-12-29); that year's own file wins.
    TreeMap<Integer, Boolean> offDays = new TreeMap<>();
    for (boolean ownYear : new boolean[] {false, true}) {
      for (YearFile f : byYear.values()) {
        f.days().forEach((date, off) -> {
          if ((date.getYear() == f.year()) == ownYear) {
            offDays.put((int) date.toEpochDay(), off);
          }
        });
      }
    }
    int[] covered = byYear.keySet().stream().mapToInt(Integer::intValue).toArray();
    if (covered.length == 0) {
      return new WorkingDayCalendar(zone, covered, 0, new int[0], new int[0]);
    }
    int lo = (int) LocalDate.of(covered[0], 1, 1).toEpochDay();
    int hi = (int) LocalDate.of(covered[covered.length - 1], 12, 31).toEpochDay();
    lo = Math.min(lo, offDays.firstKey());
    hi = Math.max(hi, offDays.lastKey());
    int[] ordinals = new int[hi - lo + 1];
    int[] working = new int[hi - lo + 1];
    int count = 0;
    int ordinal = weekdayOrdinal(lo - 1);
    for (int day = lo; day <= hi; day++) {
      Boolean off = offDays.get(day);
      boolean isWorking = off == null ? isWeekday(day) : !off;
      if (isWorking) {
        ordinal++;
        working[count++] = day;
      }
      ordinals[day - lo] = ordinal;
    }
    return new WorkingDayCalendar(zone, covered, lo, ordinals, Arrays.copyOf(working, count));
  }

  public ZoneId zone() {
    return zone;
  }

  /** The epoch day of an instant in the calendar's zone. */
  public int day(long epochMillis) {
    if (starts.length > 0 && epochMillis >= starts[0] && epochMillis < starts[starts.length - 1]) {
      // A day is 23 to 25 hours: the estimate is off by one at most, and the table's starts settle it.
      int i = (int) Math.min(starts.length - 2, (epochMillis - starts[0]) / 86_400_000L);
      while (i > 0 && starts[i] > epochMillis) {
        i--;
      }
      while (i < starts.length - 2 && starts[i + 1] <= epochMillis) {
        i++;
      }
      return first + i;
    }
    return (int) LocalDate.ofInstant(Instant.ofEpochMilli(epochMillis), zone).toEpochDay();
  }

  /** The instant (epoch millis) a day starts in the calendar's zone: 00:00, i.e. 24:00 of the day before. */
  public long startOf(int day) {
    int i = day - first;
    if (i >= 0 && i < starts.length) {
      return starts[i];
    }
    return zoneStartOf(day);
  }

  private long zoneStartOf(int day) {
    return LocalDate.ofEpochDay(day).atStartOfDay(zone).toInstant().toEpochMilli();
  }

  /** Working days up to and including {@code day}, counted from a fixed origin: only differences mean anything. */
  public int ordinal(int day) {
    if (ordinals.length == 0 || day < first) {
      return weekdayOrdinal(day);
    }
    int i = day - first;
    if (i < ordinals.length) {
      return ordinals[i];
    }
    int last = first + ordinals.length - 1;
    return ordinals[ordinals.length - 1] + weekdayOrdinal(day) - weekdayOrdinal(last);
  }

  /**
   * The working day whose ordinal is {@code ordinal} (the first day whose ordinal reaches it), or
   * {@link #BEYOND} when that is after {@link #LAST_DAY}. Takes a long so that a limit built from
   * untrusted day counts cannot wrap around into a day in the past.
   */
  public int workingDayAt(long ordinal) {
    if (ordinal > ordinal(LAST_DAY)) {
      return BEYOND;
    }
    return workingDayAt((int) ordinal);
  }

  private int workingDayAt(int ordinal) {
    if (ordinals.length == 0 || ordinal <= ordinalBefore) {
      return weekdayAt(ordinal);
    }
    int lastOrdinal = ordinals[ordinals.length - 1];
    if (ordinal <= lastOrdinal) {
      return workingDays[ordinal - ordinalBefore - 1];
    }
    int last = first + ordinals.length - 1;
    return weekdayAt(ordinal - lastOrdinal + weekdayOrdinal(last));
  }

  public boolean isWorkingDay(int day) {
    return ordinal(day) != ordinal(day - 1);
  }

  /**
   * The {@code n}-th working day after {@code day} ({@code n ≥ 1}; {@code day} itself is not
   * counted), or {@link #BEYOND} when that is after {@link #LAST_DAY}.
   */
  public int nthWorkingDayAfter(int day, long n) {
    if (day == BEYOND) {
      return BEYOND;
    }
    return workingDayAt((long) ordinal(day) + n);
  }

  /** The number of working days d with {@code after < d ≤ upTo} (0 when upTo ≤ after). */
  public int workingDaysIn(int after, int upTo) {
    return upTo <= after ? 0 : ordinal(upTo) - ordinal(after);
  }

  /** Whether {@code year} has official data; a year without it is counted Monday–Friday only. */
  public boolean covers(int year) {
    return Arrays.binarySearch(coveredYears, year) >= 0;
  }

  /** The first year from {@code fromDay}'s to {@code toDay}'s without official data, or 0 when all have it. */
  public int firstUncoveredYear(int fromDay, int toDay) {
    int to = LocalDate.ofEpochDay(toDay).getYear();
    for (int year = LocalDate.ofEpochDay(fromDay).getYear(); year <= to; year++) {
      if (!covers(year)) {
        return year;
      }
    }
    return 0;
  }

  public boolean isWorkingDay(LocalDate date) {
    return isWorkingDay((int) date.toEpochDay());
  }

  public LocalDate nthWorkingDayAfter(LocalDate date, int n) {
    return LocalDate.ofEpochDay(nthWorkingDayAfter((int) date.toEpochDay(), (long) n));
  }

  public int workingDaysIn(LocalDate after, LocalDate upTo) {
    return workingDaysIn((int) after.toEpochDay(), (int) upTo.toEpochDay());
  }

  private static boolean isWeekday(int day) {
    return Math.floorMod(day - MONDAY, 7) < 5;
  }

  /** Monday–Friday days in [MONDAY, day] (negative before it), continuous across the origin. */
  static int weekdayOrdinal(int day) {
    int k = day - MONDAY + 1;
    return 5 * Math.floorDiv(k, 7) + Math.min(Math.floorMod(k, 7), 5);
  }

  /** The first day whose {@link #weekdayOrdinal} reaches {@code ordinal}: always a Monday–Friday. */
  static int weekdayAt(int ordinal) {
    int k = 7 * Math.floorDiv(ordinal - 1, 5) + Math.floorMod(ordinal - 1, 5) + 1;
    return k + MONDAY - 1;
  }
}
