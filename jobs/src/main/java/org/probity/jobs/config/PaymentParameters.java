package org.probity.jobs.config;

import java.io.Serializable;

/**
 * Parameters of the PAYMENT_* rules.
 *
 * @param largeFundsThresholdFen 三重一大: a payment at or above this needs a collective decision (unless the unit sets its own)
 * @param duplicateWindowDays SAME_INVOICE looks back this many days
 * @param signatureWindowDays 三审三签 partial matches of a voucher never paid are pruned after this
 * @param decisionRetentionDays a DECIDED record can be cited by payments for this long
 * @param signatureChainEngine how 三审三签 is evaluated: the Flink CEP pattern, or the keyed
 *     function with the same verdicts; unset (AUTO), CEP with state on the heap and the keyed
 *     function with state in RocksDB, where CEP's shared buffer is the bottleneck (docs/benchmarks.md)
 */
public record PaymentParameters(
    long largeFundsThresholdFen,
    int duplicateWindowDays,
    int signatureWindowDays,
    int decisionRetentionDays,
    SignatureChainEngine signatureChainEngine)
    implements Serializable {

  /** PAYMENT_SIGNATURE_CHAIN's two implementations; identical alerts, different cost per state backend. */
  public enum SignatureChainEngine {
    CEP, KEYED, AUTO;

    /** The engine a job with state in RocksDB ({@code rocksDb}) or on the heap runs. */
    public SignatureChainEngine resolve(boolean rocksDb) {
      return this != AUTO ? this : rocksDb ? KEYED : CEP;
    }
  }

  public static final PaymentParameters DEFAULTS =
      new PaymentParameters(10_000_000L, 365, 90, 730, SignatureChainEngine.AUTO);

  static PaymentParameters from(ConfigNode n) {
    PaymentParameters d = DEFAULTS;
    PaymentParameters p = new PaymentParameters(
        n.fen("largeFundsThresholdFen", d.largeFundsThresholdFen),
        n.integer("duplicateWindowDays", d.duplicateWindowDays, 1, 3650),
        n.integer("signatureWindowDays", d.signatureWindowDays, 1, 3650),
        n.integer("decisionRetentionDays", d.decisionRetentionDays, 1, 36500),
        engine(n, d.signatureChainEngine));
    n.finish();
    return p;
  }

  private static SignatureChainEngine engine(ConfigNode n, SignatureChainEngine fallback) {
    String value = n.string("signatureChainEngine", null);
    if (value == null) {
      return fallback;
    }
    return switch (value) {
      case "cep" -> SignatureChainEngine.CEP;
      case "keyed" -> SignatureChainEngine.KEYED;
      default -> throw n.error("signatureChainEngine", "must be cep or keyed, got \"" + value + "\"");
    };
  }
}
