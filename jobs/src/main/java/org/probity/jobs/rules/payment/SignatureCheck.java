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

  /** Whether the signature violates the rule; a missing fact is reported to {@code gaps} and judged clean. */
  boolean violates(PaymentEvent signed, ProbityConfig config, ReferenceGaps gaps);

  Alert alert(PaymentEvent signed, ProbityConfig config);
}
