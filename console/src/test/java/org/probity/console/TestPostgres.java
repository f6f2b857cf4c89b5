package org.probity.console;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;

/** One PostgreSQL server shared by the test classes of this JVM, started on first use. */
public final class TestPostgres {
  private static PostgresServer server;
  private static int users;

  private TestPostgres() {}

  public static synchronized void acquire() throws Exception {
    if (server == null) {
      server = PostgresServer.start();
    }
    users++;
  }

  public static synchronized void release() throws Exception {
    if (--users == 0) {
      server.close();
      server = null;
    }
  }

  static synchronized PostgresServer get() {
    return server;
  }

  public static String user() {
    return get().user();
  }

  /** A new empty database on the shared server; its JDBC URL. */
  public static String newDatabase(String name) throws Exception {
    String base = get().jdbcUrl();
    try (Connection c = DriverManager.getConnection(base, get().user(), "");
        Statement s = c.createStatement()) {
      s.execute("CREATE DATABASE " + name);
    }
    return base.substring(0, base.lastIndexOf('/') + 1) + name;
  }
}
