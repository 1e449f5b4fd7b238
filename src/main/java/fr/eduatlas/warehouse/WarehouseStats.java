package fr.eduatlas.warehouse;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.Map;

/** Read-only queries on what a warehouse holds: its build metadata and counts. */
public final class WarehouseStats {
  private WarehouseStats() {}

  /** Key/value metadata of the build (checksum, data version, build time). */
  public static Map<String, String> meta(Connection c) throws SQLException {
    var out = new LinkedHashMap<String, String>();
    try (Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT key, value FROM ingest_meta ORDER BY key")) {
      while (rs.next()) {
        out.put(rs.getString(1), rs.getString(2));
      }
    }
    return out;
  }

  /** Territories per level, schools per type, quarantined rows. */
  public static Map<String, Object> counts(Connection c) throws SQLException {
    var out = new LinkedHashMap<String, Object>();
    var levels = new LinkedHashMap<String, Long>();
    try (Statement st = c.createStatement();
        ResultSet rs =
            st.executeQuery(
                "SELECT level, count(*) FROM territory GROUP BY level ORDER BY CASE level"
                    + " WHEN 'commune' THEN 1 WHEN 'epci' THEN 2 WHEN 'departement' THEN 3"
                    + " WHEN 'academie' THEN 4 WHEN 'region' THEN 5 ELSE 6 END")) {
      while (rs.next()) {
        levels.put(rs.getString(1), rs.getLong(2));
      }
    }
    out.put("territories", levels);
    var schools = new LinkedHashMap<String, Long>();
    try (Statement st = c.createStatement();
        ResultSet rs =
            st.executeQuery("SELECT type, count(*) FROM school GROUP BY type ORDER BY type")) {
      while (rs.next()) {
        schools.put(rs.getString(1), rs.getLong(2));
      }
    }
    out.put("schools", schools);
    try (Statement st = c.createStatement();
        ResultSet rs =
            st.executeQuery(
                "SELECT count(*) FILTER (WHERE row_rejected), count(*) FILTER (WHERE NOT"
                    + " row_rejected) FROM quarantine")) {
      rs.next();
      out.put("quarantinedRows", rs.getLong(1));
      out.put("warnings", rs.getLong(2));
    }
    return out;
  }
}
