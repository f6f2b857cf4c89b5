package org.probity.bench;

import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import org.apache.avro.specific.SpecificRecordBase;
import org.probity.jobs.config.ProbityConfig;
import org.probity.jobs.generate.GeneratorSettings;
import org.probity.jobs.generate.Planters;
import org.probity.jobs.generate.TrafficGenerator;
import org.probity.jobs.generate.TrafficPlanter;
import org.probity.schema.Alert;

/**
 * The realistic mix every throughput figure runs on: the shipped generator's traffic for every
 * planter of this build (with its planted violations) on {@code units} units, plus the standing
 * population of {@link BacklogTraffic}. The first {@code warmupDays} build the population up (and
 * warm the JIT); the rest is what is timed.
 */
record Workload(ProbityConfig config, EncodedEvents events, int warmupEnd, GeneratorSettings generator,
    BacklogTraffic backlog, int units, List<Alert> truth) {

  static Workload generate(Sizes sizes) {
    ProbityConfig config = BenchRules.withUnits(sizes.units());
    GeneratorSettings settings = GeneratorSettings.DEFAULTS
        .withDays(sizes.days())
        .withScale(sizes.scale())
        .withDisorderSeconds(60);
    BacklogTraffic backlog = new BacklogTraffic(sizes.casesPerUnitDay(), sizes.caseOpenDays(),
        sizes.vouchersPerUnitDay(), sizes.voucherOpenDays(), sizes.repeatOrdersPerUnitDay(), sizes.suppliersPerUnit());
    List<TrafficPlanter> planters = new ArrayList<>(Planters.all());
    planters.add(backlog);
    long endMillis = settings.start().plusDays(sizes.days()).atStartOfDay(config.zone()).toInstant().toEpochMilli();
    TrafficGenerator generator = new TrafficGenerator(config, settings, planters);
    EncodedEvents events = EncodedEvents.encode(
        before(generator, endMillis, settings.disorderSeconds() * 1000L),
        config.procurement().splitWindowDays(), config.zone());
    LocalDate timedFrom = settings.start().plusDays(sizes.warmupDays());
    long timedFromMillis = timedFrom.atStartOfDay(config.zone()).toInstant().toEpochMilli();
    int warmupEnd = events.size();
    for (int i = 0; i < events.size(); i++) {
      if (events.eventTimeMillis(i) >= timedFromMillis) {
        warmupEnd = i;
        break;
      }
    }
    return new Workload(config, events, warmupEnd, settings, backlog, sizes.units(), truth(generator, events));
  }

  /**
   * The events before {@code endMillis}. The generator, once past its last day, emits every step
   * it scheduled later (the decisions of still-open cases, the payments of vouchers in flight):
   * a tail in which the population only shrinks, which a live county never has, and whose weeks of
   * event time fire every standing case's ladder at once. Events come in event-time order give or
   * take {@code disorderMillis}, so none before the end follows one at or after
   * {@code endMillis + disorderMillis}.
   */
  static Iterable<SpecificRecordBase> before(Iterable<SpecificRecordBase> events, long endMillis,
      long disorderMillis) {
    return () -> new Iterator<>() {
      private final Iterator<SpecificRecordBase> all = events.iterator();
      private SpecificRecordBase next = advance();

      private SpecificRecordBase advance() {
        while (all.hasNext()) {
          SpecificRecordBase e = all.next();
          long t = ((Instant) e.get("eventTime")).toEpochMilli();
          if (t < endMillis) {
            return e;
          }
          if (t >= endMillis + disorderMillis) {
            return null;
          }
        }
        return null;
      }

      @Override
      public boolean hasNext() {
        return next != null;
      }

      @Override
      public SpecificRecordBase next() {
        if (next == null) {
          throw new NoSuchElementException();
        }
        SpecificRecordBase e = next;
        next = advance();
        return e;
      }
    };
  }

  /**
   * The ground truth at the input's last event time: the clock every benchmark job ends at
   * ({@link HoldClockAtLastEvent}), so a step due after it is not expected.
   */
  static List<Alert> truth(TrafficGenerator generator, EncodedEvents events) {
    long last = Long.MIN_VALUE;
    for (int i = 0; i < events.size(); i++) {
      last = Math.max(last, events.eventTimeMillis(i));
    }
    return generator.groundTruth(Instant.ofEpochMilli(last));
  }

  int timedEvents() {
    return events.size() - warmupEnd;
  }
}
