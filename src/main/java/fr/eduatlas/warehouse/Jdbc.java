package fr.eduatlas.warehouse;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;

/** The two statement shapes the model stages run: plain DDL, and DML with bound values. */
final class Jdbc {
  /**
   * With {@code -Deduatlas.sql.trace=true}, every statement taking half a second or more is printed
   * to stderr with its time: how the benchmarks' stage times were broken down. {@code
   * -Deduatlas.sql.trace.min=0.1} lowers the threshold (seconds).
   */
  private static final boolean TRACE = Boolean.getBoolean("eduatlas.sql.trace");

  private static final double TRACE_MIN =
      TRACE ? Double.parseDouble(System.getProperty("eduatlas.sql.trace.min", "0.5")) : 0;

  private Jdbc() {}

  static void exec(Connection conn, String sql) throws SQLException {
    long t0 = System.nanoTime();
    try (Statement st = conn.createStatement()) {
      st.execute(sql);
    }
    trace(t0, sql);
  }

  static void trace(long startNanos, String sql) {
    double s = (System.nanoTime() - startNanos) / 1e9;
    if (TRACE && s >= TRACE_MIN) {
      System.err.printf(
          java.util.Locale.ROOT,
          "sql %6.2f s  %s%n",
          s,
          sql.substring(0, Math.min(sql.length(), 160)).replace('\n', ' '));
    }
  }

  /** Runs {@code sql} with every value bound; returns the rows it changed. */
  static long update(Connection conn, String sql, Object... params) throws SQLException {
    try (PreparedStatement ps = conn.prepareStatement(sql)) {
      for (int i = 0; i < params.length; i++) {
        ps.setObject(i + 1, params[i]);
      }
      long t0 = System.nanoTime();
      long n = ps.executeUpdate();
      trace(t0, sql);
      return n;
    }
  }

  /** The rows of {@code table} (a name the code gives, quoted here). */
  static long count(Connection conn, String table) throws SQLException {
    try (Statement st = conn.createStatement();
        java.sql.ResultSet rs =
            st.executeQuery("SELECT count(*) FROM " + Identifiers.table(table))) {
      rs.next();
      return rs.getLong(1);
    }
  }

  /** Runs {@code sql} with every value bound, handing each row to {@code row}. */
  static void query(Connection conn, String sql, WarehouseBuild.RowConsumer row, Object... params)
      throws SQLException {
    try (PreparedStatement ps = conn.prepareStatement(sql)) {
      for (int i = 0; i < params.length; i++) {
        ps.setObject(i + 1, params[i]);
      }
      long t0 = System.nanoTime();
      try (java.sql.ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          row.accept(rs);
        }
      }
      trace(t0, sql);
    }
  }
}
