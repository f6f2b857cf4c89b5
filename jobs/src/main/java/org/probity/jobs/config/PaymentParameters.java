package org.probity.jobs.config;

import java.io.Serializable;

/**
 * Parameters of the PAYMENT_* rules.
 *
 * @param largeFundsThresholdFen 三重一大: a payment at or above this needs a collective decision (unless the unit sets its own)
 * @param duplicateWindowDays SAME_INVOICE looks back this many days
 * @param signatureWindowDays 三审三签 partial matches of a voucher never paid are pruned after this
 * @param decisionRetentionDays a DECIDED record can be cited by payments for this long
 */
public record PaymentParameters(
    long largeFundsThresholdFen,
    int duplicateWindowDays,
    int signatureWindowDays,
    int decisionRetentionDays)
    implements Serializable {

  public static final PaymentParameters DEFAULTS = new PaymentParameters(10_000_000L, 365, 90, 730);

  static PaymentParameters from(ConfigNode n) {
    PaymentParameters d = DEFAULTS;
    PaymentParameters p = new PaymentParameters(
        n.fen("largeFundsThresholdFen", d.largeFundsThresholdFen),
        n.integer("duplicateWindowDays", d.duplicateWindowDays, 1, 3650),
        n.integer("signatureWindowDays", d.signatureWindowDays, 1, 3650),
        n.integer("decisionRetentionDays", d.decisionRetentionDays, 1, 36500));
    n.finish();
    return p;
  }
}
