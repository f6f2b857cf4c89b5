package org.probity.console.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The warning-and-correction ladder (预警纠错, seed 003) to its end, in the store: an issued
 * 预警告知书 opens a rectification for each problem it lists, with a due date in working days; the
 * unit's written feedback is recorded and the centre accepts it (the problem is closed) or sends it
 * back; a problem past its due date escalates, and a red card still open then is listed on a
 * 监察建议书. Every step is one transaction with its audit-trail entry.
 */
public final class Rectifications {
  /** 预警告知书, or the 监察建议书 that follows a red card left unrectified. */
  public enum Kind { WARNING, SUPERVISION }

  /** AWAITING the unit's report, its FEEDBACK awaiting a decision, RETURNED to the unit, ACCEPTED (closed). */
  public enum State { AWAITING, FEEDBACK, RETURNED, ACCEPTED }

  /** Who acts: an operator's username and name, or the console itself. */
  public record Operator(String username, String displayName) {}

  public static final Operator CONSOLE = new Operator("system", "监察台");

  public record Notice(long id, Kind kind, int year, int serial, String unitId, Instant issuedAt, LocalDate issuedDay,
      LocalDate dueDay, Integer workingDays, String issuedBy, String issuedName) {}

  public record Feedback(long seq, String submittedBy, Instant receivedAt, String body, String attachment,
      String recordedBy, String decision, Instant decidedAt, String decidedBy, String decisionNote) {}

  /** One problem of a notice and how far its rectification went. */
  public record Item(long noticeId, int itemNo, StoredAlert alert, LocalDate dueDay, State state, Instant escalatedAt,
      Long supervisionId, Instant closedAt, List<Feedback> feedback) {
    /** Past its due date (the end of that working day) and still open. */
    public boolean overdue(LocalDate today) {
      return alert.open() && state != State.ACCEPTED && today.isAfter(dueDay);
    }
  }

  public record Issued(Notice notice, List<Item> items) {
    public long open() {
      return items.stream().filter(i -> i.alert().open()).count();
    }
  }

  /** An action the rectification's state does not allow (answered 409 with the message). */
  public static final class Refused extends Exception {
    public Refused(String message) {
      super(message, null, false, false);
    }
  }

  private final ConsoleStore store;

  public Rectifications(ConsoleStore store) {
    this.store = store;
  }

  private static final String ITEM_COLUMNS = ConsoleStore.ALERT_COLUMNS.replaceAll("(^|, )(\\w)", "$1a.$2")
      + ", r.notice_id, r.item_no, r.due_day, r.state, r.escalated_at, r.supervision_id, r.closed_at";

  /**
   * Issues the unit's 预警告知书: it lists every open problem not already being rectified, each due
   * {@code workingDays} working days after {@code today} ({@code due}). Empty when there is none.
   */
  public Optional<Issued> issue(String unitId, Operator who, Instant now, LocalDate today, LocalDate due,
      int workingDays) throws SQLException {
    Optional<Long> id = store.inTransaction(c -> {
      List<String> problems = new ArrayList<>();
      try (PreparedStatement ps = c.prepareStatement("SELECT alert_id FROM alert WHERE unit_id = ? AND "
          + ConsoleStore.OPEN + " AND NOT EXISTS (SELECT 1 FROM rectification r WHERE r.alert_id = alert.alert_id"
          + " AND r.state <> 'ACCEPTED') ORDER BY first_event_time, alert_id")) {
        ps.setString(1, unitId);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            problems.add(rs.getString(1));
          }
        }
      }
      if (problems.isEmpty()) {
        return Optional.empty();
      }
      long noticeId = insertNotice(c, Kind.WARNING, unitId, now, today, due, workingDays, who);
      try (PreparedStatement ps = c.prepareStatement("INSERT INTO rectification (notice_id, alert_id, unit_id,"
          + " item_no, due_day, state) VALUES (?, ?, ?, ?, ?, 'AWAITING')")) {
        int n = 0;
        for (String alertId : problems) {
          ps.setLong(1, noticeId);
          ps.setString(2, alertId);
          ps.setString(3, unitId);
          ps.setInt(4, ++n);
          ps.setLong(5, due.toEpochDay());
          ps.addBatch();
        }
        ps.executeBatch();
      }
      store.audit(c, now, who.username(), who.displayName(), "ISSUE_NOTICE", "notice " + noticeId,
          unitId + ": " + problems.size() + " problem(s), due " + due);
      return Optional.of(noticeId);
    });
    return id.isEmpty() ? Optional.empty() : notice(id.get());
  }

  private long insertNotice(Connection c, Kind kind, String unitId, Instant now, LocalDate today, LocalDate due,
      Integer workingDays, Operator who) throws SQLException {
    long noticeId = store.noticeSeq.incrementAndGet();
    int serial;
    try (PreparedStatement ps = c.prepareStatement(
        "SELECT COALESCE(MAX(serial_no), 0) + 1 FROM notice WHERE kind = ? AND issue_year = ?")) {
      ps.setString(1, kind.name());
      ps.setInt(2, today.getYear());
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        serial = rs.getInt(1);
      }
    }
    try (PreparedStatement ps = c.prepareStatement("INSERT INTO notice (notice_id, kind, issue_year, serial_no,"
        + " unit_id, issued_at, issued_day, due_day, working_days, issued_by, issued_name)"
        + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
      ps.setLong(1, noticeId);
      ps.setString(2, kind.name());
      ps.setInt(3, today.getYear());
      ps.setInt(4, serial);
      ps.setString(5, unitId);
      ps.setLong(6, now.toEpochMilli());
      ps.setLong(7, today.toEpochDay());
      if (due == null) {
        ps.setNull(8, java.sql.Types.INTEGER);
        ps.setNull(9, java.sql.Types.INTEGER);
      } else {
        ps.setLong(8, due.toEpochDay());
        ps.setInt(9, workingDays);
      }
      ps.setString(10, who.username());
      ps.setString(11, who.displayName());
      ps.executeUpdate();
    }
    return noticeId;
  }

  /** The unit's written report on one problem: who sent it, its text and the name of its attachment. */
  public Item feedback(long noticeId, String alertId, String submittedBy, String body, String attachment,
      Operator who, Instant now) throws SQLException, Refused {
    return act(noticeId, alertId, (c, item) -> {
      if (item.state() != State.AWAITING && item.state() != State.RETURNED) {
        throw new Refused("problem " + item.itemNo() + " is " + item.state().name().toLowerCase()
            + ": feedback is recorded while the unit is rectifying it");
      }
      try (PreparedStatement ps = c.prepareStatement("INSERT INTO feedback (seq, notice_id, alert_id, submitted_by,"
          + " received_at, body, attachment, recorded_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?)")) {
        ps.setLong(1, store.feedbackSeq.incrementAndGet());
        ps.setLong(2, noticeId);
        ps.setString(3, alertId);
        ps.setString(4, submittedBy);
        ps.setLong(5, now.toEpochMilli());
        ps.setString(6, body);
        ConsoleStore.setNullableString(ps, 7, attachment);
        ps.setString(8, who.username());
        ps.executeUpdate();
      }
      setState(c, noticeId, alertId, State.FEEDBACK, null);
      store.audit(c, now, who.username(), who.displayName(), "RECORD_FEEDBACK", target(noticeId, alertId),
          submittedBy + ": " + body + (attachment == null || attachment.isBlank() ? "" : " [" + attachment + "]"));
    });
  }

  /** Accepts the unit's report (the problem is closed) or sends it back to be done again. */
  public Item decide(long noticeId, String alertId, boolean accept, String note, Operator who, Instant now)
      throws SQLException, Refused {
    return act(noticeId, alertId, (c, item) -> {
      if (item.state() != State.FEEDBACK) {
        throw new Refused("problem " + item.itemNo() + " has no feedback awaiting a decision");
      }
      try (PreparedStatement ps = c.prepareStatement("UPDATE feedback SET decision = ?, decided_at = ?, decided_by = ?,"
          + " decision_note = ? WHERE seq = (SELECT MAX(seq) FROM feedback WHERE notice_id = ? AND alert_id = ?)")) {
        ps.setString(1, accept ? "ACCEPTED" : "RETURNED");
        ps.setLong(2, now.toEpochMilli());
        ps.setString(3, who.username());
        ConsoleStore.setNullableString(ps, 4, note);
        ps.setLong(5, noticeId);
        ps.setString(6, alertId);
        ps.executeUpdate();
      }
      setState(c, noticeId, alertId, accept ? State.ACCEPTED : State.RETURNED, accept ? now : null);
      if (accept) {
        try (PreparedStatement ps = c.prepareStatement(
            "UPDATE alert SET closed_at = ?, closed_by = ?, version = ? WHERE alert_id = ?")) {
          ps.setLong(1, now.toEpochMilli());
          ps.setString(2, who.username());
          ps.setLong(3, store.nextVersion());
          ps.setString(4, alertId);
          ps.executeUpdate();
        }
      }
      store.audit(c, now, who.username(), who.displayName(), accept ? "ACCEPT_RECTIFICATION" : "RETURN_RECTIFICATION",
          target(noticeId, alertId), note);
    });
  }

  private static String target(long noticeId, String alertId) {
    return "notice " + noticeId + " / " + alertId;
  }

  @FunctionalInterface
  private interface Step {
    void run(Connection c, Item item) throws SQLException, Refused;
  }

  private Item act(long noticeId, String alertId, Step step) throws SQLException, Refused {
    Refused[] refused = new Refused[1];
    Item after = store.inTransaction(c -> {
      List<Item> items = items(c, "r.notice_id = ? AND r.alert_id = ?", noticeId, alertId);
      if (items.isEmpty()) {
        refused[0] = new Refused("notice " + noticeId + " lists no problem " + alertId);
        return null;
      }
      Item item = items.get(0);
      if (!item.alert().open() && item.state() != State.ACCEPTED) {
        refused[0] = new Refused("problem " + item.itemNo() + " was resolved by its rule: nothing to rectify");
        return null;
      }
      try {
        step.run(c, item);
      } catch (Refused r) {
        refused[0] = r;
        return null;
      }
      return items(c, "r.notice_id = ? AND r.alert_id = ?", noticeId, alertId).get(0);
    });
    if (refused[0] != null) {
      throw refused[0];
    }
    return after;
  }

  private static void setState(Connection c, long noticeId, String alertId, State state, Instant closedAt)
      throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(
        "UPDATE rectification SET state = ?, closed_at = ? WHERE notice_id = ? AND alert_id = ?")) {
      ps.setString(1, state.name());
      if (closedAt == null) {
        ps.setNull(2, java.sql.Types.BIGINT);
      } else {
        ps.setLong(2, closedAt.toEpochMilli());
      }
      ps.setLong(3, noticeId);
      ps.setString(4, alertId);
      ps.executeUpdate();
    }
  }

  /**
   * Escalates every problem still open after its due date, and lists each unit's red cards among
   * them on a new 监察建议书; returns the units whose rectifications changed. Run by the console
   * once a minute and before it shows rectifications, so a due date passing is seen at once.
   */
  public List<String> escalate(LocalDate today, Instant now) throws SQLException {
    return store.inTransaction(c -> {
      List<String> units = new ArrayList<>();
      List<String[]> late = new ArrayList<>();
      try (PreparedStatement ps = c.prepareStatement("SELECT r.notice_id, r.alert_id, r.unit_id, r.due_day"
          + " FROM rectification r JOIN alert a ON a.alert_id = r.alert_id WHERE r.state <> 'ACCEPTED'"
          + " AND r.escalated_at IS NULL AND r.due_day < ? AND a." + ConsoleStore.OPEN.replace(" AND ", " AND a.")
          + " ORDER BY r.notice_id, r.item_no")) {
        ps.setLong(1, today.toEpochDay());
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            late.add(new String[] {rs.getString(1), rs.getString(2), rs.getString(3),
                LocalDate.ofEpochDay(rs.getLong(4)).toString()});
          }
        }
      }
      for (String[] r : late) {
        try (PreparedStatement ps = c.prepareStatement(
            "UPDATE rectification SET escalated_at = ? WHERE notice_id = ? AND alert_id = ?")) {
          ps.setLong(1, now.toEpochMilli());
          ps.setLong(2, Long.parseLong(r[0]));
          ps.setString(3, r[1]);
          ps.executeUpdate();
        }
        store.audit(c, now, CONSOLE.username(), CONSOLE.displayName(), "ESCALATE",
            target(Long.parseLong(r[0]), r[1]), "not rectified by " + r[3]);
        if (!units.contains(r[2])) {
          units.add(r[2]);
        }
      }
      Map<String, List<String[]>> red = new LinkedHashMap<>();
      try (PreparedStatement ps = c.prepareStatement("SELECT r.unit_id, r.notice_id, r.alert_id FROM rectification r"
          + " JOIN alert a ON a.alert_id = r.alert_id WHERE r.escalated_at IS NOT NULL AND r.supervision_id IS NULL"
          + " AND r.state <> 'ACCEPTED' AND a.severity = 'RED' AND a." + ConsoleStore.OPEN.replace(" AND ", " AND a.")
          + " ORDER BY r.unit_id, r.notice_id, r.item_no")) {
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            red.computeIfAbsent(rs.getString(1), u -> new ArrayList<>()).add(new String[] {rs.getString(2),
                rs.getString(3)});
          }
        }
      }
      for (Map.Entry<String, List<String[]>> e : red.entrySet()) {
        LocalDate day = today;
        long id = insertNotice(c, Kind.SUPERVISION, e.getKey(), now, day, null, null, CONSOLE);
        for (String[] r : e.getValue()) {
          try (PreparedStatement ps = c.prepareStatement(
              "UPDATE rectification SET supervision_id = ? WHERE notice_id = ? AND alert_id = ?")) {
            ps.setLong(1, id);
            ps.setLong(2, Long.parseLong(r[0]));
            ps.setString(3, r[1]);
            ps.executeUpdate();
          }
        }
        store.audit(c, now, CONSOLE.username(), CONSOLE.displayName(), "ISSUE_SUPERVISION", "notice " + id,
            e.getKey() + ": " + e.getValue().size() + " red card(s) not rectified in time");
        if (!units.contains(e.getKey())) {
          units.add(e.getKey());
        }
      }
      return units;
    });
  }

  // ---------------------------------------------------------------- reads

  public Optional<Issued> notice(long id) throws SQLException {
    return store.inTransaction(c -> {
      List<Notice> n = notices(c, "notice_id = ?", id);
      return n.isEmpty() ? Optional.empty() : Optional.of(withItems(c, n.get(0)));
    });
  }

  /** The unit's notices and recommendations, newest first, with their problems. */
  public List<Issued> notices(String unitId) throws SQLException {
    return store.inTransaction(c -> {
      List<Issued> out = new ArrayList<>();
      for (Notice n : notices(c, "unit_id = ?", unitId)) {
        out.add(withItems(c, n));
      }
      return out;
    });
  }

  /** The alert's latest rectification, if a notice listed it. */
  public Optional<Item> current(String alertId) throws SQLException {
    return store.inTransaction(c -> {
      List<Item> items = items(c, "r.alert_id = ? ORDER BY r.notice_id DESC", alertId);
      return items.isEmpty() ? Optional.empty() : Optional.of(items.get(0));
    });
  }

  /** Every rectification opened by a warning notice issued in [fromDay, toDay), for the statistics. */
  public List<Item> issuedBetween(LocalDate from, LocalDate to, String unitId) throws SQLException {
    return store.inTransaction(c -> {
      String where = "r.notice_id IN (SELECT notice_id FROM notice WHERE issued_day >= ? AND issued_day < ?)"
          + (unitId == null ? "" : " AND r.unit_id = ?");
      return unitId == null ? items(c, where, from.toEpochDay(), to.toEpochDay())
          : items(c, where, from.toEpochDay(), to.toEpochDay(), unitId);
    });
  }

  private Issued withItems(Connection c, Notice n) throws SQLException {
    List<Item> items = n.kind() == Kind.WARNING ? items(c, "r.notice_id = ? ORDER BY r.item_no", n.id())
        : items(c, "r.supervision_id = ? ORDER BY r.notice_id, r.item_no", n.id());
    return new Issued(n, items);
  }

  private static List<Notice> notices(Connection c, String where, Object arg) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT notice_id, kind, issue_year, serial_no, unit_id, issued_at,"
        + " issued_day, due_day, working_days, issued_by, issued_name FROM notice WHERE " + where
        + " ORDER BY notice_id DESC")) {
      ps.setObject(1, arg);
      List<Notice> out = new ArrayList<>();
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          long due = rs.getLong(8);
          LocalDate dueDay = rs.wasNull() ? null : LocalDate.ofEpochDay(due);
          int days = rs.getInt(9);
          Integer workingDays = rs.wasNull() ? null : days;
          out.add(new Notice(rs.getLong(1), Kind.valueOf(rs.getString(2)), rs.getInt(3), rs.getInt(4),
              rs.getString(5), Instant.ofEpochMilli(rs.getLong(6)), LocalDate.ofEpochDay(rs.getLong(7)), dueDay,
              workingDays, rs.getString(10), rs.getString(11)));
        }
      }
      return out;
    }
  }

  private static List<Item> items(Connection c, String where, Object... args) throws SQLException {
    List<Item> out = new ArrayList<>();
    try (PreparedStatement ps = c.prepareStatement("SELECT " + ITEM_COLUMNS
        + " FROM rectification r JOIN alert a ON a.alert_id = r.alert_id WHERE " + where)) {
      for (int i = 0; i < args.length; i++) {
        ps.setObject(i + 1, args[i]);
      }
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          StoredAlert alert = ConsoleStore.readAlert(rs);
          long escalated = rs.getLong(17);
          Instant escalatedAt = rs.wasNull() ? null : Instant.ofEpochMilli(escalated);
          long supervision = rs.getLong(18);
          Long supervisionId = rs.wasNull() ? null : supervision;
          long closed = rs.getLong(19);
          Instant closedAt = rs.wasNull() ? null : Instant.ofEpochMilli(closed);
          out.add(new Item(rs.getLong(13), rs.getInt(14), alert, LocalDate.ofEpochDay(rs.getLong(15)),
              State.valueOf(rs.getString(16)), escalatedAt, supervisionId, closedAt, List.of()));
        }
      }
    }
    List<Item> withFeedback = new ArrayList<>();
    try (PreparedStatement ps = c.prepareStatement("SELECT seq, submitted_by, received_at, body, attachment,"
        + " recorded_by, decision, decided_at, decided_by, decision_note FROM feedback WHERE notice_id = ?"
        + " AND alert_id = ? ORDER BY seq")) {
      for (Item item : out) {
        ps.setLong(1, item.noticeId());
        ps.setString(2, item.alert().alert().getAlertId());
        List<Feedback> feedback = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            long decided = rs.getLong(8);
            Instant decidedAt = rs.wasNull() ? null : Instant.ofEpochMilli(decided);
            feedback.add(new Feedback(rs.getLong(1), rs.getString(2), Instant.ofEpochMilli(rs.getLong(3)),
                rs.getString(4), rs.getString(5), rs.getString(6), rs.getString(7), decidedAt, rs.getString(9),
                rs.getString(10)));
          }
        }
        withFeedback.add(new Item(item.noticeId(), item.itemNo(), item.alert(), item.dueDay(), item.state(),
            item.escalatedAt(), item.supervisionId(), item.closedAt(), List.copyOf(feedback)));
      }
    }
    return withFeedback;
  }
}
