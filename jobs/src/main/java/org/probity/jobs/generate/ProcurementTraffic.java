package org.probity.jobs.generate;

import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import org.probity.jobs.alert.Alerts;
import org.probity.jobs.alert.RuleId;
import org.probity.jobs.config.ReferenceData;
import org.probity.jobs.rules.procurement.TenderBypassRule;
import org.probity.schema.ProcurementAction;
import org.probity.schema.ProcurementEvent;
import org.probity.schema.ProcurementMethod;
import org.probity.schema.Severity;
import org.probity.schema.SubjectType;

/**
 * 采购/招投标. Clean traffic: small inquiry orders (0.05–0.2% of the tender threshold) spread over
 * 20 categories and fresh suppliers, so no window or year sum comes near the threshold; and open
 * tenders above the threshold with bids well apart. Planted: PROCUREMENT_TENDER_BYPASS — an order
 * or award at or above the threshold (a fifth exactly at it) by a non-tender method, sometimes
 * ordered and then awarded the same way (still one alert).
 */
final class ProcurementTraffic implements TrafficPlanter {
  static final List<String> CATEGORIES = List.of("办公设备", "办公用品", "印刷服务", "物业服务", "车辆维修",
      "信息化设备", "软件服务", "家具", "会议服务", "培训服务", "餐饮服务", "保洁服务", "安保服务", "绿化养护",
      "电梯维保", "空调维保", "图书资料", "医疗耗材", "实验器材", "广告宣传");
  private static final List<ProcurementMethod> NON_TENDER = List.of(ProcurementMethod.DIRECT,
      ProcurementMethod.SINGLE_SOURCE, ProcurementMethod.COMPETITIVE_NEGOTIATION, ProcurementMethod.INQUIRY);

  @Override
  public void plantDay(LocalDate day, ReferenceData.Unit unit, GenContext ctx) {
    if (day.getDayOfWeek() == DayOfWeek.SATURDAY || day.getDayOfWeek() == DayOfWeek.SUNDAY) {
      return;
    }
    for (int i = 0; i < ctx.scale(); i++) {
      if (ctx.plantViolation()) {
        tenderBypass(day, unit.id(), ctx);
      } else if (ctx.random().nextInt(20) == 0) {
        openTender(day, unit.id(), ctx);
      } else {
        smallOrder(day, unit.id(), ctx);
      }
    }
  }

  private void smallOrder(LocalDate day, String unitId, GenContext ctx) {
    String category = CATEGORIES.get(ctx.random().nextInt(CATEGORIES.size()));
    long threshold = ctx.config().tenderThresholdFen(unitId, category);
    long amount = (long) (threshold * (0.0005 + ctx.random().nextDouble() * 0.0015));
    ctx.emit(order(ctx, ctx.nextId("PR"), unitId, ProcurementAction.ORDER_PLACED,
        ctx.at(day, 14, ctx.random().nextInt(60)), ctx.person(unitId, "BUYER"), ctx.nextId("SUP"), category,
        amount, ProcurementMethod.INQUIRY));
  }

  private void openTender(LocalDate day, String unitId, GenContext ctx) {
    String procurementId = ctx.nextId("PR");
    String category = "工程施工";
    long threshold = ctx.config().tenderThresholdFen(unitId, category);
    long estimate = threshold + (long) (ctx.random().nextDouble() * threshold * 4);
    Instant t = ctx.at(day, 9, 0);
    int bidders = 3 + ctx.random().nextInt(3);
    long lowest = Long.MAX_VALUE;
    String winner = null;
    for (int b = 0; b < bidders; b++) {
      // Bids 5% apart: never identical, never within CLOSE_BIDS' band.
      long bid = estimate - estimate * 5 * b / 100;
      String bidder = ctx.nextId("BIDDER");
      ProcurementEvent e = base(ctx, procurementId, unitId, ProcurementAction.BID_SUBMITTED, t.plusSeconds(600L * b));
      e.setBidderId(bidder);
      e.setAmountFen(bid);
      e.setBidderFingerprint(ctx.nextId("FP"));
      e.setCategory(category);
      ctx.emit(e);
      if (bid < lowest) {
        lowest = bid;
        winner = bidder;
      }
    }
    String awarder = ctx.person(unitId, "DEPUTY");
    ProcurementEvent opened = base(ctx, procurementId, unitId, ProcurementAction.BIDS_OPENED, t.plusSeconds(7200));
    opened.setActorId(awarder);
    opened.setCategory(category);
    ctx.emit(opened);
    ctx.emit(order(ctx, procurementId, unitId, ProcurementAction.AWARDED, t.plusSeconds(10800), awarder, winner,
        category, lowest, ProcurementMethod.OPEN_TENDER));
  }

  private void tenderBypass(LocalDate day, String unitId, GenContext ctx) {
    String procurementId = ctx.nextId("PR");
    String category = "工程施工";
    long threshold = ctx.config().tenderThresholdFen(unitId, category);
    long amount = ctx.random().nextInt(5) == 0 ? threshold : threshold + (long) (ctx.random().nextDouble() * threshold * 2);
    ProcurementMethod method = NON_TENDER.get(ctx.random().nextInt(NON_TENDER.size()));
    String actor = ctx.person(unitId, "BUYER");
    String supplier = ctx.nextId("SUP");
    boolean awardedToo = ctx.random().nextBoolean();
    ProcurementAction first = awardedToo || ctx.random().nextBoolean() ? ProcurementAction.ORDER_PLACED
        : ProcurementAction.AWARDED;
    ProcurementEvent violation = order(ctx, procurementId, unitId, first, ctx.at(day, 11, ctx.random().nextInt(60)),
        actor, supplier, category, amount, method);
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
