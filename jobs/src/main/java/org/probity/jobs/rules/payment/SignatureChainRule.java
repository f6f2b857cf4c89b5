package org.probity.jobs.rules.payment;

import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.datastream.DataStreamUtils;
import org.apache.flink.util.OutputTag;
import org.probity.jobs.rules.Filtered;
import org.probity.jobs.rules.Subjects;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.cep.CEP;
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
 * variant measured in docs/payment-rules.md.
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
  /** The order of 三审三签. */
  public static final List<SignerRole> CHAIN = List.of(SignerRole.DEPUTY, SignerRole.DISCIPLINE, SignerRole.PRINCIPAL);

  static final String SIGNING = "signing";
  static final String PAID = "paid";
  /** Ties in event time go by eventId, as in {@link org.probity.jobs.rules.SubjectStage}. */
  public static final EventComparator<PaymentEvent> BY_EVENT_ID = (a, b) -> a.getEventId().compareTo(b.getEventId());

  /** The voucher's signatures, returns and payments, for the CEP engine. */
  static final OutputTag<PaymentEvent> STEPS = new OutputTag<>("signature-chain-steps") {};

  @Override
  public Set<RuleId> ids() {
    return Set.of(RuleId.PAYMENT_SIGNATURE_CHAIN);
  }

  @Override
  public void addTo(Subjects subjects, ProbityConfig config) {
    PaymentParameters.SignatureChainEngine engine =
        config.payment().signatureChainEngine().resolve(subjects.stateInRocksDb());
    System.err.println("probity: PAYMENT_SIGNATURE_CHAIN on " + (engine == PaymentParameters.SignatureChainEngine.KEYED
        ? "the keyed engine" : "Flink CEP") + " (state " + (subjects.stateInRocksDb() ? "in RocksDB" : "on the heap")
        + (config.payment().signatureChainEngine() == PaymentParameters.SignatureChainEngine.AUTO
            ? "; signatureChainEngine: cep or keyed in the rules file chooses)" : "; as the rules file asks)"));
    if (engine == PaymentParameters.SignatureChainEngine.KEYED) {
      subjects.vouchers().rule(Filtered.only(e -> e.getAction() != PaymentAction.SUBMITTED,
          new KeyedSignatureChain(config.payment())));
      return;
    }
    subjects.vouchers().feed(STEPS,
        org.probity.jobs.rules.Screen.of("signature-chain-steps", e -> e.getAction() != PaymentAction.SUBMITTED));
    subjects.downstream(stages -> {
      // The feed leaves the voucher's stage partitioned by voucherId already: no second exchange.
      DataStream<PaymentEvent> neverLate = Subjects.feed(stages.vouchers(), STEPS)
          .transform("restamp late payments", TypeInformation.of(PaymentEvent.class), new RestampLateEvents<>())
          .uid("rule-payment-signature-chain-restamp");
      return CEP.pattern(DataStreamUtils.reinterpretAsKeyedStream(neverLate, PaymentEvent::getVoucherId, Types.STRING),
              pattern(config.payment()), BY_EVENT_ID)
          .process(new Judge(), TypeInformation.of(Alert.class))
          .uid("rule-payment-signature-chain")
          .name("PAYMENT_SIGNATURE_CHAIN");
    });
  }

  /**
   * The voucher's signing since its last REJECTED or PAID, then PAID, within the signature window.
   * Public, with {@link Judge} and {@link #BY_EVENT_ID}, so a harness or a benchmark can build the
   * operator as flink-cep's PatternStreamBuilder does.
   */
  public static Pattern<PaymentEvent, ?> pattern(PaymentParameters parameters) {
    return Pattern.<PaymentEvent>begin(SIGNING, AfterMatchSkipStrategy.skipPastLastEvent())
        .where(SimpleCondition.of(e -> e.getAction() == PaymentAction.SUBMITTED || e.getAction() == PaymentAction.SIGNED))
        .oneOrMore().consecutive().optional()
        .next(PAID)
        .where(SimpleCondition.of(e -> e.getAction() == PaymentAction.PAID))
        .within(Duration.ofDays(parameters.signatureWindowDays()));
  }

  /** Turns each match into the alerts of its PAID. */
  public static final class Judge extends PatternProcessFunction<PaymentEvent, Alert> {
    private static final long serialVersionUID = 1L;

    @Override
    public void processMatch(Map<String, List<PaymentEvent>> match, Context ctx, Collector<Alert> out) {
      judge(match.getOrDefault(SIGNING, List.of()), match.get(PAID).get(0)).forEach(out::collect);
    }
  }

  /**
   * The alerts of one payment, given the voucher's steps before it (in event-time order; only the
   * SIGNED ones count).
   */
  public static List<Alert> judge(List<PaymentEvent> steps, PaymentEvent paid) {
    List<PaymentEvent> signatures = steps.stream().filter(e -> e.getAction() == PaymentAction.SIGNED).toList();
    List<Alert> alerts = new ArrayList<>(1);

    Set<SignerRole> missing = EnumSet.copyOf(CHAIN);
    signatures.forEach(s -> missing.remove(s.getSignerRole()));
    if (!missing.isEmpty()) {
      alerts.add(alert(MISSING_SIGNATURE, Severity.RED, paid, signatures, signatures)
          .message(voucher(paid) + "支付前缺少" + roleNames(CHAIN.stream().filter(missing::contains).toList())
              + "审签（三审三签）")
          .build());
    }

    int highestRank = -1;
    boolean outOfOrder = false;
    for (PaymentEvent s : signatures) {
      int rank = CHAIN.indexOf(s.getSignerRole());
      outOfOrder |= rank < highestRank;
      highestRank = Math.max(highestRank, rank);
    }
    if (outOfOrder) {
      alerts.add(alert(OUT_OF_ORDER, Severity.YELLOW, paid, signatures, signatures)
          .message(voucher(paid) + "审签顺序为" + roleNames(signatures.stream().map(PaymentEvent::getSignerRole).toList(), "→")
              + "，应为分管领导→纪委书记（纪检组长）→一把手")
          .build());
    }

    Map<String, Set<SignerRole>> rolesBySigner = new LinkedHashMap<>();
    signatures.forEach(s -> rolesBySigner.computeIfAbsent(s.getSignerId(), k -> EnumSet.noneOf(SignerRole.class))
        .add(s.getSignerRole()));
    Set<String> twoRoles = rolesBySigner.entrySet().stream().filter(e -> e.getValue().size() > 1)
        .map(Map.Entry::getKey).collect(Collectors.toCollection(LinkedHashSet::new));
    if (!twoRoles.isEmpty()) {
      List<PaymentEvent> theirs = signatures.stream().filter(s -> twoRoles.contains(s.getSignerId())).toList();
      String who = twoRoles.stream().map(p -> p + "（" + roleNames(CHAIN.stream()
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
