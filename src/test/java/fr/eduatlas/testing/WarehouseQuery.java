package fr.eduatlas.testing;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

/** Read-only SQL on a warehouse file, for assertions. */
public final class WarehouseQuery implements AutoCloseable {
  private final Connection conn;

  private WarehouseQuery(Connection conn) {
    this.conn = conn;
  }

  public static WarehouseQuery open(Path file) throws SQLException {
    var props = new Properties();
    props.setProperty("duckdb.read_only", "true");
    return new WarehouseQuery(DriverManager.getConnection("jdbc:duckdb:" + file, props));
  }

  public String string(String sql) throws SQLException {
    List<String> all = strings(sql);
    if (all.size() != 1) {
      throw new AssertionError("expected one row from " + sql + ", got " + all.size());
    }
    return all.get(0);
  }

  public List<String> strings(String sql) throws SQLException {
    var out = new ArrayList<String>();
    try (Statement st = conn.createStatement();
        ResultSet rs = st.executeQuery(sql)) {
      while (rs.next()) {
        out.add(rs.getString(1));
      }
    }
    return out;
  }

  public long count(String sql) throws SQLException {
    return Long.parseLong(string(sql));
  }

  public double dbl(String sql) throws SQLException {
    return Double.parseDouble(string(sql));
  }

  @Override
  public void close() throws SQLException {
    conn.close();
  }
}
