package org.probity.bench;

import java.io.Serializable;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import org.apache.flink.types.Row;
import org.apache.flink.types.RowKind;
import org.probity.connectors.json.AvroJson;
import org.probity.jobs.alert.RuleId;
import org.probity.schema.Alert;

/**
 * The alert records of a run, compared with the generator's ground truth and with each other.
 * Probity's records are compared whole, as the replay tests compare them ({@code GroundTruth} in
 * jobs' tests): every field but {@code message} (prose) and {@code detectedAt} (the wall clock),
 * as a multiset. A peer has its own row shape and no lifecycle (no RESOLVED, no escalation
 * records, no alertId), so it is compared on what identifies a violation: the {@link #subject}
 * key (rule, reason, unit, subject type and id) as a set.
 */
final class AlertRecords {
  private static final AvroJson JSON = new AvroJson(ZoneId.of("Asia/Shanghai"));
  private static final com.fasterxml.jackson.databind.ObjectMapper MAPPER =
      new com.fasterxml.jackson.databind.ObjectMapper();

  private AlertRecords() {}

  /** How a sink turns what reaches it into a record key (kept by the probe); serializable as the sink is. */
  @FunctionalInterface
  interface Key<T> extends Function<T, String>, Serializable {}

  /** The whole record, normalized as the replay tests normalize it. */
  static String record(Alert a) {
    return JSON.write(Alert.newBuilder(a).setMessage("").setDetectedAt(a.getEventTime()).build());
  }

  /** A record back from its normalized form. */
  static Alert parse(String record) {
    try {
      return JSON.read(MAPPER.readTree(record), Alert.class);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  static String subject(String ruleId, String reason, String unitId, String subjectType, String subjectId) {
    return ruleId + " " + reason + " " + unitId + " " + subjectType + " " + subjectId;
  }

  static String subject(Alert a) {
    return subject(a.getRuleId(), a.getReason(), a.getUnitId(), a.getSubjectType().name(), a.getSubjectId());
  }

  /** A peer's output row: (ruleId, reason, unitId, subjectType, subjectId, …); retractions are not alerts. */
  static String subjectOfRow(Row row) {
    if (row.getKind() == RowKind.UPDATE_BEFORE || row.getKind() == RowKind.DELETE) {
      return null;
    }
    return subject((String) row.getField(0), (String) row.getField(1), (String) row.getField(2),
        (String) row.getField(3), (String) row.getField(4));
  }

  static List<Alert> ofRules(Collection<Alert> alerts, Set<RuleId> rules) {
    return alerts.stream().filter(a -> rules.contains(RuleId.valueOf(a.getRuleId()))).toList();
  }

  static Set<String> subjects(Collection<Alert> alerts) {
    Set<String> keys = new TreeSet<>();
    alerts.forEach(a -> keys.add(subject(a)));
    return keys;
  }

  /**
   * The difference of two multisets of keys.
   *
   * @param missing in the expected, not in the actual (with multiplicity)
   * @param extra in the actual, not in the expected
   */
  record Difference(long actual, long expected, List<String> missing, List<String> extra) {
    boolean same() {
      return missing.isEmpty() && extra.isEmpty();
    }

    /** "= truth ✓" or the counts with one example of each, for a table cell (no pipes). */
    String cell(String what) {
      if (same()) {
        return "= " + what + " ✓";
      }
      StringBuilder s = new StringBuilder("≠ " + what + ": ");
      s.append(String.format("%,d missing, %,d extra", missing.size(), extra.size()));
      if (!missing.isEmpty()) {
        s.append("; e.g. missing `").append(shorten(missing.get(0))).append('`');
      }
      if (!extra.isEmpty()) {
        s.append("; e.g. extra `").append(shorten(extra.get(0))).append('`');
      }
      return s.toString().replace("|", "/");
    }

    /** Missing and extra per rule (the first word of a key, or the ruleId field of a record): "RULE −m +e". */
    String byRule() {
      Map<String, int[]> counts = new java.util.TreeMap<>();
      missing.forEach(k -> counts.computeIfAbsent(rule(k), r -> new int[2])[0]++);
      extra.forEach(k -> counts.computeIfAbsent(rule(k), r -> new int[2])[1]++);
      List<String> parts = new ArrayList<>();
      counts.forEach((r, c) -> parts.add(r + " −" + c[0] + " +" + c[1]));
      return String.join(", ", parts);
    }
  }

  private static String rule(String key) {
    int at = key.indexOf("\"ruleId\":\"");
    if (at >= 0) {
      int from = at + 10;
      return key.substring(from, key.indexOf('"', from));
    }
    int space = key.indexOf(' ');
    return space < 0 ? key : key.substring(0, space);
  }

  private static String shorten(String key) {
    return key.length() <= 240 ? key : key.substring(0, 240) + "…";
  }

  /** Multiset difference of {@code actual} against {@code expected}. */
  static Difference compare(Collection<String> actual, Collection<String> expected) {
    Map<String, Integer> left = new HashMap<>();
    expected.forEach(k -> left.merge(k, 1, Integer::sum));
    List<String> extra = new ArrayList<>();
    for (String k : actual) {
      Integer n = left.get(k);
      if (n == null) {
        extra.add(k);
      } else if (n == 1) {
        left.remove(k);
      } else {
        left.put(k, n - 1);
      }
    }
    List<String> missing = new ArrayList<>();
    left.forEach((k, n) -> {
      for (int i = 0; i < n; i++) {
        missing.add(k);
      }
    });
    missing.sort(null);
    extra.sort(null);
    return new Difference(actual.size(), expected.size(), missing, extra);
  }
}
