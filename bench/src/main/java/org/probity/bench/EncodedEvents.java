package org.probity.bench;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.avro.specific.SpecificRecordBase;
import org.probity.connectors.ingest.EventStream;
import org.probity.jobs.generate.KafkaTraffic;
import org.probity.schema.ApprovalEvent;
import org.probity.schema.PaymentEvent;
import org.probity.schema.ProcurementAction;
import org.probity.schema.ProcurementEvent;
import org.probity.schema.ProcurementMethod;
import org.probity.schema.codec.SingleObjectCodec;

/**
 * A generated event mix, encoded once as the upstream systems send it — the Kafka key and the
 * Avro single-object bytes of each event, in emission order — so no benchmark ever times the
 * generator or the encoder. Also records, at each change of event-time day, how large the
 * standing population is at that point (open cases, vouchers in flight, live split-purchase keys),
 * which is what the state of the rules grows with.
 */
final class EncodedEvents {
  private final byte[] streams;
  private final long[] eventTimes;
  private final byte[][] keys;
  private final byte[][] values;
  private final List<Population> populations;
  private final long bytes;

  private EncodedEvents(byte[] streams, long[] eventTimes, byte[][] keys, byte[][] values,
      List<Population> populations) {
    this.streams = streams;
    this.eventTimes = eventTimes;
    this.keys = keys;
    this.values = values;
    this.populations = List.copyOf(populations);
    long total = 0;
    for (byte[] v : values) {
      total += v.length;
    }
    this.bytes = total;
  }

  /**
   * The standing population just before event {@code index}.
   *
   * @param splitKeys unit × supplier pairs with a non-tender order inside the split window
   */
  record Population(int index, Instant at, int openCases, int vouchersInFlight, int splitKeys) {}

  int size() {
    return values.length;
  }

  long totalBytes() {
    return bytes;
  }

  EventStream stream(int i) {
    return EventStream.values()[streams[i]];
  }

  long eventTimeMillis(int i) {
    return eventTimes[i];
  }

  byte[] key(int i) {
    return keys[i];
  }

  byte[] value(int i) {
    return values[i];
  }

  /** The population at the last day change at or before {@code index}. */
  Population populationAt(int index) {
    Population found = populations.get(0);
    for (Population p : populations) {
      if (p.index() > index) {
        break;
      }
      found = p;
    }
    return found;
  }

  /**
   * The populations recorded at the day changes after {@code from} up to and including {@code to}
   * (each is what stood at the end of the day before); the one at or before {@code from} if there is none.
   */
  List<Population> populationsBetween(int from, int to) {
    List<Population> found = populations.stream().filter(p -> p.index() > from && p.index() <= to).toList();
    return found.isEmpty() ? List.of(populationAt(from)) : found;
  }

  /** Encodes every event of {@code events}; {@code splitWindowDays} and {@code zone} as in the rules file. */
  static EncodedEvents encode(Iterable<SpecificRecordBase> events, int splitWindowDays, ZoneId zone) {
    Map<EventStream, SingleObjectCodec<SpecificRecordBase>> codecs = new EnumMap<>(EventStream.class);
    byte[] streams = new byte[1024];
    long[] times = new long[1024];
    List<byte[]> keys = new ArrayList<>();
    List<byte[]> values = new ArrayList<>();
    PopulationTracker tracker = new PopulationTracker(splitWindowDays * 86_400_000L, zone);
    for (SpecificRecordBase event : events) {
      int i = values.size();
      if (i == streams.length) {
        streams = Arrays.copyOf(streams, 2 * i);
        times = Arrays.copyOf(times, 2 * i);
      }
      EventStream stream = EventStream.of(event);
      tracker.before(i, event);
      streams[i] = (byte) stream.ordinal();
      times[i] = ((Instant) event.get("eventTime")).toEpochMilli();
      keys.add(KafkaTraffic.subjectKey(event).getBytes(StandardCharsets.UTF_8));
      values.add(codecs.computeIfAbsent(stream, EncodedEvents::codec).encode(event));
    }
    int n = values.size();
    return new EncodedEvents(Arrays.copyOf(streams, n), Arrays.copyOf(times, n), keys.toArray(new byte[0][]),
        values.toArray(new byte[0][]), tracker.snapshots);
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private static SingleObjectCodec<SpecificRecordBase> codec(EventStream stream) {
    return (SingleObjectCodec) SingleObjectCodec.of(stream.recordClass());
  }

  /** Follows subjects through their lifecycle to know the population at each change of (local) day. */
  private static final class PopulationTracker {
    private final long splitWindowMillis;
    private final ZoneId zone;
    private final Set<String> openCases = new HashSet<>();
    private final Set<String> vouchers = new HashSet<>();
    private final Map<String, Long> lastOrderBySplitKey = new HashMap<>();
    private final List<Population> snapshots = new ArrayList<>();
    private long day = Long.MIN_VALUE;

    PopulationTracker(long splitWindowMillis, ZoneId zone) {
      this.splitWindowMillis = splitWindowMillis;
      this.zone = zone;
    }

    void before(int index, SpecificRecordBase event) {
      Instant time = (Instant) event.get("eventTime");
      long t = time.toEpochMilli();
      long eventDay = time.atZone(zone).toLocalDate().toEpochDay();
      if (eventDay > day) {
        day = eventDay;
        lastOrderBySplitKey.values().removeIf(last -> last <= t - splitWindowMillis);
        snapshots.add(new Population(index, Instant.ofEpochMilli(t), openCases.size(), vouchers.size(),
            lastOrderBySplitKey.size()));
      }
      if (event instanceof ApprovalEvent a) {
        switch (a.getAction()) {
          case RECEIVED -> openCases.add(a.getCaseId());
          case APPROVED, REJECTED, WITHDRAWN -> openCases.remove(a.getCaseId());
          default -> { }
        }
      } else if (event instanceof PaymentEvent p) {
        switch (p.getAction()) {
          case SUBMITTED -> vouchers.add(p.getVoucherId());
          case PAID, REJECTED -> vouchers.remove(p.getVoucherId());
          default -> { }
        }
      } else if (event instanceof ProcurementEvent p && p.getSupplierId() != null
          && p.getAction() == ProcurementAction.ORDER_PLACED
          && p.getMethod() != ProcurementMethod.OPEN_TENDER && p.getMethod() != ProcurementMethod.INVITED_TENDER) {
        lastOrderBySplitKey.merge(p.getUnitId() + '|' + p.getSupplierId(), t, Math::max);
      }
    }
  }
}
