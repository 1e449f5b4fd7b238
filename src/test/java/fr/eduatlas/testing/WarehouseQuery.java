package fr.eduatlas.testing;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.locationtech.jts.geom.Geometry;
import org.locationtech.jts.io.ParseException;
import org.locationtech.jts.io.WKBReader;

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

  /** The read-only connection, for code under test that takes one. */
  public Connection connection() {
    return conn;
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

  /** Geometries by key: the query returns a key and a WKB geometry ({@code ST_AsWKB(geom)}). */
  public Map<String, Geometry> geometries(String sql) throws SQLException {
    var out = new LinkedHashMap<String, Geometry>();
    var reader = new WKBReader();
    try (Statement st = conn.createStatement();
        ResultSet rs = st.executeQuery(sql)) {
      while (rs.next()) {
        try {
          out.put(rs.getString(1), reader.read(rs.getBytes(2)));
        } catch (ParseException e) {
          throw new AssertionError("unreadable WKB for " + rs.getString(1), e);
        }
      }
    }
    return out;
  }

  @Override
  public void close() throws SQLException {
    conn.close();
  }
}
