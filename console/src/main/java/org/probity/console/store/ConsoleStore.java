package org.probity.console.store;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.common.TopicPartition;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.probity.connectors.json.AvroJson;
import org.probity.schema.Alert;
import org.probity.schema.AlertStatus;
import org.probity.schema.Severity;
import org.probity.schema.UnitStatus;

/**
 * The console's store over JDBC: the latest state of every alert, each state it went through,
 * the acknowledgements, the source events kept as evidence, and the Kafka offsets consumed so far.
 * The SQL is the common ground of H2 (the embedded default) and PostgreSQL (production).
 *
 * <p>Alerts, events and offsets are written in one transaction ({@link #apply}), so after a crash
 * the console resumes exactly after the last batch it stored: nothing is lost and nothing counted
 * twice. One console writes to a store; any number of readers may query it.
 */
public final class ConsoleStore implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();
  /** Stored JSON times are UTC: the store does not depend on the display zone. */
  private static final AvroJson AVRO_JSON = new AvroJson(ZoneOffset.UTC);
  /**
   * Identifiers (alertId, eventId, unitId, usernames): the contract caps them at 128 characters and
   * the job dead-letters longer ones; twice that leaves room for other producers. A longer one is
   * refused by the database and skipped by the reader, never retried forever.
   */
  public static final int ID_CHARS = 256;

  /** Where the schema's migrations are: common SQL and Java, then each database's own (triggers). */
  private static String[] migrations(String jdbcUrl) {
    String vendor = jdbcUrl.startsWith("jdbc:postgresql:") ? "postgresql" : "h2";
    return new String[] {"classpath:org/probity/console/store/sql/common",
        "classpath:org/probity/console/store/sql/" + vendor, "classpath:org/probity/console/store/migration"};
  }

  private final HikariDataSource pool;
  private final AtomicLong version = new AtomicLong();
  private final AtomicLong eventSeq = new AtomicLong();
  private final AtomicLong ackSeq = new AtomicLong();
  final AtomicLong auditSeq = new AtomicLong();
  final AtomicLong noticeSeq = new AtomicLong();
  final AtomicLong feedbackSeq = new AtomicLong();
  private long prunedUpTo;

  private ConsoleStore(HikariDataSource pool) {
    this.pool = pool;
  }

  /**
   * Opens the store at {@code jdbcUrl}, creating its schema or migrating it to this version's. A
   * store an older console made before migrations existed (its tables, no history) is taken as
   * version 1 and migrated from there, keeping everything in it.
   */
  public static ConsoleStore open(String jdbcUrl, String user, String password) throws SQLException {
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(jdbcUrl);
    config.setUsername(user);
    config.setPassword(password);
    config.setAutoCommit(false);
    config.setMaximumPoolSize(4);
    config.setPoolName("console-store");
    // Waiting longer than this for a connection means the database is down, not busy.
    config.setConnectionTimeout(10_000);
    HikariDataSource pool;
    try {
      pool = new HikariDataSource(config);
    } catch (RuntimeException e) {
      throw e.getCause() instanceof SQLException sql ? sql : new SQLException(e.getMessage(), e);
    }
    try {
      Flyway.configure().dataSource(pool).locations(migrations(jdbcUrl)).baselineOnMigrate(true).baselineVersion("1")
          .baselineDescription("store of the console before migrations").load().migrate();
    } catch (FlywayException e) {
      pool.close();
      throw new SQLException("cannot migrate the store's schema: " + e.getMessage(), e);
    }
    ConsoleStore store = new ConsoleStore(pool);
    try {
      store.inTransaction(c -> {
        store.version.set(single(c, "SELECT COALESCE(MAX(version), 0) FROM alert"));
        store.eventSeq.set(single(c, "SELECT COALESCE(MAX(seq), 0) FROM evidence_event"));
        store.ackSeq.set(single(c, "SELECT COALESCE(MAX(seq), 0) FROM acknowledgement"));
        store.auditSeq.set(single(c, "SELECT COALESCE(MAX(seq), 0) FROM audit_log"));
        store.noticeSeq.set(single(c, "SELECT COALESCE(MAX(notice_id), 0) FROM notice"));
        store.feedbackSeq.set(single(c, "SELECT COALESCE(MAX(seq), 0) FROM feedback"));
        return null;
      });
    } catch (SQLException | RuntimeException e) {
      pool.close();
      throw e;
    }
    return store;
  }

  /** Whether the store answers now: tells a refused record from a store that is down. */
  public boolean reachable() {
    try {
      inTransaction(c -> single(c, "SELECT 1"));
      return true;
    } catch (SQLException | RuntimeException e) {
      return false;
    }
  }

  static long single(Connection c, String sql) throws SQLException {
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  @FunctionalInterface
  interface Work<T> {
    T run(Connection c) throws SQLException;
  }

  <T> T inTransaction(Work<T> work) throws SQLException {
    try (Connection c = pool.getConnection()) {
      try {
        T result = work.run(c);
        c.commit();
        return result;
      } catch (SQLException | RuntimeException e) {
        c.rollback();
        throw e;
      }
    }
  }

  /** The next number of the console-wide change order (the feed's "latest change"). */
  long nextVersion() {
    return version.incrementAndGet();
  }

  /** Appends one operator action to the audit trail, in the caller's transaction. */
  void audit(Connection c, Instant at, String username, String displayName, String action, String target,
      String detail) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("INSERT INTO audit_log (seq, acted_at, username, display_name,"
        + " action, target, detail) VALUES (?, ?, ?, ?, ?, ?, ?)")) {
      ps.setLong(1, auditSeq.incrementAndGet());
      ps.setLong(2, at.toEpochMilli());
      ps.setString(3, username);
      ps.setString(4, displayName);
      ps.setString(5, action);
      ps.setString(6, target);
      setNullableString(ps, 7, detail);
      ps.executeUpdate();
    }
  }

  /**
   * Appends an action that changes nothing in the store (a rules version published on its topic,
   * or refused) to the audit trail, in a transaction of its own.
   */
  public void audit(Instant at, String username, String displayName, String action, String target, String detail)
      throws SQLException {
    inTransaction(c -> {
      audit(c, at, username, displayName, action, target, detail);
      return null;
    });
  }

  /** One entry of the audit trail. */
  public record AuditEntry(long seq, Instant at, String username, String displayName, String action, String target,
      String detail) {}

  /** The audit trail, newest first. */
  public List<AuditEntry> auditTrail(int limit) throws SQLException {
    return inTransaction(c -> {
      try (PreparedStatement ps = c.prepareStatement("SELECT seq, acted_at, username, display_name, action, target,"
          + " detail FROM audit_log ORDER BY seq DESC LIMIT ?")) {
        ps.setInt(1, limit);
        List<AuditEntry> out = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            out.add(new AuditEntry(rs.getLong(1), Instant.ofEpochMilli(rs.getLong(2)), rs.getString(3),
                rs.getString(4), rs.getString(5), rs.getString(6), rs.getString(7)));
          }
        }
        return out;
      }
    });
  }

  // ---------------------------------------------------------------- ingest (one writer)

  /**
   * What one poll of the topics brings: the alert records in topic order, the events, the unit
   * statuses (kept as the index's history), the next offsets.
   */
  public record Batch(List<Alert> alerts, List<StoredEvent> events, List<UnitStatus> statuses,
      Map<TopicPartition, Long> nextOffsets) {
    public Batch(List<Alert> alerts, List<StoredEvent> events, Map<TopicPartition, Long> nextOffsets) {
      this(alerts, events, List.of(), nextOffsets);
    }
  }

  /**
   * Stores a batch in one transaction and returns the alerts whose state changed (a repeated
   * state, as an at-least-once producer may send, changes nothing).
   */
  public List<StoredAlert> apply(Batch batch, Instant receivedAt) throws SQLException {
    long versionBefore = version.get();
    long seqBefore = eventSeq.get();
    try {
      return inTransaction(c -> {
        insertEvents(c, batch.events());
        Statistics.recordCases(c, batch.events());
        Statistics.recordStatuses(c, batch.statuses());
        Map<String, StoredAlert> changed = new LinkedHashMap<>();
        for (Alert a : batch.alerts()) {
          StoredAlert s = applyAlert(c, a, receivedAt);
          if (s != null) {
            changed.put(a.getAlertId(), s);
          }
        }
        saveOffsets(c, batch.nextOffsets());
        return List.copyOf(changed.values());
      });
    } catch (SQLException | RuntimeException e) {
      version.set(versionBefore);
      eventSeq.set(seqBefore);
      throw e;
    }
  }

  private void insertEvents(Connection c, List<StoredEvent> events) throws SQLException {
    if (events.isEmpty()) {
      return;
    }
    // A repeated eventId is the same event (contract): the first one seen is kept.
    try (PreparedStatement ps = c.prepareStatement("INSERT INTO evidence_event"
        + " (event_id, seq, stream, unit_id, event_time, record) SELECT ?, ?, ?, ?, ?, ?"
        + " WHERE NOT EXISTS (SELECT 1 FROM evidence_event WHERE event_id = ?)")) {
      for (StoredEvent e : events) {
        ps.setString(1, e.eventId());
        ps.setLong(2, eventSeq.incrementAndGet());
        ps.setString(3, e.stream());
        ps.setString(4, e.unitId());
        ps.setLong(5, e.eventTime().toEpochMilli());
        ps.setString(6, e.json());
        ps.setString(7, e.eventId());
        ps.addBatch();
      }
      ps.executeBatch();
    }
  }

  private StoredAlert applyAlert(Connection c, Alert a, Instant receivedAt) throws SQLException {
    String stepKey = stepKey(a);
    String json = AVRO_JSON.write(a);
    try (PreparedStatement ps = c.prepareStatement(
        "SELECT 1 FROM alert_step WHERE alert_id = ? AND step_key = ?")) {
      ps.setString(1, a.getAlertId());
      ps.setString(2, stepKey);
      try (ResultSet rs = ps.executeQuery()) {
        if (rs.next()) {
          return null;
        }
      }
    }
    try (PreparedStatement ps = c.prepareStatement(
        "INSERT INTO alert_step (alert_id, step_key, received_at, record) VALUES (?, ?, ?, ?)")) {
      ps.setString(1, a.getAlertId());
      ps.setString(2, stepKey);
      ps.setLong(3, receivedAt.toEpochMilli());
      ps.setString(4, json);
      ps.executeUpdate();
    }
    try (PreparedStatement ps = c.prepareStatement("INSERT INTO evidence_ref (event_id, alert_id) SELECT ?, ?"
        + " WHERE NOT EXISTS (SELECT 1 FROM evidence_ref WHERE event_id = ? AND alert_id = ?)")) {
      for (String eventId : a.getEvidence()) {
        ps.setString(1, eventId);
        ps.setString(2, a.getAlertId());
        ps.setString(3, eventId);
        ps.setString(4, a.getAlertId());
        ps.addBatch();
      }
      ps.executeBatch();
    }
    long v = nextVersion();
    int updated;
    try (PreparedStatement ps = c.prepareStatement("UPDATE alert SET rule_id = ?, reason = ?, severity = ?,"
        + " severity_rank = ?, status = ?, unit_id = ?, received_at = ?, version = ?, record = ?, rules_version = ?"
        + " WHERE alert_id = ?")) {
      ps.setString(1, a.getRuleId());
      ps.setString(2, a.getReason());
      ps.setString(3, a.getSeverity().name());
      ps.setInt(4, a.getSeverity().ordinal());
      ps.setString(5, a.getStatus().name());
      ps.setString(6, a.getUnitId());
      ps.setLong(7, receivedAt.toEpochMilli());
      ps.setLong(8, v);
      ps.setString(9, json);
      ps.setInt(10, a.getRulesVersion());
      ps.setString(11, a.getAlertId());
      updated = ps.executeUpdate();
    }
    if (updated == 0) {
      try (PreparedStatement ps = c.prepareStatement("INSERT INTO alert (alert_id, rule_id, reason, severity,"
          + " severity_rank, status, unit_id, first_event_time, received_at, version, record, rules_version)"
          + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
        ps.setString(1, a.getAlertId());
        ps.setString(2, a.getRuleId());
        ps.setString(3, a.getReason());
        ps.setString(4, a.getSeverity().name());
        ps.setInt(5, a.getSeverity().ordinal());
        ps.setString(6, a.getStatus().name());
        ps.setString(7, a.getUnitId());
        ps.setLong(8, a.getEventTime().toEpochMilli());
        ps.setLong(9, receivedAt.toEpochMilli());
        ps.setLong(10, v);
        ps.setString(11, json);
        ps.setInt(12, a.getRulesVersion());
        ps.executeUpdate();
      }
    }
    return alert(c, a.getAlertId()).orElseThrow();
  }

  /** A state's identity: detectedAt is left out, since a re-run stamps the same state anew. */
  static String stepKey(Alert a) {
    String identity = a.getStatus() + "|" + a.getSeverity() + "|" + a.getEventTime().toEpochMilli() + "|"
        + String.join(",", a.getEvidence()) + "|" + a.getAmountFen();
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(identity.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private void saveOffsets(Connection c, Map<TopicPartition, Long> offsets) throws SQLException {
    for (Map.Entry<TopicPartition, Long> e : offsets.entrySet()) {
      int updated;
      try (PreparedStatement ps = c.prepareStatement(
          "UPDATE consumed_offset SET next_offset = ? WHERE topic = ? AND part = ?")) {
        ps.setLong(1, e.getValue());
        ps.setString(2, e.getKey().topic());
        ps.setInt(3, e.getKey().partition());
        updated = ps.executeUpdate();
      }
      if (updated == 0) {
        try (PreparedStatement ps = c.prepareStatement(
            "INSERT INTO consumed_offset (topic, part, next_offset) VALUES (?, ?, ?)")) {
          ps.setString(1, e.getKey().topic());
          ps.setInt(2, e.getKey().partition());
          ps.setLong(3, e.getValue());
          ps.executeUpdate();
        }
      }
    }
  }

  /** The next offset to read of every partition stored so far. */
  public Map<TopicPartition, Long> offsets() throws SQLException {
    return inTransaction(c -> {
      Map<TopicPartition, Long> out = new HashMap<>();
      try (Statement s = c.createStatement();
          ResultSet rs = s.executeQuery("SELECT topic, part, next_offset FROM consumed_offset")) {
        while (rs.next()) {
          out.put(new TopicPartition(rs.getString(1), rs.getInt(2)), rs.getLong(3));
        }
      }
      return out;
    });
  }

  /**
   * Remembers which Kafka cluster the stored offsets belong to; returns true when they belong to
   * {@code clusterId}. Offsets of another cluster (a new demo broker, a rebuilt cluster) are dropped:
   * reading them against this one would skip records.
   */
  public boolean adoptCluster(String clusterId) throws SQLException {
    return inTransaction(c -> {
      String stored = null;
      try (PreparedStatement ps = c.prepareStatement("SELECT val FROM console_meta WHERE name = 'kafka_cluster'");
          ResultSet rs = ps.executeQuery()) {
        if (rs.next()) {
          stored = rs.getString(1);
        }
      }
      if (clusterId.equals(stored)) {
        return true;
      }
      try (Statement s = c.createStatement()) {
        s.executeUpdate("DELETE FROM consumed_offset");
        s.executeUpdate("DELETE FROM console_meta WHERE name = 'kafka_cluster'");
      }
      try (PreparedStatement ps = c.prepareStatement("INSERT INTO console_meta (name, val) VALUES ('kafka_cluster', ?)")) {
        ps.setString(1, clusterId);
        ps.executeUpdate();
      }
      return false;
    });
  }

  /**
   * Deletes the oldest events no alert refers to, keeping the latest {@code keep} arrivals; returns
   * how many went. Cheap to call after every batch: it only works once per tenth of {@code keep}.
   */
  public int pruneEvents(int keep) throws SQLException {
    long newest = eventSeq.get();
    if (newest - keep <= prunedUpTo + Math.max(1, keep / 10)) {
      return 0;
    }
    int deleted = inTransaction(c -> {
      // The keep-th newest event bounds what goes (sequence numbers have gaps where a repeat was skipped).
      long upTo;
      try (PreparedStatement ps = c.prepareStatement(
          "SELECT seq FROM evidence_event ORDER BY seq DESC LIMIT 1 OFFSET ?")) {
        ps.setInt(1, keep);
        try (ResultSet rs = ps.executeQuery()) {
          if (!rs.next()) {
            return 0;
          }
          upTo = rs.getLong(1);
        }
      }
      try (PreparedStatement ps = c.prepareStatement("DELETE FROM evidence_event WHERE seq <= ? AND NOT EXISTS"
          + " (SELECT 1 FROM evidence_ref r WHERE r.event_id = evidence_event.event_id)")) {
        ps.setLong(1, upTo);
        return ps.executeUpdate();
      }
    });
    prunedUpTo = newest - keep;
    return deleted;
  }

  // ---------------------------------------------------------------- reads

  static final String ALERT_COLUMNS = "record, first_event_time, received_at, version, ack_user, ack_name, ack_at,"
      + " ack_rank, ack_status, ack_note, closed_at, closed_by";
  /**
   * What "open" means everywhere (tile, feed, notice, reports): not resolved by the rule's own
   * RESOLVED and not closed by an accepted rectification.
   */
  static final String OPEN = "status <> 'RESOLVED' AND closed_at IS NULL";

  static StoredAlert readAlert(ResultSet rs) throws SQLException {
    Alert alert = parseAlert(rs.getString(1));
    Ack ack = null;
    long ackAt = rs.getLong(7);
    if (!rs.wasNull()) {
      ack = new Ack(alert.getAlertId(), rs.getString(5), rs.getString(6), Instant.ofEpochMilli(ackAt),
          Severity.values()[rs.getInt(8)], AlertStatus.valueOf(rs.getString(9)), rs.getString(10));
    }
    long closedAt = rs.getLong(11);
    Instant closed = rs.wasNull() ? null : Instant.ofEpochMilli(closedAt);
    return new StoredAlert(alert, Instant.ofEpochMilli(rs.getLong(2)), Instant.ofEpochMilli(rs.getLong(3)),
        rs.getLong(4), ack, closed, rs.getString(12));
  }

  static Alert parseAlert(String json) {
    try {
      // Stored before the rules had versions, a record has none: it reads as version 1 (the schema's default).
      return AVRO_JSON.read(JSON.readTree(json), Alert.class);
    } catch (IOException e) {
      throw new UncheckedIOException("unreadable alert in the store", e);
    }
  }

  public Optional<StoredAlert> alert(String alertId) throws SQLException {
    return inTransaction(c -> alert(c, alertId));
  }

  static Optional<StoredAlert> alert(Connection c, String alertId) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT " + ALERT_COLUMNS + " FROM alert WHERE alert_id = ?")) {
      ps.setString(1, alertId);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? Optional.of(readAlert(rs)) : Optional.empty();
      }
    }
  }

  /** The feed: the alerts that match, in the filter's order. */
  public List<StoredAlert> feed(AlertFilter f, int limit) throws SQLException {
    StringBuilder sql = new StringBuilder("SELECT " + ALERT_COLUMNS + " FROM alert WHERE 1 = 1");
    List<Object> args = new ArrayList<>();
    if (f.ruleId() != null) {
      sql.append(" AND rule_id = ?");
      args.add(f.ruleId());
    }
    if (f.unitId() != null) {
      sql.append(" AND unit_id = ?");
      args.add(f.unitId());
    }
    if (f.severity() != null) {
      sql.append(" AND severity = ?");
      args.add(f.severity());
    }
    if ("OPEN".equals(f.status())) {
      sql.append(" AND ").append(OPEN);
    } else if ("CLOSED".equals(f.status())) {
      sql.append(" AND closed_at IS NOT NULL");
    } else if (f.status() != null) {
      sql.append(" AND status = ?");
      args.add(f.status());
    }
    if ("PENDING".equals(f.ack())) {
      sql.append(" AND ").append(OPEN).append(" AND (ack_rank IS NULL OR severity_rank > ack_rank)");
    } else if ("DONE".equals(f.ack())) {
      sql.append(" AND ack_rank IS NOT NULL AND (NOT (").append(OPEN).append(") OR severity_rank <= ack_rank)");
    }
    sql.append(switch (f.sort()) {
      case OLDEST -> " ORDER BY first_event_time, alert_id";
      case CHANGED -> " ORDER BY version DESC";
      case NEWEST -> " ORDER BY first_event_time DESC, alert_id DESC";
    });
    sql.append(" LIMIT ?");
    args.add(limit);
    return inTransaction(c -> {
      try (PreparedStatement ps = c.prepareStatement(sql.toString())) {
        for (int i = 0; i < args.size(); i++) {
          if (args.get(i) instanceof Integer n) {
            ps.setInt(i + 1, n);
          } else {
            ps.setString(i + 1, (String) args.get(i));
          }
        }
        List<StoredAlert> out = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            out.add(readAlert(rs));
          }
        }
        return out;
      }
    });
  }

  /** A unit's open alerts, oldest violation first: the problems a warning notice lists. */
  public List<StoredAlert> openAlerts(String unitId) throws SQLException {
    return inTransaction(c -> {
      try (PreparedStatement ps = c.prepareStatement("SELECT " + ALERT_COLUMNS
          + " FROM alert WHERE unit_id = ? AND " + OPEN + " ORDER BY first_event_time, alert_id")) {
        ps.setString(1, unitId);
        List<StoredAlert> out = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            out.add(readAlert(rs));
          }
        }
        return out;
      }
    });
  }

  /** Open alerts per unit. */
  public Map<String, Integer> openAlertCounts() throws SQLException {
    return inTransaction(c -> {
      Map<String, Integer> out = new HashMap<>();
      try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(
          "SELECT unit_id, COUNT(*) FROM alert WHERE " + OPEN + " GROUP BY unit_id")) {
        while (rs.next()) {
          out.put(rs.getString(1), rs.getInt(2));
        }
      }
      return out;
    });
  }

  /** Every state the alert went through, in the order received. */
  public List<AlertStep> steps(String alertId) throws SQLException {
    return inTransaction(c -> {
      try (PreparedStatement ps = c.prepareStatement(
          "SELECT record, received_at FROM alert_step WHERE alert_id = ? ORDER BY received_at, step_key")) {
        ps.setString(1, alertId);
        List<AlertStep> out = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            out.add(new AlertStep(parseAlert(rs.getString(1)), Instant.ofEpochMilli(rs.getLong(2))));
          }
        }
        out.sort(java.util.Comparator.comparing((AlertStep s) -> s.alert().getEventTime())
            .thenComparing(s -> s.alert().getStatus())
            .thenComparing(s -> s.alert().getSeverity()));
        return out;
      }
    });
  }

  /** The source events of {@code eventIds} that the console has (absent ones are simply missing). */
  public Map<String, StoredEvent> events(Collection<String> eventIds) throws SQLException {
    if (eventIds.isEmpty()) {
      return Map.of();
    }
    return inTransaction(c -> {
      Map<String, StoredEvent> out = new HashMap<>();
      try (PreparedStatement ps = c.prepareStatement(
          "SELECT event_id, stream, unit_id, event_time, record FROM evidence_event WHERE event_id = ?")) {
        for (String id : eventIds) {
          ps.setString(1, id);
          try (ResultSet rs = ps.executeQuery()) {
            if (rs.next()) {
              out.put(id, new StoredEvent(rs.getString(1), rs.getString(2), rs.getString(3),
                  Instant.ofEpochMilli(rs.getLong(4)), rs.getString(5)));
            }
          }
        }
      }
      return out;
    });
  }

  /** The source events of event time in [{@code from}, {@code until}), in event-time order: what a backtest replays. */
  public List<StoredEvent> eventsBetween(Instant from, Instant until) throws SQLException {
    return inTransaction(c -> {
      try (PreparedStatement ps = c.prepareStatement("SELECT event_id, stream, unit_id, event_time, record"
          + " FROM evidence_event WHERE event_time >= ? AND event_time < ? ORDER BY event_time, seq")) {
        ps.setLong(1, from.toEpochMilli());
        ps.setLong(2, until.toEpochMilli());
        List<StoredEvent> out = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            out.add(new StoredEvent(rs.getString(1), rs.getString(2), rs.getString(3),
                Instant.ofEpochMilli(rs.getLong(4)), rs.getString(5)));
          }
        }
        return out;
      }
    });
  }

  public long eventCount() throws SQLException {
    return inTransaction(c -> single(c, "SELECT COUNT(*) FROM evidence_event"));
  }

  // ---------------------------------------------------------------- acknowledgements

  /** Records an acknowledgement of the alert's current state; empty when the alert is unknown. */
  public Optional<StoredAlert> acknowledge(String alertId, String username, String displayName, Instant at,
      String note) throws SQLException {
    return inTransaction(c -> {
      Optional<StoredAlert> current = alert(c, alertId);
      if (current.isEmpty()) {
        return Optional.empty();
      }
      Alert a = current.get().alert();
      try (PreparedStatement ps = c.prepareStatement("INSERT INTO acknowledgement (seq, alert_id, username,"
          + " display_name, acked_at, severity, status, note) VALUES (?, ?, ?, ?, ?, ?, ?, ?)")) {
        ps.setLong(1, ackSeq.incrementAndGet());
        ps.setString(2, alertId);
        ps.setString(3, username);
        ps.setString(4, displayName);
        ps.setLong(5, at.toEpochMilli());
        ps.setString(6, a.getSeverity().name());
        ps.setString(7, a.getStatus().name());
        setNullableString(ps, 8, note);
        ps.executeUpdate();
      }
      try (PreparedStatement ps = c.prepareStatement("UPDATE alert SET ack_rank = ?, ack_user = ?, ack_name = ?,"
          + " ack_at = ?, ack_status = ?, ack_note = ? WHERE alert_id = ?")) {
        ps.setInt(1, a.getSeverity().ordinal());
        ps.setString(2, username);
        ps.setString(3, displayName);
        ps.setLong(4, at.toEpochMilli());
        ps.setString(5, a.getStatus().name());
        setNullableString(ps, 6, note);
        ps.setString(7, alertId);
        ps.executeUpdate();
      }
      audit(c, at, username, displayName, "ACKNOWLEDGE", alertId, note);
      return alert(c, alertId);
    });
  }

  static void setNullableString(PreparedStatement ps, int i, String value) throws SQLException {
    if (value == null || value.isBlank()) {
      ps.setNull(i, Types.VARCHAR);
    } else {
      ps.setString(i, value);
    }
  }

  /** Every acknowledgement of the alert, oldest first. */
  public List<Ack> acks(String alertId) throws SQLException {
    return inTransaction(c -> {
      try (PreparedStatement ps = c.prepareStatement("SELECT username, display_name, acked_at, severity, status,"
          + " note FROM acknowledgement WHERE alert_id = ? ORDER BY seq")) {
        ps.setString(1, alertId);
        List<Ack> out = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            out.add(new Ack(alertId, rs.getString(1), rs.getString(2), Instant.ofEpochMilli(rs.getLong(3)),
                Severity.valueOf(rs.getString(4)), AlertStatus.valueOf(rs.getString(5)), rs.getString(6)));
          }
        }
        return out;
      }
    });
  }

  @Override
  public void close() {
    pool.close();
  }
}
