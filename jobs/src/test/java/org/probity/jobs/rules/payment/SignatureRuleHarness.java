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

/** A per-signature rule's two operators in harnesses, chained by hand: the screen (with its metrics), then the keyed function. */
final class SignatureRuleHarness {
  final CapturedMetrics screenMetrics = new CapturedMetrics();
  final OneInputStreamOperatorTestHarness<PaymentEvent, PaymentEvent> screen;
  final KeyedOneInputStreamOperatorTestHarness<String, PaymentEvent, Alert> first;
  private int passed;

  SignatureRuleHarness(SignatureCheck check, ProbityConfig config) throws Exception {
    screen = new OneInputStreamOperatorTestHarness<>(new StreamFilter<>(new SignatureChecks.Screen(check, config)),
        TypeInformation.of(PaymentEvent.class).createSerializer(new SerializerConfigImpl()), screenMetrics.environment());
    screen.open();
    first = RuleHarness.open(new SignatureChecks.FirstPerVoucherAndSigner(check, config),
        SignatureChecks::voucherAndSigner);
  }

  void feed(PaymentEvent... events) throws Exception {
    for (PaymentEvent e : events) {
      screen.processElement(e, e.getEventTime().toEpochMilli());
    }
    List<StreamRecord<? extends PaymentEvent>> out = screen.extractOutputStreamRecords();
    for (StreamRecord<? extends PaymentEvent> r : out.subList(passed, out.size())) {
      first.processElement(r.getValue(), r.getTimestamp());
    }
    passed = out.size();
  }

  List<Alert> alertsAfter(long watermark) throws Exception {
    first.processWatermark(watermark);
    return first.extractOutputValues();
  }
}
