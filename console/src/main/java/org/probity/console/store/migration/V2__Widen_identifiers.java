package org.probity.console.store.migration;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import org.flywaydb.core.api.migration.BaseJavaMigration;
import org.flywaydb.core.api.migration.Context;

/**
 * Identifier columns an early console created narrower (alert_id 100 characters, event and unit ids
 * 200) are widened to 256; on a store made at version 1 or later this changes nothing.
 */
public class V2__Widen_identifiers extends BaseJavaMigration {
  private static final int ID_CHARS = org.probity.console.store.ConsoleStore.ID_CHARS;
  private static final List<String[]> COLUMNS = List.of(
      new String[] {"alert", "alert_id"}, new String[] {"alert", "rule_id"}, new String[] {"alert", "reason"},
      new String[] {"alert", "unit_id"}, new String[] {"alert", "ack_user"}, new String[] {"alert", "ack_name"},
      new String[] {"alert_step", "alert_id"}, new String[] {"acknowledgement", "alert_id"},
      new String[] {"acknowledgement", "username"}, new String[] {"acknowledgement", "display_name"},
      new String[] {"evidence_event", "event_id"}, new String[] {"evidence_event", "unit_id"},
      new String[] {"evidence_ref", "event_id"}, new String[] {"evidence_ref", "alert_id"});

  @Override
  public void migrate(Context context) throws Exception {
    Connection c = context.getConnection();
    for (String[] column : COLUMNS) {
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
          s.execute("ALTER TABLE " + column[0] + " ALTER COLUMN " + column[1] + " SET DATA TYPE VARCHAR(" + ID_CHARS + ")");
        }
      }
    }
  }
}
