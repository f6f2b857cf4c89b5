package org.probity.console.rules;

import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Semaphore;
import org.probity.console.store.ConsoleStore;
import org.probity.console.store.StoredEvent;
import org.probity.jobs.backtest.Backtest;
import org.probity.jobs.backtest.BacktestReport;
import org.probity.jobs.backtest.Difference;
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

  /** The report, the versions compared and the examples to show (the first of each kind). */
  public record Outcome(BacktestReport report, int inForce, int draft, List<Difference> examples) {}

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
      List<Difference> examples = new ArrayList<>();
      for (List<Difference> kind : List.of(report.onlyAgainst(), report.onlyOld(), report.changed())) {
        examples.addAll(kind.subList(0, Math.min(EXAMPLES, kind.size())));
      }
      return new Outcome(report, inForce.version(), draft.version().getVersion(), examples);
    } finally {
      one.release();
    }
  }
}
