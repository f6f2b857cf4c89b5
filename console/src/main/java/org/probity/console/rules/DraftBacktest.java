package org.probity.console.rules;

import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.probity.console.store.ConsoleStore;
import org.probity.console.store.StoredEvent;
import org.probity.jobs.backtest.Backtest;
import org.probity.jobs.backtest.BacktestReport;
import org.probity.jobs.backtest.Difference;
import org.probity.jobs.versions.RulesHistory;

/**
 * What a draft would have done to the alerts of the last days: the store's source events replayed
 * through the jobs' rules twice, by the version in force and by the draft ({@link Backtest}, a
 * Flink run inside the console), told per rule and unit with examples.
 *
 * <p>A run takes longer than the console lets a request wait for its answer, so it runs on a thread
 * of its own and the page asks for its outcome by number. One at a time: it takes the console's
 * cores for seconds; the latest run is kept until the next one starts.
 */
public final class DraftBacktest {
  /** Examples shown of each kind of difference. */
  static final int EXAMPLES = 20;

  private final ConsoleStore store;
  private final AtomicLong numbers = new AtomicLong();
  private final AtomicReference<Run> latest = new AtomicReference<>();

  public DraftBacktest(ConsoleStore store) {
    this.store = store;
  }

  /** The report, the versions compared and the examples to show (the first of each kind). */
  public record Outcome(BacktestReport report, int inForce, int draft, List<Difference> examples) {}

  /** One run: its number, who started it, and its outcome when done. */
  public record Run(long number, String startedBy, CompletableFuture<Outcome> outcome) {}

  /** Thrown when another backtest is running. */
  public static final class Busy extends Exception {
    Busy() {
      super("another backtest is running; try again when it is done", null, false, false);
    }
  }

  /** Starts a run of {@code draft} against {@code inForce} over the events of [{@code from}, {@code until}). */
  public Run start(RulesHistory.Version inForce, RulesDraft.Verdict draft, Instant from, Instant until,
      String startedBy) throws Busy {
    Run current = latest.get();
    CompletableFuture<Outcome> outcome = new CompletableFuture<>();
    Run run = new Run(numbers.incrementAndGet(), startedBy, outcome);
    if (current != null && !current.outcome().isDone() || !latest.compareAndSet(current, run)) {
      throw new Busy();
    }
    Thread t = new Thread(() -> {
      try {
        outcome.complete(run(inForce, draft, from, until));
      } catch (SQLException | RuntimeException e) {
        outcome.completeExceptionally(e);
      }
    }, "console-backtest-" + run.number());
    t.setDaemon(true);
    t.start();
    return run;
  }

  /** The run numbered {@code number}, while it is the latest. */
  public Optional<Run> run(long number) {
    Run r = latest.get();
    return r != null && r.number() == number ? Optional.of(r) : Optional.empty();
  }

  /** Why a run failed, in one line. */
  public static String failure(Run run) {
    try {
      run.outcome().join();
      return null;
    } catch (CompletionException e) {
      Throwable cause = e.getCause() == null ? e : e.getCause();
      return cause.getMessage() == null ? cause.toString() : cause.getMessage().lines().findFirst().orElse("");
    }
  }

  private Outcome run(RulesHistory.Version inForce, RulesDraft.Verdict draft, Instant from, Instant until)
      throws SQLException {
    List<String> lines = store.eventsBetween(from, until).stream().map(StoredEvent::json).toList();
    BacktestReport report = Backtest.run(lines, inForce.config(), draft.config(), from, until);
    List<Difference> examples = new ArrayList<>();
    for (List<Difference> kind : List.of(report.onlyAgainst(), report.onlyOld(), report.changed())) {
      examples.addAll(kind.subList(0, Math.min(EXAMPLES, kind.size())));
    }
    return new Outcome(report, inForce.version(), draft.version().getVersion(), examples);
  }
}
