package org.probity.console.store.previous;

import org.probity.console.store.StoredEvent;

import com.fasterxml.jackson.databind.ObjectMapper;
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
import org.probity.connectors.json.AvroJson;
import org.probity.schema.Alert;
import org.probity.schema.AlertStatus;
import org.probity.schema.Severity;

/**
 * The store of the console before schema migrations (commit 48bfdc3), kept verbatim but for its
 * read methods, so the upgrade test writes a store exactly as the previous version did.
 *
 * <p>The console's store over JDBC: the latest state of every alert, each state it went through,
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
  private static final String TEXT = "VARCHAR(1000000)";
  /**
   * Identifiers (alertId, eventId, unitId, usernames): the contract caps them at 128 characters and
   * the job dead-letters longer ones; twice that leaves room for other producers. A longer one is
   * refused by the database and skipped by the reader, never retried forever.
   */
  public static final int ID_CHARS = 256;
  private static final String ID = "VARCHAR(" + ID_CHARS + ")";

  private static final List<String> SCHEMA = List.of(
      "CREATE TABLE IF NOT EXISTS alert ("
          + " alert_id " + ID + " PRIMARY KEY, rule_id " + ID + " NOT NULL, reason " + ID + " NOT NULL,"
          + " severity VARCHAR(16) NOT NULL, severity_rank INT NOT NULL, status VARCHAR(16) NOT NULL,"
          + " unit_id " + ID + " NOT NULL, first_event_time BIGINT NOT NULL, received_at BIGINT NOT NULL,"
          + " version BIGINT NOT NULL, record " + TEXT + " NOT NULL,"
          + " ack_rank INT, ack_user " + ID + ", ack_name " + ID + ", ack_at BIGINT, ack_status VARCHAR(16),"
          + " ack_note VARCHAR(2000))",
      "CREATE INDEX IF NOT EXISTS alert_by_version ON alert (version)",
      "CREATE INDEX IF NOT EXISTS alert_by_unit ON alert (unit_id, status)",
      "CREATE TABLE IF NOT EXISTS alert_step ("
          + " alert_id " + ID + " NOT NULL, step_key VARCHAR(64) NOT NULL, received_at BIGINT NOT NULL,"
          + " record " + TEXT + " NOT NULL, PRIMARY KEY (alert_id, step_key))",
      "CREATE TABLE IF NOT EXISTS acknowledgement ("
          + " seq BIGINT PRIMARY KEY, alert_id " + ID + " NOT NULL, username " + ID + " NOT NULL,"
          + " display_name " + ID + " NOT NULL, acked_at BIGINT NOT NULL, severity VARCHAR(16) NOT NULL,"
          + " status VARCHAR(16) NOT NULL, note VARCHAR(2000))",
      "CREATE INDEX IF NOT EXISTS acknowledgement_by_alert ON acknowledgement (alert_id)",
      "CREATE TABLE IF NOT EXISTS evidence_event ("
          + " event_id " + ID + " PRIMARY KEY, seq BIGINT NOT NULL, stream VARCHAR(16) NOT NULL,"
          + " unit_id " + ID + " NOT NULL, event_time BIGINT NOT NULL, record " + TEXT + " NOT NULL)",
      "CREATE INDEX IF NOT EXISTS evidence_event_by_seq ON evidence_event (seq)",
      "CREATE TABLE IF NOT EXISTS evidence_ref ("
          + " event_id " + ID + " NOT NULL, alert_id " + ID + " NOT NULL, PRIMARY KEY (event_id, alert_id))",
      "CREATE TABLE IF NOT EXISTS consumed_offset ("
          + " topic VARCHAR(250) NOT NULL, part INT NOT NULL, next_offset BIGINT NOT NULL,"
          + " PRIMARY KEY (topic, part))",
      "CREATE TABLE IF NOT EXISTS console_meta (name VARCHAR(100) PRIMARY KEY, val VARCHAR(1000) NOT NULL)");

  /**
   * Columns an older console created narrower (alert_id was 100 characters, event and unit ids 200):
   * widened at open, since CREATE TABLE IF NOT EXISTS leaves an existing table as it is.
   */
  private static final List<String[]> WIDENED = List.of(
      new String[] {"alert", "alert_id"}, new String[] {"alert", "rule_id"}, new String[] {"alert", "reason"},
      new String[] {"alert", "unit_id"}, new String[] {"alert", "ack_user"}, new String[] {"alert", "ack_name"},
      new String[] {"alert_step", "alert_id"}, new String[] {"acknowledgement", "alert_id"},
      new String[] {"acknowledgement", "username"}, new String[] {"acknowledgement", "display_name"},
      new String[] {"evidence_event", "event_id"}, new String[] {"evidence_event", "unit_id"},
      new String[] {"evidence_ref", "event_id"}, new String[] {"evidence_ref", "alert_id"});

  private final ConnectionPool pool;
  private final AtomicLong version = new AtomicLong();
  private final AtomicLong eventSeq = new AtomicLong();
  private final AtomicLong ackSeq = new AtomicLong();
  private long prunedUpTo;

  private ConsoleStore(ConnectionPool pool) {
    this.pool = pool;
  }

  /** Opens (and creates or completes the schema of) the store at {@code jdbcUrl}. */
  public static ConsoleStore open(String jdbcUrl, String user, String password) throws SQLException {
    ConnectionPool pool = new ConnectionPool(jdbcUrl, user, password, 4);
    ConsoleStore store = new ConsoleStore(pool);
    try {
      store.inTransaction(c -> {
        try (Statement s = c.createStatement()) {
          for (String ddl : SCHEMA) {
            s.execute(ddl);
          }
        }
        widen(c);
        store.version.set(single(c, "SELECT COALESCE(MAX(version), 0) FROM alert"));
        store.eventSeq.set(single(c, "SELECT COALESCE(MAX(seq), 0) FROM evidence_event"));
        store.ackSeq.set(single(c, "SELECT COALESCE(MAX(seq), 0) FROM acknowledgement"));
        return null;
      });
    } catch (SQLException | RuntimeException e) {
      pool.close();
      throw e;
    }
    return store;
  }

  private static void widen(Connection c) throws SQLException {
    for (String[] column : WIDENED) {
      long width;
      // Unquoted names are upper case in H2's catalogue and lower case in PostgreSQL's.
      try (PreparedStatement ps = c.prepareStatement("SELECT character_maximum_length FROM information_schema.columns"
          + " WHERE LOWER(table_name) = ? AND LOWER(column_name) = ? AND LOWER(table_schema) = LOWER(CURRENT_SCHEMA)")) {
        ps.setString(1, column[0]);
        ps.setString(2, column[1]);
        try (ResultSet rs = ps.executeQuery()) {
          width = rs.next() ? rs.getLong(1) : ID_CHARS;
        }
      }
      if (width < ID_CHARS) {
        try (Statement s = c.createStatement()) {
          s.execute("ALTER TABLE " + column[0] + " ALTER COLUMN " + column[1] + " SET DATA TYPE " + ID);
        }
      }
    }
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

  private static long single(Connection c, String sql) throws SQLException {
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  @FunctionalInterface
  private interface Work<T> {
    T run(Connection c) throws SQLException;
  }

  private <T> T inTransaction(Work<T> work) throws SQLException {
    Connection c = pool.borrow();
    try {
      T result = work.run(c);
      c.commit();
      return result;
    } finally {
      pool.release(c);
    }
  }

  // ---------------------------------------------------------------- ingest (one writer)

  /** What one poll of the topics brings: the alert records in topic order, the events, the next offsets. */
  public record Batch(List<Alert> alerts, List<StoredEvent> events, Map<TopicPartition, Long> nextOffsets) {}

  /**
   * Stores a batch in one transaction and returns the alerts whose state changed (a repeated
   * state, as an at-least-once producer may send, changes nothing).
   */
  public int apply(Batch batch, Instant receivedAt) throws SQLException {
    long versionBefore = version.get();
    long seqBefore = eventSeq.get();
    try {
      return inTransaction(c -> {
        insertEvents(c, batch.events());
        Map<String, Boolean> changed = new LinkedHashMap<>();
        for (Alert a : batch.alerts()) {
          boolean s = applyAlert(c, a, receivedAt);
          if (s) {
            changed.put(a.getAlertId(), true);
          }
        }
        saveOffsets(c, batch.nextOffsets());
        return changed.size();
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

  private boolean applyAlert(Connection c, Alert a, Instant receivedAt) throws SQLException {
    String stepKey = stepKey(a);
    String json = AVRO_JSON.write(a);
    try (PreparedStatement ps = c.prepareStatement(
        "SELECT 1 FROM alert_step WHERE alert_id = ? AND step_key = ?")) {
      ps.setString(1, a.getAlertId());
      ps.setString(2, stepKey);
      try (ResultSet rs = ps.executeQuery()) {
        if (rs.next()) {
          return false;
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
    long v = version.incrementAndGet();
    int updated;
    try (PreparedStatement ps = c.prepareStatement("UPDATE alert SET rule_id = ?, reason = ?, severity = ?,"
        + " severity_rank = ?, status = ?, unit_id = ?, received_at = ?, version = ?, record = ? WHERE alert_id = ?")) {
      ps.setString(1, a.getRuleId());
      ps.setString(2, a.getReason());
      ps.setString(3, a.getSeverity().name());
      ps.setInt(4, a.getSeverity().ordinal());
      ps.setString(5, a.getStatus().name());
      ps.setString(6, a.getUnitId());
      ps.setLong(7, receivedAt.toEpochMilli());
      ps.setLong(8, v);
      ps.setString(9, json);
      ps.setString(10, a.getAlertId());
      updated = ps.executeUpdate();
    }
    if (updated == 0) {
      try (PreparedStatement ps = c.prepareStatement("INSERT INTO alert (alert_id, rule_id, reason, severity,"
          + " severity_rank, status, unit_id, first_event_time, received_at, version, record)"
          + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
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
        ps.executeUpdate();
      }
    }
    return true;
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

  // ---------------------------------------------------------------- acknowledgements

  /** Records an acknowledgement of the alert's current state; empty when the alert is unknown. */
  public boolean acknowledge(String alertId, String username, String displayName, Instant at,
      String note) throws SQLException {
    return inTransaction(c -> {
      Alert a = latest(c, alertId);
      if (a == null) {
        return false;
      }
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
      return true;
    });
  }

  private static Alert latest(Connection c, String alertId) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT record FROM alert WHERE alert_id = ?")) {
      ps.setString(1, alertId);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? parseAlert(rs.getString(1)) : null;
      }
    }
  }

  private static Alert parseAlert(String json) throws SQLException {
    try {
      return AVRO_JSON.read(JSON.readTree(json), Alert.class);
    } catch (IOException e) {
      throw new SQLException("unreadable alert", e);
    }
  }

  private static void setNullableString(PreparedStatement ps, int i, String value) throws SQLException {
    if (value == null || value.isBlank()) {
      ps.setNull(i, Types.VARCHAR);
    } else {
      ps.setString(i, value);
    }
  }

  @Override
  public void close() {
    pool.close();
  }
}
