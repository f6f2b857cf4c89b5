package org.probity.jobs.backtest;

/**
 * One alert the two rules versions judge differently: raised only under the new version, only
 * under the old one, or under both but not alike ({@code what} says how, e.g. {@code severity
 * YELLOW → RED}). The summaries are the alert's records under each version ({@code null} where
 * it was not raised).
 */
public record Difference(Kind kind, String alertId, String ruleId, String reason, String unitId, String subjectId,
    String what, String oldSummary, String newSummary) {

  public enum Kind { ONLY_AGAINST, ONLY_OLD, CHANGED }
}
