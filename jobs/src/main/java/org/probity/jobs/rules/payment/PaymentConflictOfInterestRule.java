package org.probity.jobs.rules.payment;

import org.probity.jobs.rules.Subjects;
import java.util.Set;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.probity.jobs.alert.RuleId;
import org.probity.jobs.config.ProbityConfig;
import org.probity.jobs.rules.ReferenceGaps;
import org.probity.jobs.rules.Rule;
import org.probity.jobs.rules.conflict.ConflictOfInterest;
import org.probity.schema.Alert;
import org.probity.schema.PaymentEvent;
import org.probity.schema.SubjectType;

/**
 * CONFLICT_OF_INTEREST / RELATED_PARTY on payments (回避): a signer of a voucher is a related party of
 * its payee. Judged at the signature; the subject is the voucher acted on; one alert per voucher and
 * signer. The lookup, severity and wording are {@link ConflictOfInterest}'s, shared with the approval
 * and procurement streams. No reference-data gap: an official the file lists no relation for is
 * unrelated. The payee is the voucher's, from its SUBMITTED (or PAID) by {@link
 * org.probity.jobs.rules.payment.VoucherFacts}, not a copy on the SIGNED; a voucher that never stated
 * one is a voucher-facts gap ({@code referenceGapVoucherFacts}) and the signature is not judged.
 */
public final class PaymentConflictOfInterestRule implements Rule {

  @Override
  public Set<RuleId> ids() {
    return Set.of(RuleId.CONFLICT_OF_INTEREST);
  }

  @Override
  public void addTo(Subjects subjects, ProbityConfig config) {
    subjects.vouchers().rule(new SignatureChecks.PerSigner(new Check(), config));
  }

  static final class Check implements SignatureCheck {
    private static final long serialVersionUID = 1L;

    @Override
    public RuleId rule() {
      return RuleId.CONFLICT_OF_INTEREST;
    }

    @Override
    public ReferenceGaps.Gap[] gaps() {
      return new ReferenceGaps.Gap[0];
    }

    @Override
    public String withoutTheFact() {
      return "";
    }

    @Override
    public String missingFact(PaymentEvent signed) {
      return signed.getPayeeId() == null ? "payeeId" : null;
    }

    @Override
    public boolean violates(PaymentEvent signed, ProbityConfig config, ReferenceGaps gaps) {
      return ConflictOfInterest.conflicted(config.reference(), signed.getSignerId(), signed.getPayeeId());
    }

    @Override
    public Alert alert(PaymentEvent signed, ProbityConfig config) {
      return ConflictOfInterest.alert(signed.getUnitId(), SubjectType.VOUCHER, signed.getVoucherId(),
          signed.getSignerId(), signed.getPayeeId(), "签批", SignatureChainRule.voucher(signed), signed.getAmountFen(),
          signed.getEventTime(), signed.getEventId());
    }
  }
}
