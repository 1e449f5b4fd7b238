package fr.eduatlas.warehouse;

import fr.eduatlas.source.BulkCsv;
import fr.eduatlas.source.RowSink;
import fr.eduatlas.source.SourceEntry;
import fr.eduatlas.source.TableSpec;
import fr.eduatlas.warehouse.WarehouseBuild.BulkOutcome;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.stream.Collectors;
import org.duckdb.DuckDBConnection;

/**
 * Stages a {@link BulkCsv} file with DuckDB's CSV reader: several times faster than reading it row
 * by row in Java, for files of tens of millions of speed tests. The reader stays the arbiter:
 *
 * <ol>
 *   <li>DuckDB reads the file into the staging table in file order, typed, its rejected records
 *       (bad numbers, wrong field counts, invalid UTF-8) set aside with their byte offsets;
 *   <li>SQL marks the rows it loaded that fail a field check ({@link BulkCsv.Kind}) as doubtful:
 *       they are superseded ({@code <table>_superseded}), whatever their fate;
 *   <li>one pass over the file's bytes finds each record's line, copies the rejected and doubtful
 *       records, byte for byte, to a small CSV, and records how the loaded rows' positions map to
 *       lines ({@code <table>_lines}: from row {@code from_row} on, line = row + 2 + {@code
 *       shift});
 *   <li>the reader reads that small CSV into the same table and the quarantine, its line numbers
 *       translated back to the file's: a row's fate and reason are those the reader alone gives.
 * </ol>
 *
 * <p>The tables are temporary (in memory, spilled to disk as needed): the raw tests leave the
 * warehouse at the model stage anyway, and writing them to the database file would cost a third of
 * the load. Rows loaded in bulk have a null {@code _line} (writing 30 M line numbers would cost a
 * third of the load): their line is {@link #lineOf}, computed for the few rows that need one. Any
 * file the pass cannot map to exact lines (DuckDB gave up, counts disagree, too many doubtful rows)
 * is left to the reader from the start, and the reason said.
 */
final class BulkCsvLoader {
  /**
   * The line of a staged row selected as {@code x} with its position as {@code x.r} (its {@code
   * rowid}), joined {@code ASOF LEFT JOIN <table>_lines l ON x.r >= l.from_row}.
   */
  static String lineOf(String x) {
    return "coalesce(" + x + "._line, " + x + ".r + 2 + coalesce(l.shift, 0))";
  }

  /** More rows than this for the reader to judge, and the file is read row by row entirely. */
  private static final long MAX_DOUBTFUL = 1_000_000;

  private static final String UAI_KEYS = "ABCDEFGHJKLMNPRSTUVWXYZ";

  private final DuckDBConnection conn;
  private final SourceEntry source;
  private final BulkCsv reader;
  private final TableSpec spec;
  private final String table;

  BulkCsvLoader(DuckDBConnection conn, SourceEntry source, BulkCsv reader) {
    this.conn = conn;
    this.source = source;
    this.reader = reader;
    this.spec = reader.tables().get(0);
    this.table = spec.tableName(source.tablePrefix());
    if (reader.tables().size() != 1 || reader.bulkFields().size() != spec.columns().size()) {
      throw new IllegalArgumentException(
          source.id() + ": a bulk reader has one table, one field per column");
    }
  }

  /** The names of the auxiliary tables of a staged table. */
  static String superseded(String table) {
    return table + "_superseded";
  }

  static String lines(String table) {
    return table + "_lines";
  }

  BulkOutcome load(Path file) throws IOException, SQLException {
    Header header = Header.read(file);
    if (header.problem != null) {
      return fallback(header.problem);
    }
    int[] index = new int[spec.columns().size()];
    for (int i = 0; i < index.length; i++) {
      BulkCsv.Field f = reader.bulkFields().get(i);
      index[i] = header.names.indexOf(f.header());
      if (index[i] < 0 && f.required()) {
        return fallback("colonne « " + f.header() + " » absente");
      }
    }
    createTables();
    String rejects = table + "_rej";
    try {
      bulkInsert(file, header, index, rejects);
    } catch (SQLException e) {
      dropAll(rejects);
      return fallback("lecteur CSV de DuckDB : " + firstLine(e.getMessage()));
    }
    long bulk = count("SELECT count(*) FROM " + table);
    long[] rejected =
        longs(
            "SELECT DISTINCT line_byte_position FROM "
                + rejects
                + " ORDER BY 1 LIMIT "
                + (MAX_DOUBTFUL + 1));
    exec(
        "INSERT INTO "
            + superseded(table)
            + " SELECT rowid FROM "
            + table
            + " WHERE "
            + doubtful(
                index,
                count("SELECT count(*) FROM duckdb_tables() WHERE table_name = 'school'") > 0));
    long[] doubtful =
        longs("SELECT r FROM " + superseded(table) + " ORDER BY r LIMIT " + (MAX_DOUBTFUL + 1));
    exec("DROP TABLE " + rejects);
    if (rejected.length + doubtful.length > MAX_DOUBTFUL) {
      dropAll(null);
      return fallback(
          "plus de " + MAX_DOUBTFUL + " lignes à vérifier une à une : lecture ligne à ligne");
    }
    Path recheck = Files.createTempFile("eduatlas-recheck-", ".csv");
    try {
      long t0 = System.nanoTime();
      LinePass pass = LinePass.run(file, header, rejected, doubtful, recheck);
      Jdbc.trace(t0, "(line pass over " + file.getFileName() + ")");
      if (pass.loaded != bulk || pass.rejectedSeen != rejected.length) {
        dropAll(null);
        return fallback(
            "lignes non retrouvées dans le fichier ("
                + pass.loaded
                + " lues contre "
                + bulk
                + " chargées) : lecture ligne à ligne");
      }
      try (PreparedStatement ps =
          conn.prepareStatement("INSERT INTO " + lines(table) + " VALUES (?, ?)")) {
        for (int i = 0; i < pass.shiftRows.size(); i++) {
          ps.setLong(1, pass.shiftRows.get(i)[0]);
          ps.setLong(2, pass.shiftRows.get(i)[1]);
          ps.addBatch();
        }
        ps.executeBatch();
      }
      StagingWriter w = new StagingWriter(conn, source, List.of(spec), "temp");
      try {
        reader.read(recheck, new Translated(w, pass));
      } finally {
        w.close();
      }
      long kept = bulk - doubtful.length;
      return new BulkOutcome(
          kept + w.read(), kept + w.loaded(), w.quarantined(), w.warnings(), null);
    } finally {
      Files.deleteIfExists(recheck);
    }
  }

  private static BulkOutcome fallback(String reason) {
    return new BulkOutcome(0, 0, 0, 0, reason);
  }

  private void createTables() throws SQLException {
    String cols =
        spec.columns().stream()
            .map(c -> c.name() + " " + c.type().name())
            .collect(Collectors.joining(", "));
    exec("CREATE TEMP TABLE " + table + " (_line BIGINT, " + cols + ")");
    exec("CREATE TEMP TABLE " + superseded(table) + " (r BIGINT NOT NULL)");
    exec(
        "CREATE TEMP TABLE " + lines(table) + " (from_row BIGINT NOT NULL, shift BIGINT NOT NULL)");
  }

  private void dropAll(String rejects) throws SQLException {
    for (String t : List.of(table, superseded(table), lines(table))) {
      exec("DROP TABLE IF EXISTS " + t);
    }
    if (rejects != null) {
      exec("DROP TABLE IF EXISTS " + rejects);
    }
    Jdbc.update(conn, "DELETE FROM quarantine WHERE source_id = ?", source.id());
  }

  /**
   * The file's columns are named c0, c1... here, never after its header: nothing read from the file
   * reaches the SQL text. Its path and dialect are bound.
   */
  private void bulkInsert(Path file, Header header, int[] index, String rejects)
      throws SQLException {
    var types = new ArrayList<String>();
    for (int c = 0; c < header.names.size(); c++) {
      types.add("'c" + c + "': 'VARCHAR'");
    }
    var select = new ArrayList<String>();
    for (int i = 0; i < index.length; i++) {
      var col = spec.columns().get(i);
      boolean decimal = reader.bulkFields().get(i).kind() == BulkCsv.Kind.DECIMAL;
      if (index[i] >= 0 && decimal) {
        types.set(index[i], "'c" + index[i] + "': 'DOUBLE'");
      }
      select.add(index[i] < 0 ? "NULL::" + col.type().name() : "c" + index[i]);
    }
    String sql =
        "INSERT INTO "
            + table
            + " SELECT NULL, "
            + String.join(", ", select)
            + " FROM read_csv(?, auto_detect = false, header = true, delim = ?, quote = '\"',"
            + " escape = '\"', decimal_separator = ?, columns = {"
            + String.join(", ", types)
            + "}, store_rejects = true, rejects_table = '"
            + rejects
            + "', rejects_scan = '"
            + rejects
            + "_scan')";
    // The rows' positions are their line numbers: DuckDB must keep the file's order (its default).
    exec("SET preserve_insertion_order = true");
    try (PreparedStatement ps = conn.prepareStatement(sql)) {
      ps.setString(1, file.toAbsolutePath().toString());
      ps.setString(2, String.valueOf(header.delimiter));
      ps.setString(3, header.decimalComma ? "," : ".");
      long t0 = System.nanoTime();
      ps.executeUpdate();
      Jdbc.trace(t0, sql);
    } finally {
      exec("DROP TABLE IF EXISTS " + rejects + "_scan");
    }
  }

  /**
   * The SQL condition under which a staged row goes to the reader to be judged.
   *
   * @param schools whether the schools are known yet (the {@code school} table)
   */
  private String doubtful(int[] index, boolean schools) {
    var parts = new ArrayList<String>();
    for (int i = 0; i < index.length; i++) {
      BulkCsv.Field f = reader.bulkFields().get(i);
      String c = spec.columns().get(i).name();
      String missing = f.required() ? c + " IS NULL OR " : "";
      String present = f.required() ? "" : c + " IS NOT NULL AND ";
      parts.add(
          switch (f.kind()) {
            case UAI ->
                // A UAI of the DEPP lists is canonical: one lookup instead of checking its form.
                missing
                    + (schools
                        ? c + " NOT IN (SELECT uai FROM school)"
                        : "NOT regexp_full_match("
                            + c
                            + ", '[0-9]{7}[A-Z]') OR coalesce(substr('"
                            + UAI_KEYS
                            + "', TRY_CAST(substr("
                            + c
                            + ", 1, 7) AS INTEGER) % 23 + 1, 1) <> substr("
                            + c
                            + ", 8, 1), true)");
            case ISO_OFFSET_DATE_TIME ->
                missing
                    + "NOT regexp_full_match("
                    + c
                    + ", '[0-9]{4}-(0[1-9]|1[0-2])-[0-3][0-9]T([01][0-9]|2[0-3]):[0-5][0-9]"
                    + "(:[0-5][0-9](\\.[0-9]+)?)?(Z|[+-](0[0-9]|1[0-8]):[0-5][0-9])')"
                    + " OR (substr("
                    + c
                    + ", 9, 2) > '28' AND TRY_CAST(substr("
                    + c
                    + ", 1, 10) AS DATE) IS NULL)";
            case DECIMAL ->
                missing
                    + "("
                    + present
                    + "(NOT isfinite("
                    + c
                    + ") OR "
                    + c
                    + " < "
                    + f.min()
                    + " OR "
                    + c
                    + " > "
                    + f.max()
                    + "))";
          });
    }
    return parts.stream().map(p -> "(" + p + ")").collect(Collectors.joining(" OR "));
  }

  private long count(String sql) throws SQLException {
    try (Statement st = conn.createStatement();
        ResultSet rs = st.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  private long[] longs(String sql) throws SQLException {
    var out = new long[16];
    int n = 0;
    try (Statement st = conn.createStatement();
        ResultSet rs = st.executeQuery(sql)) {
      while (rs.next()) {
        if (n == out.length) {
          out = Arrays.copyOf(out, n * 2);
        }
        out[n++] = rs.getLong(1);
      }
    }
    return Arrays.copyOf(out, n);
  }

  private void exec(String sql) throws SQLException {
    Jdbc.exec(conn, sql);
  }

  private static String firstLine(String s) {
    if (s == null) {
      return "erreur inconnue";
    }
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
  }

  /** The header line: its names, the delimiter and the decimal separator the file uses. */
  static final class Header {
    final List<String> names = new ArrayList<>();
    byte[] bytes;
    char delimiter;
    boolean decimalComma;
    String problem;

    static Header read(Path file) throws IOException {
      var h = new Header();
      byte[] head;
      try (InputStream in = Files.newInputStream(file)) {
        head = in.readNBytes(1 << 16);
      }
      int start =
          head.length >= 3
                  && (head[0] & 0xFF) == 0xEF
                  && (head[1] & 0xFF) == 0xBB
                  && (head[2] & 0xFF) == 0xBF
              ? 3
              : 0;
      int end = indexOf(head, start, (byte) '\n');
      if (end < 0) {
        h.problem = "pas de ligne d'en-tête complète";
        return h;
      }
      int stop = end > start && head[end - 1] == '\r' ? end - 1 : end;
      h.bytes = Arrays.copyOfRange(head, start, stop);
      String line;
      try {
        line =
            StandardCharsets.UTF_8
                .newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .decode(java.nio.ByteBuffer.wrap(h.bytes))
                .toString();
      } catch (CharacterCodingException e) {
        h.problem = "en-tête hors UTF-8";
        return h;
      }
      h.delimiter = line.indexOf(';') >= 0 ? ';' : ',';
      var seen = new HashSet<String>();
      for (String name : line.split(String.valueOf(h.delimiter), -1)) {
        String n = name.strip();
        if (n.length() >= 2 && n.startsWith("\"") && n.endsWith("\"")) {
          n = n.substring(1, n.length() - 1).strip();
        }
        if (!seen.add(n)) {
          h.problem = "colonne « " + n + " » répétée dans l'en-tête";
          return h;
        }
        h.names.add(n);
      }
      // A decimal comma is only possible with ';': told by the first data line.
      if (h.delimiter == ';') {
        int next = indexOf(head, end + 1, (byte) '\n');
        String first =
            new String(
                head, end + 1, (next < 0 ? head.length : next) - end - 1, StandardCharsets.UTF_8);
        for (String v : first.split(";", -1)) {
          if (v.strip().matches("-?[0-9]*,[0-9]+")) {
            h.decimalComma = true;
          }
        }
      }
      return h;
    }

    private static int indexOf(byte[] b, int from, byte x) {
      for (int i = from; i < b.length; i++) {
        if (b[i] == x) {
          return i;
        }
      }
      return -1;
    }
  }

  /**
   * One pass over the file's bytes, record by record (a quoted field may span lines): counts the
   * records DuckDB loaded, copies the rejected and doubtful ones to the recheck file, and notes
   * where a loaded row's line stops being its position + 2.
   */
  static final class LinePass {
    long loaded;
    int rejectedSeen;
    final List<long[]> shiftRows = new ArrayList<>();
    long[] recheckLines = new long[16];
    long[] originalLines = new long[16];
    int rechecked;

    static LinePass run(Path file, Header header, long[] rejected, long[] doubtful, Path recheck)
        throws IOException {
      var p = new LinePass();
      try (InputStream in = Files.newInputStream(file);
          OutputStream out = new BufferedOutputStream(Files.newOutputStream(recheck), 1 << 16)) {
        out.write(header.bytes);
        out.write('\n');
        p.scan(in, rejected, doubtful, out);
      }
      return p;
    }

    private void scan(InputStream in, long[] rejected, long[] doubtful, OutputStream out)
        throws IOException {
      byte[] buf = new byte[1 << 20];
      long offset = 0; // of buf[0] in the file
      long line = 1; // physical line of the current byte
      boolean header = true;
      boolean quoted = false;
      boolean atStart = true; // the current byte starts a record
      long recordStart = 0;
      long recordLine = 0;
      boolean capture = false;
      int ri = 0;
      int di = 0;
      long recheckLine = 2;
      long shift = 0;
      var record = new java.io.ByteArrayOutputStream();
      int n;
      while ((n = in.read(buf)) > 0) {
        for (int i = 0; i < n; i++) {
          byte b = buf[i];
          if (atStart) {
            atStart = false;
            recordStart = offset + i;
            recordLine = line;
            if (header) {
              capture = false;
            } else if (b == '\n' || (b == '\r' && i + 1 < n && buf[i + 1] == '\n')) {
              // A blank line: skipped by both readers, no record.
              capture = false;
              recordLine = -1;
            } else if (ri < rejected.length && rejected[ri] == recordStart) {
              ri++;
              rejectedSeen++;
              capture = true;
            } else {
              long row = loaded++;
              long s = recordLine - row - 2;
              if (s != shift) {
                shiftRows.add(new long[] {row, s});
                shift = s;
              }
              capture = di < doubtful.length && doubtful[di] == row;
              if (capture) {
                di++;
              }
            }
            if (capture) {
              record.reset();
            }
          }
          if (b == '"') {
            quoted = !quoted;
          }
          if (b == '\n') {
            line++;
            if (!quoted) {
              atStart = true;
              if (header) {
                header = false;
              } else if (capture) {
                endRecord(record, out, recordLine, recheckLine);
                recheckLine += countLines(record) + 1;
              }
              continue;
            }
          }
          if (capture) {
            record.write(b);
          }
        }
        offset += n;
      }
      if (!atStart && !header && capture) {
        endRecord(record, out, recordLine, recheckLine);
      }
    }

    private void endRecord(
        java.io.ByteArrayOutputStream record, OutputStream out, long original, long at)
        throws IOException {
      byte[] r = record.toByteArray();
      int len = r.length > 0 && r[r.length - 1] == '\r' ? r.length - 1 : r.length;
      out.write(r, 0, len);
      out.write('\n');
      if (rechecked == recheckLines.length) {
        recheckLines = Arrays.copyOf(recheckLines, rechecked * 2);
        originalLines = Arrays.copyOf(originalLines, rechecked * 2);
      }
      recheckLines[rechecked] = at;
      originalLines[rechecked] = original;
      rechecked++;
    }

    private static int countLines(java.io.ByteArrayOutputStream record) {
      int c = 0;
      for (byte b : record.toByteArray()) {
        if (b == '\n') {
          c++;
        }
      }
      return c;
    }
  }

  /** The reader's sink over the recheck file, its line numbers translated to the original's. */
  private static final class Translated implements RowSink {
    private final RowSink sink;
    private final LinePass pass;

    Translated(RowSink sink, LinePass pass) {
      this.sink = sink;
      this.pass = pass;
    }

    private long line(long l) {
      int i = Arrays.binarySearch(pass.recheckLines, 0, pass.rechecked, l);
      if (i < 0) {
        throw new IllegalStateException("recheck line " + l + " starts no record");
      }
      return pass.originalLines[i];
    }

    @Override
    public void load(long line, Object... values) {
      sink.load(line(line), values);
    }

    @Override
    public void attach(int table, Object... values) {
      sink.attach(table, values);
    }

    @Override
    public void quarantine(long line, String field, String reason, String raw) {
      sink.quarantine(line(line), field, reason, raw);
    }

    @Override
    public void warn(long line, String field, String reason, String raw) {
      sink.warn(line(line), field, reason, raw);
    }
  }
}
