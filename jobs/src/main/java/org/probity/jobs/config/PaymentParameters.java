package org.probity.jobs.config;

import java.io.Serializable;

/**
 * Parameters of the PAYMENT_* rules.
 *
 * @param largeFundsThresholdFen 三重一大: a payment at or above this needs a collective decision (unless the unit sets its own)
 * @param duplicateWindowDays SAME_INVOICE looks back this many days
 * @param signatureWindowDays 三审三签 partial matches of a voucher never paid are pruned after this
 * @param decisionRetentionDays a DECIDED record can be cited by payments for this long
 * @param signingChain 三审三签: the roles that sign a voucher, in order, unless its unit has its own chain
 * @param signatureChainEngine how 三审三签 is evaluated: the Flink CEP pattern, or the keyed
 *     function with the same verdicts; unset (AUTO), CEP with state on the heap and the keyed
 *     function with state in RocksDB, where CEP's shared buffer is the bottleneck (docs/benchmarks.md)
 */
public record PaymentParameters(
    long largeFundsThresholdFen,
    int duplicateWindowDays,
    int signatureWindowDays,
    int decisionRetentionDays,
    java.util.List<org.probity.schema.SignerRole> signingChain,
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
      new PaymentParameters(10_000_000L, 365, 90, 730, java.util.List.of(org.probity.schema.SignerRole.DEPUTY,
          org.probity.schema.SignerRole.DISCIPLINE, org.probity.schema.SignerRole.PRINCIPAL), SignatureChainEngine.AUTO);

  static PaymentParameters from(ConfigNode n) {
    PaymentParameters d = DEFAULTS;
    PaymentParameters p = new PaymentParameters(
        n.fen("largeFundsThresholdFen", d.largeFundsThresholdFen),
        n.integer("duplicateWindowDays", d.duplicateWindowDays, 1, 3650),
        n.integer("signatureWindowDays", d.signatureWindowDays, 1, 3650),
        n.integer("decisionRetentionDays", d.decisionRetentionDays, 1, 36500),
        signingChain(n, "signingChain", d.signingChain),
        engine(n, d.signatureChainEngine));
    n.finish();
    return p;
  }

  /** A 三审三签 chain: signer roles, each once, in signing order; {@code fallback} where the field is absent. */
  static java.util.List<org.probity.schema.SignerRole> signingChain(ConfigNode n, String field,
      java.util.List<org.probity.schema.SignerRole> fallback) {
    if (!n.has(field)) {
      return fallback;
    }
    java.util.List<String> names = n.strings(field);
    java.util.List<org.probity.schema.SignerRole> chain = new java.util.ArrayList<>();
    for (String name : names) {
      org.probity.schema.SignerRole role;
      try {
        role = org.probity.schema.SignerRole.valueOf(name);
      } catch (IllegalArgumentException e) {
        throw n.error(field, "unknown signer role '" + name + "'; the roles are "
            + java.util.Arrays.toString(org.probity.schema.SignerRole.values()));
      }
      if (chain.contains(role)) {
        throw n.error(field, "role " + name + " appears twice");
      }
      chain.add(role);
    }
    if (chain.isEmpty()) {
      throw n.error(field, "must name at least one signer role");
    }
    return java.util.List.copyOf(chain);
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
