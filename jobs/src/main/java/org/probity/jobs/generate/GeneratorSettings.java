package org.probity.jobs.generate;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * How much synthetic traffic to make and how dirty.
 *
 * @param seed the same seed, settings and rules file give the same events and ground truth
 * @param start the first simulated day (in the rules file's zone)
 * @param days how many days of traffic
 * @param scale subjects started per unit and working day, per stream (approval cases, vouchers, orders, meetings)
 * @param violationRate share of subjects that carry a planted violation (the rest are clean or near misses),
 *     on average over the units
 * @param disorderSeconds events are emitted up to this far out of event-time order (0: in order)
 * @param unitSpread how many times as often the most violation-prone unit violates as the cleanest
 *     (1: every unit alike); see {@link #violationRates}
 */
public record GeneratorSettings(long seed, LocalDate start, int days, int scale, double violationRate,
    int disorderSeconds, double unitSpread) {

  public static final GeneratorSettings DEFAULTS =
      new GeneratorSettings(20251001L, LocalDate.of(2025, 9, 1), 30, 4, 0.05, 0, 1);

  public GeneratorSettings {
    if (!(unitSpread >= 1)) {
      throw new IllegalArgumentException("unitSpread must be 1 or more: " + unitSpread);
    }
  }

  /**
   * Each unit's share of subjects with a planted violation, capped at 1. The units' rates are
   * spaced evenly on a log scale, the most violation-prone unit's {@code unitSpread} times the
   * cleanest's, and scaled so they average {@code violationRate}; which unit gets which rate is
   * shuffled from the seed (a stream of its own, so it depends on the seed and the unit list
   * only). Evenly spaced rather than drawn one by one so that a county of a dozen units gets the
   * same spread whatever the seed: a few units violate often, a few rarely, most in between. With
   * {@code unitSpread} 1 every unit has exactly {@code violationRate}.
   */
  public Map<String, Double> violationRates(Collection<String> unitIds) {
    List<String> order = new ArrayList<>(new TreeSet<>(unitIds));
    Collections.shuffle(order, new Random(seed * 31 + 17));
    int n = order.size();
    double[] propensity = new double[n];
    for (int k = 0; k < n; k++) {
      propensity[k] = n == 1 ? 1 : Math.pow(unitSpread, (double) k / (n - 1) - 0.5);
    }
    double mean = Arrays.stream(propensity).average().orElse(1);
    Map<String, Double> rates = new TreeMap<>();
    for (int k = 0; k < n; k++) {
      rates.put(order.get(k), Math.min(1, violationRate * (propensity[k] / mean)));
    }
    return rates;
  }

  public GeneratorSettings withDays(int value) {
    return new GeneratorSettings(seed, start, value, scale, violationRate, disorderSeconds, unitSpread);
  }

  public GeneratorSettings withStart(LocalDate value) {
    return new GeneratorSettings(seed, value, days, scale, violationRate, disorderSeconds, unitSpread);
  }

  public GeneratorSettings withScale(int value) {
    return new GeneratorSettings(seed, start, days, value, violationRate, disorderSeconds, unitSpread);
  }

  public GeneratorSettings withViolationRate(double value) {
    return new GeneratorSettings(seed, start, days, scale, value, disorderSeconds, unitSpread);
  }

  public GeneratorSettings withDisorderSeconds(int value) {
    return new GeneratorSettings(seed, start, days, scale, violationRate, value, unitSpread);
  }

  public GeneratorSettings withSeed(long value) {
    return new GeneratorSettings(value, start, days, scale, violationRate, disorderSeconds, unitSpread);
  }

  public GeneratorSettings withUnitSpread(double value) {
    return new GeneratorSettings(seed, start, days, scale, violationRate, disorderSeconds, value);
  }
}
