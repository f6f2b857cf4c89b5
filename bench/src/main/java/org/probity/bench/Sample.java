package org.probity.bench;

/** One timed stretch of work: how many events, how long on the wall clock, how much CPU of this process. */
record Sample(long events, long wallNanos, long cpuNanos) {
  double eventsPerSecond() {
    return events / (wallNanos / 1e9);
  }

  /** Events per CPU-second: throughput per core, whatever else the machine was doing meanwhile. */
  double eventsPerCpuSecond() {
    return events / (cpuNanos / 1e9);
  }

  /** How many cores the work kept busy on average. */
  double coresBusy() {
    return (double) cpuNanos / wallNanos;
  }
}
