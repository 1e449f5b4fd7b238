package fr.eduatlas.warehouse;

import fr.eduatlas.source.Column;
import fr.eduatlas.source.RowSink;
import fr.eduatlas.source.SourceEntry;
import fr.eduatlas.source.TableSpec;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.duckdb.DuckDBAppender;
import org.duckdb.DuckDBConnection;

/**
 * The sink one source's reader writes into: its staging tables ({@code src_<id>...}, each with the
 * row's {@code _line}) and the shared {@code quarantine} table, through DuckDB appenders. It counts
 * what it is given, so that the report can show that every row read was loaded or quarantined.
 */
public final class StagingWriter implements RowSink, AutoCloseable {
  private final DuckDBConnection conn;
  private final SourceEntry source;
  private final List<TableSpec> specs;
  private final List<DuckDBAppender> appenders = new ArrayList<>();
  private final DuckDBAppender quarantine;
  private long lastLine = -1;
  private String currentFile;
  private long read;
  private long loaded;
  private long quarantined;
  private long warnings;

  /**
   * @param temp null to create the staging tables in the warehouse; else append to existing
   *     temporary tables (the bulk loader's, for the rows it hands back to the reader)
   */
  StagingWriter(DuckDBConnection conn, SourceEntry source, List<TableSpec> specs, String temp)
      throws SQLException {
    this.conn = conn;
    this.source = source;
    this.specs = List.copyOf(specs);
    if (temp == null) {
      try (Statement st = conn.createStatement()) {
        for (TableSpec spec : specs) {
          st.execute(Sql.createStagingTable(spec.tableName(source.tablePrefix()), spec));
        }
      }
    }
    for (TableSpec spec : specs) {
      appenders.add(
          temp == null
              ? conn.createAppender(
                  DuckDBConnection.DEFAULT_SCHEMA, spec.tableName(source.tablePrefix()))
              : conn.createAppender(
                  temp, DuckDBConnection.DEFAULT_SCHEMA, spec.tableName(source.tablePrefix())));
    }
    this.quarantine = conn.createAppender(DuckDBConnection.DEFAULT_SCHEMA, "quarantine");
  }

  @Override
  public void load(long line, Object... values) {
    read++;
    loaded++;
    lastLine = line;
    append(0, line, values);
  }

  @Override
  public void file(String relative) {
    this.currentFile = relative;
  }

  @Override
  public void attach(int table, Object... values) {
    if (table < 1 || table >= specs.size()) {
      throw new IllegalArgumentException(source.id() + ": no secondary table " + table);
    }
    if (lastLine < 0) {
      throw new IllegalStateException(source.id() + ": attach() before any load()");
    }
    append(table, lastLine, values);
  }

  @Override
  public void quarantine(long line, String field, String reason, String raw) {
    read++;
    quarantined++;
    writeQuarantine(line, field, reason, raw, true);
  }

  @Override
  public void warn(long line, String field, String reason, String raw) {
    warnings++;
    writeQuarantine(line, field, reason, raw, false);
  }

  private void writeQuarantine(
      long line, String field, String reason, String raw, boolean rejected) {
    try {
      quarantine.beginRow();
      quarantine.append(source.id());
      quarantine.append(currentFile == null ? source.path() : source.path() + "/" + currentFile);
      quarantine.append(line);
      appendNullable(quarantine, field);
      quarantine.append(reason);
      appendNullable(quarantine, raw);
      quarantine.append(rejected);
      quarantine.append("read");
      quarantine.endRow();
    } catch (SQLException e) {
      throw new WarehouseException("cannot write to the quarantine table", e);
    }
  }

  private void append(int table, long line, Object[] values) {
    List<Column> cols = specs.get(table).columns();
    if (values.length != cols.size()) {
      throw new IllegalArgumentException(
          source.id()
              + ": "
              + values.length
              + " values for "
              + cols.size()
              + " columns of "
              + specs.get(table).tableName(source.tablePrefix()));
    }
    DuckDBAppender a = appenders.get(table);
    try {
      a.beginRow();
      a.append(line);
      for (int i = 0; i < values.length; i++) {
        Object v = values[i];
        Column c = cols.get(i);
        if (v == null) {
          a.appendNull();
        } else if (!c.type().javaType().isInstance(v)) {
          throw new IllegalArgumentException(
              source.id()
                  + ": column "
                  + c.name()
                  + " wants "
                  + c.type()
                  + ", got "
                  + v.getClass());
        } else {
          switch (c.type()) {
            case VARCHAR -> a.append((String) v);
            case INTEGER -> a.append((Integer) v);
            case BIGINT -> a.append((Long) v);
            case DOUBLE -> a.append((Double) v);
            case BOOLEAN -> a.append((Boolean) v);
            case BLOB -> a.append((byte[]) v);
          }
        }
      }
      a.endRow();
    } catch (SQLException e) {
      throw new WarehouseException("cannot stage a row of " + source.id(), e);
    }
  }

  private static void appendNullable(DuckDBAppender a, String v) throws SQLException {
    if (v == null) {
      a.appendNull();
    } else {
      a.append(v);
    }
  }

  /** Flushes and closes the appenders; the staged rows are then visible to SQL. */
  @Override
  public void close() {
    try {
      for (DuckDBAppender a : appenders) {
        a.close();
      }
      quarantine.close();
    } catch (SQLException e) {
      throw new WarehouseException("cannot flush the staging of " + source.id(), e);
    }
  }

  /** Closes and removes everything staged for this source, after its reader failed. */
  public void discard() {
    close();
    try (Statement st = conn.createStatement()) {
      for (TableSpec spec : specs) {
        st.execute("DELETE FROM " + spec.tableName(source.tablePrefix()));
      }
    } catch (SQLException e) {
      throw new WarehouseException("cannot discard the staging of " + source.id(), e);
    }
    try (var ps = conn.prepareStatement("DELETE FROM quarantine WHERE source_id = ?")) {
      ps.setString(1, source.id());
      ps.executeUpdate();
    } catch (SQLException e) {
      throw new WarehouseException("cannot discard the quarantine of " + source.id(), e);
    }
    read = loaded = quarantined = warnings = 0;
  }

  public long read() {
    return read;
  }

  public long loaded() {
    return loaded;
  }

  public long quarantined() {
    return quarantined;
  }

  public long warnings() {
    return warnings;
  }
}
