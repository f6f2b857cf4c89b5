package org.probity.jobs.generate;

import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.PriorityQueue;
import java.util.Random;
import org.apache.avro.specific.SpecificRecordBase;
import org.probity.jobs.config.ProbityConfig;
import org.probity.jobs.config.ReferenceData;
import org.probity.schema.Alert;

/**
 * Synthetic traffic that looks like a county's: approval cases, payment vouchers, procurement and
 * tenders, meetings, for every unit of the rules file, with violations planted at a configured
 * rate and the alerts they must raise recorded as ground truth. It is the source of truth for the
 * tests and benchmarks, so each planter plants exactly what the contract defines, and keeps its
 * clean traffic clean for every rule.
 *
 * <p>Lazy: days are planted as the iterator reaches them, so millions of events stream in bounded
 * memory. Deterministic for a given seed, settings and rules file.
 */
public final class TrafficGenerator implements Iterable<SpecificRecordBase> {
  private final ProbityConfig config;
  private final GeneratorSettings settings;
  private final List<TrafficPlanter> planters;
  private final List<Alert> truth = new ArrayList<>();
  private Instant lastEventTime;

  public TrafficGenerator(ProbityConfig config, GeneratorSettings settings) {
    this(config, settings, Planters.all());
  }

  public TrafficGenerator(ProbityConfig config, GeneratorSettings settings, List<TrafficPlanter> planters) {
    this.config = config;
    this.settings = settings;
    this.planters = planters;
  }

  public ProbityConfig config() {
    return config;
  }

  /**
   * The alerts the planted violations raise by {@code clock} (the replay's clock: a red card due
   * after it has not been raised yet), ordered as {@code replay} writes them. Complete once the
   * iteration has ended.
   */
  public List<Alert> groundTruth(Instant clock) {
    return truth.stream()
        .filter(a -> !a.getEventTime().isAfter(clock))
        .sorted(ALERT_ORDER)
        .toList();
  }

  /** The ground truth at the last generated event's time, the default replay clock. */
  public List<Alert> groundTruth() {
    return groundTruth(lastEventTime == null ? Instant.MIN : lastEventTime);
  }

  public Instant lastEventTime() {
    return lastEventTime;
  }

  /** The order of alerts in replay output and ground truth: event time, alertId, status, severity, evidence. */
  public static final Comparator<Alert> ALERT_ORDER = Comparator
      .comparing(Alert::getEventTime)
      .thenComparing(Alert::getAlertId)
      .thenComparing(Alert::getStatus)
      .thenComparing(Alert::getSeverity)
      .thenComparingInt(a -> a.getEvidence().size())
      .thenComparing(a -> String.join(",", a.getEvidence()));

  @Override
  public Iterator<SpecificRecordBase> iterator() {
    return new Days();
  }

  private record Scheduled(long emitAt, long seq, SpecificRecordBase event) {}

  private final class Days implements Iterator<SpecificRecordBase> {
    private final Random random = new Random(settings.seed());
    private final Random disorder = new Random(settings.seed() * 31 + 7);
    private final PriorityQueue<Scheduled> queue = new PriorityQueue<>(
        Comparator.comparingLong(Scheduled::emitAt).thenComparingLong(Scheduled::seq));
    private final List<ReferenceData.Unit> units;
    private final GenContext ctx;
    private long seq;
    private int day;

    Days() {
      units = config.reference().units().values().stream()
          .sorted(Comparator.comparing(ReferenceData.Unit::id)).toList();
      if (units.isEmpty()) {
        throw new org.probity.jobs.config.ConfigException("generate: the rules file lists no units");
      }
      ctx = new GenContext(random, config, settings, this::schedule, truth::add);
    }

    private void schedule(SpecificRecordBase event) {
      long t = ((Instant) event.get("eventTime")).toEpochMilli();
      long jitter = settings.disorderSeconds() == 0 ? 0 : (long) (disorder.nextDouble() * settings.disorderSeconds() * 1000);
      queue.add(new Scheduled(t + jitter, seq++, event));
    }

    @Override
    public boolean hasNext() {
      while (day < settings.days() && (queue.isEmpty() || queue.peek().emitAt() >= dayStart(day))) {
        LocalDate date = settings.start().plusDays(day);
        for (ReferenceData.Unit unit : units) {
          for (TrafficPlanter planter : planters) {
            planter.plantDay(date, unit, ctx);
          }
        }
        day++;
      }
      return !queue.isEmpty();
    }

    private long dayStart(int d) {
      return settings.start().plusDays(d).atStartOfDay(config.zone()).toInstant().toEpochMilli();
    }

    @Override
    public SpecificRecordBase next() {
      if (!hasNext()) {
        throw new NoSuchElementException();
      }
      SpecificRecordBase event = queue.poll().event();
      Instant t = (Instant) event.get("eventTime");
      if (lastEventTime == null || t.isAfter(lastEventTime)) {
        lastEventTime = t;
      }
      return event;
    }
  }
}
