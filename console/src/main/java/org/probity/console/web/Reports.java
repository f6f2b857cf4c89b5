package org.probity.console.web;

import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.probity.console.ingest.UnitBoard;
import org.probity.console.store.Rectifications;
import org.probity.console.store.Statistics;
import org.probity.jobs.alert.RuleId;
import org.probity.jobs.calendar.WorkingDayCalendar;
import org.probity.jobs.config.ReferenceData;

/**
 * The numbers of the statistics page (统计分析 / 绩效评估) and of the reports, from the store, for
 * any period. Each chart is one {@link Table}: the page draws it and offers the same rows as CSV,
 * so what is downloaded is what is drawn.
 */
final class Reports {
  /** A chart's numbers: named columns, one row per point. */
  record Table(String title, List<String> columns, List<List<Object>> rows) {}

  /** A period of days in the units' zone: [from, to). */
  record Period(LocalDate from, LocalDate to) {}

  static final List<String> CHARTS = List.of("alerts-by-rule", "alerts-by-unit", "scores", "funnel",
      "approval-performance", "rectification");

  private final Statistics stats;
  private final Rectifications rect;
  private final UnitBoard board;
  private final WorkingDayCalendar calendar;
  private final ReferenceData reference;
  private final ZoneId zone;
  private final Labels labels;

  Reports(Statistics stats, Rectifications rect, UnitBoard board, WorkingDayCalendar calendar,
      ReferenceData reference, ZoneId zone, Labels labels) {
    this.stats = stats;
    this.rect = rect;
    this.board = board;
    this.calendar = calendar;
    this.reference = reference;
    this.zone = zone;
    this.labels = labels;
  }

  private Instant start(LocalDate d) {
    return d.atStartOfDay(zone).toInstant();
  }

  /** Days for a month or shorter, months beyond: a chart's time axis. */
  private String bucket(Instant t, Period p) {
    LocalDate d = t.atZone(zone).toLocalDate();
    return p.to().toEpochDay() - p.from().toEpochDay() <= 62 ? d.toString() : d.toString().substring(0, 7);
  }

  private List<String> buckets(Period p) {
    List<String> out = new ArrayList<>();
    boolean days = p.to().toEpochDay() - p.from().toEpochDay() <= 62;
    for (LocalDate d = p.from(); d.isBefore(p.to()); d = days ? d.plusDays(1) : d.withDayOfMonth(1).plusMonths(1)) {
      out.add(days ? d.toString() : d.toString().substring(0, 7));
    }
    return out;
  }

  Map<String, Table> tables(Period p, String unitId, boolean en, LocalDate today) throws SQLException {
    Map<String, Table> out = new LinkedHashMap<>();
    List<Statistics.AlertFact> alerts = stats.alerts(start(p.from()), start(p.to()), unitId);
    out.put("alerts-by-rule", overTime(en ? "Alerts per rule" : "各规则告警数", p, alerts, true, en));
    out.put("alerts-by-unit", overTime(en ? "Alerts per unit" : "各单位告警数", p, alerts, false, en));
    out.put("scores", scores(p, unitId, en));
    out.put("funnel", funnel(alerts, en));
    out.put("approval-performance", approvals(p, unitId, alerts, en));
    out.put("rectification", rectification(p, unitId, today, en));
    return out;
  }

  private Table overTime(String title, Period p, List<Statistics.AlertFact> alerts, boolean byRule, boolean en) {
    TreeSet<String> keys = new TreeSet<>();
    Map<String, Map<String, Integer>> counts = new HashMap<>();
    for (Statistics.AlertFact a : alerts) {
      String key = byRule ? a.ruleId() : a.unitId();
      keys.add(key);
      counts.computeIfAbsent(bucket(a.firstEventTime(), p), b -> new HashMap<>()).merge(key, 1, Integer::sum);
    }
    List<String> columns = new ArrayList<>(List.of(en ? "period" : "时间"));
    keys.forEach(k -> columns.add(byRule ? labels.ruleName(k, en) : board.name(k)));
    List<List<Object>> rows = new ArrayList<>();
    for (String b : buckets(p)) {
      List<Object> row = new ArrayList<>(List.of(b));
      keys.forEach(k -> row.add(counts.getOrDefault(b, Map.of()).getOrDefault(k, 0)));
      rows.add(row);
    }
    return new Table(title, columns, rows);
  }

  private Table scores(Period p, String unitId, boolean en) throws SQLException {
    List<Statistics.StatusPoint> points = stats.statuses(start(p.from()), start(p.to()), unitId);
    List<List<Object>> rows = new ArrayList<>();
    for (Statistics.StatusPoint s : points) {
      rows.add(List.of(s.asOf().atZone(zone).toOffsetDateTime().toString(), board.name(s.unitId()), s.score(),
          s.colour(), s.grade()));
    }
    return new Table(en ? "Each unit's score over time" : "各单位廉情指数走势",
        en ? List.of("asOf", "unit", "score", "colour", "grade") : List.of("时间", "单位", "指数", "颜色", "等级"), rows);
  }

  private Table funnel(List<Statistics.AlertFact> alerts, boolean en) {
    long yellow = alerts.stream().filter(a -> !a.severity().equals("NOTICE")).count();
    long red = alerts.stream().filter(a -> a.severity().equals("RED")).count();
    long rectified = alerts.stream().filter(Statistics.AlertFact::closedByRectification).count();
    return new Table(en ? "The ladder: notice → yellow → red → rectified" : "预警纠错漏斗：预警 → 黄牌 → 红牌 → 整改办结",
        en ? List.of("stage", "alerts") : List.of("阶段", "告警数"), List.of(
            List.of(en ? "Raised (notice or worse)" : "预警", (long) alerts.size()),
            List.of(en ? "Yellow card or worse" : "黄牌", yellow),
            List.of(en ? "Red card" : "红牌", red),
            List.of(en ? "Rectified" : "整改办结", rectified)));
  }

  /**
   * 按时办结率 and 提前办结率 (seed 003) per unit and item: on time is what the time-limit rule says
   * (no yellow or red card for the case); early is decided in fewer working days than promised;
   * the working days used run from the day of receipt to the day of decision (suspensions included).
   */
  private Table approvals(Period p, String unitId, List<Statistics.AlertFact> alerts, boolean en) throws SQLException {
    Set<String> late = new HashSet<>();
    // Cards of cases received before the period count too: the alerts of a wider window.
    for (Statistics.AlertFact a : stats.alerts(start(p.from().minusYears(1)), start(p.to()), unitId)) {
      if (a.ruleId().equals(RuleId.APPROVAL_OVERDUE.name()) && !a.severity().equals("NOTICE")) {
        late.add(a.subjectId());
      }
    }
    Map<String, long[]> byKey = new TreeMap<>();
    Map<String, String[]> names = new HashMap<>();
    for (Statistics.ApprovalCase c : stats.decidedCases(start(p.from()), start(p.to()), unitId, zone)) {
      String key = c.unitId() + "|" + c.itemCode();
      ReferenceData.Item item = reference.item(c.itemCode());
      names.put(key, new String[] {board.name(c.unitId()), item == null ? c.itemCode() : item.name()});
      long[] n = byKey.computeIfAbsent(key, k -> new long[4]);
      int used = calendar.workingDaysIn(c.received(), c.decided());
      n[0]++;
      if (!late.contains(c.caseId())) {
        n[1]++;
      }
      if (item != null && used < item.promisedWorkingDays()) {
        n[2]++;
      }
      n[3] += used;
    }
    List<List<Object>> rows = new ArrayList<>();
    for (Map.Entry<String, long[]> e : byKey.entrySet()) {
      long[] n = e.getValue();
      String[] name = names.get(e.getKey());
      rows.add(List.of(name[0], name[1], n[0], n[1], percent(n[1], n[0]), n[2], percent(n[2], n[0]),
          Math.round(10.0 * n[3] / n[0]) / 10.0));
    }
    return new Table(en ? "Approvals: on time, early, working days used" : "行政审批绩效：按时办结率、提前办结率、平均用时",
        en ? List.of("unit", "item", "decided", "onTime", "onTimeRate", "early", "earlyRate", "avgWorkingDays")
            : List.of("单位", "事项", "办结数", "按时办结", "按时办结率", "提前办结", "提前办结率", "平均工作日"), rows);
  }

  private static double percent(long part, long whole) {
    return whole == 0 ? 0 : Math.round(1000.0 * part / whole) / 10.0;
  }

  private Table rectification(Period p, String unitId, LocalDate today, boolean en) throws SQLException {
    Map<String, long[]> byUnit = new TreeMap<>();
    for (Rectifications.Item i : rect.issuedBetween(p.from(), p.to(), unitId)) {
      long[] n = byUnit.computeIfAbsent(i.alert().alert().getUnitId(), u -> new long[4]);
      if (i.state() == Rectifications.State.ACCEPTED) {
        boolean onTime = !i.closedAt().atZone(zone).toLocalDate().isAfter(i.dueDay());
        n[onTime ? 0 : 1]++;
      } else if (i.alert().open()) {
        n[i.overdue(today) ? 2 : 3]++;
      }
    }
    List<List<Object>> rows = new ArrayList<>();
    byUnit.forEach((u, n) -> rows.add(List.of(board.name(u), n[0], n[1], n[2], n[3])));
    return new Table(en ? "Rectification on time" : "整改按期完成情况",
        en ? List.of("unit", "acceptedOnTime", "acceptedLate", "openOverdue", "openInPeriod")
            : List.of("单位", "按期验收", "逾期验收", "逾期未改", "整改期内"), rows);
  }

  static String csv(Table t) {
    StringBuilder sb = new StringBuilder("\uFEFF"); // a BOM: spreadsheet programs then read the Chinese right
    sb.append(String.join(",", t.columns().stream().map(Reports::cell).toList())).append("\r\n");
    for (List<Object> row : t.rows()) {
      sb.append(String.join(",", row.stream().map(v -> cell(String.valueOf(v))).toList())).append("\r\n");
    }
    return sb.toString();
  }

  private static String cell(String v) {
    // A leading = + - @ would be a formula to a spreadsheet: quote it as text.
    boolean formula = !v.isEmpty() && "=+-@".indexOf(v.charAt(0)) >= 0 && !v.matches("-?[0-9.]+");
    String s = formula ? "'" + v : v;
    return s.contains(",") || s.contains("\"") || s.contains("\n") || formula
        ? "\"" + s.replace("\"", "\"\"") + "\"" : s;
  }

  // ---------------------------------------------------------------- quarterly and yearly reports

  Models.QuarterView quarter(int year, int quarter, LocalDate today, boolean en) throws SQLException {
    LocalDate from = LocalDate.of(year, 3 * quarter - 2, 1);
    LocalDate to = from.plusMonths(3);
    Map<String, Statistics.StatusPoint> last = new HashMap<>();
    stats.statuses(start(from), start(to), null).forEach(s -> last.put(s.unitId(), s));
    List<Statistics.AlertFact> alerts = stats.alerts(start(from), start(to), null);
    List<Models.GradeLine> lines = new ArrayList<>();
    for (UnitBoard.Tile tile : board.tiles()) {
      String u = tile.unitId();
      List<Statistics.AlertFact> mine = alerts.stream().filter(a -> a.unitId().equals(u)).toList();
      Map<String, Integer> byRule = new HashMap<>();
      mine.forEach(a -> byRule.merge(a.ruleId(), 1, Integer::sum));
      List<String> top = byRule.entrySet().stream()
          .sorted(Map.Entry.<String, Integer>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()))
          .limit(3).map(e -> labels.ruleName(e.getKey(), en) + " × " + e.getValue()).toList();
      long open = mine.stream().filter(a -> !a.resolved() && !a.closedByRectification()).count();
      Statistics.StatusPoint s = last.get(u);
      lines.add(new Models.GradeLine(u, tile.name(), s == null ? null : s.grade(), s == null ? null : s.score(),
          s == null ? null : s.colour(), mine.size(), open, top));
    }
    return new Models.QuarterView(year, quarter, from, to.minusDays(1), lines, today);
  }

  List<List<Object>> quarterRows(Models.QuarterView v) {
    List<List<Object>> rows = new ArrayList<>();
    for (Models.GradeLine l : v.lines()) {
      rows.add(List.of(l.unitId(), l.unitName(), l.grade() == null ? "" : l.grade(),
          l.score() == null ? "" : l.score(), l.alerts(), l.open(), String.join("; ", l.topProblems())));
    }
    return rows;
  }

  Models.YearlyView yearly(String unitId, int year, LocalDate today) throws SQLException {
    LocalDate from = LocalDate.of(year, 1, 1);
    LocalDate to = from.plusYears(1);
    List<Statistics.StatusPoint> points = stats.statuses(start(from), start(to), unitId);
    Statistics.StatusPoint last = points.isEmpty() ? null : points.get(points.size() - 1);
    List<Statistics.AlertFact> alerts = stats.alerts(start(from), start(to), unitId);
    Map<String, int[]> byRule = new TreeMap<>();
    for (Statistics.AlertFact a : alerts) {
      int[] n = byRule.computeIfAbsent(a.ruleId(), r -> new int[3]);
      n[0]++;
      if (a.severity().equals("RED")) {
        n[1]++;
      }
      if (!a.resolved() && !a.closedByRectification()) {
        n[2]++;
      }
    }
    List<Models.RuleCount> rules = new ArrayList<>();
    byRule.entrySet().stream().sorted(Comparator.comparing((Map.Entry<String, int[]> e) -> -e.getValue()[0]))
        .forEach(e -> rules.add(new Models.RuleCount(e.getKey(), e.getValue()[0], e.getValue()[1], e.getValue()[2])));
    List<Rectifications.Item> items = rect.issuedBetween(from, to, unitId);
    Set<Long> notices = new HashSet<>();
    int rectified = 0;
    int onTime = 0;
    for (Rectifications.Item i : items) {
      notices.add(i.noticeId());
      if (i.state() == Rectifications.State.ACCEPTED) {
        rectified++;
        if (!i.closedAt().atZone(zone).toLocalDate().isAfter(i.dueDay())) {
          onTime++;
        }
      }
    }
    long open = alerts.stream().filter(a -> !a.resolved() && !a.closedByRectification()).count();
    return new Models.YearlyView(unitId, board.name(unitId), year, last == null ? null : last.grade(),
        last == null ? null : last.score(), last == null ? null : last.colour(), rules, alerts.size(), notices.size(),
        rectified, onTime, open, today);
  }
}
