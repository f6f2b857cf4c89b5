package org.probity.jobs.rules.payment;

import org.probity.jobs.pipeline.ExchangeType;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.datastream.DataStreamUtils;
import org.apache.flink.util.OutputTag;
import org.probity.jobs.rules.Filtered;
import org.probity.jobs.rules.OrderedCepOperator;
import org.probity.jobs.rules.Subjects;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import org.apache.flink.api.java.tuple.Tuple2;
import org.probity.jobs.versions.RulesAt;
import org.probity.jobs.versions.RulesHistory;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.cep.EventComparator;
import org.apache.flink.cep.functions.PatternProcessFunction;
import org.apache.flink.cep.nfa.aftermatch.AfterMatchSkipStrategy;
import org.apache.flink.cep.pattern.Pattern;
import org.apache.flink.cep.pattern.conditions.SimpleCondition;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.util.Collector;
import org.probity.jobs.alert.Alerts;
import org.probity.jobs.alert.Money;
import org.probity.jobs.alert.RuleId;
import org.probity.jobs.config.PaymentParameters;
import org.probity.jobs.config.ProbityConfig;
import org.probity.jobs.rules.RestampLateEvents;
import org.probity.jobs.rules.Rule;
import org.probity.schema.Alert;
import org.probity.schema.PaymentAction;
import org.probity.schema.PaymentEvent;
import org.probity.schema.Severity;
import org.probity.schema.SignerRole;
import org.probity.schema.SubjectType;

/**
 * PAYMENT_SIGNATURE_CHAIN (三审三签, seed 002: 分管领导第一个审签、纪委书记（纪检组长）再次审签和
 * "一把手"最后审签): at PAID, the voucher's signatures must be DEPUTY, then DISCIPLINE, then
 * PRINCIPAL, by three different people. Reasons, each at most once per PAID (alertId = voucher and
 * reason), all dated by the PAID:
 * <ul>
 *   <li>{@code MISSING_SIGNATURE} (RED) — a role has not signed before PAID; a signature after PAID
 *       does not cure it (the payment matched without it).
 *   <li>{@code OUT_OF_ORDER} (YELLOW) — a signature of an earlier role comes after one of a later
 *       role (the principal did not sign last, or the discipline secretary before the deputy). A
 *       role signing again right after itself (D, D, J, P) is in order.
 *   <li>{@code SAME_SIGNER} (RED) — one person signed in two roles.
 * </ul>
 * The reasons are independent: J then D without P is both MISSING_SIGNATURE and OUT_OF_ORDER.
 *
 * <p>Built as a Flink CEP pattern over each voucher's events in event time, because the rule is a
 * sequence: {@code signing} (SUBMITTED or SIGNED, zero or more, strictly contiguous) {@code next}
 * {@code paid}, skipping past the match. Strict contiguity makes a REJECTED (审签退回) break every
 * partial match, so a returned voucher is judged on the signatures after its return, and the
 * earliest live match at PAID holds exactly the voucher's signing since its last REJECTED or PAID.
 * Judging the captured signatures ({@link #judge}) is plain code shared with the keyed-function
 * variant measured in docs/payment-rules.md. The pattern's NFA runs in {@link OrderedCepOperator}: the
 * voucher stage hands the steps over in event-time order, so each goes to the NFA as it comes instead of
 * waiting in flink-cep's own operator for the watermark (whose state it keeps, so a savepoint of a release
 * that ran flink-cep's operator restores).
 *
 * <p>The pattern is bounded by {@code signatureWindowDays} of event time from a match's first event:
 * partial matches of vouchers never paid are pruned then, and their state goes; by the same bound a
 * signature older than that at PAID no longer counts. Ties in event time are ordered by eventId (as
 * everywhere), so replays are deterministic. CEP would drop an event behind the watermark; {@link
 * RestampLateEvents} hands it over as the next instant instead, so a late PAID is still judged.
 *
 * <p>The events come from {@link VoucherFacts}, like every payment rule's: a SIGNED need not carry
 * the voucher's amount (the chain needs only signer and role), and an alert's amount is the PAID's
 * (the voucher's, where the PAID leaves it out). The stage also ends a voucher at its PAID: a PAID
 * re-sent under a new eventId never reaches the pattern (it would match as a payment without
 * signatures, a false MISSING_SIGNATURE), so neither engine needs a tombstone of its own.
 *
 * <p>SUBMITTED never reaches the pattern: it neither breaks contiguity nor is judged, and the
 * earliest live match at PAID holds the same signatures without it. Every event that enters CEP
 * starts a partial match of its own, with a window timer {@code signatureWindowDays} ahead and, on
 * RocksDB, several prefix seeks each time the operator advances its clock for the voucher; leaving
 * out one event in five of a voucher's life cut the rule's cost accordingly (docs/benchmarks.md).
 * With {@code signatureChainEngine: keyed} the same verdicts come from {@link KeyedSignatureChain}
 * instead (operator uid {@code rule-payment-signature-chain-keyed}; switching engines starts the
 * vouchers in flight afresh, so restore with {@code --allowNonRestoredState}).
 */
public final class SignatureChainRule implements Rule {
  public static final int VERSION = 1;
  public static final String MISSING_SIGNATURE = RuleId.PAYMENT_SIGNATURE_CHAIN.reason("MISSING_SIGNATURE");
  public static final String OUT_OF_ORDER = RuleId.PAYMENT_SIGNATURE_CHAIN.reason("OUT_OF_ORDER");
  public static final String SAME_SIGNER = RuleId.PAYMENT_SIGNATURE_CHAIN.reason("SAME_SIGNER");
  /** The order of 三审三签 in the contract: the chain of a unit that states none (parameters.payment.signingChain). */
  public static final List<SignerRole> CHAIN = List.of(SignerRole.DEPUTY, SignerRole.DISCIPLINE, SignerRole.PRINCIPAL);

  static final String SIGNING = "signing";
  static final String PAID = "paid";
  /** Ties in event time go by eventId, as in {@link org.probity.jobs.rules.SubjectStage}. */
  public static final EventComparator<PaymentEvent> BY_EVENT_ID = (a, b) -> a.getEventId().compareTo(b.getEventId());

  /** The voucher's signatures, returns and payments, for the CEP engine. */
  static final OutputTag<PaymentEvent> STEPS = new OutputTag<>("signature-chain-steps", ExchangeType.PAYMENT);

  @Override
  public Set<RuleId> ids() {
    return Set.of(RuleId.PAYMENT_SIGNATURE_CHAIN);
  }

  @Override
  public String describe(ProbityConfig config, boolean stateInRocksDb) {
    PaymentParameters.SignatureChainEngine engine = config.payment().signatureChainEngine().resolve(stateInRocksDb);
    return "PAYMENT_SIGNATURE_CHAIN on " + (engine == PaymentParameters.SignatureChainEngine.KEYED
        ? "the keyed engine" : "Flink CEP") + " (state " + (stateInRocksDb ? "in RocksDB" : "on the heap")
        + (config.payment().signatureChainEngine() == PaymentParameters.SignatureChainEngine.AUTO
            ? "; signatureChainEngine: cep or keyed in the rules file chooses)" : "; as the rules file asks)");
  }

  @Override
  public void addTo(Subjects subjects, ProbityConfig config) {
    PaymentParameters.SignatureChainEngine engine =
        config.payment().signatureChainEngine().resolve(subjects.stateInRocksDb());
    if (engine == PaymentParameters.SignatureChainEngine.KEYED) {
      subjects.vouchers().rule(Filtered.only(e -> e.getAction() != PaymentAction.SUBMITTED,
          new KeyedSignatureChain(config)));
      return;
    }
    subjects.vouchers().feed(STEPS,
        org.probity.jobs.rules.Screen.of("signature-chain-steps", e -> e.getAction() != PaymentAction.SUBMITTED));
    subjects.downstream(stages -> {
      // The feed leaves the voucher's stage partitioned by voucherId already: no second exchange.
      DataStream<PaymentEvent> neverLate = Subjects.feed(stages.vouchers(), STEPS)
          .transform("restamp late payments", TypeInformation.of(PaymentEvent.class), new RestampLateEvents<>())
          .uid("rule-payment-signature-chain-restamp");
      // The stage hands the voucher's steps over in event-time order: the NFA takes each as it comes.
      DataStream<Tuple2<PaymentEvent, PaymentEvent[]>> matches =
          DataStreamUtils.reinterpretAsKeyedStream(neverLate, PaymentEvent::getVoucherId, Types.STRING)
              .transform("PAYMENT_SIGNATURE_CHAIN", MATCH, operator(
                  neverLate.getType().createSerializer(neverLate.getExecutionConfig().getSerializerConfig()),
                  config.payment(), new Capture()))
          .uid("rule-payment-signature-chain");
      // The pattern captures the signing whatever the chain; the chain in force at the PAID judges it.
      RulesHistory history = subjects.history() != null ? subjects.history() : RulesHistory.startingWith(config, "");
      return RulesAt.apply(matches, subjects.versions(), new Verdict(history), TypeInformation.of(Alert.class))
          .uid("rule-payment-signature-chain-verdict")
          .name("PAYMENT_SIGNATURE_CHAIN verdict");
    });
  }

  /**
   * Flink CEP's NFA of {@link #pattern} over a voucher stage's steps in event-time order ({@link
   * OrderedCepOperator}; the state of flink-cep's own operator, which a release before this one ran).
   */
  public static <OUT> OrderedCepOperator<PaymentEvent, String, OUT> operator(TypeSerializer<PaymentEvent> serializer,
      PaymentParameters parameters, PatternProcessFunction<PaymentEvent, OUT> function) {
    return new OrderedCepOperator<>(serializer, pattern(parameters), BY_EVENT_ID, function);
  }

  /** A match: the PAID and the signing before it. */
  static final TypeInformation<Tuple2<PaymentEvent, PaymentEvent[]>> MATCH = Types.TUPLE(
      TypeInformation.of(PaymentEvent.class), Types.OBJECT_ARRAY(TypeInformation.of(PaymentEvent.class)));

  /** Hands each match on, to be judged by the rules in force at its PAID. */
  static final class Capture extends PatternProcessFunction<PaymentEvent, Tuple2<PaymentEvent, PaymentEvent[]>> {
    private static final long serialVersionUID = 1L;

    @Override
    public void processMatch(Map<String, List<PaymentEvent>> match, Context ctx,
        Collector<Tuple2<PaymentEvent, PaymentEvent[]>> out) {
      out.collect(Tuple2.of(match.get(PAID).get(0), match.getOrDefault(SIGNING, List.of()).toArray(new PaymentEvent[0])));
    }
  }

  /** The verdict on a match by the unit's chain in the rules version in force at the PAID. */
  static final class Verdict extends RulesAt<Tuple2<PaymentEvent, PaymentEvent[]>, Alert> {
    private static final long serialVersionUID = 1L;

    Verdict(RulesHistory history) {
      super(history);
    }

    @Override
    protected long instantOf(Tuple2<PaymentEvent, PaymentEvent[]> match) {
      return match.f0.getEventTime().toEpochMilli();
    }

    @Override
    protected void judge(Tuple2<PaymentEvent, PaymentEvent[]> match, RulesHistory.Version rules, Collector<Alert> out) {
      for (Alert a : SignatureChainRule.judge(List.of(match.f1), match.f0, rules.config().signingChain(match.f0.getUnitId()))) {
        a.setRulesVersion(rules.version());
        out.collect(a);
      }
    }
  }

  /**
   * The voucher's signing since its last REJECTED or PAID, then PAID, within the signature window.
   * Public, with {@link Judge}, {@link #BY_EVENT_ID} and {@link #operator}, so a harness or a benchmark
   * can build the operator.
   */
  public static Pattern<PaymentEvent, ?> pattern(PaymentParameters parameters) {
    return Pattern.<PaymentEvent>begin(SIGNING, AfterMatchSkipStrategy.skipPastLastEvent())
        .where(SimpleCondition.of(e -> e.getAction() == PaymentAction.SUBMITTED || e.getAction() == PaymentAction.SIGNED))
        .oneOrMore().consecutive().optional()
        .next(PAID)
        .where(SimpleCondition.of(e -> e.getAction() == PaymentAction.PAID))
        .within(Duration.ofDays(parameters.signatureWindowDays()));
  }

  /** Turns each match into the alerts of its PAID under the contract's chain (for a harness or a benchmark). */
  public static final class Judge extends PatternProcessFunction<PaymentEvent, Alert> {
    private static final long serialVersionUID = 1L;

    @Override
    public void processMatch(Map<String, List<PaymentEvent>> match, Context ctx, Collector<Alert> out) {
      judge(match.getOrDefault(SIGNING, List.of()), match.get(PAID).get(0), CHAIN).forEach(out::collect);
    }
  }

  /**
   * The alerts of one payment, given the voucher's steps before it (in event-time order; only the
   * SIGNED ones count) and the roles that must sign it, in order ({@code chain}: the unit's 三审三签).
   * A signature in a role the chain does not ask for neither fulfils nor breaks the order.
   */
  public static List<Alert> judge(List<PaymentEvent> steps, PaymentEvent paid, List<SignerRole> chain) {
    List<PaymentEvent> signatures = steps.stream().filter(e -> e.getAction() == PaymentAction.SIGNED).toList();
    List<Alert> alerts = new ArrayList<>(1);

    Set<SignerRole> missing = EnumSet.copyOf(chain);
    signatures.forEach(s -> missing.remove(s.getSignerRole()));
    if (!missing.isEmpty()) {
      alerts.add(alert(MISSING_SIGNATURE, Severity.RED, paid, signatures, signatures)
          .message(voucher(paid) + "支付前缺少" + roleNames(chain.stream().filter(missing::contains).toList())
              + "审签（三审三签）")
          .build());
    }

    int highestRank = -1;
    boolean outOfOrder = false;
    for (PaymentEvent s : signatures) {
      int rank = chain.indexOf(s.getSignerRole());
      if (rank < 0) {
        continue;
      }
      outOfOrder |= rank < highestRank;
      highestRank = Math.max(highestRank, rank);
    }
    if (outOfOrder) {
      alerts.add(alert(OUT_OF_ORDER, Severity.YELLOW, paid, signatures, signatures)
          .message(voucher(paid) + "审签顺序为" + roleNames(signatures.stream().map(PaymentEvent::getSignerRole).toList(), "→")
              + "，应为" + roleNames(chain, "→"))
          .build());
    }

    Map<String, Set<SignerRole>> rolesBySigner = new LinkedHashMap<>();
    signatures.forEach(s -> rolesBySigner.computeIfAbsent(s.getSignerId(), k -> EnumSet.noneOf(SignerRole.class))
        .add(s.getSignerRole()));
    Set<String> twoRoles = rolesBySigner.entrySet().stream().filter(e -> e.getValue().size() > 1)
        .map(Map.Entry::getKey).collect(Collectors.toCollection(LinkedHashSet::new));
    if (!twoRoles.isEmpty()) {
      List<PaymentEvent> theirs = signatures.stream().filter(s -> twoRoles.contains(s.getSignerId())).toList();
      String who = twoRoles.stream().map(p -> p + "（" + roleNames(Arrays.stream(SignerRole.values())
          .filter(rolesBySigner.get(p)::contains).toList()) + "）").collect(Collectors.joining("、"));
      alerts.add(alert(SAME_SIGNER, Severity.RED, paid, theirs, theirs)
          .message(voucher(paid) + "由同一人以多种身份审签：" + who)
          .build());
    }
    return alerts;
  }

  private static Alerts.Builder alert(String reason, Severity severity, PaymentEvent paid, List<PaymentEvent> persons,
      List<PaymentEvent> evidence) {
    Alerts.Builder b = Alerts.of(RuleId.PAYMENT_SIGNATURE_CHAIN, VERSION, reason)
        .severity(severity)
        .unit(paid.getUnitId())
        .subject(SubjectType.VOUCHER, paid.getVoucherId())
        .amountFen(paid.getAmountFen())
        .eventTime(paid.getEventTime());
    persons.forEach(s -> b.person(s.getSignerId()));
    evidence.forEach(s -> b.evidence(s.getEventId()));
    return b.evidence(paid.getEventId());
  }

  /** The voucher and its amount, for messages; without the amount where the voucher never stated one. */
  static String voucher(PaymentEvent e) {
    return "付款凭证" + e.getVoucherId() + (e.getAmountFen() == null ? "" : "（" + Money.yuan(e.getAmountFen()) + "）");
  }

  static String roleName(SignerRole role) {
    return switch (role) {
      case DEPUTY -> "分管领导";
      case DISCIPLINE -> "纪委书记（纪检组长）";
      case PRINCIPAL -> "一把手";
      case FINANCE -> "财务负责人";
    };
  }

  private static String roleNames(List<SignerRole> roles) {
    return roleNames(roles, "、");
  }

  private static String roleNames(List<SignerRole> roles, String separator) {
    return roles.stream().map(SignatureChainRule::roleName).collect(Collectors.joining(separator));
  }
}
