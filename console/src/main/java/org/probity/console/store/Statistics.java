package org.probity.console.store;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import org.probity.schema.UnitStatus;

/**
 * What the statistics and reports count that the alerts alone do not hold: each unit's index over
 * time (the board keeps only the latest) and the approval cases' receipt and decision (for 按时办结率
 * and 提前办结率, seed 003), both written in the ingesting transaction; and the store's reads for them.
 */
public final class Statistics {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final ConsoleStore store;

  public Statistics(ConsoleStore store) {
    this.store = store;
  }

  static void recordStatuses(Connection c, List<UnitStatus> statuses) throws SQLException {
    if (statuses.isEmpty()) {
      return;
    }
    // The compacted topic is read again at every start: a status already kept is not kept twice.
    try (PreparedStatement ps = c.prepareStatement("INSERT INTO unit_status_history (unit_id, as_of, score, colour,"
        + " grade, open_alerts) SELECT ?, ?, ?, ?, ?, ? WHERE NOT EXISTS"
        + " (SELECT 1 FROM unit_status_history WHERE unit_id = ? AND as_of = ?)")) {
      for (UnitStatus s : statuses) {
        ps.setString(1, s.getUnitId());
        ps.setLong(2, s.getAsOf().toEpochMilli());
        ps.setDouble(3, s.getScore());
        ps.setString(4, s.getColour().name());
        ps.setString(5, s.getGrade().name());
        ps.setInt(6, s.getOpenAlerts());
        ps.setString(7, s.getUnitId());
        ps.setLong(8, s.getAsOf().toEpochMilli());
        ps.executeUpdate();
      }
    }
  }

  static void recordCases(Connection c, List<StoredEvent> events) throws SQLException {
    for (StoredEvent e : events) {
      if (!"approval".equals(e.stream())) {
        continue;
      }
      JsonNode n;
      try {
        n = JSON.readTree(e.json());
      } catch (IOException ex) {
        continue;
      }
      String action = n.path("action").asText();
      String caseId = n.path("caseId").asText(null);
      if (caseId == null) {
        continue;
      }
      String column = switch (action) {
        case "RECEIVED" -> "received_at";
        case "APPROVED", "REJECTED" -> "decided_at";
        default -> null;
      };
      if (column == null) {
        continue;
      }
      // The first receipt and the first decision count; a repeat changes nothing.
      int updated;
      try (PreparedStatement ps = c.prepareStatement(
          "UPDATE approval_case SET " + column + " = ? WHERE case_id = ? AND " + column + " IS NULL")) {
        ps.setLong(1, e.eventTime().toEpochMilli());
        ps.setString(2, caseId);
        updated = ps.executeUpdate();
      }
      if (updated == 0) {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO approval_case (case_id, unit_id, item_code, "
            + column + ") SELECT ?, ?, ?, ? WHERE NOT EXISTS (SELECT 1 FROM approval_case WHERE case_id = ?)")) {
          ps.setString(1, caseId);
          ps.setString(2, e.unitId());
          ps.setString(3, n.path("itemCode").asText(""));
          ps.setLong(4, e.eventTime().toEpochMilli());
          ps.setString(5, caseId);
          ps.executeUpdate();
        }
      }
    }
  }

  /** One alert as the statistics count it. */
  public record AlertFact(String alertId, String ruleId, String reason, String unitId, String severity, String subjectId,
      Instant firstEventTime, boolean closedByRectification, boolean resolved) {}

  /** The alerts whose violation began in [from, to), of one unit or all (unitId null). */
  public List<AlertFact> alerts(Instant from, Instant to, String unitId) throws SQLException {
    return store.inTransaction(c -> {
      try (PreparedStatement ps = c.prepareStatement("SELECT alert_id, rule_id, reason, unit_id, severity, record,"
          + " first_event_time, closed_at, status FROM alert WHERE first_event_time >= ? AND first_event_time < ?"
          + (unitId == null ? "" : " AND unit_id = ?") + " ORDER BY first_event_time, alert_id")) {
        ps.setLong(1, from.toEpochMilli());
        ps.setLong(2, to.toEpochMilli());
        if (unitId != null) {
          ps.setString(3, unitId);
        }
        List<AlertFact> out = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            rs.getLong(8);
            boolean closed = !rs.wasNull();
            out.add(new AlertFact(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5),
                ConsoleStore.parseAlert(rs.getString(6)).getSubjectId(), Instant.ofEpochMilli(rs.getLong(7)), closed,
                "RESOLVED".equals(rs.getString(9))));
          }
        }
        return out;
      }
    });
  }

  public record StatusPoint(String unitId, Instant asOf, double score, String colour, String grade) {}

  /** The units' index as it was published in [from, to), oldest first. */
  public List<StatusPoint> statuses(Instant from, Instant to, String unitId) throws SQLException {
    return store.inTransaction(c -> {
      try (PreparedStatement ps = c.prepareStatement("SELECT unit_id, as_of, score, colour, grade FROM"
          + " unit_status_history WHERE as_of >= ? AND as_of < ?" + (unitId == null ? "" : " AND unit_id = ?")
          + " ORDER BY as_of, unit_id")) {
        ps.setLong(1, from.toEpochMilli());
        ps.setLong(2, to.toEpochMilli());
        if (unitId != null) {
          ps.setString(3, unitId);
        }
        List<StatusPoint> out = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            out.add(new StatusPoint(rs.getString(1), Instant.ofEpochMilli(rs.getLong(2)), rs.getDouble(3),
                rs.getString(4), rs.getString(5)));
          }
        }
        return out;
      }
    });
  }

  public record ApprovalCase(String caseId, String unitId, String itemCode, LocalDate received, LocalDate decided) {}

  /** The approval cases decided in [from, to) that the console saw received, with the days in {@code zone}. */
  public List<ApprovalCase> decidedCases(Instant from, Instant to, String unitId, ZoneId zone) throws SQLException {
    return store.inTransaction(c -> {
      try (PreparedStatement ps = c.prepareStatement("SELECT case_id, unit_id, item_code, received_at, decided_at"
          + " FROM approval_case WHERE received_at IS NOT NULL AND decided_at >= ? AND decided_at < ?"
          + (unitId == null ? "" : " AND unit_id = ?") + " ORDER BY unit_id, item_code, case_id")) {
        ps.setLong(1, from.toEpochMilli());
        ps.setLong(2, to.toEpochMilli());
        if (unitId != null) {
          ps.setString(3, unitId);
        }
        List<ApprovalCase> out = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            out.add(new ApprovalCase(rs.getString(1), rs.getString(2), rs.getString(3),
                Instant.ofEpochMilli(rs.getLong(4)).atZone(zone).toLocalDate(),
                Instant.ofEpochMilli(rs.getLong(5)).atZone(zone).toLocalDate()));
          }
        }
        return out;
      }
    });
  }
}
