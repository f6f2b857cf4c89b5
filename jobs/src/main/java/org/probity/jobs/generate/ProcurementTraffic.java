package org.probity.jobs.generate;

import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.probity.jobs.alert.Alerts;
import org.probity.jobs.alert.RuleId;
import org.probity.jobs.config.ReferenceData;
import org.probity.jobs.rules.conflict.ConflictOfInterest;
import org.probity.jobs.rules.procurement.TenderBypassRule;
import org.probity.schema.ProcurementAction;
import org.probity.schema.ProcurementEvent;
import org.probity.schema.ProcurementMethod;
import org.probity.schema.Severity;
import org.probity.schema.SubjectType;

/**
 * 采购/招投标. Per unit and working day, each subject is a planted violation (at the configured
 * rate), else a near miss (at the same rate), else clean: an open tender one time in twenty, or a
 * small inquiry order (0.05–0.2 % of the tender threshold) from a fresh supplier in one of 30
 * shared categories, booked in the {@link CategoryLedger} so no category-year sum ever reaches the
 * threshold.
 *
 * <p>Planted, each with its ground truth: PROCUREMENT_TENDER_BYPASS (an order or award at or above
 * the threshold, a fifth exactly at it, by a non-tender method, sometimes ordered and then awarded
 * the same way: one alert); both PROCUREMENT_SPLIT_PURCHASE reasons ({@link SplitPurchasePlants});
 * every PROCUREMENT_BID_RIGGING reason and PROCUREMENT_CHANGE_ORDERS ({@link TenderPlants}); and
 * CONFLICT_OF_INTEREST where the unit has an official with a related party in the rules file: that
 * official buys from the party, or awards it a tender. Near misses: each of those plants' edge
 * cases that must stay clean, and a related party's order placed by an official not related to it.
 *
 * <p>Holds the ledger of what it bought, so one instance plants one run.
 */
final class ProcurementTraffic implements TrafficPlanter {
  static final List<String> CATEGORIES = List.of("办公设备", "办公用品", "印刷服务", "物业服务", "车辆维修",
      "信息化设备", "软件服务", "家具", "会议服务", "培训服务", "餐饮服务", "保洁服务", "安保服务", "绿化养护",
      "电梯维保", "空调维保", "图书资料", "医疗耗材", "实验器材", "广告宣传", "办公耗材", "电器设备", "灯具照明",
      "窗帘布艺", "清洁用品", "劳保用品", "文体用品", "网络设备", "安防设备", "水电维修");
  static final List<ProcurementMethod> NON_TENDER = List.of(ProcurementMethod.DIRECT,
      ProcurementMethod.SINGLE_SOURCE, ProcurementMethod.COMPETITIVE_NEGOTIATION, ProcurementMethod.INQUIRY);

  private enum Violation {
    TENDER_BYPASS, SUPPLIER_WINDOW, CATEGORY_YEAR, SHARED_FINGERPRINT, IDENTICAL_BIDS, CLOSE_BIDS,
    BID_AFTER_OPENING, CHANGE_OVER_LIMIT, CONFLICT
  }

  private enum NearMiss { SUPPLIER_WINDOW, CATEGORY_YEAR, BID_RIGGING, CHANGE_ORDERS, CONFLICT }

  private CategoryLedger ledger;
  private SplitPurchasePlants split;

  @Override
  public void plantDay(LocalDate day, ReferenceData.Unit unit, GenContext ctx) {
    if (day.getDayOfWeek() == DayOfWeek.SATURDAY || day.getDayOfWeek() == DayOfWeek.SUNDAY) {
      return;
    }
    if (ledger == null) {
      ledger = new CategoryLedger(ctx.config());
      split = new SplitPurchasePlants(ledger);
    }
    for (int i = 0; i < ctx.scale(); i++) {
      if (ctx.plantViolation(unit.id())) {
        violation(day, unit.id(), ctx);
      } else if (ctx.plantViolation(unit.id())) {
        nearMiss(day, unit.id(), ctx);
      } else if (ctx.random().nextInt(20) == 0) {
        TenderPlants.clean(day, unit.id(), ctx);
      } else {
        smallOrder(day, unit.id(), ctx);
      }
    }
  }

  private void violation(LocalDate day, String unitId, GenContext ctx) {
    List<Violation> kinds = new ArrayList<>(List.of(Violation.values()));
    if (relatedOfficials(unitId, ctx).isEmpty()) {
      kinds.remove(Violation.CONFLICT);
    }
    boolean planted = switch (kinds.get(ctx.random().nextInt(kinds.size()))) {
      case TENDER_BYPASS -> false;
      case SUPPLIER_WINDOW -> split.supplierWindow(day, unitId, ctx);
      case CATEGORY_YEAR -> split.categoryYear(day, unitId, ctx);
      case SHARED_FINGERPRINT -> run(() -> TenderPlants.sharedFingerprint(day, unitId, ctx));
      case IDENTICAL_BIDS -> run(() -> TenderPlants.identicalBids(day, unitId, ctx));
      case CLOSE_BIDS -> run(() -> TenderPlants.closeBids(day, unitId, ctx));
      case BID_AFTER_OPENING -> run(() -> TenderPlants.bidAfterOpening(day, unitId, ctx));
      case CHANGE_OVER_LIMIT -> run(() -> TenderPlants.changeOverLimit(day, unitId, ctx));
      case CONFLICT -> conflict(day, unitId, ctx);
    };
    if (!planted) { // TENDER_BYPASS itself, or a split plant for which the unit's categories have no room left
      tenderBypass(at(ctx, day, 11), unitId, ctx.nextId("SUP"), ctx);
    }
  }

  private void nearMiss(LocalDate day, String unitId, GenContext ctx) {
    boolean planted = switch (NearMiss.values()[ctx.random().nextInt(NearMiss.values().length)]) {
      case SUPPLIER_WINDOW -> split.supplierWindowNearMiss(day, unitId, ctx, this);
      case CATEGORY_YEAR -> split.categoryYearNearMiss(day, unitId, ctx);
      case BID_RIGGING -> run(() -> TenderPlants.riggingNearMiss(day, unitId, ctx));
      case CHANGE_ORDERS -> run(() -> TenderPlants.changeAtLimit(day, unitId, ctx));
      case CONFLICT -> unrelatedOfficialBuysFromARelatedParty(day, unitId, ctx);
    };
    if (!planted) {
      smallOrder(day, unitId, ctx);
    }
  }

  private static boolean run(Runnable plant) {
    plant.run();
    return true;
  }

  private void smallOrder(LocalDate day, String unitId, GenContext ctx) {
    Instant time = at(ctx, day, 14);
    long threshold = ctx.config().tenderThresholdFen(unitId, null);
    long amount = (long) (threshold * (0.0005 + ctx.random().nextDouble() * 0.0015));
    String category = ledger.book(unitId, CATEGORIES, ctx.random().nextInt(CATEGORIES.size()), time, amount);
    if (category != null) {
      ctx.emit(order(ctx, ctx.nextId("PR"), unitId, ProcurementAction.ORDER_PLACED, time,
          ctx.person(unitId, "BUYER"), ctx.nextId("SUP"), category, amount, ProcurementMethod.INQUIRY));
    }
  }

  /** PROCUREMENT_TENDER_BYPASS at {@code time} from {@code supplier}; returns the violating event. */
  ProcurementEvent tenderBypass(Instant time, String unitId, String supplier, GenContext ctx) {
    String procurementId = ctx.nextId("PR");
    String category = TenderPlants.CATEGORY;
    long threshold = ctx.config().tenderThresholdFen(unitId, category);
    long amount = ctx.random().nextInt(5) == 0 ? threshold : threshold + (long) (ctx.random().nextDouble() * threshold * 2);
    ProcurementMethod method = NON_TENDER.get(ctx.random().nextInt(NON_TENDER.size()));
    String actor = ctx.person(unitId, "BUYER");
    boolean awardedToo = ctx.random().nextBoolean();
    ProcurementAction first = awardedToo || ctx.random().nextBoolean() ? ProcurementAction.ORDER_PLACED
        : ProcurementAction.AWARDED;
    ProcurementEvent violation = order(ctx, procurementId, unitId, first, time, actor, supplier, category, amount, method);
    ctx.emit(violation);
    if (awardedToo && first == ProcurementAction.ORDER_PLACED) {
      ctx.emit(order(ctx, procurementId, unitId, ProcurementAction.AWARDED,
          violation.getEventTime().plusSeconds(3600), actor, supplier, category, amount, method));
    }
    ctx.expect(Alerts.of(RuleId.PROCUREMENT_TENDER_BYPASS, TenderBypassRule.VERSION, TenderBypassRule.NO_TENDER)
        .severity(Severity.RED)
        .unit(unitId)
        .subject(SubjectType.PROCUREMENT, procurementId)
        .person(actor)
        .amountFen(amount)
        .eventTime(violation.getEventTime())
        .evidence(violation.getEventId())
        .build());
    return violation;
  }

  /** The unit's officials with related parties in the rules file, each with its parties, sorted. */
  private static Map<String, TreeSet<String>> relatedOfficials(String unitId, GenContext ctx) {
    Map<String, TreeSet<String>> officials = new TreeMap<>();
    ctx.config().reference().relatedParties().forEach((personId, parties) -> {
      ReferenceData.Person person = ctx.config().reference().person(personId);
      if (person != null && person.unitId().equals(unitId)) {
        officials.put(personId, new TreeSet<>(parties));
      }
    });
    return officials;
  }

  /** CONFLICT_OF_INTEREST: a related official buys a small order from the party, or awards it a tender it won. */
  private boolean conflict(LocalDate day, String unitId, GenContext ctx) {
    List<Map.Entry<String, TreeSet<String>>> officials = new ArrayList<>(relatedOfficials(unitId, ctx).entrySet());
    Map.Entry<String, TreeSet<String>> pick = officials.get(ctx.random().nextInt(officials.size()));
    String official = pick.getKey();
    String party = new ArrayList<>(pick.getValue()).get(ctx.random().nextInt(pick.getValue().size()));
    ProcurementEvent act;
    if (ctx.random().nextBoolean()) {
      Instant time = at(ctx, day, 15);
      long threshold = ctx.config().tenderThresholdFen(unitId, null);
      long amount = threshold * (5 + ctx.random().nextInt(15)) / 10_000;
      String category = ledger.book(unitId, CATEGORIES, ctx.random().nextInt(CATEGORIES.size()), time, amount);
      if (category == null) {
        return false;
      }
      act = order(ctx, ctx.nextId("PR"), unitId, ProcurementAction.ORDER_PLACED, time, official, party, category,
          amount, ProcurementMethod.INQUIRY);
      ctx.emit(act);
    } else {
      List<TenderPlants.BidSpec> bids = new ArrayList<>(
          TenderPlants.spreadBids(ctx, 3 + ctx.random().nextInt(3), TenderPlants.estimate(unitId, ctx)));
      TenderPlants.BidSpec lowest = bids.get(bids.size() - 1);
      bids.set(bids.size() - 1, new TenderPlants.BidSpec(party, lowest.amountFen(), lowest.fingerprint()));
      act = TenderPlants.tender(day, unitId, ctx, bids, official).awarded();
    }
    ctx.expect(Alerts.of(RuleId.CONFLICT_OF_INTEREST, ConflictOfInterest.VERSION, ConflictOfInterest.RELATED_PARTY)
        .severity(Severity.RED)
        .unit(unitId)
        .subject(SubjectType.PROCUREMENT, act.getProcurementId())
        .discriminator(official)
        .person(official)
        .amountFen(act.getAmountFen())
        .eventTime(act.getEventTime())
        .evidence(act.getEventId())
        .build());
    return true;
  }

  /** A near miss of CONFLICT_OF_INTEREST: the unit's buyer orders from somebody's related party that is not its own. */
  private boolean unrelatedOfficialBuysFromARelatedParty(LocalDate day, String unitId, GenContext ctx) {
    String buyer = ctx.person(unitId, "BUYER");
    TreeSet<String> parties = new TreeSet<>();
    ctx.config().reference().relatedParties().values().forEach(parties::addAll);
    parties.removeIf(p -> ctx.config().reference().related(buyer, p));
    if (parties.isEmpty()) {
      return false;
    }
    String party = new ArrayList<>(parties).get(ctx.random().nextInt(parties.size()));
    Instant time = at(ctx, day, 15);
    long amount = ctx.config().tenderThresholdFen(unitId, null) / 1000;
    String category = ledger.book(unitId, CATEGORIES, ctx.random().nextInt(CATEGORIES.size()), time, amount);
    if (category == null) {
      return false;
    }
    ctx.emit(order(ctx, ctx.nextId("PR"), unitId, ProcurementAction.ORDER_PLACED, time, buyer, party, category, amount,
        ProcurementMethod.INQUIRY));
    return true;
  }

  /** {@code hour}:mm on {@code day}, the minute drawn at random. */
  static Instant at(GenContext ctx, LocalDate day, int hour) {
    return ctx.at(day, hour, ctx.random().nextInt(60));
  }

  static ProcurementEvent base(GenContext ctx, String procurementId, String unitId, ProcurementAction action,
      Instant time) {
    return ProcurementEvent.newBuilder()
        .setEventId(ctx.nextId("EPR"))
        .setEventTime(time)
        .setUnitId(unitId)
        .setProcurementId(procurementId)
        .setAction(action)
        .build();
  }

  static ProcurementEvent order(GenContext ctx, String procurementId, String unitId, ProcurementAction action,
      Instant time, String actor, String supplier, String category, long amount, ProcurementMethod method) {
    ProcurementEvent e = base(ctx, procurementId, unitId, action, time);
    e.setActorId(actor);
    e.setSupplierId(supplier);
    e.setCategory(category);
    e.setAmountFen(amount);
    e.setMethod(method);
    return e;
  }
}
