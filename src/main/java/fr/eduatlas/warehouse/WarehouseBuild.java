package fr.eduatlas.warehouse;

import fr.eduatlas.source.BulkCsv;
import fr.eduatlas.source.SourceEntry;
import fr.eduatlas.source.TableSpec;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.duckdb.DuckDBConnection;

/**
 * One build of the warehouse: a new DuckDB file written beside the target ({@code
 * <target>.building-<pid>}) and moved over the target atomically by {@link #commit()} once the
 * whole build has succeeded. Closing without committing deletes the new file, so a failed build
 * leaves the served warehouse as it was; a killed one leaves only a stale file that the next build
 * removes.
 */
public final class WarehouseBuild implements AutoCloseable {
  /** Tables left out of the content checksum: they record when and how fast, not what. */
  static final List<String> NOT_CONTENT = List.of("ingest_stage", "ingest_meta");

  private static final String BUILDING = ".building-";
  private static final String SPEEDTESTS = ".speedtests";

  private final Path target;
  private final Path file;
  private DuckDBConnection conn;
  private Path seeded;
  private String seedRefused;
  private boolean committed;
  private final java.nio.channels.FileChannel lockChannel;
  private final java.nio.channels.FileLock lock;

  private WarehouseBuild(Path target, Path seed) throws IOException, SQLException {
    this.target = target.toAbsolutePath();
    Path dir = this.target.getParent();
    Files.createDirectories(dir);
    // One build of a target at a time: two would both install, the later one over the other.
    this.lockChannel =
        java.nio.channels.FileChannel.open(
            dir.resolve(this.target.getFileName() + ".lock"),
            java.nio.file.StandardOpenOption.CREATE,
            java.nio.file.StandardOpenOption.WRITE);
    java.nio.channels.FileLock l;
    try {
      l = lockChannel.tryLock();
    } catch (java.nio.channels.OverlappingFileLockException e) {
      l = null;
    }
    if (l == null) {
      lockChannel.close();
      throw new WarehouseException(
          "une autre ingestion construit déjà " + this.target + " : attendez qu'elle finisse");
    }
    this.lock = l;
    removeStaleBuilds(dir, this.target.getFileName().toString());
    this.file = dir.resolve(this.target.getFileName() + BUILDING + ProcessHandle.current().pid());
    deleteWithWal(file);
    this.conn = seed == null ? open(file) : openSeeded(file, seed);
    try (Statement st = conn.createStatement()) {
      st.execute(
          """
          CREATE TABLE quarantine (
            source_id VARCHAR NOT NULL, file VARCHAR NOT NULL, line BIGINT, field VARCHAR,
            reason VARCHAR NOT NULL, raw VARCHAR, row_rejected BOOLEAN NOT NULL,
            stage VARCHAR NOT NULL)
          """);
    }
  }

  private static DuckDBConnection open(Path file) throws SQLException {
    return (DuckDBConnection) DriverManager.getConnection("jdbc:duckdb:" + file);
  }

  /**
   * The build's file as a copy of a boundary cache entry's, its tables set aside ({@link
   * BoundaryCache#adoptSeed}); an empty file when the copy or the entry cannot be used (the
   * boundary stage then finds the entry as without a seed, and says what is wrong with it).
   */
  private DuckDBConnection openSeeded(Path file, Path seed) throws IOException, SQLException {
    DuckDBConnection c = null;
    try {
      Files.copy(seed, file);
      c = open(file);
      BoundaryCache.adoptSeed(c);
      this.seeded = seed;
      return c;
    } catch (IOException | SQLException e) {
      this.seedRefused = e.getClass().getSimpleName() + " : " + e.getMessage();
      if (c != null) {
        c.close();
      }
      deleteWithWal(file);
      return open(file);
    }
  }

  /** Why the seed given to {@link #begin(Path, Path)} could not be used, or null. */
  public String seedRefused() {
    return seedRefused;
  }

  private static void deleteWithWal(Path file) throws IOException {
    Files.deleteIfExists(file);
    Files.deleteIfExists(Path.of(file + ".wal"));
  }

  /** The boundary cache entry this build's file started as a copy of, or null. */
  public Path seeded() {
    return seeded;
  }

  /** Starts a build that will replace {@code target}. */
  public static WarehouseBuild begin(Path target) {
    return begin(target, null);
  }

  /**
   * Starts a build that will replace {@code target}, its file a copy of the boundary cache entry
   * {@code seed} when not null ({@link BoundaryCache}).
   */
  public static WarehouseBuild begin(Path target, Path seed) {
    try {
      return new WarehouseBuild(target, seed);
    } catch (WarehouseException e) {
      throw e;
    } catch (IOException | SQLException e) {
      throw new WarehouseException("cannot start a warehouse build beside " + target, e);
    }
  }

  /** The build's connection, for tests of this package that look at temporary tables. */
  DuckDBConnection connection() {
    return conn;
  }

  /** The file being built (for tests and progress messages). */
  public Path file() {
    return file;
  }

  /** A sink for one source, its staging tables created empty (on the build's connection). */
  public StagingWriter stage(SourceEntry source, List<TableSpec> tables) {
    return mainLane().stage(source, tables);
  }

  /**
   * Stages {@code file} in bulk with DuckDB's CSV reader ({@link BulkCsvLoader}). When the outcome
   * names a fallback, nothing is staged: read the file with {@link #stage} instead.
   */
  public BulkOutcome stageBulk(SourceEntry source, BulkCsv reader, Path file) throws IOException {
    return mainLane().stageBulk(source, reader, file);
  }

  /**
   * A connection of its own to this build, for staging sources on another thread: the ingest reads
   * its sources side by side, each on a lane (a source's appenders belong to the lane's connection;
   * the staged tables, committed as each source ends, are the build's). A bulk staging must use the
   * {@link #mainLane()}: its tables are temporary, seen by their connection only.
   */
  public Lane lane() {
    try {
      return new Lane((DuckDBConnection) conn.duplicate(), true);
    } catch (SQLException e) {
      throw new WarehouseException("cannot open a connection to the build", e);
    }
  }

  /** The build's own connection as a lane (closing it leaves the connection open). */
  public Lane mainLane() {
    return new Lane(conn, false);
  }

  /** See {@link #lane()}; one source at a time, on one thread at a time. */
  public static final class Lane implements AutoCloseable {
    private final DuckDBConnection conn;
    private final boolean owned;

    private Lane(DuckDBConnection conn, boolean owned) {
      this.conn = conn;
      this.owned = owned;
    }

    /** Whether this is the build's own connection, where bulk stagings must run. */
    public boolean main() {
      return !owned;
    }

    /** As {@link WarehouseBuild#stage}, on this lane. */
    public StagingWriter stage(SourceEntry source, List<TableSpec> tables) {
      try {
        return new StagingWriter(conn, source, tables, null);
      } catch (SQLException e) {
        throw new WarehouseException("cannot create the staging tables of " + source.id(), e);
      }
    }

    /** As {@link WarehouseBuild#stageBulk}, on the {@link WarehouseBuild#mainLane()} only. */
    public BulkOutcome stageBulk(SourceEntry source, BulkCsv reader, Path file) throws IOException {
      if (owned) {
        throw new IllegalStateException(
            "a bulk staging's temporary tables must be the build connection's: " + source.id());
      }
      try {
        return new BulkCsvLoader(conn, source, reader).load(file);
      } catch (SQLException e) {
        throw new WarehouseException("cannot stage " + file + " in bulk", e);
      }
    }

    @Override
    public void close() {
      if (!owned) {
        return;
      }
      try {
        conn.close();
      } catch (SQLException e) {
        throw new WarehouseException("cannot close a connection to the build", e);
      }
    }
  }

  /** Counts of a bulk staging, or why the file must be read row by row. */
  public record BulkOutcome(
      long read, long loaded, long quarantined, long warnings, String fallback) {}

  /** The boundaries stage, over the staged boundary files and the territories. */
  public BoundaryBuilder boundaries() {
    return new BoundaryBuilder(conn);
  }

  /**
   * The boundary stage's outputs kept in {@code directory} between builds ({@link BoundaryCache}).
   */
  public BoundaryCache boundaryCache(Path directory) {
    return new BoundaryCache(conn, directory, seeded != null);
  }

  /** The real schools the simulation conditions on, from the model built so far. */
  public List<SchoolProfiles.SchoolProfile> schoolProfiles() {
    try {
      return SchoolProfiles.load(conn);
    } catch (SQLException e) {
      throw new WarehouseException("cannot read the schools to simulate", e);
    }
  }

  /** Every indicator of {@code catalog} at every level and period. */
  public IndicatorBuilder indicators(fr.eduatlas.indicator.Catalog catalog) {
    return new IndicatorBuilder(conn, catalog);
  }

  /** Pre-renders the low-zoom tiles of the territory layers; returns how many were stored. */
  public long prerenderTiles() {
    try {
      return new TilePrerender(conn).run();
    } catch (SQLException e) {
      throw new WarehouseException("cannot pre-render the tiles", e);
    }
  }

  /** School-level facts from the staged contributions. */
  public ContributionModel contributions() {
    return new ContributionModel(conn);
  }

  /**
   * The directory of raw speed tests (Parquet) being built beside the target; installed as {@code
   * <target>.speedtests} with the warehouse by {@link #commit()}.
   */
  public Path speedTestDirectory() {
    return Path.of(file.toString().replace(BUILDING, SPEEDTESTS + BUILDING));
  }

  /** The installed directory of raw speed tests that goes with {@code target}. */
  public static Path speedTestsOf(Path target) {
    return Path.of(target.toAbsolutePath() + SPEEDTESTS);
  }

  /** The model stages, over the staged sources. */
  public ModelBuilder model(List<SourceEntry> entries) {
    return new ModelBuilder(conn, entries);
  }

  /** Runs {@code sql} with bound {@code params}; for the report tables. */
  public void execute(String sql, Object... params) {
    try (PreparedStatement ps = conn.prepareStatement(sql)) {
      for (int i = 0; i < params.length; i++) {
        ps.setObject(i + 1, params[i]);
      }
      ps.execute();
    } catch (SQLException e) {
      throw new WarehouseException("cannot write the ingest tables", e);
    }
  }

  /** Receives one result row. */
  @FunctionalInterface
  public interface RowConsumer {
    void accept(ResultSet rs) throws SQLException;
  }

  /** Runs a query with bound {@code params} over the build; for the ingest's gates. */
  public void query(String sql, RowConsumer row, Object... params) {
    try {
      Jdbc.query(conn, sql, row, params);
    } catch (SQLException e) {
      throw new WarehouseException("cannot read the build", e);
    }
  }

  /** A scalar count, for totals in the report. */
  public long count(String table) {
    try {
      return Jdbc.count(conn, table);
    } catch (SQLException e) {
      throw new WarehouseException("cannot count " + table, e);
    }
  }

  /**
   * A SHA-256 over every content table's name, columns, row count and order-independent sum of row
   * hashes. Two builds from the same inputs have the same checksum; any changed value changes it.
   */
  public String contentChecksum() {
    try {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      var tables = new ArrayList<String>();
      try (Statement st = conn.createStatement();
          ResultSet rs =
              st.executeQuery(
                  "SELECT table_name FROM information_schema.tables"
                      + " WHERE table_schema = 'main' AND table_type = 'BASE TABLE'"
                      + " ORDER BY table_name")) {
        while (rs.next()) {
          if (!NOT_CONTENT.contains(rs.getString(1))) {
            tables.add(rs.getString(1));
          }
        }
      }
      for (String t : tables) {
        md.update(("table " + t + "\n").getBytes(StandardCharsets.UTF_8));
        try (PreparedStatement ps =
            conn.prepareStatement(
                "SELECT column_name, data_type FROM information_schema.columns"
                    + " WHERE table_schema = 'main' AND table_name = ? ORDER BY ordinal_position")) {
          ps.setString(1, t);
          try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
              md.update(
                  (rs.getString(1) + " " + rs.getString(2) + "\n")
                      .getBytes(StandardCharsets.UTF_8));
            }
          }
        }
        try (Statement st = conn.createStatement();
            ResultSet rs =
                st.executeQuery(
                    "SELECT count(*), coalesce(sum(hash(t)), 0)::VARCHAR FROM "
                        + Identifiers.table(t)
                        + " AS t")) {
          rs.next();
          md.update(
              (rs.getLong(1) + " " + rs.getString(2) + "\n").getBytes(StandardCharsets.UTF_8));
        }
      }
      return HexFormat.of().formatHex(md.digest());
    } catch (SQLException e) {
      throw new WarehouseException("cannot compute the content checksum", e);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Checkpoints, closes and moves the new file over the target in one atomic rename. */
  public void commit() {
    try {
      try (Statement st = conn.createStatement()) {
        st.execute("CHECKPOINT");
      }
      conn.close();
      conn = null;
      Files.deleteIfExists(Path.of(file + ".wal"));
      try {
        Files.move(
            file, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        throw new WarehouseException(
            "the file system of " + target.getParent() + " cannot replace a file atomically", e);
      }
      committed = true;
      installSpeedTests();
    } catch (IOException | SQLException e) {
      throw new WarehouseException("cannot install the new warehouse at " + target, e);
    }
  }

  /**
   * Replaces {@code <target>.speedtests} with the build's, or removes it when the build has no
   * speed tests (stale tests must not outlive their warehouse).
   */
  private void installSpeedTests() throws IOException {
    Path installed = speedTestsOf(target);
    Path built = speedTestDirectory();
    Path old = Path.of(installed + ".old-" + ProcessHandle.current().pid());
    if (Files.exists(installed)) {
      Files.move(installed, old, StandardCopyOption.ATOMIC_MOVE);
    }
    if (Files.exists(built)) {
      Files.move(built, installed, StandardCopyOption.ATOMIC_MOVE);
    }
    deleteTree(old);
  }

  static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (var paths = Files.walk(dir)) {
      for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }

  @Override
  public void close() {
    try {
      if (conn != null) {
        conn.close();
        conn = null;
      }
      if (!committed) {
        deleteWithWal(file);
        deleteTree(speedTestDirectory());
      }
    } catch (IOException | SQLException e) {
      throw new WarehouseException("cannot clean up the unfinished build " + file, e);
    } finally {
      try {
        lock.release();
        lockChannel.close();
      } catch (IOException e) {
        // the lock goes with the process anyway
      }
    }
  }

  /**
   * Removes what killed ingests left, whatever its kind: unfinished builds (and their WAL), the
   * speed tests of an unfinished build, and the previous speed tests set aside during an install
   * ({@code .speedtests.old-<pid>}); only those of processes that no longer run.
   */
  private static void removeStaleBuilds(Path dir, String targetName) throws IOException {
    for (String prefix :
        List.of(
            targetName + BUILDING,
            targetName + SPEEDTESTS + BUILDING,
            targetName + SPEEDTESTS + ".old-")) {
      try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, prefix + "*")) {
        for (Path p : ds) {
          String suffix = p.getFileName().toString().substring(prefix.length());
          String pid = suffix.endsWith(".wal") ? suffix.substring(0, suffix.length() - 4) : suffix;
          boolean alive;
          try {
            alive = ProcessHandle.of(Long.parseLong(pid)).map(ProcessHandle::isAlive).orElse(false);
          } catch (NumberFormatException e) {
            alive = false;
          }
          if (!alive) {
            deleteTree(p);
          }
        }
      }
    }
  }
}
