package org.probity.console.store.previous;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A few JDBC connections reused across requests. A connection that went bad (the database
 * restarted) is replaced on its next borrow, so the console recovers without a restart.
 */
final class ConnectionPool implements AutoCloseable {
  private final String url;
  private final String user;
  private final String password;
  private final BlockingQueue<Connection> idle;
  private final List<Connection> all = new ArrayList<>();
  private boolean closed;

  ConnectionPool(String url, String user, String password, int size) throws SQLException {
    this.url = url;
    this.user = user;
    this.password = password;
    this.idle = new ArrayBlockingQueue<>(size);
    for (int i = 0; i < size; i++) {
      Connection c = open();
      all.add(c);
      idle.add(c);
    }
  }

  private Connection open() throws SQLException {
    Connection c = DriverManager.getConnection(url, user, password);
    c.setAutoCommit(false);
    return c;
  }

  /** A healthy connection, to be given back with {@link #release}; waits while all are busy. */
  Connection borrow() throws SQLException {
    Connection c;
    try {
      c = idle.poll(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new SQLException("interrupted while waiting for a store connection");
    }
    if (c == null) {
      throw new SQLException("no store connection free for 30 s");
    }
    try {
      if (!c.isValid(5)) {
        Connection fresh = open();
        synchronized (this) {
          all.remove(c);
          all.add(fresh);
        }
        closeQuietly(c);
        c = fresh;
      }
      return c;
    } catch (SQLException e) {
      idle.add(c);
      throw e;
    }
  }

  void release(Connection c) {
    try {
      if (!c.getAutoCommit()) {
        c.rollback();
      }
    } catch (SQLException e) {
      // a broken connection: isValid() replaces it on the next borrow
    }
    idle.add(c);
  }

  private static void closeQuietly(Connection c) {
    try {
      c.close();
    } catch (SQLException e) {
      // already unusable
    }
  }

  @Override
  public synchronized void close() {
    if (!closed) {
      closed = true;
      all.forEach(ConnectionPool::closeQuietly);
    }
  }
}
