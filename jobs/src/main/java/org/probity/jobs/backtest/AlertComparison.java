package org.probity.jobs.backtest;

import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.probity.jobs.generate.TrafficGenerator;
import org.probity.schema.Alert;

/**
 * Two runs' alerts compared per alertId (the same violation has the same id under any rules): an
 * alert is its sequence of records (RAISED, ESCALATED …, RESOLVED). Present under one version only,
 * or under both with another final severity, other statuses reached or other event times. {@code
 * detectedAt} and the version stamps ({@code ruleVersion}, {@code rulesVersion}) are not compared:
 * they say when and by what the alert was judged, not what it is.
 */
public final class AlertComparison {
  private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm");
  private static final Comparator<Difference> ORDER = Comparator.comparing(Difference::ruleId)
      .thenComparing(Difference::unitId).thenComparing(Difference::alertId);

  private AlertComparison() {}

  /** The differences between the alerts under the old rules and under the new ones. */
  public static BacktestReport between(List<Alert> old, List<Alert> against, BacktestReport.Scope scope) {
    Map<String, List<Alert>> before = byAlertId(old);
    Map<String, List<Alert>> after = byAlertId(against);
    ZoneId zone = scope.zone();
    List<Difference> onlyAgainst = new ArrayList<>();
    List<Difference> onlyOld = new ArrayList<>();
    List<Difference> changed = new ArrayList<>();
    TreeSet<String> ids = new TreeSet<>(before.keySet());
    ids.addAll(after.keySet());
    for (String id : ids) {
      List<Alert> a = before.get(id);
      List<Alert> b = after.get(id);
      if (a == null) {
        onlyAgainst.add(difference(Difference.Kind.ONLY_AGAINST, b, "raised only under the new rules", null,
            summary(b, zone)));
      } else if (b == null) {
        onlyOld.add(difference(Difference.Kind.ONLY_OLD, a, "raised only under the old rules", summary(a, zone), null));
      } else {
        String what = how(a, b, zone);
        if (what != null) {
          changed.add(difference(Difference.Kind.CHANGED, b, what, summary(a, zone), summary(b, zone)));
        }
      }
    }
    onlyAgainst.sort(ORDER);
    onlyOld.sort(ORDER);
    changed.sort(ORDER);
    return new BacktestReport(onlyAgainst, onlyOld, changed, scope);
  }

  private static Map<String, List<Alert>> byAlertId(List<Alert> alerts) {
    return alerts.stream().sorted(TrafficGenerator.ALERT_ORDER)
        .collect(Collectors.groupingBy(Alert::getAlertId, LinkedHashMap::new, Collectors.toList()));
  }

  /** How an alert raised under both differs, or null if it does not. */
  private static String how(List<Alert> a, List<Alert> b, ZoneId zone) {
    List<String> what = new ArrayList<>();
    Alert lastA = a.get(a.size() - 1);
    Alert lastB = b.get(b.size() - 1);
    if (lastA.getSeverity() != lastB.getSeverity()) {
      what.add("severity " + lastA.getSeverity() + " → " + lastB.getSeverity());
    }
    String statusesA = statuses(a);
    String statusesB = statuses(b);
    if (!statusesA.equals(statusesB)) {
      what.add("statuses " + statusesA + " → " + statusesB);
    } else {
      for (int i = 0; i < a.size(); i++) {
        Instant ta = a.get(i).getEventTime();
        Instant tb = b.get(i).getEventTime();
        if (!ta.equals(tb)) {
          what.add(a.get(i).getStatus() + " at " + time(ta, zone) + " → " + time(tb, zone));
        }
      }
    }
    return what.isEmpty() ? null : String.join("; ", what);
  }

  private static String statuses(List<Alert> records) {
    return records.stream().map(r -> r.getStatus().toString()).collect(Collectors.joining(", "));
  }

  /** The records of one alert: {@code NOTICE RAISED 2025-09-03 09:00, YELLOW ESCALATED 2025-09-04 00:00}. */
  private static String summary(List<Alert> records, ZoneId zone) {
    return records.stream().map(r -> r.getSeverity() + " " + r.getStatus() + " " + time(r.getEventTime(), zone))
        .collect(Collectors.joining(", "));
  }

  private static String time(Instant t, ZoneId zone) {
    return TIME.format(t.atZone(zone));
  }

  private static Difference difference(Difference.Kind kind, List<Alert> records, String what, String oldSummary,
      String newSummary) {
    Alert first = records.get(0);
    return new Difference(kind, first.getAlertId(), first.getRuleId(), first.getReason(), first.getUnitId(),
        first.getSubjectId(), what, oldSummary, newSummary);
  }
}
