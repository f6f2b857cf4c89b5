package org.probity.jobs.backtest;

/** How many alerts of one rule in one unit the new version adds, drops and changes. */
public record RuleUnitRow(String ruleId, String unitId, int onlyNew, int onlyOld, int changed) {}
