package org.probity.jobs.rules.payment;

import java.util.Objects;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.util.Collector;
import org.probity.jobs.config.ProbityConfig;
import org.probity.jobs.rules.SubjectRule;
import org.probity.jobs.rules.StateExpiry;
import org.probity.schema.PaymentAction;
import org.probity.schema.PaymentEvent;

/**
 * The voucher's facts (amount, payee, invoice, category, decisionRef), taken from the voucher's own
 * events and handed to every payment rule: the one place where they are derived (contract, "Which
 * fields each action carries"). A SIGNED carries the signer and need not repeat the voucher's
 * fields; SUBMITTED and PAID carry the amount and payee. So before the rules, one keyed stage per
 * voucher, in event time:
 * <ul>
 *   <li>SUBMITTED and PAID state the voucher's facts: each field either carries becomes the
 *       voucher's (the latest statement in event time wins, so a voucher resubmitted with a corrected
 *       amount is judged on the correction). A PAID's own amount and payee are the payment's; a field
 *       it leaves out (invoiceNo, decisionRef, ...) is filled from the voucher's.
 *   <li>SIGNED and REJECTED get the voucher's facts in place of whatever copy they carry: a rule
 *       never judges a signature's optional copy. A copy that disagrees with the voucher's is counted
 *       in {@code voucherFactsDisagreeing} (the voucher's own facts win). A voucher with no SUBMITTED
 *       or PAID before the signature in event time has no facts yet: the SIGNED goes on without them,
 *       and each rule that needs one counts the gap ({@code referenceGapVoucherFacts}, {@link org.probity.jobs.rules.ReferenceGaps.Gap#VOUCHER_FACTS})
 *       and skips that judgement.
 * </ul>
 * Every other event goes on, with its own eventId, eventTime and timestamp.
 *
 * <p><b>A voucher ends at its PAID</b> (money left once; a voucher is paid once). It then keeps a
 * tombstone, its end time (one long) and one timer, for {@code dedupRetentionDays}: a PAID, SUBMITTED
 * or REJECTED of the voucher processed after its end (upstream re-sends under a new eventId, or the
 * same one past the de-duplication; late or dated later) is dropped here and counted in {@code
 * lateEventsOfEndedSubjects}, so no payment rule sees the voucher start again: the signature chain
 * would judge a re-sent PAID as a payment without signatures (a false MISSING_SIGNATURE), the
 * duplicate rule as the invoice paid twice, the large-funds rule would judge it again. One place in
 * front of every payment rule, for both signature-chain engines. A SIGNED after the end still goes
 * on, with the voucher's facts: every signature is an act the per-signature rules judge (a signature
 * after PAID is the violation "paid before the last signature"), and it cannot restart the voucher
 * since no PAID of it follows. After the tombstone's time the voucherId is a new voucher.
 *
 * <p>State per voucher: one {@link Facts} POJO and one expiry timer, kept until {@code
 * signatureWindowDays} after the voucher's last event that went on, the window after which every
 * payment rule forgets a voucher (its signature chain, its per-signer memory); the tombstone and its
 * timer for {@code dedupRetentionDays} after the PAID; then nothing of it remains.
 *
 * <p>The prelude of the voucher's stage ({@link org.probity.jobs.rules.Subjects}): every payment rule
 * of the stage, and every feed out of it, sees the events it passes on, so the facts are derived in
 * one place and held once.
 */
public final class VoucherFacts extends SubjectRule<PaymentEvent, PaymentEvent> {
  private static final long serialVersionUID = 1L;
  public static final String DISAGREEING = "voucherFactsDisagreeing";
  /** Events of a voucher after its PAID that were dropped (re-sends), as the approval case counts its own. */
  public static final String LATE_EVENTS_OF_ENDED = "lateEventsOfEndedSubjects";

  /** A voucher's facts as its SUBMITTED and PAID events stated them: a Flink POJO (no Kryo). */
  public static final class Facts {
    public Long amountFen;
    public String payeeId;
    public String invoiceNo;
    public String category;
    public String decisionRef;

    public Facts() {}

    void statedBy(PaymentEvent e) {
      amountFen = e.getAmountFen() != null ? e.getAmountFen() : amountFen;
      payeeId = e.getPayeeId() != null ? e.getPayeeId() : payeeId;
      invoiceNo = e.getInvoiceNo() != null ? e.getInvoiceNo() : invoiceNo;
      category = e.getCategory() != null ? e.getCategory() : category;
      decisionRef = e.getDecisionRef() != null ? e.getDecisionRef() : decisionRef;
    }
  }

  private final long windowMillis;
  private final long tombstoneMillis;
  private final StateExpiry expiry = new StateExpiry("voucher-facts-expiry");
  private transient ValueState<Facts> facts;
  /** The ended voucher's PAID time (its tombstone), kept for [dedupRetentionDays]. */
  private transient ValueState<Long> paidAt;
  private transient Counter disagreeing;
  private transient Counter lateEventsOfEnded;

  public VoucherFacts(ProbityConfig config) {
    this.windowMillis = config.payment().signatureWindowDays() * 86_400_000L;
    this.tombstoneMillis = config.dedupRetentionDays() * 86_400_000L;
  }

  @Override
  protected void openState() {
    facts = getRuntimeContext().getState(new ValueStateDescriptor<>("voucher-facts", Facts.class));
    paidAt = getRuntimeContext().getState(new ValueStateDescriptor<>("voucher-paid-at", Types.LONG));
    expiry.open(getRuntimeContext());
    disagreeing = getRuntimeContext().getMetricGroup().counter(DISAGREEING);
    lateEventsOfEnded = getRuntimeContext().getMetricGroup().counter(LATE_EVENTS_OF_ENDED);
  }

  @Override
  protected void processInOrder(PaymentEvent e, Context ctx, Collector<PaymentEvent> out) throws Exception {
    if (e.getAction() != PaymentAction.SIGNED && paidAt.value() != null) {
      // A re-sent event of a voucher already paid: passed on, it would start the voucher again.
      lateEventsOfEnded.inc();
      return;
    }
    Facts known = facts.value();
    PaymentEvent filled = copyOf(e);
    switch (e.getAction()) {
      case SUBMITTED, PAID -> {
        if (known == null) {
          known = new Facts();
        } else if (e.getAction() == PaymentAction.PAID) {
          filled.setAmountFen(e.getAmountFen() != null ? e.getAmountFen() : known.amountFen);
          filled.setPayeeId(e.getPayeeId() != null ? e.getPayeeId() : known.payeeId);
          filled.setInvoiceNo(e.getInvoiceNo() != null ? e.getInvoiceNo() : known.invoiceNo);
          filled.setCategory(e.getCategory() != null ? e.getCategory() : known.category);
          filled.setDecisionRef(e.getDecisionRef() != null ? e.getDecisionRef() : known.decisionRef);
        }
        known.statedBy(e);
        facts.update(known);
      }
      case SIGNED, REJECTED -> {
        Facts f = known == null ? new Facts() : known;
        if (disagrees(e.getAmountFen(), f.amountFen) || disagrees(e.getPayeeId(), f.payeeId)
            || disagrees(e.getInvoiceNo(), f.invoiceNo) || disagrees(e.getDecisionRef(), f.decisionRef)) {
          disagreeing.inc();
        }
        filled.setAmountFen(f.amountFen);
        filled.setPayeeId(f.payeeId);
        filled.setInvoiceNo(f.invoiceNo);
        filled.setCategory(f.category);
        filled.setDecisionRef(f.decisionRef);
      }
    }
    if (known != null) {
      expiry.extendTo(ctx.timestamp() + windowMillis, ctx.timerService());
    }
    if (e.getAction() == PaymentAction.PAID) {
      paidAt.update(ctx.timestamp());
      ctx.timerService().registerEventTimeTimer(ctx.timestamp() + tombstoneMillis);
    }
    out.collect(filled);
  }

  /**
   * A new record with the event's fields: they are immutable (strings, numbers, instants, enums), so they are
   * shared, not copied as a builder does.
   */
  private static PaymentEvent copyOf(PaymentEvent e) {
    PaymentEvent c = new PaymentEvent();
    for (int i = 0; i < PaymentEvent.SCHEMA$.getFields().size(); i++) {
      c.put(i, e.get(i));
    }
    return c;
  }

  /** A copy the event carries that differs from the voucher's (a copy where the voucher has none is not counted). */
  private static boolean disagrees(Object carried, Object voucher) {
    return carried != null && voucher != null && !Objects.equals(carried, voucher);
  }

  @Override
  protected void onTime(long time, OnTimerContext ctx, Collector<PaymentEvent> out) throws Exception {
    if (expiry.isDue(time, ctx.timerService())) {
      facts.clear();
    }
    Long paid = paidAt.value();
    if (paid != null && time >= paid + tombstoneMillis) {
      paidAt.clear();
    }
  }
}
