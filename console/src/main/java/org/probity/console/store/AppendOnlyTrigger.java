package org.probity.console.store;

import java.sql.Connection;
import java.sql.SQLException;
import org.h2.api.Trigger;

/** H2's side of the audit trail's append-only rule (PostgreSQL's is a PL/pgSQL trigger). */
public final class AppendOnlyTrigger implements Trigger {
  @Override
  public void fire(Connection conn, Object[] oldRow, Object[] newRow) throws SQLException {
    throw new SQLException("audit_log is append-only");
  }
}
