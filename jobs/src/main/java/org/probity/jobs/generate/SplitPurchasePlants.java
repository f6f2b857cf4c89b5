package org.probity.jobs.generate;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import org.probity.jobs.alert.Alerts;
import org.probity.jobs.alert.RuleId;
import org.probity.jobs.rules.procurement.SplitPurchaseRule;
import org.probity.schema.AlertStatus;
import org.probity.schema.ProcurementAction;
import org.probity.schema.ProcurementEvent;
import org.probity.schema.ProcurementMethod;
import org.probity.schema.Severity;
import org.probity.schema.SubjectType;

/**
 * PROCUREMENT_SPLIT_PURCHASE plants and near misses for {@link ProcurementTraffic}, with their
 * ground truth worked out from the contract's definition over the planted orders themselves.
 *
 * <p>Every plant buys from fresh suppliers, so no other order shares its (unit, supplier) window;
 * a SAME_SUPPLIER_WINDOW plant puts all its orders within one window (less than 30 days end to
 * end), so each order from the one that reaches the threshold on is a violation of the same group.
 * Its orders go to shared categories through the {@link CategoryLedger}, so they never add up to
 * a category-year alert. A SAME_CATEGORY_YEAR plant uses a reserved category nothing else in
 * that unit and year buys, each order from another fresh supplier, all in one fiscal year.
 * Amounts are fractions of the threshold, far enough from it that rounding cannot matter, except
 * the planted edge cases (exactly at the threshold, one fen under it, exactly one window apart).
 * A plant returns false, planting nothing, when the ledger has no room left in the unit's year.
 */
final class SplitPurchasePlants {
  /** Categories only SAME_CATEGORY_YEAR plants buy, each once per unit and fiscal year. */
  static final List<String> RESERVED_CATEGORIES = List.of("工程监理", "造价咨询", "测绘服务", "法律服务", "审计服务",
      "档案数字化", "网络运维", "车辆租赁", "设备租赁", "被服装具", "食堂食材", "劳务派遣", "物流运输", "环境监测",
      "课题研究", "软件开发", "数据服务", "消防维保", "燃料采购", "标识标牌", "仪器检定", "展览展示", "翻译服务", "体检服务");
  private static final Duration DAY = Duration.ofDays(1);

  private final CategoryLedger ledger;

  SplitPurchasePlants(CategoryLedger ledger) {
    this.ledger = ledger;
  }

  /** One planned order: when, how much, and by which method. */
  private record Planned(Instant time, long amountFen, ProcurementMethod method) {
    boolean countable() {
      return method != ProcurementMethod.OPEN_TENDER && method != ProcurementMethod.INVITED_TENDER;
    }
  }

  /**
   * SAME_SUPPLIER_WINDOW: one group (raised on its 2nd or 3rd order, or exactly at the threshold,
   * maybe escalated), or two groups of one supplier a quiet window apart.
   */
  boolean supplierWindow(LocalDate day, String unitId, GenContext ctx) {
    long t = ctx.config().tenderThresholdFen(unitId, null);
    int variant = ctx.random().nextInt(5);
    List<List<Long>> groups = switch (variant) {
      case 0 -> List.of(List.of(t * 55 / 100, t * 50 / 100));
      case 1 -> List.of(List.of(t * 40 / 100, t * 35 / 100, t * 30 / 100));
      case 2 -> List.of(List.of(t / 2, t - t / 2));
      case 3 -> List.of(List.of(t * 55 / 100, t * 50 / 100, t * 5 / 100));
      default -> List.of(List.of(t * 60 / 100, t * 45 / 100), List.of(t * 60 / 100, t * 45 / 100));
    };
    String supplier = ctx.nextId("SUP");
    List<List<Planned>> plans = new ArrayList<>();
    Instant next = ProcurementTraffic.at(ctx, day, 10);
    for (List<Long> amounts : groups) {
      List<Planned> group = new ArrayList<>();
      for (long amount : amounts) {
        group.add(new Planned(next, amount, nonTender(ctx)));
        next = next.plus(gapInsideWindow(ctx));
      }
      plans.add(group);
      // The next group starts more than a window after this one's last order.
      next = group.get(group.size() - 1).time().plus(window(ctx))
          .plus(DAY.multipliedBy(1 + ctx.random().nextInt(5)));
    }
    List<List<ProcurementEvent>> placed = new ArrayList<>();
    for (List<Planned> group : plans) {
      List<ProcurementEvent> orders = placeInSharedCategories(unitId, supplier, group, t, ctx);
      if (orders == null) {
        placed.forEach(p -> unbook(unitId, p));
        return false;
      }
      placed.add(orders);
    }
    for (List<ProcurementEvent> orders : placed) {
      orders.forEach(ctx::emit);
      expectGrowingGroup(ctx, orders, t, SplitPurchaseRule.SAME_SUPPLIER_WINDOW, SubjectType.SUPPLIER, supplier,
          orders.get(0).getEventId());
    }
    return true;
  }

  /**
   * Near misses of SAME_SUPPLIER_WINDOW: one fen under the threshold, two orders exactly a window
   * apart, a tender order or an order at the threshold that must not count.
   */
  boolean supplierWindowNearMiss(LocalDate day, String unitId, GenContext ctx, ProcurementTraffic procurement) {
    long t = ctx.config().tenderThresholdFen(unitId, null);
    String supplier = ctx.nextId("SUP");
    Instant first = ProcurementTraffic.at(ctx, day, 10);
    Instant second = first.plus(gapInsideWindow(ctx));
    List<Planned> plan = switch (ctx.random().nextInt(4)) {
      case 0 -> List.of(new Planned(first, t / 2, nonTender(ctx)), new Planned(second, t - 1 - t / 2, nonTender(ctx)));
      // (t − 30 days, t]: the first order is just outside the second's window.
      case 1 -> List.of(new Planned(first, t * 60 / 100, nonTender(ctx)),
          new Planned(first.plus(window(ctx)), t * 50 / 100, nonTender(ctx)));
      case 2 -> List.of(new Planned(first, t * 60 / 100, nonTender(ctx)),
          new Planned(second, t * 50 / 100, ProcurementMethod.INVITED_TENDER),
          new Planned(second.plus(DAY), t * 30 / 100, nonTender(ctx)));
      default -> null;
    };
    if (plan == null) {
      // An order at the threshold is PROCUREMENT_TENDER_BYPASS's alone; the small order after it stays alone too.
      List<ProcurementEvent> small = placeInSharedCategories(unitId, supplier,
          List.of(new Planned(second, t * 40 / 100, nonTender(ctx))), t, ctx);
      if (small == null) {
        return false;
      }
      procurement.tenderBypass(first, unitId, supplier, ctx);
      small.forEach(ctx::emit);
      return true;
    }
    List<ProcurementEvent> orders = placeInSharedCategories(unitId, supplier, plan, t, ctx);
    if (orders == null) {
      return false;
    }
    orders.forEach(ctx::emit);
    return true;
  }

  /**
   * SAME_CATEGORY_YEAR: raised on the 2nd or 3rd order, or exactly at the threshold, or around a
   * tender order that must not count and followed by an escalation.
   */
  boolean categoryYear(LocalDate day, String unitId, GenContext ctx) {
    int variant = ctx.random().nextInt(4);
    int orders = switch (variant) {
      case 1 -> 3;
      case 3 -> 4;
      default -> 2;
    };
    List<Instant> times = sameYearTimes(day, orders, ctx);
    String category = ledger.reserve(unitId, RESERVED_CATEGORIES, times);
    if (category == null) {
      return false;
    }
    long t = ctx.config().tenderThresholdFen(unitId, category);
    List<Planned> plan = switch (variant) {
      case 0 -> List.of(new Planned(times.get(0), t * 60 / 100, nonTender(ctx)),
          new Planned(times.get(1), t * 45 / 100, nonTender(ctx)));
      case 1 -> List.of(new Planned(times.get(0), t * 40 / 100, nonTender(ctx)),
          new Planned(times.get(1), t * 35 / 100, nonTender(ctx)),
          new Planned(times.get(2), t * 30 / 100, nonTender(ctx)));
      case 2 -> List.of(new Planned(times.get(0), t / 2, nonTender(ctx)),
          new Planned(times.get(1), t - t / 2, nonTender(ctx)));
      default -> List.of(new Planned(times.get(0), t * 60 / 100, nonTender(ctx)),
          new Planned(times.get(1), t * 50 / 100, ProcurementMethod.INVITED_TENDER),
          new Planned(times.get(2), t * 45 / 100, nonTender(ctx)),
          new Planned(times.get(3), t * 2 / 100, nonTender(ctx)));
    };
    List<ProcurementEvent> placed = placeInReservedCategory(unitId, category, plan, ctx);
    List<ProcurementEvent> counted = new ArrayList<>();
    for (int i = 0; i < plan.size(); i++) {
      ctx.emit(placed.get(i));
      if (plan.get(i).countable()) {
        counted.add(placed.get(i));
      }
    }
    expectGrowingGroup(ctx, counted, t, SplitPurchaseRule.SAME_CATEGORY_YEAR, SubjectType.CATEGORY,
        category + "/" + ledger.fiscalYear(times.get(0)), null);
    return true;
  }

  /** Near misses of SAME_CATEGORY_YEAR: one fen under the threshold, or over it but split across the new year. */
  boolean categoryYearNearMiss(LocalDate day, String unitId, GenContext ctx) {
    LocalDate nextYearStart = nextFiscalYearStart(day, ctx);
    boolean acrossNewYear = !nextYearStart.isAfter(day.plusDays(40)) && ctx.random().nextBoolean();
    List<Instant> times = acrossNewYear
        ? List.of(nextYearStart.minusDays(1).atTime(23, 0).atZone(ctx.zone()).toInstant(),
            ProcurementTraffic.at(ctx, nextYearStart, 9))
        : sameYearTimes(day, 2, ctx);
    String category = ledger.reserve(unitId, RESERVED_CATEGORIES, times);
    if (category == null) {
      return false;
    }
    long t = ctx.config().tenderThresholdFen(unitId, category);
    List<Planned> plan = acrossNewYear
        ? List.of(new Planned(times.get(0), t * 60 / 100, nonTender(ctx)),
            new Planned(times.get(1), t * 60 / 100, nonTender(ctx)))
        : List.of(new Planned(times.get(0), t / 2, nonTender(ctx)),
            new Planned(times.get(1), t - 1 - t / 2, nonTender(ctx)));
    placeInReservedCategory(unitId, category, plan, ctx).forEach(ctx::emit);
    return true;
  }

  /**
   * The alert records of a group whose orders all lie in one window (or one year): RAISED (YELLOW)
   * at the first order where the running sum reaches the threshold, ESCALATED (RED) at every order
   * after it, each with the orders so far as evidence.
   */
  private static void expectGrowingGroup(GenContext ctx, List<ProcurementEvent> orders, long threshold, String reason,
      SubjectType subjectType, String subjectId, String discriminator) {
    long sum = 0;
    boolean raised = false;
    List<String> evidence = new ArrayList<>();
    for (ProcurementEvent e : orders) {
      sum += e.getAmountFen();
      evidence.add(e.getEventId());
      if (!raised && (evidence.size() < 2 || sum < threshold)) {
        continue;
      }
      ctx.expect(Alerts.of(RuleId.PROCUREMENT_SPLIT_PURCHASE, SplitPurchaseRule.VERSION, reason)
          .severity(raised ? Severity.RED : Severity.YELLOW)
          .status(raised ? AlertStatus.ESCALATED : AlertStatus.RAISED)
          .unit(e.getUnitId())
          .subject(subjectType, subjectId)
          .discriminator(discriminator)
          .person(e.getActorId())
          .amountFen(sum)
          .eventTime(e.getEventTime())
          .evidence(evidence)
          .build());
      raised = true;
    }
  }

  /** Orders of one supplier in shared categories with room for them; null (nothing booked) when there is none. */
  private List<ProcurementEvent> placeInSharedCategories(String unitId, String supplier, List<Planned> plan,
      long threshold, GenContext ctx) {
    List<String> categories = ProcurementTraffic.CATEGORIES.stream()
        .filter(c -> ctx.config().tenderThresholdFen(unitId, c) == threshold)
        .toList();
    List<ProcurementEvent> orders = new ArrayList<>();
    String buyer = ctx.person(unitId, "BUYER");
    for (Planned p : plan) {
      String category;
      if (p.countable()) {
        category = ledger.book(unitId, categories, ctx.random().nextInt(categories.size()), p.time(), p.amountFen());
        if (category == null) {
          unbook(unitId, orders);
          return null;
        }
      } else {
        category = categories.get(ctx.random().nextInt(categories.size()));
      }
      orders.add(ProcurementTraffic.order(ctx, ctx.nextId("PR"), unitId, ProcurementAction.ORDER_PLACED, p.time(),
          buyer, supplier, category, p.amountFen(), p.method()));
    }
    return orders;
  }

  private void unbook(String unitId, List<ProcurementEvent> orders) {
    for (ProcurementEvent e : orders) {
      if (ProcurementTraffic.NON_TENDER.contains(e.getMethod())) { // only countable orders were booked
        ledger.unbook(unitId, e.getCategory(), e.getEventTime(), e.getAmountFen());
      }
    }
  }

  /** Orders of a reserved category, each from a fresh supplier. */
  private static List<ProcurementEvent> placeInReservedCategory(String unitId, String category, List<Planned> plan,
      GenContext ctx) {
    String buyer = ctx.person(unitId, "BUYER");
    return plan.stream()
        .map(p -> ProcurementTraffic.order(ctx, ctx.nextId("PR"), unitId, ProcurementAction.ORDER_PLACED, p.time(),
            buyer, ctx.nextId("SUP"), category, p.amountFen(), p.method()))
        .toList();
  }

  /**
   * {@code n} order times from {@code day} on, days apart, all in {@code day}'s fiscal year (hours
   * apart on the day itself if the year ends too soon).
   */
  private List<Instant> sameYearTimes(LocalDate day, int n, GenContext ctx) {
    List<Instant> times = new ArrayList<>();
    Instant next = ProcurementTraffic.at(ctx, day, 10);
    for (int i = 0; i < n; i++) {
      times.add(next);
      next = next.plus(DAY.multipliedBy(1 + ctx.random().nextInt(10)));
    }
    if (!ledger.fiscalYear(times.get(n - 1)).equals(ledger.fiscalYear(times.get(0)))) {
      times.clear();
      for (int i = 0; i < n; i++) {
        times.add(ProcurementTraffic.at(ctx, day, 10 + i));
      }
    }
    return times;
  }

  private static LocalDate nextFiscalYearStart(LocalDate day, GenContext ctx) {
    int startMonth = ctx.config().procurement().fiscalYearStartMonth();
    LocalDate thisYears = LocalDate.of(day.getYear(), startMonth, 1);
    return thisYears.isAfter(day) ? thisYears : thisYears.plusYears(1);
  }

  private static Duration window(GenContext ctx) {
    return DAY.multipliedBy(ctx.config().procurement().splitWindowDays());
  }

  /** A gap between a group's orders: its (at most three) orders, two gaps, stay inside one window. */
  private static Duration gapInsideWindow(GenContext ctx) {
    long hours = (window(ctx).toHours() - 1) / 3;
    return hours >= 24 ? DAY.multipliedBy(1 + ctx.random().nextInt((int) (hours / 24)))
        : Duration.ofHours(1 + ctx.random().nextInt((int) hours));
  }

  private static ProcurementMethod nonTender(GenContext ctx) {
    return ProcurementTraffic.NON_TENDER.get(ctx.random().nextInt(ProcurementTraffic.NON_TENDER.size()));
  }
}
