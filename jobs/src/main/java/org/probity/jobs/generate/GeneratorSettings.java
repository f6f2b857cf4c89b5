package org.probity.jobs.generate;

import java.time.LocalDate;

/**
 * How much synthetic traffic to make and how dirty.
 *
 * @param seed the same seed, settings and rules file give the same events and ground truth
 * @param start the first simulated day (in the rules file's zone)
 * @param days how many days of traffic
 * @param scale subjects started per unit and working day, per stream (approval cases, vouchers, orders, meetings)
 * @param violationRate share of subjects that carry a planted violation (the rest are clean or near misses)
 * @param disorderSeconds events are emitted up to this far out of event-time order (0: in order)
 */
public record GeneratorSettings(long seed, LocalDate start, int days, int scale, double violationRate,
    int disorderSeconds) {

  public static final GeneratorSettings DEFAULTS =
      new GeneratorSettings(20251001L, LocalDate.of(2025, 9, 1), 30, 4, 0.05, 0);

  public GeneratorSettings withDays(int value) {
    return new GeneratorSettings(seed, start, value, scale, violationRate, disorderSeconds);
  }

  public GeneratorSettings withStart(LocalDate value) {
    return new GeneratorSettings(seed, value, days, scale, violationRate, disorderSeconds);
  }

  public GeneratorSettings withScale(int value) {
    return new GeneratorSettings(seed, start, days, value, violationRate, disorderSeconds);
  }

  public GeneratorSettings withViolationRate(double value) {
    return new GeneratorSettings(seed, start, days, scale, value, disorderSeconds);
  }

  public GeneratorSettings withDisorderSeconds(int value) {
    return new GeneratorSettings(seed, start, days, scale, violationRate, value);
  }

  public GeneratorSettings withSeed(long value) {
    return new GeneratorSettings(value, start, days, scale, violationRate, disorderSeconds);
  }
}
