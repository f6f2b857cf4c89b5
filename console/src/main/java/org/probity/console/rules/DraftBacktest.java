package org.probity.console.rules;

import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Semaphore;
import org.probity.console.store.ConsoleStore;
import org.probity.console.store.StoredEvent;
import org.probity.jobs.backtest.Backtest;
import org.probity.jobs.backtest.BacktestReport;
import org.probity.jobs.versions.RulesHistory;

/**
 * What a draft would have done to the alerts of the last days: the store's source events replayed
 * through the jobs' rules twice, by the version in force and by the draft ({@link Backtest}, a
 * Flink run inside the console), told per rule and unit with examples. One backtest at a time: it
 * takes the console's cores for seconds.
 */
public final class DraftBacktest {
  /** Examples shown of each kind of difference. */
  static final int EXAMPLES = 20;

  private final ConsoleStore store;
  private final Semaphore one = new Semaphore(1);

  public DraftBacktest(ConsoleStore store) {
    this.store = store;
  }

  /** Alerts the draft raises that the version in force does not, the reverse, and alerts both raise differently. */
  public enum Kind { ONLY_DRAFT, ONLY_IN_FORCE, CHANGED }

  public record Row(String ruleId, String unitId, int onlyDraft, int onlyInForce, int changed) {}

  public record Example(Kind kind, BacktestReport.Difference difference) {}

  public record Outcome(int events, int inForce, int draft, Instant from, Instant until, int onlyDraft,
      int onlyInForce, int changed, List<Row> rows, List<Example> examples) {}

  /** Thrown when another backtest is running. */
  public static final class Busy extends Exception {
    Busy() {
      super("another backtest is running; try again when it is done", null, false, false);
    }
  }

  public Outcome run(RulesHistory.Version inForce, RulesDraft.Verdict draft, Instant from, Instant until)
      throws SQLException, Busy {
    if (!one.tryAcquire()) {
      throw new Busy();
    }
    try {
      List<String> lines = store.eventsBetween(from, until).stream().map(StoredEvent::json).toList();
      BacktestReport report = Backtest.run(lines, inForce.config(), draft.config(), from, until);
      Map<String, int[]> counts = new TreeMap<>();
      List<Example> examples = new ArrayList<>();
      count(report.onlyAgainst(), Kind.ONLY_DRAFT, counts, examples);
      count(report.onlyOld(), Kind.ONLY_IN_FORCE, counts, examples);
      count(report.changed(), Kind.CHANGED, counts, examples);
      List<Row> rows = new ArrayList<>();
      counts.forEach((key, c) -> {
        String[] ruleAndUnit = key.split("\u0000", 2);
        rows.add(new Row(ruleAndUnit[0], ruleAndUnit[1], c[0], c[1], c[2]));
      });
      return new Outcome(lines.size(), inForce.version(), draft.version().getVersion(), from, until,
          report.onlyAgainst().size(), report.onlyOld().size(), report.changed().size(), rows, examples);
    } finally {
      one.release();
    }
  }

  private static void count(List<BacktestReport.Difference> differences, Kind kind, Map<String, int[]> counts,
      List<Example> examples) {
    int shown = 0;
    for (BacktestReport.Difference d : differences) {
      counts.computeIfAbsent(d.ruleId() + "\u0000" + d.unitId(), k -> new int[3])[kind.ordinal()]++;
      if (shown++ < EXAMPLES) {
        examples.add(new Example(kind, d));
      }
    }
  }
}
