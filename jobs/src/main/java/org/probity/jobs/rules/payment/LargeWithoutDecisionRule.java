package org.probity.jobs.rules.payment;

import org.probity.jobs.pipeline.ExchangeType;
import org.apache.flink.util.OutputTag;
import org.probity.jobs.rules.Subjects;
import java.util.Set;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.typeutils.ListTypeInfo;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.functions.co.KeyedCoProcessFunction;
import org.apache.flink.util.Collector;
import org.probity.jobs.alert.Alerts;
import org.probity.jobs.alert.Money;
import org.probity.jobs.alert.RuleId;
import org.probity.jobs.config.ProbityConfig;
import org.probity.jobs.versions.RulesAt;
import org.probity.jobs.versions.RulesHistory;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.probity.jobs.rules.ReferenceGaps;
import org.probity.jobs.rules.Rule;
import org.probity.schema.Alert;
import org.probity.schema.AlertStatus;
import org.probity.schema.DecisionAction;
import org.probity.schema.DecisionEvent;
import org.probity.schema.PaymentAction;
import org.probity.schema.PaymentEvent;
import org.probity.schema.Severity;
import org.probity.schema.SubjectType;

/**
 * PAYMENT_LARGE_WITHOUT_DECISION (三重一大: 大额度资金使用 must be decided collectively, seeds 002, 003,
 * 004): a PAID at or above the unit's large-funds threshold must cite ({@code decisionRef}) a DECIDED
 * record of the same unit, made no later than the payment, for at least the amount. Reasons, per
 * voucher, dated as noted:
 * <ul>
 *   <li>{@code NO_DECISION_REF} (RED, at PAID) — no decisionRef (blank counts as none).
 *   <li>{@code AMOUNT_EXCEEDS_DECISION} (YELLOW, at PAID) — decided in time, but no DECIDED record
 *       with that ref authorises the amount (a record without {@code amountFen} authorises none: the
 *       rule asks for a decision "for at least the amount").
 *   <li>{@code UNKNOWN_DECISION} (RED, at PAID) — no DECIDED record with that ref in the unit by the
 *       payment. The unit may still record it later, so the payment is watched for
 *       {@code decisionRetentionDays}: when the record appears, UNKNOWN_DECISION is RESOLVED (same
 *       alertId, dated by the record) and the payment is judged against the record.
 *   <li>{@code DECISION_AFTER_PAYMENT} (YELLOW, dated by the decision: that is when "paid first,
 *       decided after" became true) — 事后补决策: the record that resolved UNKNOWN_DECISION was made
 *       truly later than the payment. A decision at the payment's very instant counts as before:
 *       records carry minutes.
 * </ul>
 * Raising UNKNOWN_DECISION at once rather than waiting for a decision that may never come keeps a
 * made-up reference visible in real time; the resolution tells the case system what happened next.
 *
 * <p>NO_DECISION_REF needs no join: the voucher's stage raises it ({@link NoDecisionRef}). The
 * rest is an event-time join of the payment and decision streams keyed by unit and decisionRef, decided on the watermark, not on arrival: a payment is judged
 * when the watermark passes its time, so every decision made up to then has arrived (within the
 * out-of-orderness bound) however the two streams interleave; a decision is applied to the payments
 * still waiting for it when the watermark passes the decision. At one instant decisions go first.
 * An event behind the watermark is applied on arrival, never dropped ({@code lateEvents}): a late
 * decision made before a payment already judged UNKNOWN resolves it and judges the payment again.
 * A decision is placed by its own {@code eventTime}, not its record's timestamp: a late DECIDED that
 * the replay clock (or {@code RestampLateEvents}) hands on stamped with the next instant is late all
 * the same, and resolves on arrival what its time answers (RESOLVED, then the amount judged, or
 * DECISION_AFTER_PAYMENT if it was made after the payment); one whose own time the watermark has not
 * reached yet waits for it, as an on-time decision does. A payment is judged by its own time too,
 * when the watermark passes its record's timestamp.
 *
 * <p>State: DECIDED records for {@code decisionRetentionDays} (any later payment may cite them),
 * payments until the watermark passes them, UNKNOWN payments for {@code decisionRetentionDays}.
 * A unit the rules file does not know is judged against the default threshold and reported as a
 * reference-data gap.
 *
 * <p>The amount and decisionRef are the voucher's: the PAID's own, and where it leaves the
 * decisionRef out, the one its SUBMITTED cited ({@link VoucherFacts}). A PAID whose voucher never
 * stated an amount is a voucher-facts gap ({@code referenceGapVoucherFacts}) and is not judged.
 */
public final class LargeWithoutDecisionRule implements Rule {
  public static final int VERSION = 1;
  public static final String NO_DECISION_REF = RuleId.PAYMENT_LARGE_WITHOUT_DECISION.reason("NO_DECISION_REF");
  public static final String UNKNOWN_DECISION = RuleId.PAYMENT_LARGE_WITHOUT_DECISION.reason("UNKNOWN_DECISION");
  public static final String DECISION_AFTER_PAYMENT = RuleId.PAYMENT_LARGE_WITHOUT_DECISION.reason("DECISION_AFTER_PAYMENT");
  public static final String AMOUNT_EXCEEDS_DECISION = RuleId.PAYMENT_LARGE_WITHOUT_DECISION.reason("AMOUNT_EXCEEDS_DECISION");

  /** Large payments, from the voucher's stage. */
  static final OutputTag<PaymentEvent> LARGE = new OutputTag<>("large-payments", ExchangeType.PAYMENT);
  /** Collective decisions, from the meeting's stage. */
  static final OutputTag<DecisionEvent> DECIDED = new OutputTag<>("collective-decisions", ExchangeType.DECISION);

  @Override
  public Set<RuleId> ids() {
    return Set.of(RuleId.PAYMENT_LARGE_WITHOUT_DECISION);
  }

  @Override
  public void addTo(Subjects subjects, ProbityConfig config) {
    subjects.vouchers().rule(new NoDecisionRef(config));
    subjects.vouchers().feed(LARGE, new LargePayments(config));
    subjects.meetings().feed(DECIDED,
        org.probity.jobs.rules.Screen.of("collective-decisions", d -> d.getAction() == DecisionAction.DECIDED));
    subjects.downstream(stages -> {
      DataStream<Alert> joined = Subjects.feed(stages.vouchers(), LARGE)
          .connect(Subjects.feed(stages.meetings(), DECIDED))
          .keyBy(LargeWithoutDecisionRule::key, LargeWithoutDecisionRule::key, Types.STRING)
          .process(new Join(config), TypeInformation.of(Alert.class))
          .uid("rule-payment-large-without-decision")
          .name("PAYMENT_LARGE_WITHOUT_DECISION");
      // The join uses no parameter a version may change: its alerts carry the version in force at their instant.
      RulesHistory history = subjects.history() != null ? subjects.history() : RulesHistory.startingWith(config, "");
      return RulesAt.apply(joined, subjects.versions(), new StampVersion(history), TypeInformation.of(Alert.class))
          .uid("rule-payment-large-without-decision-version")
          .name("PAYMENT_LARGE_WITHOUT_DECISION rules version");
    });
  }

  /** Stamps an alert with the rules version in force at its instant. */
  static final class StampVersion extends RulesAt<Alert, Alert> {
    private static final long serialVersionUID = 1L;

    StampVersion(RulesHistory history) {
      super(history);
    }

    @Override
    protected long instantOf(Alert a) {
      return a.getEventTime().toEpochMilli();
    }

    @Override
    protected void judge(Alert a, RulesHistory.Version rules, Collector<Alert> out) {
      a.setRulesVersion(rules.version());
      out.collect(a);
    }
  }

  static String key(PaymentEvent p) {
    return p.getUnitId() + '|' + ref(p);
  }

  static String key(DecisionEvent d) {
    return d.getUnitId() + '|' + d.getDecisionRef();
  }

  private static String ref(PaymentEvent p) {
    return p.getDecisionRef() == null || p.getDecisionRef().isBlank() ? null : p.getDecisionRef();
  }

  /**
   * {@code NO_DECISION_REF}: a large PAID citing no decision, judged in the voucher's stage by the
   * threshold of the rules version in force at the payment (nothing to join).
   */
  static final class NoDecisionRef extends org.probity.jobs.rules.SubjectRule<PaymentEvent, Alert> {
    private static final long serialVersionUID = 1L;
    private final ProbityConfig config;

    NoDecisionRef(ProbityConfig config) {
      this.config = config;
    }

    @Override
    protected void openState() {}

    @Override
    protected void processInOrder(PaymentEvent e, Context ctx, Collector<Alert> out) {
      if (e.getAction() != PaymentAction.PAID || e.getAmountFen() == null || ref(e) != null) {
        return;
      }
      long threshold = config.largeFundsThresholdFen(e.getUnitId());
      if (e.getAmountFen() >= threshold) {
        out.collect(noDecisionRef(e, threshold));
      }
    }
  }

  private static Alert noDecisionRef(PaymentEvent paid, long threshold) {
    return alert(NO_DECISION_REF, Severity.RED, paid, paid.getEventTime())
        .evidence(paid.getEventId())
        .message(SignatureChainRule.voucher(paid) + "达到三重一大大额资金标准" + Money.yuan(threshold) + "，未引用集体决策")
        .build();
  }

  /** PAID at or above the unit's large-funds threshold, citing a decision: what the join judges. */
  static final class LargePayments extends org.probity.jobs.rules.Screen<PaymentEvent> {
    private static final long serialVersionUID = 1L;
    private final ProbityConfig config;
    private transient ReferenceGaps gaps;
    private transient ReferenceGaps factGaps;

    LargePayments(ProbityConfig config) {
      this.config = config;
    }

    @Override
    protected String stateName() {
      return "large-payments";
    }

    @Override
    protected void openState() {
      gaps = new ReferenceGaps(getRuntimeContext().getMetricGroup(), RuleId.PAYMENT_LARGE_WITHOUT_DECISION,
          "judges its payments against the default large-funds threshold", ReferenceGaps.Gap.UNKNOWN_UNIT);
      factGaps = new ReferenceGaps(getRuntimeContext().getMetricGroup(), RuleId.PAYMENT_LARGE_WITHOUT_DECISION,
          "does not judge this payment", ReferenceGaps.Gap.VOUCHER_FACTS);
    }

    @Override
    protected boolean passes(PaymentEvent e) {
      if (e.getAction() != PaymentAction.PAID) {
        return false;
      }
      if (config.reference().unit(e.getUnitId()) == null) {
        gaps.report(ReferenceGaps.Gap.UNKNOWN_UNIT, e.getUnitId(), "unit of voucher " + e.getVoucherId());
      }
      if (e.getAmountFen() == null) {
        factGaps.report(ReferenceGaps.Gap.VOUCHER_FACTS, e.getVoucherId(),
            "no amountFen by its payment " + e.getEventId());
        return false;
      }
      return e.getAmountFen() >= config.largeFundsThresholdFen(e.getUnitId()) && ref(e) != null;
    }
  }

  static final class Join extends KeyedCoProcessFunction<String, PaymentEvent, DecisionEvent, Alert> {
    private static final long serialVersionUID = 1L;
    private static final Comparator<DecisionEvent> DECISION_ORDER =
        Comparator.comparing(DecisionEvent::getEventTime).thenComparing(DecisionEvent::getEventId);
    private final ProbityConfig config;
    private final long retentionMillis;
    private transient ListState<DecisionEvent> decisions;
    private transient MapState<Long, List<PaymentEvent>> waiting;
    private transient ListState<PaymentEvent> unknown;
    private transient Counter lateEvents;
    private transient DateTimeFormatter minutes;

    Join(ProbityConfig config) {
      this.config = config;
      this.retentionMillis = config.payment().decisionRetentionDays() * 86_400_000L;
    }

    @Override
    public void open(OpenContext context) {
      decisions = getRuntimeContext().getListState(new ListStateDescriptor<>("decisions", DecisionEvent.class));
      waiting = getRuntimeContext().getMapState(new MapStateDescriptor<>("waiting-payments", Types.LONG,
          new ListTypeInfo<>(TypeInformation.of(PaymentEvent.class))));
      unknown = getRuntimeContext().getListState(new ListStateDescriptor<>("unknown-decision", PaymentEvent.class));
      lateEvents = getRuntimeContext().getMetricGroup().counter("lateEvents");
      minutes = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm").withZone(config.zone());
    }

    @Override
    public void processElement1(PaymentEvent payment, Context ctx, Collector<Alert> out) throws Exception {
      long p = ctx.timestamp();
      if (p <= ctx.timerService().currentWatermark()) {
        lateEvents.inc();
        judge(payment, ctx.timerService().currentWatermark(), ctx, out);
        return;
      }
      List<PaymentEvent> atP = waiting.get(p);
      if (atP == null) {
        atP = new ArrayList<>(1);
        ctx.timerService().registerEventTimeTimer(p);
      }
      atP.add(payment);
      waiting.put(p, atP);
    }

    @Override
    public void processElement2(DecisionEvent decision, Context ctx, Collector<Alert> out) throws Exception {
      // The decision's own time, not the record's: a late record is handed on restamped to the next
      // instant (the replay clock, RestampLateEvents) and would never meet a timer at its own time.
      long d = decision.getEventTime().toEpochMilli();
      decisions.add(decision);
      ctx.timerService().registerEventTimeTimer(d + retentionMillis);
      if (d <= ctx.timerService().currentWatermark()) {
        lateEvents.inc();
        resolve(decision, out);
      } else {
        ctx.timerService().registerEventTimeTimer(d);
      }
    }

    @Override
    public void onTimer(long t, OnTimerContext ctx, Collector<Alert> out) throws Exception {
      List<DecisionEvent> known = sortedDecisions();
      for (DecisionEvent decision : known) {
        if (decision.getEventTime().toEpochMilli() == t) {
          resolve(decision, out);
        }
      }
      List<PaymentEvent> due = waiting.get(t);
      if (due != null) {
        waiting.remove(t);
        due.sort(Comparator.comparing(PaymentEvent::getEventId));
        for (PaymentEvent payment : due) {
          judge(payment, t, ctx, out);
        }
      }
      known.removeIf(d -> d.getEventTime().toEpochMilli() + retentionMillis <= t);
      decisions.update(known);
      List<PaymentEvent> watched = new ArrayList<>();
      unknown.get().forEach(watched::add);
      if (watched.removeIf(p -> p.getEventTime().toEpochMilli() + retentionMillis <= t)) {
        unknown.update(watched);
      }
    }

    /** Judges a payment against the decisions known made by its time ({@code reached}: the watermark). */
    private void judge(PaymentEvent payment, long reached, Context ctx, Collector<Alert> out) throws Exception {
      String ref = ref(payment);
      if (ref == null) {
        // Only a payment in flight in a savepoint taken before NO_DECISION_REF moved to the voucher's stage.
        out.collect(noDecisionRef(payment, config.largeFundsThresholdFen(payment.getUnitId())));
        return;
      }
      List<DecisionEvent> inTime = sortedDecisions().stream()
          .filter(d -> !d.getEventTime().isAfter(payment.getEventTime())).toList();
      if (!inTime.isEmpty()) {
        authorised(payment, inTime, out);
        return;
      }
      out.collect(alert(UNKNOWN_DECISION, Severity.RED, payment, payment.getEventTime())
          .evidence(payment.getEventId())
          .message(SignatureChainRule.voucher(payment) + "引用的集体决策" + ref + "在本单位没有决策记录")
          .build());
      // Only a late payment can find a later decision the watermark has already passed.
      DecisionEvent passed = sortedDecisions().stream()
          .filter(d -> d.getEventTime().isAfter(payment.getEventTime()) && d.getEventTime().toEpochMilli() <= reached)
          .findFirst()
          .orElse(null);
      if (passed != null) {
        resolveOne(payment, passed, out);
        return;
      }
      unknown.add(payment);
      ctx.timerService().registerEventTimeTimer(payment.getEventTime().toEpochMilli() + retentionMillis);
    }

    /** AMOUNT_EXCEEDS_DECISION unless some decision made in time authorises the amount. */
    private void authorised(PaymentEvent payment, List<DecisionEvent> inTime, Collector<Alert> out) {
      DecisionEvent best = inTime.stream()
          .max(Comparator.comparing((DecisionEvent d) -> d.getAmountFen() == null ? -1L : d.getAmountFen()))
          .orElseThrow();
      if (best.getAmountFen() != null && best.getAmountFen() >= payment.getAmountFen()) {
        return;
      }
      out.collect(alert(AMOUNT_EXCEEDS_DECISION, Severity.YELLOW, payment, payment.getEventTime())
          .evidence(best.getEventId())
          .evidence(payment.getEventId())
          .message(SignatureChainRule.voucher(payment) + (best.getAmountFen() == null
              ? "引用的集体决策" + best.getDecisionRef() + "未载明批准金额"
              : "超过集体决策" + best.getDecisionRef() + "批准的金额" + Money.yuan(best.getAmountFen())))
          .build());
    }

    /** The decision {@code decision} (reached by the watermark) ends every UNKNOWN_DECISION it answers. */
    private void resolve(DecisionEvent decision, Collector<Alert> out) throws Exception {
      List<PaymentEvent> watched = new ArrayList<>();
      unknown.get().forEach(watched::add);
      if (watched.isEmpty()) {
        return;
      }
      watched.sort(Comparator.comparing(PaymentEvent::getEventTime).thenComparing(PaymentEvent::getEventId));
      for (PaymentEvent payment : watched) {
        resolveOne(payment, decision, out);
      }
      unknown.clear();
    }

    private void resolveOne(PaymentEvent payment, DecisionEvent decision, Collector<Alert> out) {
      boolean after = decision.getEventTime().isAfter(payment.getEventTime());
      Instant at = after ? decision.getEventTime() : payment.getEventTime();
      out.collect(alert(UNKNOWN_DECISION, Severity.RED, payment, at)
          .status(AlertStatus.RESOLVED)
          .evidence(payment.getEventId())
          .evidence(decision.getEventId())
          .message(SignatureChainRule.voucher(payment) + "引用的集体决策" + decision.getDecisionRef() + "已有决策记录（"
              + minutes.format(decision.getEventTime()) + "）")
          .build());
      if (after) {
        out.collect(alert(DECISION_AFTER_PAYMENT, Severity.YELLOW, payment, decision.getEventTime())
            .evidence(payment.getEventId())
            .evidence(decision.getEventId())
            .message(SignatureChainRule.voucher(payment) + "于" + minutes.format(payment.getEventTime())
                + "支付，所引集体决策" + decision.getDecisionRef() + "于" + minutes.format(decision.getEventTime())
                + "才作出（先支付后决策）")
            .build());
      } else {
        authorised(payment, List.of(decision), out);
      }
    }

    private List<DecisionEvent> sortedDecisions() throws Exception {
      List<DecisionEvent> known = new ArrayList<>();
      decisions.get().forEach(known::add);
      known.sort(DECISION_ORDER);
      return known;
    }

  }

  private static Alerts.Builder alert(String reason, Severity severity, PaymentEvent payment, Instant at) {
    return Alerts.of(RuleId.PAYMENT_LARGE_WITHOUT_DECISION, VERSION, reason)
        .severity(severity)
        .unit(payment.getUnitId())
        .subject(SubjectType.VOUCHER, payment.getVoucherId())
        .amountFen(payment.getAmountFen())
        .eventTime(at);
  }
}
