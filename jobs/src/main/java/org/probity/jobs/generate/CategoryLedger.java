package org.probity.jobs.generate;

import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.probity.jobs.config.ProbityConfig;
import org.probity.jobs.rules.procurement.FiscalYear;

/**
 * What the procurement planters have bought per unit, category and fiscal year, so that
 * SAME_CATEGORY_YEAR fires exactly where it is planted. Every countable purchase (non-tender,
 * under the threshold) in a shared category is booked here first and goes to a category whose
 * year total stays under its threshold, whatever the event-time order of the orders: clean
 * orders, split-by-supplier groups and near misses can then never add up to a category-year
 * alert. Planted category-year violations and near misses use a reserved category that nothing
 * else in that unit and year buys, so their sum is exactly what they planted.
 */
final class CategoryLedger {
  private final ProbityConfig config;
  private final Map<String, Long> bookedFen = new HashMap<>();
  private final Set<String> reservedInUse = new HashSet<>();

  CategoryLedger(ProbityConfig config) {
    this.config = config;
  }

  String fiscalYear(Instant time) {
    return FiscalYear.of(time, config.zone(), config.procurement().fiscalYearStartMonth()).label();
  }

  private String key(String unitId, String category, Instant time) {
    return unitId + '|' + category + '|' + fiscalYear(time);
  }

  /**
   * Books {@code amountFen} at {@code time} in the first of {@code categories} (from {@code start},
   * wrapping) whose year total stays under its threshold; null when none has room.
   */
  String book(String unitId, List<String> categories, int start, Instant time, long amountFen) {
    for (int i = 0; i < categories.size(); i++) {
      String category = categories.get((start + i) % categories.size());
      String key = key(unitId, category, time);
      long total = bookedFen.getOrDefault(key, 0L) + amountFen;
      if (total < config.tenderThresholdFen(unitId, category)) {
        bookedFen.put(key, total);
        return category;
      }
    }
    return null;
  }

  /** Takes back a booking (a multi-order plant that found no room for a later order). */
  void unbook(String unitId, String category, Instant time, long amountFen) {
    bookedFen.merge(key(unitId, category, time), -amountFen, Long::sum);
  }

  /**
   * A reserved category no plant of {@code unitId} has used in the fiscal years of {@code times},
   * now taken for them; null when all are taken.
   */
  String reserve(String unitId, List<String> reserved, List<Instant> times) {
    for (String category : reserved) {
      if (times.stream().noneMatch(t -> reservedInUse.contains(key(unitId, category, t)))) {
        times.forEach(t -> reservedInUse.add(key(unitId, category, t)));
        return category;
      }
    }
    return null;
  }
}
