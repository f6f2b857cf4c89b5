package org.probity.jobs.rules.payment;

import java.util.List;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.streaming.api.operators.StreamFilter;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.probity.jobs.config.ProbityConfig;
import org.probity.jobs.testing.CapturedMetrics;
import org.probity.jobs.testing.RuleHarness;
import org.probity.schema.Alert;
import org.probity.schema.PaymentEvent;

/**
 * A per-signature rule's operators in harnesses, chained by hand: the screen (with its metrics), then
 * the keyed function. {@link #withVoucherFacts} puts the {@link VoucherFacts} stage in front, as the
 * job does; without it the events fed stand for the stage's output (a SIGNED already carrying the
 * voucher's facts).
 */
final class SignatureRuleHarness {
  final CapturedMetrics screenMetrics = new CapturedMetrics();
  final CapturedMetrics factsMetrics = new CapturedMetrics();
  final OneInputStreamOperatorTestHarness<PaymentEvent, PaymentEvent> screen;
  final KeyedOneInputStreamOperatorTestHarness<String, PaymentEvent, Alert> first;
  final KeyedOneInputStreamOperatorTestHarness<String, PaymentEvent, PaymentEvent> facts;
  private int passed;
  private int filled;

  SignatureRuleHarness(SignatureCheck check, ProbityConfig config) throws Exception {
    this(check, config, false);
  }

  private SignatureRuleHarness(SignatureCheck check, ProbityConfig config, boolean withFacts) throws Exception {
    facts = withFacts ? factsMetrics.open(new VoucherFacts(config), PaymentEvent::getVoucherId) : null;
    screen = new OneInputStreamOperatorTestHarness<>(new StreamFilter<>(new SignatureChecks.Screen(check, config)),
        TypeInformation.of(PaymentEvent.class).createSerializer(new SerializerConfigImpl()), screenMetrics.environment());
    screen.open();
    first = RuleHarness.open(new SignatureChecks.FirstPerVoucherAndSigner(check, config),
        SignatureChecks::voucherAndSigner);
  }

  /** The rule behind the job's voucher-facts stage. */
  static SignatureRuleHarness withVoucherFacts(SignatureCheck check, ProbityConfig config) throws Exception {
    return new SignatureRuleHarness(check, config, true);
  }

  void feed(PaymentEvent... events) throws Exception {
    for (PaymentEvent e : events) {
      if (facts != null) {
        facts.processElement(e, e.getEventTime().toEpochMilli());
      } else {
        screen(e, e.getEventTime().toEpochMilli());
      }
    }
  }

  private void screen(PaymentEvent e, long timestamp) throws Exception {
    screen.processElement(e, timestamp);
    List<StreamRecord<? extends PaymentEvent>> out = screen.extractOutputStreamRecords();
    for (StreamRecord<? extends PaymentEvent> r : out.subList(passed, out.size())) {
      first.processElement(r.getValue(), r.getTimestamp());
    }
    passed = out.size();
  }

  List<Alert> alertsAfter(long watermark) throws Exception {
    if (facts != null) {
      facts.processWatermark(watermark);
      List<StreamRecord<? extends PaymentEvent>> out = facts.extractOutputStreamRecords();
      for (StreamRecord<? extends PaymentEvent> r : out.subList(filled, out.size())) {
        screen(r.getValue(), r.getTimestamp());
      }
      filled = out.size();
    }
    first.processWatermark(watermark);
    return first.extractOutputValues();
  }
}
