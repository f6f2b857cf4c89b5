package org.probity.jobs.generate;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.probity.jobs.alert.Alerts;
import org.probity.jobs.alert.RuleId;
import org.probity.jobs.rules.procurement.BidRiggingRule;
import org.probity.jobs.rules.procurement.ChangeOrdersRule;
import org.probity.schema.AlertStatus;
import org.probity.schema.ProcurementAction;
import org.probity.schema.ProcurementEvent;
import org.probity.schema.ProcurementMethod;
import org.probity.schema.Severity;
import org.probity.schema.SubjectType;

/**
 * Open tenders (工程施工, above the tender threshold) for {@link ProcurementTraffic}: bids ten
 * minutes apart from 09:00, opened at 11:00 by the unit's deputy, awarded at 12:00 to the lowest
 * bid. A clean tender has 3–5 bidders on their own devices with bids 5 % apart (never identical,
 * never within CLOSE_BIDS' band). Planted: each PROCUREMENT_BID_RIGGING reason, and
 * PROCUREMENT_CHANGE_ORDERS after the award; near misses: three bids one fen wider than the band,
 * two bids inside it, one bidder resubmitting from its own device, undecided change orders of
 * exactly the limit beside decided ones far beyond it.
 */
final class TenderPlants {
  static final String CATEGORY = "工程施工";
  private static final long MINUTE = 60;

  /** One bid to plant. */
  record BidSpec(String bidderId, long amountFen, String fingerprint) {}

  /** A planted tender's events. */
  record Tender(String procurementId, String unitId, String awarderId, List<ProcurementEvent> bids,
      ProcurementEvent opened, ProcurementEvent awarded) {}

  /** Bids 5 % apart from {@code estimate} down, each bidder on its own device; the last is the lowest. */
  static List<BidSpec> spreadBids(GenContext ctx, int bidders, long estimate) {
    List<BidSpec> bids = new ArrayList<>();
    for (int b = 0; b < bidders; b++) {
      bids.add(new BidSpec(ctx.nextId("BIDDER"), estimate - estimate * 5 * b / 100, ctx.nextId("FP")));
    }
    return bids;
  }

  /** A tender's estimate: from the threshold to five times it, in whole 100 yuan so percentages of bids are exact. */
  static long estimate(String unitId, GenContext ctx) {
    long threshold = ctx.config().tenderThresholdFen(unitId, CATEGORY);
    long estimate = threshold + (long) (ctx.random().nextDouble() * threshold * 4);
    return estimate / 10_000 * 10_000;
  }

  /** Emits a tender with {@code bids}, opened and awarded (to the lowest bid) by {@code awarder}. */
  static Tender tender(LocalDate day, String unitId, GenContext ctx, List<BidSpec> bids, String awarder) {
    String procurementId = ctx.nextId("PR");
    Instant t = ProcurementTraffic.at(ctx, day, 9);
    List<ProcurementEvent> bidEvents = new ArrayList<>();
    BidSpec lowest = bids.get(0);
    for (int i = 0; i < bids.size(); i++) {
      BidSpec spec = bids.get(i);
      bidEvents.add(bid(ctx, procurementId, unitId, spec, t.plusSeconds(10 * MINUTE * i)));
      if (spec.amountFen() < lowest.amountFen()) {
        lowest = spec;
      }
    }
    ProcurementEvent opened = ProcurementTraffic.base(ctx, procurementId, unitId, ProcurementAction.BIDS_OPENED,
        t.plusSeconds(120 * MINUTE));
    opened.setActorId(awarder);
    opened.setCategory(CATEGORY);
    ProcurementEvent awarded = ProcurementTraffic.order(ctx, procurementId, unitId, ProcurementAction.AWARDED,
        t.plusSeconds(180 * MINUTE), awarder, lowest.bidderId(), CATEGORY, lowest.amountFen(),
        ProcurementMethod.OPEN_TENDER);
    bidEvents.forEach(ctx::emit);
    ctx.emit(opened);
    ctx.emit(awarded);
    return new Tender(procurementId, unitId, awarder, bidEvents, opened, awarded);
  }

  private static ProcurementEvent bid(GenContext ctx, String procurementId, String unitId, BidSpec spec, Instant time) {
    ProcurementEvent e = ProcurementTraffic.base(ctx, procurementId, unitId, ProcurementAction.BID_SUBMITTED, time);
    e.setBidderId(spec.bidderId());
    e.setAmountFen(spec.amountFen());
    e.setBidderFingerprint(spec.fingerprint());
    e.setCategory(CATEGORY);
    return e;
  }

  static Tender clean(LocalDate day, String unitId, GenContext ctx) {
    return tender(day, unitId, ctx, spreadBids(ctx, 3 + ctx.random().nextInt(3), estimate(unitId, ctx)),
        ctx.person(unitId, "DEPUTY"));
  }

  /** Two of the bidders submit from one device. */
  static void sharedFingerprint(LocalDate day, String unitId, GenContext ctx) {
    List<BidSpec> bids = spreadBids(ctx, 3 + ctx.random().nextInt(3), estimate(unitId, ctx));
    int[] pair = pair(ctx, bids.size());
    BidSpec second = bids.get(pair[1]);
    bids.set(pair[1], new BidSpec(second.bidderId(), second.amountFen(), bids.get(pair[0]).fingerprint()));
    Tender t = tender(day, unitId, ctx, bids, ctx.person(unitId, "DEPUTY"));
    expectRigging(ctx, t, BidRiggingRule.SHARED_FINGERPRINT, Severity.RED,
        List.of(t.bids().get(pair[0]), t.bids().get(pair[1])));
  }

  /** Two of the bidders bid the same amount. */
  static void identicalBids(LocalDate day, String unitId, GenContext ctx) {
    List<BidSpec> bids = spreadBids(ctx, 3 + ctx.random().nextInt(3), estimate(unitId, ctx));
    int[] pair = pair(ctx, bids.size());
    BidSpec second = bids.get(pair[1]);
    bids.set(pair[1], new BidSpec(second.bidderId(), bids.get(pair[0]).amountFen(), second.fingerprint()));
    Tender t = tender(day, unitId, ctx, bids, ctx.person(unitId, "DEPUTY"));
    expectRigging(ctx, t, BidRiggingRule.IDENTICAL_BIDS, Severity.RED,
        List.of(t.bids().get(pair[0]), t.bids().get(pair[1])));
  }

  /** Three bids spread over exactly the CLOSE_BIDS band (or half of it), among 0–2 bids well away, in random order. */
  static void closeBids(LocalDate day, String unitId, GenContext ctx) {
    long lowest = estimate(unitId, ctx);
    long band = closeBand(ctx, lowest);
    long top = ctx.random().nextBoolean() ? lowest + band : lowest + band / 2;
    List<BidSpec> bids = new ArrayList<>(List.of(
        new BidSpec(ctx.nextId("BIDDER"), lowest, ctx.nextId("FP")),
        new BidSpec(ctx.nextId("BIDDER"), lowest + band / 4, ctx.nextId("FP")),
        new BidSpec(ctx.nextId("BIDDER"), top, ctx.nextId("FP"))));
    List<BidSpec> close = List.copyOf(bids);
    for (int far = ctx.random().nextInt(3); far > 0; far--) {
      bids.add(new BidSpec(ctx.nextId("BIDDER"), lowest * (100 + 5 * far) / 100, ctx.nextId("FP")));
    }
    Collections.shuffle(bids, ctx.random());
    Tender t = tender(day, unitId, ctx, bids, ctx.person(unitId, "DEPUTY"));
    List<ProcurementEvent> evidence = new ArrayList<>();
    for (int i = 0; i < bids.size(); i++) {
      if (close.contains(bids.get(i))) {
        evidence.add(t.bids().get(i));
      }
    }
    expectRigging(ctx, t, BidRiggingRule.CLOSE_BIDS, Severity.YELLOW, evidence);
  }

  /** A clean tender, and one more bid ten minutes after the opening. */
  static void bidAfterOpening(LocalDate day, String unitId, GenContext ctx) {
    Tender t = clean(day, unitId, ctx);
    long amount = t.bids().get(0).getAmountFen() * 130 / 100;
    ProcurementEvent late = bid(ctx, t.procurementId(), unitId,
        new BidSpec(ctx.nextId("BIDDER"), amount, ctx.nextId("FP")), t.opened().getEventTime().plusSeconds(10 * MINUTE));
    ctx.emit(late);
    ctx.expect(Alerts.of(RuleId.PROCUREMENT_BID_RIGGING, BidRiggingRule.VERSION, BidRiggingRule.BID_AFTER_OPENING)
        .severity(Severity.RED)
        .unit(unitId)
        .subject(SubjectType.PROCUREMENT, t.procurementId())
        .discriminator(late.getEventId())
        .person(t.awarderId())
        .amountFen(amount)
        .eventTime(late.getEventTime())
        .evidence(List.of(t.opened().getEventId(), late.getEventId()))
        .build());
  }

  /** Near misses of bid rigging: one fen too wide, only two close bids, one bidder's resubmission. */
  static void riggingNearMiss(LocalDate day, String unitId, GenContext ctx) {
    long lowest = estimate(unitId, ctx);
    long band = closeBand(ctx, lowest);
    List<BidSpec> bids = switch (ctx.random().nextInt(3)) {
      case 0 -> List.of(
          new BidSpec(ctx.nextId("BIDDER"), lowest, ctx.nextId("FP")),
          new BidSpec(ctx.nextId("BIDDER"), lowest + band / 2, ctx.nextId("FP")),
          new BidSpec(ctx.nextId("BIDDER"), lowest + band + 1, ctx.nextId("FP")));
      case 1 -> List.of(
          new BidSpec(ctx.nextId("BIDDER"), lowest, ctx.nextId("FP")),
          new BidSpec(ctx.nextId("BIDDER"), lowest + band, ctx.nextId("FP")),
          new BidSpec(ctx.nextId("BIDDER"), lowest * 105 / 100, ctx.nextId("FP")));
      default -> {
        List<BidSpec> spread = new ArrayList<>(spreadBids(ctx, 3, lowest));
        spread.add(spread.get(1));
        spread.add(new BidSpec(spread.get(1).bidderId(), spread.get(1).amountFen() + band, spread.get(1).fingerprint()));
        yield spread;
      }
    };
    tender(day, unitId, ctx, bids, ctx.person(unitId, "DEPUTY"));
  }

  /** The widest spread above {@code lowest} that is still within CLOSE_BIDS' percentage of it. */
  private static long closeBand(GenContext ctx, long lowest) {
    return BigDecimal.valueOf(ctx.config().procurement().closeBidsPercent())
        .multiply(BigDecimal.valueOf(lowest))
        .divide(BigDecimal.valueOf(100), 0, RoundingMode.FLOOR)
        .longValueExact();
  }

  private static int[] pair(GenContext ctx, int n) {
    int first = ctx.random().nextInt(n);
    int second = (first + 1 + ctx.random().nextInt(n - 1)) % n;
    return new int[] {Math.min(first, second), Math.max(first, second)};
  }

  private static void expectRigging(GenContext ctx, Tender t, String reason, Severity severity,
      List<ProcurementEvent> evidence) {
    ctx.expect(Alerts.of(RuleId.PROCUREMENT_BID_RIGGING, BidRiggingRule.VERSION, reason)
        .severity(severity)
        .unit(t.unitId())
        .subject(SubjectType.PROCUREMENT, t.procurementId())
        .person(t.awarderId())
        .amountFen(evidence.stream().mapToLong(ProcurementEvent::getAmountFen).min().orElseThrow())
        .eventTime(t.opened().getEventTime())
        .evidence(evidence.stream().map(ProcurementEvent::getEventId).toList())
        .build());
  }

  /**
   * A clean tender, then change orders 5, 10, 15 (and 20) days after the award: undecided ones of
   * 60 % and 50 % of the limit around a decided one of twice it, the second undecided one taking
   * the sum past the limit; in one variant another undecided order escalates it.
   */
  static void changeOverLimit(LocalDate day, String unitId, GenContext ctx) {
    Tender t = clean(day, unitId, ctx);
    long award = t.awarded().getAmountFen();
    long limit = limitFloor(ctx, award);
    List<ProcurementEvent> orders = new ArrayList<>(List.of(
        changeOrder(ctx, t, 5, limit * 60 / 100, null),
        changeOrder(ctx, t, 10, limit * 2, "DEC-" + t.procurementId()),
        changeOrder(ctx, t, 15, limit * 50 / 100, null)));
    if (ctx.random().nextBoolean()) {
      orders.add(changeOrder(ctx, t, 20, limit * 5 / 100, null));
    }
    orders.forEach(ctx::emit);
    long undecided = 0;
    boolean raised = false;
    List<String> evidence = new ArrayList<>(List.of(t.awarded().getEventId()));
    for (ProcurementEvent c : orders) {
      if (c.getDecisionRef() != null) {
        continue;
      }
      undecided += c.getAmountFen();
      evidence.add(c.getEventId());
      boolean over = BigDecimal.valueOf(undecided).multiply(BigDecimal.valueOf(100))
          .compareTo(BigDecimal.valueOf(ctx.config().procurement().changeOrderLimitPercent())
              .multiply(BigDecimal.valueOf(award))) > 0;
      if (!over && !raised) {
        continue;
      }
      ctx.expect(Alerts.of(RuleId.PROCUREMENT_CHANGE_ORDERS, ChangeOrdersRule.VERSION, ChangeOrdersRule.CHANGE_OVER_LIMIT)
          .severity(raised ? Severity.RED : Severity.YELLOW)
          .status(raised ? AlertStatus.ESCALATED : AlertStatus.RAISED)
          .unit(unitId)
          .subject(SubjectType.PROCUREMENT, t.procurementId())
          .person(t.awarderId())
          .amountFen(undecided)
          .eventTime(c.getEventTime())
          .evidence(evidence)
          .build());
      raised = true;
    }
  }

  /** Undecided change orders adding up to the limit (to the fen where it is whole) beside a decided one far past it. */
  static void changeAtLimit(LocalDate day, String unitId, GenContext ctx) {
    Tender t = clean(day, unitId, ctx);
    long limit = limitFloor(ctx, t.awarded().getAmountFen());
    ctx.emit(changeOrder(ctx, t, 5, limit / 2, null));
    ctx.emit(changeOrder(ctx, t, 10, limit * 3, "DEC-" + t.procurementId()));
    ctx.emit(changeOrder(ctx, t, 15, limit - limit / 2, null));
  }

  /** The limit in whole fen, rounded down: undecided orders adding up to it are never more than the limit. */
  private static long limitFloor(GenContext ctx, long award) {
    return BigDecimal.valueOf(ctx.config().procurement().changeOrderLimitPercent())
        .multiply(BigDecimal.valueOf(award))
        .divide(BigDecimal.valueOf(100), 0, RoundingMode.FLOOR)
        .longValueExact();
  }

  private static ProcurementEvent changeOrder(GenContext ctx, Tender t, int daysAfterAward, long amount,
      String decisionRef) {
    ProcurementEvent e = ProcurementTraffic.base(ctx, t.procurementId(), t.unitId(), ProcurementAction.CHANGE_ORDER,
        t.awarded().getEventTime().plusSeconds(86_400L * daysAfterAward));
    e.setActorId(t.awarderId());
    e.setSupplierId(t.awarded().getSupplierId());
    e.setCategory(CATEGORY);
    e.setAmountFen(amount);
    e.setDecisionRef(decisionRef);
    return e;
  }
}
