package org.probity.jobs.rules.payment;

import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.util.Collector;
import org.probity.jobs.config.ProbityConfig;
import org.probity.jobs.rules.ReferenceGaps;
import org.probity.jobs.rules.SubjectRule;
import org.probity.schema.Alert;
import org.probity.schema.PaymentAction;
import org.probity.schema.PaymentEvent;

/**
 * The shape of the rules judged on one signature by itself (PAYMENT_BEYOND_AUTHORITY,
 * PAYMENT_PRINCIPAL_DIRECT, CONFLICT_OF_INTEREST on payments). They alert at the signature, not at
 * PAID: the act that breaks the rule is signing, and the monitoring centre hears of it before the
 * money leaves.
 *
 * <p>{@link PerSigner} runs in the voucher's stage: it judges each SIGNED (and counts reference-data
 * gaps where the fact is looked up) and raises the first violating signature of each signer in event
 * time: one alert per voucher and official (the signer is the alert's discriminator), however often
 * they sign it. Only signers who violated are remembered (a map entry per signer in the voucher),
 * until {@code signatureWindowDays} after their last violating signature.
 *
 * <p>The signatures reach the screen through {@link VoucherFacts}: a SIGNED carries the signer, and
 * the voucher's amount and payee come from the voucher's own SUBMITTED (or PAID). A signature whose
 * voucher never stated a fact the check needs ({@link SignatureCheck#missingFact}) is counted in
 * {@code referenceGapVoucherFacts} and not judged.
 */
final class SignatureChecks {
  private SignatureChecks() {}

  /** Judges each signature of the voucher; raises a signer's first violation, remembers it for the window. */
  static final class PerSigner extends SubjectRule<PaymentEvent, Alert> {
    private static final long serialVersionUID = 1L;
    private final SignatureCheck check;
    private final ProbityConfig config;
    private final long windowMillis;
    private transient ReferenceGaps gaps;
    private transient ReferenceGaps factGaps;
    /** Per signer who violated: until when the violation is remembered. */
    private transient MapState<String, Long> raisedUntil;

    PerSigner(SignatureCheck check, ProbityConfig config) {
      this.check = check;
      this.config = config;
      this.windowMillis = config.payment().signatureWindowDays() * 86_400_000L;
    }

    @Override
    protected String stateName() {
      return check.rule().name();
    }

    @Override
    protected void openState() {
      gaps = new ReferenceGaps(getRuntimeContext().getMetricGroup(), check.rule(), check.withoutTheFact(),
          check.gaps());
      factGaps = new ReferenceGaps(getRuntimeContext().getMetricGroup(), check.rule(),
          "does not judge this signature", ReferenceGaps.Gap.VOUCHER_FACTS);
      raisedUntil = getRuntimeContext().getMapState(new MapStateDescriptor<>("raised-until", Types.STRING,
          Types.LONG));
    }

    @Override
    protected void processInOrder(PaymentEvent e, Context ctx, Collector<Alert> out) throws Exception {
      if (e.getAction() != PaymentAction.SIGNED) {
        return;
      }
      String missing = check.missingFact(e);
      if (missing != null) {
        factGaps.report(ReferenceGaps.Gap.VOUCHER_FACTS, e.getVoucherId(),
            "no " + missing + " by its signature " + e.getEventId());
        return;
      }
      if (!check.violates(e, config, gaps)) {
        return;
      }
      String signer = String.valueOf(e.getSignerId());
      long until = e.getEventTime().toEpochMilli() + windowMillis;
      Long previous = raisedUntil.get(signer);
      if (previous == null) {
        out.collect(check.alert(e, config));
      } else if (previous >= until) {
        return;
      }
      raisedUntil.put(signer, until);
      ctx.timerService().registerEventTimeTimer(until);
    }

    @Override
    protected void onTime(long time, OnTimerContext ctx, Collector<Alert> out) throws Exception {
      var it = raisedUntil.iterator();
      while (it.hasNext()) {
        if (it.next().getValue() <= time) {
          it.remove();
        }
      }
      if (raisedUntil.isEmpty()) {
        raisedUntil.clear();
      }
    }
  }
}
