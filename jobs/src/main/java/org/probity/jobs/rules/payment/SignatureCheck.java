package org.probity.jobs.rules.payment;

import java.io.Serializable;
import org.probity.jobs.alert.RuleId;
import org.probity.jobs.config.ProbityConfig;
import org.probity.jobs.rules.ReferenceGaps;
import org.probity.schema.Alert;
import org.probity.schema.PaymentEvent;

/** A rule judged on one SIGNED event by itself (see {@link SignatureChecks}). */
interface SignatureCheck extends Serializable {
  RuleId rule();

  /** The reference-data gaps this check can meet, and what it does without the fact (for the log). */
  ReferenceGaps.Gap[] gaps();

  String withoutTheFact();

  /**
   * The voucher fact (a PaymentEvent field name) this check needs and the signature, as {@link
   * VoucherFacts} filled it, lacks: then the signature is a voucher-facts gap and is not judged. Null
   * when nothing is missing (the default: the check needs none of the voucher's facts).
   */
  default String missingFact(PaymentEvent signed) {
    return null;
  }

  /** Whether the signature violates the rule; a missing fact is reported to {@code gaps} and judged clean. */
  boolean violates(PaymentEvent signed, ProbityConfig config, ReferenceGaps gaps);

  Alert alert(PaymentEvent signed, ProbityConfig config);
}
