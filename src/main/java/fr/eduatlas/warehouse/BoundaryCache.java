package fr.eduatlas.warehouse;

import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * The boundary stage's output kept between ingests, keyed by everything it is built from: a hub's
 * publication or a new simulation changes none of the boundaries, and rebuilding them took a third
 * of an ingest (25 to 35 s on the project's machine).
 *
 * <p>The key is a SHA-256 over the content of every table {@link BoundaryBuilder} reads (the IGN
 * polygons with a digest of each geometry, the COG's communes and their parents, the official
 * outlines it cross-checks against) and over the code that builds them: the project's own classes
 * (the jar's name, size and modification time, or every class file's bytes when run from a
 * directory) and the versions of JTS, GeoTools, DuckDB and Java. A change to any of them is a miss;
 * a miss builds as before, then stores the result. One entry is kept per directory, the latest.
 *
 * <p>An entry is a DuckDB file holding the tables of {@link #TABLES} and the stage's {@link
 * BoundaryBuilder.Summary}, written under a temporary name and renamed into place, so a killed
 * ingest leaves either the previous entry or the new one. An entry that cannot be read is deleted
 * and the boundaries are rebuilt.
 *
 * <p>A build starts as a copy of the latest entry's file ({@link #latestEntry}, {@link
 * WarehouseBuild#begin(Path, Path)}): its tables wait under {@link #SEED_PREFIX} names until the
 * boundary stage, which renames them into place when the entry's key is the build's (a hit costs no
 * row copy: copying the 180 MB of geometries row by row took 3 to 5 s on one core, the file copy
 * 0.05 s) and drops them otherwise. The seed is a guess made before the inputs are read; the key
 * decides, as without it.
 */
public final class BoundaryCache {
  /** What the boundary stage writes, copied to and from an entry. */
  static final List<String> TABLES =
      List.of("territory_geometry", "territory_geometry_zoom", "boundary_crosscheck");

  /**
   * Each input table as one text row per row, geometry by its digest; sorted before hashing, so the
   * key does not depend on the order the readers staged the rows in.
   */
  private static final List<String> INPUTS =
      List.of(
          "SELECT to_json([_commune, code]) || sha256(wkb) FROM src_ign_communes",
          "SELECT to_json([code, epci_code, departement_code, zone]) FROM commune",
          "SELECT to_json([code, academie_code]) FROM departement",
          "SELECT to_json([code, region_code]) FROM academie",
          "SELECT to_json([code]) FROM region",
          "SELECT to_json([code]) || coalesce(sha256(wkb), '-') FROM src_ign_departements",
          "SELECT to_json([code]) || coalesce(sha256(wkb), '-') FROM src_ign_regions",
          "SELECT to_json([code]) || coalesce(sha256(wkb), '-') FROM src_academies");

  /** The names an entry's tables take in a build seeded with its file, until the key decides. */
  static final String SEED_PREFIX = "boundary_seed_";

  /** The table of an entry holding its key and the stage's summary. */
  private static final String ENTRY = "entry";

  /** Bumped when an entry's layout changes. */
  private static final String FORMAT = "boundary-cache-1";

  private static final String PREFIX = "boundaries-";
  private static final JsonMapper JSON = JsonMapper.builder().build();

  private final Connection conn;
  private final Path directory;
  private boolean seeded;

  /**
   * @param seeded whether the build's file is a copy of an entry's, its tables set aside ({@link
   *     #adoptSeed})
   */
  BoundaryCache(Connection conn, Path directory, boolean seeded) {
    this.conn = conn;
    this.directory = directory.toAbsolutePath();
    this.seeded = seeded;
  }

  /** The key of the boundaries the build's current tables would give. */
  public String key() throws SQLException {
    MessageDigest d = sha256();
    update(d, FORMAT);
    update(d, CodeFingerprint.VALUE);
    try (Statement st = conn.createStatement()) {
      try (ResultSet rs = st.executeQuery("SELECT version()")) {
        rs.next();
        update(d, "duckdb " + rs.getString(1));
      }
      for (String input : INPUTS) {
        try (ResultSet rs =
            st.executeQuery(
                "SELECT sha256(coalesce(string_agg(r, chr(10) ORDER BY r), '')) FROM ("
                    + input
                    + ") AS t(r)")) {
          rs.next();
          update(d, input);
          update(d, rs.getString(1));
        }
      }
    }
    return HexFormat.of().formatHex(d.digest());
  }

  /** The entry file of {@code key}. */
  public Path entry(String key) {
    return directory.resolve(PREFIX + key + ".duckdb");
  }

  /**
   * The entry a build can start from: the newest complete entry file of {@code directory} (one is
   * kept per directory; a store's partial file, or an entry with a WAL beside it, is not complete).
   */
  public static Optional<Path> latestEntry(Path directory) {
    if (!Files.isDirectory(directory)) {
      return Optional.empty();
    }
    try (Stream<Path> files = Files.list(directory)) {
      return files
          .filter(p -> ENTRY_FILE.matcher(p.getFileName().toString()).matches())
          .filter(p -> Files.isRegularFile(p) && !Files.exists(Path.of(p + ".wal")))
          .max(java.util.Comparator.comparingLong(p -> p.toFile().lastModified()));
    } catch (IOException | UncheckedIOException e) {
      return Optional.empty();
    }
  }

  private static final java.util.regex.Pattern ENTRY_FILE =
      java.util.regex.Pattern.compile(
          java.util.regex.Pattern.quote(PREFIX) + "[0-9a-f]{64}\\.duckdb");

  /**
   * Sets aside the tables of a build opened on a copy of an entry's file: each takes its {@link
   * #SEED_PREFIX} name, so that nothing before the boundary stage sees boundaries of another key.
   *
   * @throws SQLException when the file does not hold exactly an entry's tables (the build then
   *     starts from an empty file)
   */
  static void adoptSeed(Connection conn) throws SQLException {
    var expected = new java.util.TreeSet<String>(TABLES);
    expected.add(ENTRY);
    var found = new java.util.TreeSet<String>();
    try (Statement st = conn.createStatement();
        ResultSet rs =
            st.executeQuery(
                "SELECT table_name FROM duckdb_tables() WHERE database_name = current_database()")) {
      while (rs.next()) {
        found.add(rs.getString(1));
      }
    }
    if (!found.equals(expected)) {
      throw new SQLException("the file holds " + found + ", not an entry's " + expected);
    }
    try (Statement st = conn.createStatement()) {
      for (String table : expected) {
        st.execute("ALTER TABLE main." + table + " RENAME TO " + SEED_PREFIX + table);
      }
    }
  }

  /**
   * Copies the entry of {@code key} into the build, if there is one that can be read: renamed into
   * place when the build was seeded with it, copied row by row otherwise.
   *
   * @param unreadable told why an entry of this key could not be used (it is then deleted, and the
   *     boundaries are rebuilt and stored again)
   * @return the stage's summary as stored with the entry; empty on a miss (nothing copied)
   */
  public Optional<BoundaryBuilder.Summary> restore(String key, Consumer<Exception> unreadable)
      throws SQLException {
    sweep(null);
    Optional<BoundaryBuilder.Summary> fromSeed = fromSeed(key);
    if (fromSeed.isPresent()) {
      return fromSeed;
    }
    Path file = entry(key);
    if (!Files.isRegularFile(file)) {
      return Optional.empty();
    }
    BoundaryBuilder.Summary summary;
    try {
      attach(file, true);
      try (Statement st = conn.createStatement()) {
        summary = summary(st, "boundary_cache.main." + ENTRY, key, "entry " + file);
        for (String table : TABLES) {
          st.execute("CREATE TABLE " + table + " AS SELECT * FROM boundary_cache.main." + table);
        }
      }
      exec("DETACH boundary_cache");
    } catch (SQLException | IOException e) {
      unreadable.accept(e);
      detachQuietly();
      for (String table : TABLES) {
        exec("DROP TABLE IF EXISTS main." + table);
      }
      deleteQuietly(file);
      return Optional.empty();
    }
    return Optional.of(summary);
  }

  /**
   * The seed's tables renamed into place when its key is {@code key}; otherwise (another key, or a
   * summary that cannot be read) they are dropped and the entry is looked up as without a seed,
   * which says what is wrong with it. Empty, doing nothing, when the build was not seeded.
   */
  private Optional<BoundaryBuilder.Summary> fromSeed(String key) throws SQLException {
    if (!seeded) {
      return Optional.empty();
    }
    seeded = false;
    BoundaryBuilder.Summary summary;
    try (Statement st = conn.createStatement()) {
      summary = summary(st, "main." + SEED_PREFIX + ENTRY, key, "the seed");
    } catch (SQLException | IOException e) {
      summary = null;
    }
    try (Statement st = conn.createStatement()) {
      st.execute("DROP TABLE main." + SEED_PREFIX + ENTRY);
      for (String table : TABLES) {
        st.execute(
            summary != null
                ? "ALTER TABLE main." + SEED_PREFIX + table + " RENAME TO " + table
                : "DROP TABLE main." + SEED_PREFIX + table);
      }
    }
    return Optional.ofNullable(summary);
  }

  /**
   * The stage's summary stored in an entry's table {@code entryTable}, if it holds {@code key}
   * ({@code what}: the entry, for the message).
   */
  private static BoundaryBuilder.Summary summary(
      Statement st, String entryTable, String key, String what) throws SQLException, IOException {
    try (ResultSet rs = st.executeQuery("SELECT key, summary FROM " + entryTable)) {
      if (!rs.next() || !key.equals(rs.getString(1))) {
        throw new SQLException(what + " does not hold key " + key);
      }
      return JSON.readValue(rs.getString(2), BoundaryBuilder.Summary.class);
    }
  }

  /**
   * Stores the build's boundary tables under {@code key}, replacing any other entry. On failure
   * (disk full, say) nothing is left of the new entry and the exception says why; the build does
   * not depend on it.
   */
  public void store(String key, BoundaryBuilder.Summary summary) throws SQLException, IOException {
    Files.createDirectories(directory);
    Path file = entry(key);
    Path partial = directory.resolve(PREFIX + key + ".partial-" + ProcessHandle.current().pid());
    deleteQuietly(partial);
    try {
      write(partial, key, summary);
      Files.move(
          partial, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (SQLException | IOException e) {
      deleteQuietly(partial);
      throw e;
    }
    deleteQuietly(partial); // its WAL, if DuckDB left one
    // The entries of other keys, and what killed stores left.
    sweep(file);
  }

  /**
   * Deletes the cache's files other than {@code keep} (an entry, or null for none), except a
   * store's partial file whose process is still running (another ingest storing now): what killed
   * stores left goes at every lookup, a hit included, and the entries of other keys at a store.
   */
  private void sweep(Path keep) {
    if (!Files.isDirectory(directory)) {
      return;
    }
    try (Stream<Path> files = Files.list(directory)) {
      files
          .filter(p -> p.getFileName().toString().startsWith(PREFIX) && !p.equals(keep))
          .filter(p -> keep != null || PARTIAL.matcher(p.getFileName().toString()).matches())
          .filter(p -> !storing(p))
          .forEach(BoundaryCache::deleteQuietly);
    } catch (IOException e) {
      // Only disk space: the next lookup or store tries again.
    }
  }

  /** Whether {@code p} is a partial file of a store whose process is still running. */
  private static boolean storing(Path p) {
    var m = PARTIAL.matcher(p.getFileName().toString());
    return m.matches()
        && ProcessHandle.of(Long.parseLong(m.group(1))).filter(ProcessHandle::isAlive).isPresent();
  }

  private static final java.util.regex.Pattern PARTIAL =
      java.util.regex.Pattern.compile(
          java.util.regex.Pattern.quote(PREFIX) + ".*\\.partial-(\\d{1,18})(\\.wal)?");

  private void write(Path partial, String key, BoundaryBuilder.Summary summary)
      throws SQLException, IOException {
    attach(partial, false);
    try (Statement st = conn.createStatement()) {
      for (String table : TABLES) {
        st.execute("CREATE TABLE boundary_cache.main." + table + " AS SELECT * FROM main." + table);
      }
      st.execute("CREATE TABLE boundary_cache.main.entry (key VARCHAR, summary VARCHAR)");
      try (var ps = conn.prepareStatement("INSERT INTO boundary_cache.main.entry VALUES (?, ?)")) {
        ps.setString(1, key);
        ps.setString(2, JSON.writeValueAsString(summary));
        ps.executeUpdate();
      }
    } finally {
      detachQuietly();
    }
  }

  /**
   * Attaches {@code file} as {@code boundary_cache}. ATTACH takes no parameter: the path is the
   * operator's configured warehouse directory (never a request's), written as a SQL string literal
   * with its quotes doubled.
   */
  private void attach(Path file, boolean readOnly) throws SQLException {
    exec(
        "ATTACH '"
            + file.toString().replace("'", "''")
            + "' AS boundary_cache"
            + (readOnly ? " (READ_ONLY)" : ""));
  }

  private void detachQuietly() {
    try {
      exec("DETACH DATABASE IF EXISTS boundary_cache");
    } catch (SQLException e) {
      // Nothing attached, or already gone.
    }
  }

  private static void deleteQuietly(Path p) {
    try {
      Files.deleteIfExists(p);
      Files.deleteIfExists(Path.of(p + ".wal"));
    } catch (IOException e) {
      // A stale entry left behind is only disk space: its key no longer matches.
    }
  }

  /** Computed once per JVM: the code does not change under it. */
  private static final class CodeFingerprint {
    static final String VALUE = codeFingerprint();
  }

  /** The code that builds the boundaries: the project's classes and its geometry libraries. */
  static String codeFingerprint() {
    var b = new StringBuilder();
    b.append(codeSource(BoundaryBuilder.class)).append('\n');
    b.append("jts ").append(org.locationtech.jts.JTSVersion.CURRENT_VERSION).append('\n');
    b.append("jts ").append(codeSource(org.locationtech.jts.JTSVersion.class)).append('\n');
    b.append("geotools ").append(codeSource(org.geotools.referencing.CRS.class)).append('\n');
    b.append("java ").append(Runtime.version().feature()).append('\n');
    return b.toString();
  }

  /**
   * Where a class was loaded from: a jar by its name, size and modification time (a rebuild gives a
   * new time), a directory of classes by the digest of every class file in it.
   */
  private static String codeSource(Class<?> c) {
    try {
      var source = c.getProtectionDomain().getCodeSource();
      if (source == null) {
        return unknown(c);
      }
      Path p = Path.of(source.getLocation().toURI());
      if (Files.isRegularFile(p)) {
        return p.getFileName()
            + " "
            + Files.size(p)
            + " "
            + Files.getLastModifiedTime(p).toMillis();
      }
      MessageDigest d = sha256();
      try (Stream<Path> files = Files.walk(p)) {
        for (Path f : files.filter(f -> f.toString().endsWith(".class")).sorted().toList()) {
          update(d, p.relativize(f).toString());
          try (InputStream in = Files.newInputStream(f)) {
            d.update(in.readAllBytes());
          }
        }
      }
      return "classes " + HexFormat.of().formatHex(d.digest());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (URISyntaxException | java.nio.file.FileSystemNotFoundException e) {
      return unknown(c);
    }
  }

  /** Code whose origin cannot be told: a key no entry can match, so nothing is reused. */
  private static String unknown(Class<?> c) {
    return "unknown " + c.getName() + " " + java.util.UUID.randomUUID();
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void update(MessageDigest d, String s) {
    d.update(s.getBytes(StandardCharsets.UTF_8));
    d.update((byte) 0);
  }

  private void exec(String sql) throws SQLException {
    Jdbc.exec(conn, sql);
  }
}
