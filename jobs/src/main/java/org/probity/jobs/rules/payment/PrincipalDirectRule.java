package org.probity.jobs.rules.payment;

import org.probity.jobs.rules.Subjects;
import java.util.Set;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.probity.jobs.alert.Alerts;
import org.probity.jobs.alert.RuleId;
import org.probity.jobs.config.ProbityConfig;
import org.probity.jobs.config.ReferenceData;
import org.probity.jobs.rules.ReferenceGaps;
import org.probity.jobs.rules.Rule;
import org.probity.schema.Alert;
import org.probity.schema.PaymentEvent;
import org.probity.schema.Severity;
import org.probity.schema.SignerRole;
import org.probity.schema.SubjectType;

/**
 * PAYMENT_PRINCIPAL_DIRECT / PRINCIPAL_AS_DEPUTY (四个不直接分管, seed 003: the principal is not
 * directly in charge of personnel, finance, projects or procurement): a person whose role in the
 * rules file is PRINCIPAL signs a voucher in the DEPUTY role, i.e. as the leader in charge of it.
 * Judged at the signature; one alert per voucher and signer; RED, since it removes the separation
 * 三审三签 relies on. (Signing in both roles is also SAME_SIGNER of PAYMENT_SIGNATURE_CHAIN, at PAID.)
 *
 * <p>Needs the signer's role from the rules file: a DEPUTY signature by a person the file does not
 * know is a reference-data gap (counted, logged once) and is not judged.
 */
public final class PrincipalDirectRule implements Rule {
  public static final int VERSION = 1;
  public static final String PRINCIPAL_AS_DEPUTY = RuleId.PAYMENT_PRINCIPAL_DIRECT.reason("PRINCIPAL_AS_DEPUTY");
  /** The rules file's role of a unit's principal (一把手). */
  static final String PRINCIPAL_ROLE = "PRINCIPAL";

  @Override
  public Set<RuleId> ids() {
    return Set.of(RuleId.PAYMENT_PRINCIPAL_DIRECT);
  }

  @Override
  public void addTo(Subjects subjects, ProbityConfig config) {
    subjects.vouchers().rule(new SignatureChecks.PerSigner(new Check(), config));
  }

  static final class Check implements SignatureCheck {
    private static final long serialVersionUID = 1L;

    @Override
    public RuleId rule() {
      return RuleId.PAYMENT_PRINCIPAL_DIRECT;
    }

    @Override
    public ReferenceGaps.Gap[] gaps() {
      return new ReferenceGaps.Gap[] {ReferenceGaps.Gap.UNKNOWN_PERSON};
    }

    @Override
    public String withoutTheFact() {
      return "cannot tell whether this deputy signer is the principal";
    }

    @Override
    public boolean violates(PaymentEvent signed, ProbityConfig config, ReferenceGaps gaps) {
      if (signed.getSignerRole() != SignerRole.DEPUTY) {
        return false;
      }
      ReferenceData.Person signer = config.reference().person(signed.getSignerId());
      if (signer == null) {
        gaps.report(ReferenceGaps.Gap.UNKNOWN_PERSON, signed.getSignerId(),
            "deputy signer of voucher " + signed.getVoucherId());
        return false;
      }
      return PRINCIPAL_ROLE.equals(signer.role());
    }

    @Override
    public Alert alert(PaymentEvent signed, ProbityConfig config) {
      return Alerts.of(RuleId.PAYMENT_PRINCIPAL_DIRECT, VERSION, PRINCIPAL_AS_DEPUTY)
          .severity(Severity.RED)
          .unit(signed.getUnitId())
          .subject(SubjectType.VOUCHER, signed.getVoucherId())
          .discriminator(signed.getSignerId())
          .person(signed.getSignerId())
          .amountFen(signed.getAmountFen())
          .eventTime(signed.getEventTime())
          .evidence(signed.getEventId())
          .message("一把手" + signed.getSignerId() + "以分管领导身份签批" + SignatureChainRule.voucher(signed)
              + "，直接分管财务")
          .build();
    }
  }
}
