package org.probity.jobs.rules.payment;

import org.probity.jobs.pipeline.ExchangeType;
import org.apache.flink.util.OutputTag;
import org.probity.jobs.rules.SubjectStage;
import org.probity.jobs.rules.Subjects;
import java.util.Set;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.util.Collector;
import org.probity.jobs.alert.Alerts;
import org.probity.jobs.alert.Money;
import org.probity.jobs.alert.RuleId;
import org.probity.jobs.config.ProbityConfig;
import org.probity.jobs.rules.SubjectRule;
import org.probity.jobs.rules.Rule;
import org.probity.schema.Alert;
import org.probity.schema.PaymentAction;
import org.probity.schema.PaymentEvent;
import org.probity.schema.Severity;
import org.probity.schema.SubjectType;
import org.probity.jobs.rules.ReferenceGaps;

/**
 * PAYMENT_DUPLICATE / SAME_INVOICE (audit practice): a PAID with the same payee, amount and invoiceNo
 * as an earlier PAID at most {@code duplicateWindowDays} before it (in event time, both ends
 * included). The first payment is clean; each later one is the alert (subject = the later voucher),
 * RED: money left twice. Two PAIDs must be of two vouchers: a voucher is paid once, so a PAID of a
 * voucher already paid is a re-send (a new eventId from upstream), not a second payment. {@link
 * VoucherFacts} drops such re-sends for {@code dedupRetentionDays} after the voucher's PAID; one that
 * comes later still is not compared with its own voucher's payment here, and not kept. A voucher is
 * raised once however often it is re-sent. A PAID without invoiceNo cannot be matched and is not
 * judged. Units do not matter: the same invoice paid by two units is paid
 * twice.
 *
 * <p>Keyed by payee, amount and invoice, in event-time order (so "the first" is the first in event
 * time, whatever arrived first). State per key: its payments of the last window and the vouchers
 * raised, each dropped when its payment leaves the window, so a key's state ends a window after its
 * last payment.
 *
 * <p>Payee, amount and invoice are the voucher's (the PAID's own, and where it leaves the invoice out,
 * the voucher's SUBMITTED's: {@link VoucherFacts}).
 */
public final class DuplicatePaymentRule implements Rule {
  public static final int VERSION = 1;
  public static final String SAME_INVOICE = RuleId.PAYMENT_DUPLICATE.reason("SAME_INVOICE");

  /** The PAIDs the rule compares, from the voucher's stage. */
  static final OutputTag<PaymentEvent> PAYMENTS = new OutputTag<>("duplicate-payment-candidates", ExchangeType.PAYMENT);

  @Override
  public Set<RuleId> ids() {
    return Set.of(RuleId.PAYMENT_DUPLICATE);
  }

  @Override
  public void addTo(Subjects subjects, ProbityConfig config) {
    subjects.vouchers().feed(PAYMENTS, new Screen());
    subjects.downstream(stages -> subjects.keyedStage(Subjects.feed(stages.vouchers(), PAYMENTS),
        DuplicatePaymentRule::key,
        rules -> SubjectStage.<PaymentEvent, Alert>of(PaymentEvent.class).rule(new Detect(rules)),
        "rule-payment-duplicate", "PAYMENT_DUPLICATE"));
  }

  static boolean judged(PaymentEvent e) {
    return e.getAction() == PaymentAction.PAID && e.getInvoiceNo() != null && !e.getInvoiceNo().isBlank();
  }

  /**
   * The PAIDs with an invoiceNo (the voucher's, filled by {@link VoucherFacts} where the PAID left it
   * out) and the voucher's payee and amount; one without either is a voucher-facts gap, counted, not
   * judged.
   */
  static final class Screen extends org.probity.jobs.rules.Screen<PaymentEvent> {
    private static final long serialVersionUID = 1L;
    private transient ReferenceGaps gaps;

    @Override
    protected String stateName() {
      return "duplicate-payment-screen";
    }

    @Override
    protected void openState() {
      gaps = new ReferenceGaps(getRuntimeContext().getMetricGroup(), RuleId.PAYMENT_DUPLICATE,
          "does not compare this payment with earlier ones", ReferenceGaps.Gap.VOUCHER_FACTS);
    }

    @Override
    protected boolean passes(PaymentEvent e) {
      if (!judged(e)) {
        return false;
      }
      String missing = e.getAmountFen() == null ? "amountFen" : e.getPayeeId() == null ? "payeeId" : null;
      if (missing != null) {
        gaps.report(ReferenceGaps.Gap.VOUCHER_FACTS, e.getVoucherId(),
            "no " + missing + " by its payment " + e.getEventId());
        return false;
      }
      return true;
    }
  }

  static String key(PaymentEvent e) {
    return e.getPayeeId() + '|' + e.getAmountFen() + '|' + e.getInvoiceNo();
  }

  static final class Detect extends SubjectRule<PaymentEvent, Alert> {
    private static final long serialVersionUID = 1L;
    private final long windowMillis;
    private transient ListState<PaymentEvent> paid;
    private transient MapState<String, Long> raised;

    Detect(ProbityConfig config) {
      this.windowMillis = config.payment().duplicateWindowDays() * 86_400_000L;
    }

    @Override
    protected void openState() {
      paid = getRuntimeContext().getListState(new ListStateDescriptor<>("paid-in-window", PaymentEvent.class));
      raised = getRuntimeContext().getMapState(new MapStateDescriptor<>("raised-vouchers", Types.STRING, Types.LONG));
    }

    @Override
    protected void processInOrder(PaymentEvent e, Context ctx, Collector<Alert> out) throws Exception {
      long t = ctx.timestamp();
      List<PaymentEvent> earlier = new ArrayList<>();
      for (PaymentEvent p : paid.get()) {
        if (p.getVoucherId().equals(e.getVoucherId())) {
          // This voucher's payment is kept already: this PAID is a re-send of it.
          return;
        }
        if (t - p.getEventTime().toEpochMilli() <= windowMillis) {
          earlier.add(p);
        }
      }
      if (!earlier.isEmpty() && !raised.contains(e.getVoucherId())) {
        raised.put(e.getVoucherId(), t);
        out.collect(Alerts.of(RuleId.PAYMENT_DUPLICATE, VERSION, SAME_INVOICE)
            .severity(Severity.RED)
            .unit(e.getUnitId())
            .subject(SubjectType.VOUCHER, e.getVoucherId())
            .amountFen(e.getAmountFen())
            .eventTime(e.getEventTime())
            .evidence(earlier.stream().map(PaymentEvent::getEventId).toList())
            .evidence(e.getEventId())
            .message(SignatureChainRule.voucher(e) + "向" + e.getPayeeId() + "支付" + Money.yuan(e.getAmountFen())
                + "（发票号" + e.getInvoiceNo() + "），与付款凭证"
                + String.join("、", earlier.stream().map(PaymentEvent::getVoucherId).distinct().toList())
                + "重复支付")
            .build());
      }
      paid.add(e);
      ctx.timerService().registerEventTimeTimer(t + windowMillis);
    }

    @Override
    protected void onTime(long time, OnTimerContext ctx, Collector<Alert> out) throws Exception {
      List<PaymentEvent> kept = new ArrayList<>();
      boolean expired = false;
      for (PaymentEvent p : paid.get()) {
        if (p.getEventTime().toEpochMilli() + windowMillis <= time) {
          expired = true;
        } else {
          kept.add(p);
        }
      }
      if (!expired) {
        return;
      }
      paid.update(kept);
      List<String> ended = new ArrayList<>();
      for (var r : raised.entries()) {
        if (r.getValue() + windowMillis <= time) {
          ended.add(r.getKey());
        }
      }
      for (String voucherId : ended) {
        raised.remove(voucherId);
      }
    }
  }
}
