package org.probity.jobs.rules.payment;

import org.probity.jobs.rules.Subjects;
import java.util.Set;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.probity.jobs.alert.Alerts;
import org.probity.jobs.alert.Money;
import org.probity.jobs.alert.RuleId;
import org.probity.jobs.config.ProbityConfig;
import org.probity.jobs.config.ReferenceData;
import org.probity.jobs.rules.ReferenceGaps;
import org.probity.jobs.rules.Rule;
import org.probity.schema.Alert;
import org.probity.schema.PaymentEvent;
import org.probity.schema.Severity;
import org.probity.schema.SubjectType;

/**
 * PAYMENT_BEYOND_AUTHORITY / LIMIT_EXCEEDED (超越职权, 授权审批制度, seeds 003, 004): a signer signs a
 * voucher whose amount is above their authority limit ({@code authorityLimitFen} in the rules file);
 * exactly at the limit is within it. Judged at each signature in whatever role it is given: the
 * contract names "a signer", not a role, and every signature of 三审三签 approves the amount. One
 * alert per voucher and signer (two signers over their limits are two officials' violations),
 * YELLOW: the amount needed someone with more authority (or a collective decision), it was not
 * necessarily improper.
 *
 * <p>Needs the signer's limit: a signer the file does not know, or knows without a limit, is a
 * reference-data gap (counted, logged once) and the signature is not judged.
 *
 * <p>The amount is the voucher's, from its SUBMITTED (or PAID) by {@link VoucherFacts}, not a copy on
 * the SIGNED; a voucher that never stated one is a voucher-facts gap ({@code referenceGapVoucherFacts}).
 */
public final class BeyondAuthorityRule implements Rule {
  public static final int VERSION = 1;
  public static final String LIMIT_EXCEEDED = RuleId.PAYMENT_BEYOND_AUTHORITY.reason("LIMIT_EXCEEDED");

  @Override
  public Set<RuleId> ids() {
    return Set.of(RuleId.PAYMENT_BEYOND_AUTHORITY);
  }

  @Override
  public void addTo(Subjects subjects, ProbityConfig config) {
    subjects.vouchers().rule(new SignatureChecks.PerSigner(new Check(), config));
  }

  static final class Check implements SignatureCheck {
    private static final long serialVersionUID = 1L;

    @Override
    public RuleId rule() {
      return RuleId.PAYMENT_BEYOND_AUTHORITY;
    }

    @Override
    public ReferenceGaps.Gap[] gaps() {
      return new ReferenceGaps.Gap[] {ReferenceGaps.Gap.UNKNOWN_PERSON, ReferenceGaps.Gap.NO_AUTHORITY_LIMIT};
    }

    @Override
    public String withoutTheFact() {
      return "does not check this signer's authority limit";
    }

    @Override
    public String missingFact(PaymentEvent signed) {
      return signed.getAmountFen() == null ? "amountFen" : null;
    }

    @Override
    public boolean violates(PaymentEvent signed, ProbityConfig config, ReferenceGaps gaps) {
      ReferenceData.Person signer = config.reference().person(signed.getSignerId());
      if (signer == null) {
        gaps.report(ReferenceGaps.Gap.UNKNOWN_PERSON, signed.getSignerId(), "signer of voucher " + signed.getVoucherId());
        return false;
      }
      if (signer.authorityLimitFen() == null) {
        gaps.report(ReferenceGaps.Gap.NO_AUTHORITY_LIMIT, signer.id(), "signer of voucher " + signed.getVoucherId());
        return false;
      }
      return signed.getAmountFen() > signer.authorityLimitFen();
    }

    @Override
    public Alert alert(PaymentEvent signed, ProbityConfig config) {
      long limit = config.reference().person(signed.getSignerId()).authorityLimitFen();
      return Alerts.of(RuleId.PAYMENT_BEYOND_AUTHORITY, VERSION, LIMIT_EXCEEDED)
          .severity(Severity.YELLOW)
          .unit(signed.getUnitId())
          .subject(SubjectType.VOUCHER, signed.getVoucherId())
          .discriminator(signed.getSignerId())
          .person(signed.getSignerId())
          .amountFen(signed.getAmountFen())
          .eventTime(signed.getEventTime())
          .evidence(signed.getEventId())
          .message(signed.getSignerId() + "以" + SignatureChainRule.roleName(signed.getSignerRole()) + "身份签批"
              + SignatureChainRule.voucher(signed) + "，超过其审批权限" + Money.yuan(limit))
          .build();
    }
  }
}
