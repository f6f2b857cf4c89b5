package org.probity.jobs.config;

import java.io.Serializable;

/**
 * The units' integrity index (廉情指数, seed 003 镇海 廉情预警机制: 三色显示 绿/橙/红, 三级评定 A/B/C,
 * quarterly scoring). The seed fixes the scheme, not the numbers; these defaults are ours and are
 * documented with the seed in docs/integrity-index.md.
 *
 * @param windowDays the colour counts the alerts of the trailing N days (by the alert's event time)
 * @param noticeWeight score of an alert whose worst severity is NOTICE (a reminder, not yet a violation)
 * @param yellowWeight score of a YELLOW alert
 * @param redWeight score of a RED alert
 * @param orangeAt a score at or above this is ORANGE (and grade B for the quarter)
 * @param redAt a score at or above this is RED (and grade C for the quarter)
 * @param alertRetentionDays an alert's lifecycle is remembered this long after its last record
 */
public record IndexParameters(int windowDays, double noticeWeight, double yellowWeight, double redWeight,
    double orangeAt, double redAt, int alertRetentionDays) implements Serializable {

  public static final IndexParameters DEFAULTS = new IndexParameters(90, 0.0, 2.0, 5.0, 4.0, 15.0, 400);

  static IndexParameters from(ConfigNode n) {
    IndexParameters d = DEFAULTS;
    IndexParameters p = new IndexParameters(
        n.integer("windowDays", d.windowDays, 1, 3650),
        n.decimal("noticeWeight", d.noticeWeight, 0, 1000),
        n.decimal("yellowWeight", d.yellowWeight, 0, 1000),
        n.decimal("redWeight", d.redWeight, 0, 1000),
        n.decimal("orangeAt", d.orangeAt, 0, 1e9),
        n.decimal("redAt", d.redAt, 0, 1e9),
        n.integer("alertRetentionDays", d.alertRetentionDays, 1, 36500));
    if (p.redAt < p.orangeAt) {
      throw n.error("redAt", "must be at least orangeAt (" + p.orangeAt + ")");
    }
    n.finish();
    return p;
  }
}
