package org.probity.jobs.rules.payment;

import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichFilterFunction;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.util.Collector;
import org.probity.jobs.config.ProbityConfig;
import org.probity.jobs.rules.EventTimeOrderedFunction;
import org.probity.jobs.rules.ReferenceGaps;
import org.probity.schema.Alert;
import org.probity.schema.PaymentAction;
import org.probity.schema.PaymentEvent;

/**
 * The shape of the rules judged on one signature by itself (PAYMENT_BEYOND_AUTHORITY,
 * PAYMENT_PRINCIPAL_DIRECT, CONFLICT_OF_INTEREST on payments). They alert at the signature, not at
 * PAID: the act that breaks the rule is signing, and the monitoring centre hears of it before the
 * money leaves.
 *
 * <p>A stateless {@link Screen} keeps only the violating SIGNED events (and counts reference-data
 * gaps where the fact is looked up); they are keyed by voucher and signer, and {@link
 * FirstPerVoucherAndSigner} raises the first in event time: one alert per voucher and official (the
 * signer is the alert's discriminator), however often they sign it. Only keys that violated hold
 * state, until {@code signatureWindowDays} after their last violating signature.
 *
 * <p>The signatures reach the screen through {@link VoucherFacts}: a SIGNED carries the signer, and
 * the voucher's amount and payee come from the voucher's own SUBMITTED (or PAID). A signature whose
 * voucher never stated a fact the check needs ({@link SignatureCheck#missingFact}) is counted in
 * {@code referenceGapVoucherFacts} and not judged.
 */
final class SignatureChecks {
  private SignatureChecks() {}

  static DataStream<Alert> apply(DataStream<PaymentEvent> payments, ProbityConfig config, SignatureCheck check,
      String uid) {
    return VoucherFacts.of(payments, config)
        .filter(new Screen(check, config))
        .uid(uid + "-screen")
        .name(check.rule().name() + " screen")
        .keyBy(SignatureChecks::voucherAndSigner, Types.STRING)
        .process(new FirstPerVoucherAndSigner(check, config))
        .uid(uid)
        .name(check.rule().name());
  }

  static String voucherAndSigner(PaymentEvent e) {
    return e.getVoucherId() + '|' + e.getSignerId();
  }

  /** Passes the SIGNED events that violate; counts and logs the reference-data gaps it meets. */
  static final class Screen extends RichFilterFunction<PaymentEvent> {
    private static final long serialVersionUID = 1L;
    private final SignatureCheck check;
    private final ProbityConfig config;
    private transient ReferenceGaps gaps;
    private transient ReferenceGaps factGaps;

    Screen(SignatureCheck check, ProbityConfig config) {
      this.check = check;
      this.config = config;
    }

    @Override
    public void open(OpenContext context) {
      gaps = new ReferenceGaps(getRuntimeContext().getMetricGroup(), check.rule(), check.withoutTheFact(),
          check.gaps());
      factGaps = new ReferenceGaps(getRuntimeContext().getMetricGroup(), check.rule(),
          "does not judge this signature", ReferenceGaps.Gap.VOUCHER_FACTS);
    }

    @Override
    public boolean filter(PaymentEvent e) {
      if (e.getAction() != PaymentAction.SIGNED) {
        return false;
      }
      String missing = check.missingFact(e);
      if (missing != null) {
        factGaps.report(ReferenceGaps.Gap.VOUCHER_FACTS, e.getVoucherId(),
            "no " + missing + " by its signature " + e.getEventId());
        return false;
      }
      return check.violates(e, config, gaps);
    }
  }

  /** Raises the first violating signature of a voucher and signer; remembers it for the signature window. */
  static final class FirstPerVoucherAndSigner extends EventTimeOrderedFunction<String, PaymentEvent, Alert> {
    private static final long serialVersionUID = 1L;
    private final SignatureCheck check;
    private final ProbityConfig config;
    private transient ValueState<Long> raisedUntil;

    FirstPerVoucherAndSigner(SignatureCheck check, ProbityConfig config) {
      super(PaymentEvent.class);
      this.check = check;
      this.config = config;
    }

    @Override
    protected void openState() {
      raisedUntil = getRuntimeContext().getState(new ValueStateDescriptor<>("raised-until", Types.LONG));
    }

    @Override
    protected void processInOrder(PaymentEvent e, Context ctx, Collector<Alert> out) throws Exception {
      long until = e.getEventTime().toEpochMilli() + config.payment().signatureWindowDays() * 86_400_000L;
      Long previous = raisedUntil.value();
      if (previous == null) {
        out.collect(check.alert(e, config));
      } else if (previous >= until) {
        return;
      } else {
        ctx.timerService().deleteEventTimeTimer(previous);
      }
      raisedUntil.update(until);
      ctx.timerService().registerEventTimeTimer(until);
    }

    @Override
    protected void onTime(long time, OnTimerContext ctx, Collector<Alert> out) throws Exception {
      Long until = raisedUntil.value();
      if (until != null && until == time) {
        raisedUntil.clear();
      }
    }
  }
}
