package org.probity.jobs.generate;

import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.probity.jobs.alert.Alerts;
import org.probity.jobs.alert.RuleId;
import org.probity.jobs.config.ReferenceData;
import org.probity.jobs.rules.conflict.ConflictOfInterest;
import org.probity.jobs.rules.payment.BeyondAuthorityRule;
import org.probity.jobs.rules.payment.DuplicatePaymentRule;
import org.probity.jobs.rules.payment.LargeWithoutDecisionRule;
import org.probity.jobs.rules.payment.PrincipalDirectRule;
import org.probity.jobs.rules.payment.SignatureChainRule;
import org.probity.schema.AlertStatus;
import org.probity.schema.DecisionEvent;
import org.probity.schema.PaymentAction;
import org.probity.schema.PaymentEvent;
import org.probity.schema.Severity;
import org.probity.schema.SignerRole;
import org.probity.schema.SubjectType;
import org.probity.schema.TopicType;

/**
 * 财务支付: vouchers submitted, signed 三审三签 (deputy, discipline secretary, principal — three
 * different people, half an hour apart), then paid. Clean vouchers stay below the unit's large-funds
 * threshold and every signer's authority limit, with a fresh payee and invoice related to nobody;
 * clean large vouchers cite a collective decision (a clean meeting planted three days earlier) for
 * at least their amount, and stay within every signer's limit.
 *
 * <p>Each violation {@link Plant} plants exactly one voucher story and expects exactly the alerts the
 * contract defines for it, no more (where one act breaks two rules, e.g. the principal signing as
 * deputy is also SAME_SIGNER, both are expected). Each {@link NearMiss} sits on the clean side of a
 * boundary: exactly at a threshold or limit, a decision for exactly the amount or at the payment's
 * instant or 20 s before it (so disorder can deliver it after the payment), the same invoice to
 * another payee or for another amount, a returned voucher signed again, a payee related to an
 * official of another unit. Every event is on or after the day it is planted on.
 *
 * <p>SUBMITTED and PAID carry the voucher's amount and payee; the SIGNED events of about half the
 * vouchers carry only the signer ({@link #signaturesCarryOnlyTheSigner}), as the contract allows, so
 * every story is told both ways and the rules must take the voucher's facts from its own events.
 */
final class PaymentTraffic implements TrafficPlanter {
  /** The violations planted, each with the alerts it must raise. */
  enum Plant {
    MISSING_SIGNATURE, OUT_OF_ORDER, SAME_SIGNER, PAID_BEFORE_LAST_SIGNATURE, PAID_AFTER_RETURN,
    PRINCIPAL_AS_DEPUTY, DEPUTY_OVER_LIMIT, SIGNERS_OVER_LIMIT, NO_DECISION_REF, UNKNOWN_DECISION,
    DECISION_AFTER_PAYMENT, DECISION_A_MINUTE_AFTER_PAYMENT, AMOUNT_EXCEEDS_DECISION, DECISION_WITHOUT_AMOUNT,
    SAME_INVOICE, RELATED_PAYEE
  }

  /** Clean vouchers on the edge of a rule. */
  enum NearMiss {
    JUST_BELOW_LARGE_FUNDS, AT_THE_SECOND_DEPUTYS_LIMIT, DECISION_FOR_EXACTLY_THE_AMOUNT_JUST_BEFORE,
    DECISION_AT_THE_PAYMENT_INSTANT, SAME_INVOICE_OTHER_PAYEE, SAME_INVOICE_OTHER_AMOUNT, RETURNED_AND_SIGNED_AGAIN,
    SIGNED_TWICE_IN_ORDER, PAYEE_RELATED_TO_ANOTHER_OFFICIAL
  }

  private static final long HALF_HOUR = 1800;
  private static final long MINUTE = 60;
  /** A clean voucher is one in this many of the clean ones a near miss. */
  private static final int NEAR_MISS_ONE_IN = 6;

  private record Voucher(String id, String unitId, long amount, String payee, String invoice, String decisionRef) {
    Voucher withRef(String ref) {
      return new Voucher(id, unitId, amount, payee, invoice, ref);
    }
  }

  /** One step of a voucher's story; {@code signer} and {@code role} only on SIGNED. */
  private record Step(PaymentAction action, String signer, SignerRole role) {
    static Step of(PaymentAction action) {
      return new Step(action, null, null);
    }

    static Step sign(String signer, SignerRole role) {
      return new Step(PaymentAction.SIGNED, signer, role);
    }
  }

  /** The unit's signers, thresholds and limits as the rules file gives them. */
  private static final class Unit {
    final String id;
    final String deputy;
    final String secondDeputy;
    final String discipline;
    final String principal;
    final long threshold;
    /** The largest amount every one of deputy, discipline secretary and principal may sign. */
    final long chainLimit;
    final GenContext ctx;

    Unit(String id, GenContext ctx) {
      this.id = id;
      this.ctx = ctx;
      List<String> deputies = ctx.people(id, "DEPUTY");
      deputy = deputies.get(0);
      secondDeputy = deputies.size() > 1 ? deputies.get(1) : null;
      discipline = ctx.person(id, "DISCIPLINE");
      principal = ctx.person(id, "PRINCIPAL");
      threshold = ctx.config().largeFundsThresholdFen(id);
      chainLimit = Math.min(limit(deputy), Math.min(limit(discipline), limit(principal)));
    }

    /** A signer's authority limit; without one the rule does not judge them, so any amount is clean. */
    long limit(String personId) {
      Long limit = ctx.config().reference().person(personId).authorityLimitFen();
      return limit == null ? Long.MAX_VALUE : limit;
    }

    boolean largeFits() {
      return threshold <= chainLimit;
    }

    /** The top of large amounts: the chain's limit, or twice the threshold where nobody has a limit. */
    long largeCeiling() {
      return Math.min(chainLimit, 2 * threshold);
    }

    List<Step> chain() {
      return List.of(Step.of(PaymentAction.SUBMITTED), Step.sign(deputy, SignerRole.DEPUTY),
          Step.sign(discipline, SignerRole.DISCIPLINE), Step.sign(principal, SignerRole.PRINCIPAL),
          Step.of(PaymentAction.PAID));
    }
  }

  @Override
  public void plantDay(LocalDate day, ReferenceData.Unit unitData, GenContext ctx) {
    if (day.getDayOfWeek() == DayOfWeek.SATURDAY || day.getDayOfWeek() == DayOfWeek.SUNDAY) {
      return;
    }
    Unit unit = new Unit(unitData.id(), ctx);
    for (int i = 0; i < ctx.scale(); i++) {
      if (ctx.plantViolation(unit.id)) {
        List<Plant> plants = Arrays.stream(Plant.values()).filter(p -> available(p, unit)).toList();
        plant(plants.get(ctx.random().nextInt(plants.size())), day, unit, ctx);
      } else if (ctx.random().nextInt(NEAR_MISS_ONE_IN) == 0) {
        List<NearMiss> misses = Arrays.stream(NearMiss.values()).filter(m -> available(m, unit)).toList();
        nearMiss(misses.get(ctx.random().nextInt(misses.size())), day, unit, ctx);
      } else {
        run(ctx, voucher(unit, smallAmount(unit, ctx)), morning(day, ctx), unit.chain());
      }
    }
  }

  private static boolean available(Plant plant, Unit unit) {
    return switch (plant) {
      case DEPUTY_OVER_LIMIT -> unit.secondDeputy != null
          && unit.limit(unit.secondDeputy) < Math.min(unit.chainLimit, unit.limit(unit.discipline));
      case SIGNERS_OVER_LIMIT -> unit.limit(unit.principal) < Long.MAX_VALUE
          && Math.max(unit.limit(unit.deputy) + 1, unit.threshold) <= unit.limit(unit.principal);
      case NO_DECISION_REF, UNKNOWN_DECISION, DECISION_AFTER_PAYMENT, DECISION_A_MINUTE_AFTER_PAYMENT,
          AMOUNT_EXCEEDS_DECISION, DECISION_WITHOUT_AMOUNT -> unit.threshold + 1 < unit.largeCeiling();
      case RELATED_PAYEE -> !relatedPayees(unit).isEmpty();
      default -> true;
    };
  }

  private static boolean available(NearMiss miss, Unit unit) {
    return switch (miss) {
      case AT_THE_SECOND_DEPUTYS_LIMIT -> unit.secondDeputy != null
          && unit.limit(unit.secondDeputy) <= Math.min(unit.chainLimit, unit.limit(unit.discipline))
          && (unit.limit(unit.secondDeputy) < unit.threshold || unit.largeFits());
      case DECISION_FOR_EXACTLY_THE_AMOUNT_JUST_BEFORE, DECISION_AT_THE_PAYMENT_INSTANT -> unit.largeFits();
      case PAYEE_RELATED_TO_ANOTHER_OFFICIAL -> !unrelatedPartiesOfOthers(unit).isEmpty();
      default -> true;
    };
  }

  private void plant(Plant plant, LocalDate day, Unit u, GenContext ctx) {
    Instant t = morning(day, ctx);
    switch (plant) {
      case MISSING_SIGNATURE -> {
        List<SignerRole> roles = new ArrayList<>(SignatureChainRule.CHAIN);
        if (ctx.random().nextInt(4) == 0) {
          roles.clear();
        } else {
          roles.remove(ctx.random().nextInt(roles.size()));
        }
        List<Step> steps = new ArrayList<>();
        steps.add(Step.of(PaymentAction.SUBMITTED));
        roles.forEach(r -> steps.add(Step.sign(signer(u, r), r)));
        steps.add(Step.of(PaymentAction.PAID));
        List<PaymentEvent> events = run(ctx, voucher(u, smallAmount(u, ctx)), t, steps);
        expectChain(ctx, SignatureChainRule.MISSING_SIGNATURE, Severity.RED, events, signatures(events));
      }
      case OUT_OF_ORDER -> {
        List<SignerRole> order = new ArrayList<>(SignatureChainRule.CHAIN);
        while (order.equals(SignatureChainRule.CHAIN)) {
          Collections.shuffle(order, ctx.random());
        }
        List<Step> steps = new ArrayList<>();
        steps.add(Step.of(PaymentAction.SUBMITTED));
        order.forEach(r -> steps.add(Step.sign(signer(u, r), r)));
        steps.add(Step.of(PaymentAction.PAID));
        List<PaymentEvent> events = run(ctx, voucher(u, smallAmount(u, ctx)), t, steps);
        expectChain(ctx, SignatureChainRule.OUT_OF_ORDER, Severity.YELLOW, events, signatures(events));
      }
      case SAME_SIGNER -> {
        // The deputy signs for the discipline secretary too.
        List<PaymentEvent> events = run(ctx, voucher(u, smallAmount(u, ctx)), t, List.of(
            Step.of(PaymentAction.SUBMITTED), Step.sign(u.deputy, SignerRole.DEPUTY),
            Step.sign(u.deputy, SignerRole.DISCIPLINE), Step.sign(u.principal, SignerRole.PRINCIPAL),
            Step.of(PaymentAction.PAID)));
        expectChain(ctx, SignatureChainRule.SAME_SIGNER, Severity.RED, events, events.subList(1, 3));
      }
      case PAID_BEFORE_LAST_SIGNATURE -> {
        List<PaymentEvent> events = run(ctx, voucher(u, smallAmount(u, ctx)), t, List.of(
            Step.of(PaymentAction.SUBMITTED), Step.sign(u.deputy, SignerRole.DEPUTY),
            Step.sign(u.discipline, SignerRole.DISCIPLINE), Step.of(PaymentAction.PAID),
            Step.sign(u.principal, SignerRole.PRINCIPAL)));
        expectChain(ctx, SignatureChainRule.MISSING_SIGNATURE, Severity.RED, events.subList(0, 4),
            events.subList(1, 3));
      }
      case PAID_AFTER_RETURN -> {
        List<Step> steps = new ArrayList<>(u.chain().subList(0, 4));
        steps.add(Step.of(PaymentAction.REJECTED));
        steps.add(Step.of(PaymentAction.PAID));
        List<PaymentEvent> events = run(ctx, voucher(u, smallAmount(u, ctx)), t, steps);
        expectChain(ctx, SignatureChainRule.MISSING_SIGNATURE, Severity.RED, events, List.of());
      }
      case PRINCIPAL_AS_DEPUTY -> {
        List<PaymentEvent> events = run(ctx, voucher(u, smallAmount(u, ctx)), t, List.of(
            Step.of(PaymentAction.SUBMITTED), Step.sign(u.principal, SignerRole.DEPUTY),
            Step.sign(u.discipline, SignerRole.DISCIPLINE), Step.sign(u.principal, SignerRole.PRINCIPAL),
            Step.of(PaymentAction.PAID)));
        PaymentEvent asDeputy = events.get(1);
        ctx.expect(Alerts.of(RuleId.PAYMENT_PRINCIPAL_DIRECT, PrincipalDirectRule.VERSION,
                PrincipalDirectRule.PRINCIPAL_AS_DEPUTY)
            .severity(Severity.RED).unit(u.id).subject(SubjectType.VOUCHER, asDeputy.getVoucherId())
            .discriminator(u.principal).person(u.principal).amountFen(events.get(0).getAmountFen())
            .eventTime(asDeputy.getEventTime()).evidence(asDeputy.getEventId()).build());
        expectChain(ctx, SignatureChainRule.SAME_SIGNER, Severity.RED, events, List.of(events.get(1), events.get(3)));
      }
      case DEPUTY_OVER_LIMIT -> {
        long limit = u.limit(u.secondDeputy);
        long ceiling = Math.min(u.chainLimit, u.limit(u.discipline));
        long amount = ctx.random().nextInt(4) == 0 ? limit + 1 : between(ctx, limit + 1, ceiling);
        Voucher v = citeIfLarge(ctx, u, day, voucher(u, amount));
        List<PaymentEvent> events = run(ctx, v, afternoonIfCited(v, day, t, ctx), List.of(
            Step.of(PaymentAction.SUBMITTED), Step.sign(u.secondDeputy, SignerRole.DEPUTY),
            Step.sign(u.discipline, SignerRole.DISCIPLINE), Step.sign(u.principal, SignerRole.PRINCIPAL),
            Step.of(PaymentAction.PAID)));
        expectBeyond(ctx, events.get(1), limit, amount);
      }
      case SIGNERS_OVER_LIMIT -> {
        // Above the deputy's (and, by default, the discipline secretary's) limit, within the principal's.
        long amount = between(ctx, Math.max(u.limit(u.deputy) + 1, u.threshold), u.limit(u.principal));
        Voucher v = citeIfLarge(ctx, u, day, voucher(u, amount));
        List<PaymentEvent> events = run(ctx, v, afternoonIfCited(v, day, t, ctx), u.chain());
        for (PaymentEvent s : signatures(events)) {
          if (u.limit(s.getSignerId()) < amount) {
            expectBeyond(ctx, s, u.limit(s.getSignerId()), amount);
          }
        }
      }
      case NO_DECISION_REF -> {
        List<PaymentEvent> events = run(ctx, voucher(u, largeAmount(u, ctx)), t, u.chain());
        PaymentEvent paid = last(events);
        expectLarge(ctx, LargeWithoutDecisionRule.NO_DECISION_REF, Severity.RED, AlertStatus.RAISED, paid,
            paid.getEventTime(), paid.getEventId());
      }
      case UNKNOWN_DECISION -> {
        // A reference nobody decided, or one decided by another unit.
        Voucher v = voucher(u, largeAmount(u, ctx));
        String ref = ctx.random().nextBoolean() ? ctx.nextId("DEC-FAKE") : otherUnitsDecision(ctx, u, day, v.amount());
        List<PaymentEvent> events = run(ctx, v.withRef(ref), afternoon(day, ctx), u.chain());
        PaymentEvent paid = last(events);
        expectLarge(ctx, LargeWithoutDecisionRule.UNKNOWN_DECISION, Severity.RED, AlertStatus.RAISED, paid,
            paid.getEventTime(), paid.getEventId());
      }
      case DECISION_AFTER_PAYMENT, DECISION_A_MINUTE_AFTER_PAYMENT -> {
        Voucher v = voucher(u, largeAmount(u, ctx));
        String ref = "DEC-" + v.id();
        DecisionEvent decided = DecisionTraffic.meeting(ctx, u.id, ctx.nextId("MTG"), day, day.plusDays(3), List.of(
            new DecisionTraffic.Topic(TopicType.LARGE_FUNDS, ref, v.amount(), DecisionTraffic.Flaw.NONE))).get(0);
        Instant paidAt = plant == Plant.DECISION_AFTER_PAYMENT ? ctx.at(day.plusDays(1), 15, 0)
            : decided.getEventTime().minusSeconds(MINUTE);
        PaymentEvent paid = last(runEndingAt(ctx, v.withRef(ref), paidAt, u.chain()));
        expectLarge(ctx, LargeWithoutDecisionRule.UNKNOWN_DECISION, Severity.RED, AlertStatus.RAISED, paid,
            paid.getEventTime(), paid.getEventId());
        expectLarge(ctx, LargeWithoutDecisionRule.UNKNOWN_DECISION, Severity.RED, AlertStatus.RESOLVED, paid,
            decided.getEventTime(), paid.getEventId(), decided.getEventId());
        expectLarge(ctx, LargeWithoutDecisionRule.DECISION_AFTER_PAYMENT, Severity.YELLOW, AlertStatus.RAISED, paid,
            decided.getEventTime(), paid.getEventId(), decided.getEventId());
      }
      case AMOUNT_EXCEEDS_DECISION, DECISION_WITHOUT_AMOUNT -> {
        long amount = between(ctx, u.threshold + 1, u.largeCeiling());
        Long authorised = plant == Plant.DECISION_WITHOUT_AMOUNT ? null
            : ctx.random().nextInt(4) == 0 ? amount - 1 : between(ctx, u.threshold, amount - 1);
        Voucher v = voucher(u, amount);
        DecisionEvent decided = decision(ctx, u, day, "DEC-" + v.id(), authorised);
        PaymentEvent paid = last(run(ctx, v.withRef(decided.getDecisionRef()), afternoon(day, ctx), u.chain()));
        expectLarge(ctx, LargeWithoutDecisionRule.AMOUNT_EXCEEDS_DECISION, Severity.YELLOW, AlertStatus.RAISED, paid,
            paid.getEventTime(), decided.getEventId(), paid.getEventId());
      }
      case SAME_INVOICE -> {
        Voucher first = voucher(u, smallAmount(u, ctx));
        PaymentEvent firstPaid = last(run(ctx, first, t, u.chain()));
        Voucher again = new Voucher(ctx.nextId("V"), u.id, first.amount(), first.payee(), first.invoice(), null);
        PaymentEvent paid = last(run(ctx, again, morning(day.plusDays(1 + ctx.random().nextInt(5)), ctx), u.chain()));
        ctx.expect(Alerts.of(RuleId.PAYMENT_DUPLICATE, DuplicatePaymentRule.VERSION, DuplicatePaymentRule.SAME_INVOICE)
            .severity(Severity.RED).unit(u.id).subject(SubjectType.VOUCHER, again.id()).amountFen(again.amount())
            .eventTime(paid.getEventTime()).evidence(firstPaid.getEventId()).evidence(paid.getEventId()).build());
      }
      case RELATED_PAYEE -> {
        Map<String, String> related = relatedPayees(u);
        List<String> officials = new ArrayList<>(related.keySet());
        String official = officials.get(ctx.random().nextInt(officials.size()));
        Voucher v = voucher(u, smallAmount(u, ctx));
        v = new Voucher(v.id(), v.unitId(), v.amount(), related.get(official), v.invoice(), null);
        List<PaymentEvent> events = run(ctx, v, t, u.chain());
        PaymentEvent signature = signatures(events).stream().filter(s -> s.getSignerId().equals(official))
            .findFirst().orElseThrow();
        ctx.expect(ConflictOfInterest.alert(u.id, SubjectType.VOUCHER, v.id(), official, v.payee(), "签批", "",
            v.amount(), signature.getEventTime(), signature.getEventId()));
      }
    }
  }

  private void nearMiss(NearMiss miss, LocalDate day, Unit u, GenContext ctx) {
    Instant t = morning(day, ctx);
    switch (miss) {
      case JUST_BELOW_LARGE_FUNDS -> run(ctx, voucher(u, Math.min(u.threshold - 1, u.chainLimit)), t, u.chain());
      case AT_THE_SECOND_DEPUTYS_LIMIT -> {
        Voucher v = citeIfLarge(ctx, u, day, voucher(u, u.limit(u.secondDeputy)));
        run(ctx, v, afternoonIfCited(v, day, t, ctx), List.of(Step.of(PaymentAction.SUBMITTED),
            Step.sign(u.secondDeputy, SignerRole.DEPUTY), Step.sign(u.discipline, SignerRole.DISCIPLINE),
            Step.sign(u.principal, SignerRole.PRINCIPAL), Step.of(PaymentAction.PAID)));
      }
      case DECISION_FOR_EXACTLY_THE_AMOUNT_JUST_BEFORE, DECISION_AT_THE_PAYMENT_INSTANT -> {
        Voucher v = voucher(u, largeAmount(u, ctx));
        DecisionEvent decided = decision(ctx, u, day, "DEC-" + v.id(), v.amount());
        long before = miss == NearMiss.DECISION_AT_THE_PAYMENT_INSTANT ? 0 : 20;
        runEndingAt(ctx, v.withRef(decided.getDecisionRef()), decided.getEventTime().plusSeconds(before), u.chain());
      }
      case SAME_INVOICE_OTHER_PAYEE, SAME_INVOICE_OTHER_AMOUNT -> {
        Voucher first = voucher(u, smallAmount(u, ctx));
        run(ctx, first, t, u.chain());
        Voucher second = miss == NearMiss.SAME_INVOICE_OTHER_PAYEE
            ? new Voucher(ctx.nextId("V"), u.id, first.amount(), ctx.nextId("PAYEE"), first.invoice(), null)
            : new Voucher(ctx.nextId("V"), u.id, first.amount() - 1, first.payee(), first.invoice(), null);
        run(ctx, second, morning(day.plusDays(1), ctx), u.chain());
      }
      case RETURNED_AND_SIGNED_AGAIN -> {
        List<Step> steps = new ArrayList<>(List.of(Step.of(PaymentAction.SUBMITTED),
            Step.sign(u.deputy, SignerRole.DEPUTY), Step.of(PaymentAction.REJECTED)));
        steps.addAll(u.chain());
        run(ctx, voucher(u, smallAmount(u, ctx)), t, steps);
      }
      case SIGNED_TWICE_IN_ORDER -> run(ctx, voucher(u, smallAmount(u, ctx)), t, List.of(
          Step.of(PaymentAction.SUBMITTED), Step.sign(u.deputy, SignerRole.DEPUTY), Step.sign(u.deputy, SignerRole.DEPUTY),
          Step.sign(u.discipline, SignerRole.DISCIPLINE), Step.sign(u.principal, SignerRole.PRINCIPAL),
          Step.sign(u.principal, SignerRole.PRINCIPAL), Step.of(PaymentAction.PAID)));
      case PAYEE_RELATED_TO_ANOTHER_OFFICIAL -> {
        List<String> parties = unrelatedPartiesOfOthers(u);
        Voucher v = voucher(u, smallAmount(u, ctx));
        run(ctx, new Voucher(v.id(), v.unitId(), v.amount(), parties.get(ctx.random().nextInt(parties.size())),
            v.invoice(), null), t, u.chain());
      }
    }
  }

  // ---- amounts, people, decisions

  private static Voucher voucher(Unit u, long amount) {
    return new Voucher(u.ctx.nextId("V"), u.id, amount, u.ctx.nextId("PAYEE"), u.ctx.nextId("INV"), null);
  }

  /** Well below the large-funds threshold and every signer's limit. */
  private static long smallAmount(Unit u, GenContext ctx) {
    long ceiling = Math.min(u.threshold, u.chainLimit);
    return 10_000 + (long) (ctx.random().nextDouble() * (ceiling - 10_000) * 0.9);
  }

  /** At or above the threshold (a quarter of them exactly at it), within every chain signer's limit. */
  private static long largeAmount(Unit u, GenContext ctx) {
    return ctx.random().nextInt(4) == 0 ? u.threshold : between(ctx, u.threshold, u.largeCeiling());
  }

  /** From {@code low} up to {@code high}, drawn uniformly ({@code high} itself only when equal to {@code low}). */
  private static long between(GenContext ctx, long low, long high) {
    return low + (long) (ctx.random().nextDouble() * (high - low));
  }

  private static String signer(Unit u, SignerRole role) {
    return switch (role) {
      case DEPUTY -> u.deputy;
      case DISCIPLINE -> u.discipline;
      case PRINCIPAL -> u.principal;
      // The generated county's units keep the contract's chain of three.
      case FINANCE -> throw new IllegalArgumentException("the generated units have no 财务负责人");
    };
  }

  /** Cites a fresh collective decision for exactly the amount when the voucher is large, so only the planted rule fires. */
  private static Voucher citeIfLarge(GenContext ctx, Unit u, LocalDate day, Voucher v) {
    if (v.amount() < u.threshold) {
      return v;
    }
    return v.withRef(decision(ctx, u, day, "DEC-" + v.id(), v.amount()).getDecisionRef());
  }

  /** A clean meeting of the unit, notified on {@code day}, deciding {@code ref} at 09:25 three days later. */
  private static DecisionEvent decision(GenContext ctx, Unit u, LocalDate day, String ref, Long amount) {
    return DecisionTraffic.meeting(ctx, u.id, ctx.nextId("MTG"), day, day.plusDays(3), List.of(
        new DecisionTraffic.Topic(TopicType.LARGE_FUNDS, ref, amount, DecisionTraffic.Flaw.NONE))).get(0);
  }

  /** A reference another unit decided (the payment's unit never did). */
  private static String otherUnitsDecision(GenContext ctx, Unit u, LocalDate day, long amount) {
    List<String> others = new ArrayList<>(new TreeSet<>(ctx.config().reference().units().keySet()));
    others.remove(u.id);
    if (others.isEmpty()) {
      return ctx.nextId("DEC-FAKE");
    }
    Unit other = new Unit(others.get(ctx.random().nextInt(others.size())), ctx);
    return decision(ctx, other, day, ctx.nextId("DEC-OTHER"), amount).getDecisionRef();
  }

  /** Officials of the unit's chain related to some party, with that party (sorted, so planting is deterministic). */
  private static Map<String, String> relatedPayees(Unit u) {
    Map<String, String> related = new TreeMap<>();
    for (String official : List.of(u.deputy, u.discipline, u.principal)) {
      Set<String> parties = u.ctx.config().reference().relatedParties().get(official);
      if (parties != null && !parties.isEmpty()) {
        related.put(official, new TreeSet<>(parties).first());
      }
    }
    return related;
  }

  /** Parties related to officials who are not in this unit's chain. */
  private static List<String> unrelatedPartiesOfOthers(Unit u) {
    List<String> chain = List.of(u.deputy, u.discipline, u.principal);
    TreeSet<String> parties = new TreeSet<>();
    u.ctx.config().reference().relatedParties().forEach((person, theirs) -> {
      if (!chain.contains(person)) {
        parties.addAll(theirs);
      }
    });
    u.ctx.config().reference().relatedParties().forEach((person, theirs) -> {
      if (chain.contains(person)) {
        parties.removeAll(theirs);
      }
    });
    return new ArrayList<>(parties);
  }

  // ---- time and emission

  private static Instant morning(LocalDate day, GenContext ctx) {
    return ctx.at(day, 10, ctx.random().nextInt(60));
  }

  /** After the meeting {@link #decision} holds three days later. */
  private static Instant afternoon(LocalDate day, GenContext ctx) {
    return ctx.at(day.plusDays(3), 13, ctx.random().nextInt(60));
  }

  private static Instant afternoonIfCited(Voucher v, LocalDate day, Instant otherwise, GenContext ctx) {
    return v.decisionRef() == null ? otherwise : afternoon(day, ctx);
  }

  /**
   * Whether the voucher's signatures carry only the signer (contract, "Which fields each action
   * carries": a SIGNED need not repeat the voucher's fields): about half the vouchers, by their id,
   * so the choice draws nothing from the random stream and the rest of the traffic is unchanged. The
   * other half repeat the voucher's fields on every signature, as they agree with it.
   */
  static boolean signaturesCarryOnlyTheSigner(String voucherId) {
    return Math.floorMod(voucherId.hashCode(), 2) == 0;
  }

  /** Emits the steps half an hour apart from {@code start}; returns the events in order. */
  private static List<PaymentEvent> run(GenContext ctx, Voucher v, Instant start, List<Step> steps) {
    List<PaymentEvent> events = new ArrayList<>();
    boolean signerOnly = signaturesCarryOnlyTheSigner(v.id());
    for (int i = 0; i < steps.size(); i++) {
      Step step = steps.get(i);
      boolean bare = signerOnly && step.action() == PaymentAction.SIGNED;
      PaymentEvent e = PaymentEvent.newBuilder()
          .setEventId(ctx.nextId("EP"))
          .setEventTime(start.plusSeconds(HALF_HOUR * i))
          .setUnitId(v.unitId())
          .setVoucherId(v.id())
          .setAction(step.action())
          .setAmountFen(bare ? null : v.amount())
          .setPayeeId(bare ? null : v.payee())
          .setInvoiceNo(bare ? null : v.invoice())
          .setCategory(bare ? null : "办公经费")
          .setSignerId(step.signer())
          .setSignerRole(step.role())
          .setDecisionRef(bare ? null : v.decisionRef())
          .build();
      ctx.emit(e);
      events.add(e);
    }
    return events;
  }

  /** As {@link #run}, timed so that the last step is at {@code end}. */
  private static List<PaymentEvent> runEndingAt(GenContext ctx, Voucher v, Instant end, List<Step> steps) {
    return run(ctx, v, end.minusSeconds(HALF_HOUR * (steps.size() - 1)), steps);
  }

  private static List<PaymentEvent> signatures(List<PaymentEvent> events) {
    return events.stream().filter(e -> e.getAction() == PaymentAction.SIGNED).toList();
  }

  private static PaymentEvent last(List<PaymentEvent> events) {
    return events.get(events.size() - 1);
  }

  // ---- ground truth

  /** A chain alert at the last event of {@code untilPaid} (the PAID); persons and evidence are {@code shown}. */
  private static void expectChain(GenContext ctx, String reason, Severity severity, List<PaymentEvent> untilPaid,
      List<PaymentEvent> shown) {
    PaymentEvent paid = last(untilPaid);
    Alerts.Builder b = Alerts.of(RuleId.PAYMENT_SIGNATURE_CHAIN, SignatureChainRule.VERSION, reason)
        .severity(severity).unit(paid.getUnitId()).subject(SubjectType.VOUCHER, paid.getVoucherId())
        .amountFen(paid.getAmountFen()).eventTime(paid.getEventTime());
    shown.forEach(s -> b.person(s.getSignerId()).evidence(s.getEventId()));
    ctx.expect(b.evidence(paid.getEventId()).build());
  }

  /** LIMIT_EXCEEDED of {@code signature} on the voucher's {@code amount} (the SIGNED may not carry it). */
  private static void expectBeyond(GenContext ctx, PaymentEvent signature, long limit, long amount) {
    ctx.expect(Alerts.of(RuleId.PAYMENT_BEYOND_AUTHORITY, BeyondAuthorityRule.VERSION, BeyondAuthorityRule.LIMIT_EXCEEDED)
        .severity(Severity.YELLOW).unit(signature.getUnitId()).subject(SubjectType.VOUCHER, signature.getVoucherId())
        .discriminator(signature.getSignerId()).person(signature.getSignerId()).amountFen(amount)
        .eventTime(signature.getEventTime()).evidence(signature.getEventId()).build());
  }

  private static void expectLarge(GenContext ctx, String reason, Severity severity, AlertStatus status,
      PaymentEvent paid, Instant at, String... evidence) {
    ctx.expect(Alerts.of(RuleId.PAYMENT_LARGE_WITHOUT_DECISION, LargeWithoutDecisionRule.VERSION, reason)
        .severity(severity).status(status).unit(paid.getUnitId()).subject(SubjectType.VOUCHER, paid.getVoucherId())
        .amountFen(paid.getAmountFen()).eventTime(at).evidence(Arrays.asList(evidence)).build());
  }
}
