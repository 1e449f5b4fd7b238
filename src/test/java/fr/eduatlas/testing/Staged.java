package fr.eduatlas.testing;

import fr.eduatlas.source.SourceEntry;
import fr.eduatlas.source.SourceReader;
import fr.eduatlas.warehouse.WarehouseBuild;
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

/**
 * Runs one reader over one file into a real DuckDB warehouse file, and reads back what it staged:
 * reader tests go through the same sink, appenders and quarantine table as the ingest.
 */
public final class Staged implements AutoCloseable {
  public static final String SOURCE_ID = "fixture";

  public final long read;
  public final long loaded;
  public final long quarantined;
  public final long warnings;
  private final Connection conn;

  private Staged(long read, long loaded, long quarantined, long warnings, Connection conn) {
    this.read = read;
    this.loaded = loaded;
    this.quarantined = quarantined;
    this.warnings = warnings;
    this.conn = conn;
  }

  public static Staged run(SourceReader reader, Path file, Path workDir) throws Exception {
    var entry =
        new SourceEntry(
            SOURCE_ID,
            "Fixture",
            "tests",
            "https://example.invalid",
            "Licence Ouverte 2.0",
            "test",
            null,
            file.getFileName().toString(),
            "unused",
            null);
    Path wh = workDir.resolve("staged.duckdb");
    long[] counts;
    try (var build = WarehouseBuild.begin(wh)) {
      var w = build.stage(entry, reader.tables());
      reader.read(file, w);
      w.close();
      counts = new long[] {w.read(), w.loaded(), w.quarantined(), w.warnings()};
      build.commit();
    }
    var props = new Properties();
    props.setProperty("duckdb.read_only", "true");
    Connection c = DriverManager.getConnection("jdbc:duckdb:" + wh, props);
    return new Staged(counts[0], counts[1], counts[2], counts[3], c);
  }

  /** Rows of a query as maps, column name to value. */
  public List<Map<String, Object>> rows(String sql) throws SQLException {
    var out = new ArrayList<Map<String, Object>>();
    try (Statement st = conn.createStatement();
        ResultSet rs = st.executeQuery(sql)) {
      int n = rs.getMetaData().getColumnCount();
      while (rs.next()) {
        var row = new LinkedHashMap<String, Object>();
        for (int i = 1; i <= n; i++) {
          row.put(rs.getMetaData().getColumnName(i), rs.getObject(i));
        }
        out.add(row);
      }
    }
    return out;
  }

  /** The primary staging table's rows, by line. */
  public List<Map<String, Object>> loadedRows() throws SQLException {
    return rows("SELECT * FROM src_" + SOURCE_ID + " ORDER BY _line");
  }

  /** The quarantine entries, by line. */
  public List<Map<String, Object>> quarantine() throws SQLException {
    return rows("SELECT line, field, reason, raw, row_rejected FROM quarantine ORDER BY line");
  }

  @Override
  public void close() throws SQLException {
    conn.close();
  }
}
