package org.probity.bench;

import java.time.Duration;
import java.util.Arrays;

/**
 * How big every part of the benchmark is, and how long any one job may take. {@link #FULL} is
 * sized for about half an hour on a 2-core machine; {@link #QUICK} (a few minutes) is for
 * developing the harness and its figures are not worth quoting. A job that outlasts its budget is
 * cancelled and reported as such, with the rate it had reached: a rule set that makes one state
 * backend crawl must not stop the rest of the table.
 *
 * @param units units in the rules file (the default ones plus copies)
 * @param scale the shipped generator's subjects per unit, working day and stream
 * @param days days of traffic; the first {@code warmupDays} are not timed
 * @param casesPerUnitDay standing population (see {@link BacklogTraffic}): cases started per unit and working day
 * @param caseOpenDays how long each of them stays open (calendar days)
 * @param vouchersPerUnitDay vouchers started per unit and working day, in flight {@code voucherOpenDays}
 * @param repeatOrdersPerUnitDay small orders per unit and working day to {@code suppliersPerUnit} regular suppliers
 * @param runs timed runs of each in-process configuration and each side of the SQL comparison (one sample each)
 * @param segments timed segments of an end-to-end saturation run (one sample each)
 * @param decodePasses timed passes of the decode limit (after as many warm-up passes)
 * @param kafkaPasses timed passes of Kafka consume + decode (after one warm-up pass)
 * @param openCasesSteps the standing populations of the scale runs (open cases; vouchers and split keys half as many)
 * @param scaleSegments timed segments of the mix on top of each population
 * @param scaleMixScale the generator's scale for the mix of the scale runs: larger than {@code scale} so
 *     that each timed segment lasts seconds even on the heap backend, not a fraction of one
 * @param latencySeconds how long the latency run sends events at half the saturation rate
 * @param jobBudget the longest any one benchmark job may run
 * @param scaleBudget the longest the RocksDB scale job may run (it loads the largest populations)
 */
record Sizes(String name, int units, int scale, int days, int warmupDays, int casesPerUnitDay, int caseOpenDays,
    int vouchersPerUnitDay, int voucherOpenDays, int repeatOrdersPerUnitDay, int suppliersPerUnit, int runs,
    int segments, int decodePasses, int kafkaPasses, int[] openCasesSteps, int scaleSegments, int scaleMixScale,
    int latencySeconds, Duration jobBudget, Duration scaleBudget) {

  static final Sizes FULL = new Sizes("full", 200, 4, 14, 3, 28, 25, 6, 8, 8, 20, 3, 4, 5, 3,
      new int[] {10_000, 100_000, 1_000_000}, 3, 24, 60, Duration.ofMinutes(3), Duration.ofMinutes(8));
  static final Sizes QUICK = new Sizes("quick", 24, 4, 8, 2, 12, 25, 3, 8, 4, 10, 2, 2, 3, 2,
      new int[] {10_000, 50_000}, 2, 4, 15, Duration.ofMinutes(1), Duration.ofMinutes(2));

  @Override
  public String toString() {
    return name + ": " + units + " units; the shipped generator at scale " + scale + "; " + days + " days of traffic, "
        + "the first " + warmupDays + " untimed; standing population per unit and working day: " + casesPerUnitDay
        + " approval cases open " + caseOpenDays + " days, " + vouchersPerUnitDay + " vouchers in flight "
        + voucherOpenDays + " days, " + repeatOrdersPerUnitDay + " orders to " + suppliersPerUnit
        + " regular suppliers; scale steps " + Arrays.toString(openCasesSteps) + " open cases, each under a week of the "
        + "generator's traffic at scale " + scaleMixScale + "; at most "
        + jobBudget.toMinutes() + " min per job (" + scaleBudget.toMinutes() + " min for the RocksDB scale job)";
  }

  Sizes withOpenCasesSteps(int[] steps) {
    return new Sizes(name, units, scale, days, warmupDays, casesPerUnitDay, caseOpenDays, vouchersPerUnitDay,
        voucherOpenDays, repeatOrdersPerUnitDay, suppliersPerUnit, runs, segments, decodePasses, kafkaPasses,
        steps.clone(), scaleSegments, scaleMixScale, latencySeconds, jobBudget, scaleBudget);
  }

  Sizes withScaleBudget(Duration budget) {
    return new Sizes(name, units, scale, days, warmupDays, casesPerUnitDay, caseOpenDays, vouchersPerUnitDay,
        voucherOpenDays, repeatOrdersPerUnitDay, suppliersPerUnit, runs, segments, decodePasses, kafkaPasses,
        openCasesSteps, scaleSegments, scaleMixScale, latencySeconds, jobBudget, budget);
  }
}
