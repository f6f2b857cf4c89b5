package org.probity.jobs.backtest;

import java.util.List;

/** Stand-in with wt-backtest's announced signature until that branch is merged (replaced by its BacktestReport). */
public record BacktestReport(List<Difference> onlyAgainst, List<Difference> onlyOld, List<Difference> changed) {
  public record Difference(String kind, String alertId, String ruleId, String reason, String unitId, String subjectId,
      String what, String oldSummary, String newSummary) {}
}
