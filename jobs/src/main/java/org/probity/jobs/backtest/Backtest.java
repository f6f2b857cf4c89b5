package org.probity.jobs.backtest;

import java.time.Instant;
import java.util.List;
import org.probity.jobs.config.ProbityConfig;

/** Stand-in with wt-backtest's announced signature until that branch is merged (replaced by its Backtest). */
public final class Backtest {
  private Backtest() {}

  public static BacktestReport run(List<String> eventJsonLines, ProbityConfig old, ProbityConfig against, Instant from,
      Instant until) {
    throw new UnsupportedOperationException("wt-backtest's Backtest is not merged yet");
  }
}
