package org.probity.console.ingest;

import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.avro.specific.SpecificRecordBase;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.probity.connectors.ingest.EventStream;
import org.probity.connectors.json.AvroJson;
import org.probity.connectors.kafka.KafkaSettings;
import org.probity.console.store.ConsoleStore;
import org.probity.console.store.StoredAlert;
import org.probity.console.store.StoredEvent;
import org.probity.schema.Alert;
import org.probity.schema.UnitStatus;
import org.probity.schema.codec.SingleObjectCodec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The console's one Kafka reader: alerts, unit statuses and the four event streams, as a
 * {@code read_committed} consumer that assigns itself every partition (no consumer group: each
 * console reads everything).
 *
 * <p>Alerts and events resume from the offsets stored with them in the same transaction, so the
 * store never misses or doubles a record across restarts; a store that is new, or whose offsets
 * belong to another Kafka cluster, reads the topics from the beginning. The compacted unit-status
 * topic is read from the beginning at every start: that rebuilds the board. A batch is read again
 * after a pause while the store is unreachable; a record the store refuses while it answers is
 * logged with its topic, partition and offset, counted ({@link Status#refused()}) and skipped.
 */
public final class TopicReader implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(TopicReader.class);
  private static final Duration DISCOVERY_INTERVAL = Duration.ofSeconds(10);

  /** What the reader tells the web side after each stored batch. */
  public interface Listener {
    void changed(List<StoredAlert> alerts, List<UnitStatus> statuses);
  }

  /** Counters for the page's footer and the tests. */
  public record Status(boolean connected, boolean caughtUp, long alerts, long events, long statuses,
      long undecodable, long refused, String lastError) {}

  private final KafkaSettings kafka;
  private final ConsoleStore store;
  private final int keepEvents;
  private final Listener listener;
  private final Clock clock;
  private final Thread thread;
  private final Map<String, EventStream> eventTopics = new HashMap<>();
  private final SingleObjectCodec<Alert> alertCodec = SingleObjectCodec.of(Alert.class);
  private final SingleObjectCodec<UnitStatus> statusCodec = SingleObjectCodec.of(UnitStatus.class);
  private final Map<EventStream, SingleObjectCodec<? extends SpecificRecordBase>> eventCodecs = new HashMap<>();
  private final AvroJson json;
  private final Set<String> reportedUndecodable = new HashSet<>();
  private final AtomicLong alertCount = new AtomicLong();
  private final AtomicLong eventCount = new AtomicLong();
  private final AtomicLong statusCount = new AtomicLong();
  private final AtomicLong undecodable = new AtomicLong();
  private final AtomicLong refused = new AtomicLong();
  private volatile boolean connected;
  private volatile boolean caughtUp;
  private volatile String lastError;
  private volatile boolean closing;
  private volatile KafkaConsumer<byte[], byte[]> consumer;
  private Map<TopicPartition, Long> catchUpTo = new HashMap<>();

  public TopicReader(KafkaSettings kafka, ConsoleStore store, int keepEvents, AvroJson json, Listener listener,
      Clock clock) {
    this.kafka = kafka;
    this.store = store;
    this.keepEvents = keepEvents;
    this.json = json;
    this.listener = listener;
    this.clock = clock;
    for (EventStream s : EventStream.values()) {
      eventTopics.put(kafka.topic(s), s);
      eventCodecs.put(s, SingleObjectCodec.of(s.recordClass()));
    }
    this.thread = new Thread(this::run, "console-topic-reader");
    this.thread.setDaemon(true);
  }

  public void start() {
    thread.start();
  }

  public Status status() {
    return new Status(connected, caughtUp, alertCount.get(), eventCount.get(), statusCount.get(), undecodable.get(),
        refused.get(), lastError);
  }

  private List<String> topics() {
    List<String> topics = new ArrayList<>();
    topics.add(kafka.alertsTopic());
    topics.add(kafka.unitStatusTopic());
    topics.addAll(eventTopics.keySet());
    return topics;
  }

  private void run() {
    Duration backoff = Duration.ofSeconds(1);
    while (!closing) {
      try {
        String clusterId = clusterId();
        boolean sameCluster = store.adoptCluster(clusterId);
        if (!sameCluster) {
          LOG.info("console: reading the topics of Kafka cluster {} from the beginning", clusterId);
        }
        consume();
        return;
      } catch (WakeupException e) {
        return;
      } catch (Exception e) {
        if (closing) {
          return;
        }
        connected = false;
        lastError = e.getClass().getSimpleName() + ": " + e.getMessage();
        LOG.warn("console: reading Kafka failed, retrying in {} s: {}", backoff.toSeconds(), lastError);
        try {
          TimeUnit.MILLISECONDS.sleep(backoff.toMillis());
        } catch (InterruptedException ie) {
          return;
        }
        backoff = backoff.multipliedBy(2).compareTo(Duration.ofSeconds(30)) > 0 ? Duration.ofSeconds(30)
            : backoff.multipliedBy(2);
      }
    }
  }

  private String clusterId() throws Exception {
    // The client properties (security.protocol, sasl.*, ssl.*) as the job's clients get them.
    Properties props = kafka.client();
    Admin admin = Admin.create(props);
    try {
      return admin.describeCluster().clusterId().get(30, TimeUnit.SECONDS);
    } finally {
      // Not close(): it waits for pending requests, which keeps a stopping console waiting on an absent broker.
      admin.close(Duration.ZERO);
    }
  }

  private void consume() throws Exception {
    Properties props = kafka.client();
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    props.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, "false");
    props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "2000");
    try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(props, new ByteArrayDeserializer(),
        new ByteArrayDeserializer())) {
      consumer = c;
      if (closing) {
        return;
      }
      long nextDiscovery = 0;
      while (!closing) {
        if (System.nanoTime() >= nextDiscovery) {
          assignNewPartitions(c);
          nextDiscovery = System.nanoTime() + DISCOVERY_INTERVAL.toNanos();
        }
        ConsumerRecords<byte[], byte[]> records = c.poll(Duration.ofMillis(500));
        connected = true;
        if (!records.isEmpty()) {
          storeBatch(c, records);
        }
        if (!caughtUp && catchUpTo.entrySet().stream().allMatch(e -> c.position(e.getKey()) >= e.getValue())) {
          caughtUp = true;
          LOG.info("console: caught up with the topics");
        }
      }
    } finally {
      consumer = null;
    }
  }

  private void assignNewPartitions(KafkaConsumer<byte[], byte[]> c) throws SQLException {
    Set<TopicPartition> assigned = new HashSet<>(c.assignment());
    List<TopicPartition> added = new ArrayList<>();
    for (String topic : topics()) {
      List<PartitionInfo> infos = c.partitionsFor(topic, Duration.ofSeconds(10));
      for (PartitionInfo p : infos == null ? List.<PartitionInfo>of() : infos) {
        TopicPartition tp = new TopicPartition(topic, p.partition());
        if (!assigned.contains(tp)) {
          added.add(tp);
        }
      }
    }
    if (added.isEmpty()) {
      return;
    }
    assigned.addAll(added);
    c.assign(assigned);
    Map<TopicPartition, Long> stored = store.offsets();
    for (TopicPartition tp : added) {
      Long offset = tp.topic().equals(kafka.unitStatusTopic()) ? null : stored.get(tp);
      if (offset == null) {
        c.seekToBeginning(List.of(tp));
      } else {
        c.seek(tp, offset);
      }
    }
    if (!caughtUp) {
      catchUpTo.putAll(c.endOffsets(added));
    }
  }

  /** A decoded record and where it came from, so a record the store refuses can be named and skipped. */
  private record Decoded(String topic, int partition, long offset, Alert alert, StoredEvent event) {
    String where() {
      return topic + "-" + partition + "@" + offset;
    }
  }

  private void storeBatch(KafkaConsumer<byte[], byte[]> c, ConsumerRecords<byte[], byte[]> records)
      throws SQLException {
    List<Decoded> decoded = new ArrayList<>();
    List<UnitStatus> statuses = new ArrayList<>();
    for (ConsumerRecord<byte[], byte[]> r : records) {
      if (r.value() == null) {
        continue; // a tombstone on the compacted topic
      }
      try {
        if (r.topic().equals(kafka.alertsTopic())) {
          decoded.add(new Decoded(r.topic(), r.partition(), r.offset(), alertCodec.decode(r.value()), null));
        } else if (r.topic().equals(kafka.unitStatusTopic())) {
          statuses.add(statusCodec.decode(r.value()));
        } else {
          EventStream stream = eventTopics.get(r.topic());
          SpecificRecordBase e = eventCodecs.get(stream).decode(r.value());
          decoded.add(new Decoded(r.topic(), r.partition(), r.offset(), null, new StoredEvent(
              e.get("eventId").toString(), stream.jsonName(), e.get("unitId").toString(),
              (java.time.Instant) e.get("eventTime"), json.write(e, "stream", stream.jsonName()))));
        }
      } catch (Exception e) {
        undecodable.incrementAndGet();
        if (reportedUndecodable.add(r.topic())) {
          LOG.warn("console: skipping an undecodable record of {} at {}-{} ({}); later ones of this topic are"
              + " only counted", r.topic(), r.partition(), r.offset(), e.getMessage());
        }
      }
    }
    Map<TopicPartition, Long> next = new HashMap<>();
    for (TopicPartition tp : records.partitions()) {
      if (!tp.topic().equals(kafka.unitStatusTopic())) {
        next.put(tp, c.position(tp));
      }
    }
    List<StoredAlert> changed;
    try {
      changed = store.apply(batch(decoded, statuses, next), clock.instant());
    } catch (SQLException | RuntimeException e) {
      changed = storeOneByOne(decoded, statuses, next, e);
    }
    store.pruneEvents(keepEvents);
    alertCount.addAndGet(decoded.stream().filter(d -> d.alert() != null).count());
    eventCount.addAndGet(decoded.stream().filter(d -> d.event() != null).count());
    statusCount.addAndGet(statuses.size());
    lastError = null;
    listener.changed(changed, statuses);
  }

  private static ConsoleStore.Batch batch(List<Decoded> records, List<UnitStatus> statuses,
      Map<TopicPartition, Long> next) {
    List<Alert> alerts = new ArrayList<>();
    List<StoredEvent> events = new ArrayList<>();
    for (Decoded d : records) {
      if (d.alert() != null) {
        alerts.add(d.alert());
      } else {
        events.add(d.event());
      }
    }
    return new ConsoleStore.Batch(alerts, events, statuses, next);
  }

  /**
   * The batch was refused: each record is stored on its own, and one the store still refuses while
   * it answers (an id too long for its column, a NUL character PostgreSQL text cannot hold) is
   * logged with its topic, partition and offset, counted and skipped, so one bad record never
   * stops ingestion. Storing a record twice changes nothing (repeats are recognised), so a crash
   * half way through is safe. When the store does not answer, nothing is skipped: the failure ends
   * this consumer and run() reads the batch again from the stored offsets once the store is back.
   */
  private List<StoredAlert> storeOneByOne(List<Decoded> records, List<UnitStatus> statuses, Map<TopicPartition, Long> next,
      Exception batchFailure) throws SQLException {
    if (!store.reachable()) {
      throw batchFailure instanceof SQLException s ? s : new SQLException(batchFailure);
    }
    Map<String, StoredAlert> changed = new LinkedHashMap<>();
    // Events first, then alerts, as in a whole batch: an alert's evidence is stored before it.
    List<Decoded> ordered = new ArrayList<>(records.stream().filter(d -> d.event() != null).toList());
    ordered.addAll(records.stream().filter(d -> d.alert() != null).toList());
    for (Decoded d : ordered) {
      try {
        for (StoredAlert a : store.apply(batch(List.of(d), List.of(), Map.of()), clock.instant())) {
          changed.put(a.alert().getAlertId(), a);
        }
      } catch (SQLException | RuntimeException e) {
        if (!store.reachable()) {
          throw e instanceof SQLException s ? s : new SQLException(e);
        }
        refused.incrementAndGet();
        LOG.error("console: skipping a record of {} the store refuses ({}): {}", d.where(),
            d.alert() != null ? "alert " + clip(d.alert().getAlertId()) : "event " + clip(d.event().eventId()),
            reason(e));
      }
    }
    store.apply(new ConsoleStore.Batch(List.of(), List.of(), statuses, next), clock.instant());
    return List.copyOf(changed.values());
  }

  /**
   * Text from a record for a log line: a hostile one may be huge or hold control characters (a
   * newline would forge a log line), and a driver's message may quote the whole statement.
   */
  private static String clip(String text) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < text.length() && sb.length() < 160; i++) {
      char c = text.charAt(i);
      if (Character.isISOControl(c)) {
        sb.append(String.format("\\u%04x", (int) c));
      } else {
        sb.append(c);
      }
    }
    return sb.length() < 160 ? sb.toString() : sb + "…(" + text.length() + " chars)";
  }

  /** The database's own words: PostgreSQL's batch error quotes the statement and puts the reason in the next one. */
  private static String reason(Exception e) {
    Throwable t = e;
    if (e instanceof SQLException s && s.getNextException() != null) {
      t = s.getNextException();
    }
    return firstLine(t.getMessage());
  }

  private static String firstLine(String s) {
    if (s == null) {
      return "";
    }
    int nl = s.indexOf('\n');
    return clip(nl < 0 ? s : s.substring(0, nl));
  }

  @Override
  public void close() throws InterruptedException {
    closing = true;
    KafkaConsumer<byte[], byte[]> c = consumer;
    if (c != null) {
      c.wakeup();
    } else {
      // Only outside the consumer (the cluster-id lookup, the retry pause): an interrupted thread's
      // consumer fails to close and logs an error, and an interrupted H2 write can close the store.
      thread.interrupt();
    }
    thread.join(TimeUnit.SECONDS.toMillis(30));
  }
}
