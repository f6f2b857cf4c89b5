package org.probity.jobs.rules.payment;

import java.util.List;
import org.probity.jobs.config.ProbityConfig;
import org.probity.jobs.rules.SubjectStage;
import org.probity.jobs.testing.CapturedMetrics;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.probity.schema.Alert;
import org.probity.schema.PaymentEvent;

/**
 * A per-signature rule in a voucher's stage in a harness. {@link #withVoucherFacts} puts the
 * {@link VoucherFacts} prelude in front, as the job does; without it the events fed stand for the
 * prelude's output (a SIGNED already carrying the voucher's facts).
 */
final class SignatureRuleHarness {
  final CapturedMetrics metrics = new CapturedMetrics();
  /** The stage's metrics (the check's reference-data gaps). */
  final CapturedMetrics screenMetrics = metrics;
  /** The stage's metrics (the prelude's). */
  final CapturedMetrics factsMetrics = metrics;
  final KeyedOneInputStreamOperatorTestHarness<String, PaymentEvent, Alert> first;

  SignatureRuleHarness(SignatureCheck check, ProbityConfig config) throws Exception {
    this(check, config, false);
  }

  private SignatureRuleHarness(SignatureCheck check, ProbityConfig config, boolean withFacts) throws Exception {
    SubjectStage.Builder<PaymentEvent, Alert> stage = SubjectStage.of(PaymentEvent.class);
    if (withFacts) {
      stage.prelude(new VoucherFacts(config));
    }
    first = metrics.open(stage.rule(new SignatureChecks.PerSigner(check, config)).build(), PaymentEvent::getVoucherId);
  }

  /** The rule behind the job's voucher-facts prelude. */
  static SignatureRuleHarness withVoucherFacts(SignatureCheck check, ProbityConfig config) throws Exception {
    return new SignatureRuleHarness(check, config, true);
  }

  void feed(PaymentEvent... events) throws Exception {
    for (PaymentEvent e : events) {
      first.processElement(e, e.getEventTime().toEpochMilli());
    }
  }

  List<Alert> alertsAfter(long watermark) throws Exception {
    first.processWatermark(watermark);
    return first.extractOutputValues();
  }
}
