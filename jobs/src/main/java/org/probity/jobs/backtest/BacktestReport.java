package org.probity.jobs.backtest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * What a new rules version would have changed over a history: the alerts only under the new
 * version, only under the old one, and changed; counted by rule and unit; as a table for the
 * terminal ({@link #toText}), JSON ({@link #toJson}) and CSV ({@link #toCsv}, one line per difference).
 */
public record BacktestReport(List<Difference> onlyAgainst, List<Difference> onlyOld, List<Difference> changed,
    Scope scope) {

  /** What was replayed: the event-time range ({@code null}: unbounded), events judged and dead letters. */
  public record Scope(Instant from, Instant until, long events, int deadLetters, ZoneId zone) {}

  /** Examples per rule in {@link #toText}. */
  private static final int EXAMPLES = 3;
  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  public BacktestReport {
    onlyAgainst = List.copyOf(onlyAgainst);
    onlyOld = List.copyOf(onlyOld);
    changed = List.copyOf(changed);
  }

  /** Every difference: only under the new rules, only under the old, changed. */
  public List<Difference> all() {
    return Stream.of(onlyAgainst, onlyOld, changed).flatMap(List::stream).toList();
  }

  /** The counts by rule and unit, ordered by rule then unit. */
  public List<RuleUnitRow> byRuleAndUnit() {
    Map<String, int[]> counts = new TreeMap<>();
    for (Difference d : all()) {
      int[] c = counts.computeIfAbsent(d.ruleId() + "\u0000" + d.unitId(), k -> new int[3]);
      c[d.kind().ordinal()]++;
    }
    List<RuleUnitRow> rows = new ArrayList<>();
    counts.forEach((key, c) -> {
      String[] parts = key.split("\u0000", 2);
      rows.add(new RuleUnitRow(parts[0], parts[1], c[0], c[1], c[2]));
    });
    return rows;
  }

  /** A table for the terminal, with a few examples per rule. */
  public String toText() {
    StringBuilder out = new StringBuilder();
    out.append(String.format("backtest: %,d events from %s until %s, %d dead letters%n", scope.events(),
        bound(scope.from(), "the start"), bound(scope.until(), "the end of the history"), scope.deadLetters()));
    out.append(String.format("only under the new rules %d, only under the old %d, changed %d%n", onlyAgainst.size(),
        onlyOld.size(), changed.size()));
    if (all().isEmpty()) {
      return out.append("the two versions raise the same alerts\n").toString();
    }
    out.append(String.format("%n%-34s %-8s %8s %8s %8s%n", "rule", "unit", "only new", "only old", "changed"));
    for (RuleUnitRow r : byRuleAndUnit()) {
      out.append(String.format("%-34s %-8s %8d %8d %8d%n", r.ruleId(), r.unitId(), r.onlyNew(), r.onlyOld(),
          r.changed()));
    }
    Map<String, List<Difference>> byRule = new TreeMap<>();
    all().forEach(d -> byRule.computeIfAbsent(d.ruleId(), k -> new ArrayList<>()).add(d));
    byRule.forEach((rule, differences) -> {
      out.append(String.format("%n%s (%d)%n", rule, differences.size()));
      for (Difference d : examples(differences)) {
        String sign = switch (d.kind()) {
          case ONLY_AGAINST -> "+";
          case ONLY_OLD -> "-";
          case CHANGED -> "~";
        };
        String records = d.kind() == Difference.Kind.ONLY_OLD ? d.oldSummary() : d.newSummary();
        out.append(String.format("  %s %s %s %s (%s): %s: %s%n", sign, d.alertId(), d.reason(), d.subjectId(),
            d.unitId(), d.what(), records));
      }
    });
    return out.toString();
  }

  /** A few of one rule's differences, each kind there is before a second of any kind. */
  private static List<Difference> examples(List<Difference> differences) {
    List<Difference> firsts = new ArrayList<>();
    List<Difference> rest = new ArrayList<>();
    Set<Difference.Kind> seen = EnumSet.noneOf(Difference.Kind.class);
    for (Difference d : differences) {
      (seen.add(d.kind()) ? firsts : rest).add(d);
    }
    firsts.addAll(rest);
    return firsts.subList(0, Math.min(EXAMPLES, firsts.size()));
  }

  private String bound(Instant t, String none) {
    return t == null ? none : DateTimeFormatter.ISO_OFFSET_DATE_TIME.format(t.atZone(scope.zone()));
  }

  /** The whole report as one JSON document: the range, the counts by rule and unit, every difference. */
  public String toJson() {
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("from", scope.from() == null ? null : bound(scope.from(), null));
    doc.put("until", scope.until() == null ? null : bound(scope.until(), null));
    doc.put("events", scope.events());
    doc.put("deadLetters", scope.deadLetters());
    doc.put("byRuleAndUnit", byRuleAndUnit());
    doc.put("onlyAgainst", onlyAgainst);
    doc.put("onlyOld", onlyOld);
    doc.put("changed", changed);
    try {
      return JSON.writeValueAsString(doc) + "\n";
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("backtest report as JSON", e);
    }
  }

  /** One line per difference, with a header (RFC 4180 quoting). */
  public String toCsv() {
    StringBuilder out = new StringBuilder("kind,alertId,ruleId,reason,unitId,subjectId,what,oldSummary,newSummary\n");
    for (Difference d : all()) {
      out.append(String.join(",", Stream.of(d.kind().name(), d.alertId(), d.ruleId(), d.reason(), d.unitId(),
          d.subjectId(), d.what(), d.oldSummary(), d.newSummary()).map(BacktestReport::csv).toList())).append('\n');
    }
    return out.toString();
  }

  private static String csv(String v) {
    if (v == null) {
      return "";
    }
    return v.contains(",") || v.contains("\"") || v.contains("\n") ? "\"" + v.replace("\"", "\"\"") + "\"" : v;
  }
}
