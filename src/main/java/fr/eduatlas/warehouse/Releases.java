package fr.eduatlas.warehouse;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import fr.eduatlas.tiles.PmTiles;
import fr.eduatlas.tiles.Tiles;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Versioned, immutable releases of a warehouse, for replicas and static hosting: a directory per
 * release named {@code <UTC time>-<data version>} holding the DuckDB file, its speed-test Parquet,
 * a PMTiles archive per tile layer, GeoParquet of the territories and schools, the indicator values
 * as Parquet, and {@code release.json} listing every file with its size and SHA-256. A release is
 * written under a hidden name and renamed into place when complete, so a reader never sees half of
 * one; {@link Scanner} picks the newest complete one.
 */
public final class Releases {
  /** The manifest of a release, written last. */
  public static final String MANIFEST = "release.json";

  /** The warehouse file inside a release. */
  public static final String WAREHOUSE = "eduatlas.duckdb";

  /** A release directory's name: its UTC creation time, then its data version. */
  static final Pattern NAME = Pattern.compile("\\d{8}T\\d{9}Z-[0-9a-f]{1,64}");

  private static final DateTimeFormatter STAMP =
      DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmssSSS'Z'").withZone(ZoneOffset.UTC);

  private Releases() {}

  /**
   * A written release: where, its version, and its files; {@code created} false when the newest
   * release already held the warehouse's data version (nothing written).
   */
  public record Written(Path dir, String version, List<FileEntry> files, boolean created) {}

  /** One file of a release. */
  public record FileEntry(String path, long bytes, String sha256) {}

  /**
   * Writes a release of {@code warehouse} into {@code releasesDir}.
   *
   * @param maxZoom the last zoom of the PMTiles pyramids (12 for a full release)
   */
  public static Written write(Path warehouse, Path releasesDir, int maxZoom, PrintStream log)
      throws IOException, SQLException {
    return write(warehouse, releasesDir, maxZoom, log, null);
  }

  /**
   * More files of a release, written into its directory before the manifest lists them (the map as
   * a static site: {@code api.StaticSite}, which this package does not depend on).
   */
  @FunctionalInterface
  public interface Extra {
    void write(Connection warehouse, Path release, String version, int maxZoom, PrintStream log)
        throws IOException, SQLException;
  }

  /**
   * Writes a release of {@code warehouse} into {@code releasesDir}, with {@code extra}'s files when
   * not null.
   */
  public static Written write(
      Path warehouse, Path releasesDir, int maxZoom, PrintStream log, Extra extra)
      throws IOException, SQLException {
    if (!Files.isRegularFile(warehouse)) {
      throw new WarehouseException("no warehouse at " + warehouse.toAbsolutePath());
    }
    Files.createDirectories(releasesDir);
    var props = new Properties();
    props.setProperty("duckdb.read_only", "true");
    props.setProperty("jdbc_instance_cache", "false");
    try (Connection c = DriverManager.getConnection("jdbc:duckdb:" + warehouse, props)) {
      Map<String, String> meta = new java.util.LinkedHashMap<>();
      try (Statement st = c.createStatement();
          ResultSet rs = st.executeQuery("SELECT key, value FROM ingest_meta ORDER BY key")) {
        while (rs.next()) {
          meta.put(rs.getString(1), rs.getString(2));
        }
      }
      String dataVersion = meta.getOrDefault("data_version", "");
      if (!dataVersion.matches("[0-9a-f]{1,64}")) {
        throw new WarehouseException("the warehouse has no data version: not a complete ingest");
      }
      removeAbandoned(releasesDir, log);
      Optional<Path> newest = new Scanner(releasesDir).newest();
      if (newest.isPresent() && newest.get().getFileName().toString().endsWith("-" + dataVersion)) {
        // Nothing new to publish (a release run after every rebuild, or by cron): the newest
        // release already holds this data version.
        log.println("la version la plus récente contient déjà ces données : " + newest.get());
        return new Written(newest.get(), newest.get().getFileName().toString(), List.of(), false);
      }
      Instant now = Instant.now();
      String version = STAMP.format(now) + "-" + dataVersion;
      Path dir = releasesDir.resolve(version);
      if (Files.exists(dir)) {
        throw new WarehouseException(
            "release " + version + " exists already (releases are immutable)");
      }
      Path staging = releasesDir.resolve(".partial-" + version);
      boolean done = false;
      try {
        Files.createDirectories(staging);
        long t0 = System.nanoTime();
        Files.copy(warehouse, staging.resolve(WAREHOUSE));
        Path speedtests = warehouse.resolveSibling(warehouse.getFileName() + ".speedtests");
        if (Files.isDirectory(speedtests)) {
          copyTree(speedtests, staging.resolve(WAREHOUSE + ".speedtests"));
        }
        log.printf("entrepôt copié (%.1f s)%n", (System.nanoTime() - t0) / 1e9);
        Files.createDirectories(staging.resolve("tiles"));
        var tiles = new ArrayList<PmTiles.Summary>();
        for (Tiles.Layer layer : Tiles.LAYERS.values()) {
          if (layer.minZoom() > maxZoom) {
            log.printf(
                "tuiles %s : aucune (couche servie à partir du zoom %d)%n",
                layer.id(), layer.minZoom());
            continue;
          }
          long t1 = System.nanoTime();
          PmTiles.Summary s =
              PmTiles.export(
                  c, layer, staging.resolve("tiles").resolve(layer.id() + ".pmtiles"), 0, maxZoom);
          tiles.add(s);
          log.printf(
              "tuiles %s : %d tuiles, %.1f Mo (%.1f s)%n",
              layer.id(), s.tiles(), s.bytes() / 1e6, (System.nanoTime() - t1) / 1e9);
        }
        Files.createDirectories(staging.resolve("data"));
        parquet(c, staging.resolve("data"));
        log.println("GeoParquet et Parquet écrits");
        if (extra != null) {
          extra.write(c, staging, version, maxZoom, log);
        }
        var files = new ArrayList<FileEntry>();
        try (Stream<Path> all = Files.walk(staging)) {
          for (Path f : all.filter(Files::isRegularFile).sorted().toList()) {
            files.add(
                new FileEntry(
                    staging.relativize(f).toString().replace('\\', '/'), Files.size(f), sha256(f)));
          }
        }
        writeManifest(staging.resolve(MANIFEST), version, now, meta, maxZoom, tiles, files);
        Files.move(staging, dir, StandardCopyOption.ATOMIC_MOVE);
        done = true;
        return new Written(dir, version, List.copyOf(files), true);
      } finally {
        if (!done) {
          deleteTree(staging);
        }
      }
    }
  }

  /**
   * Removes the hidden directories of releases whose writer was killed (untouched for six hours:
   * one being written now is younger).
   */
  private static void removeAbandoned(Path releasesDir, PrintStream log) throws IOException {
    long before = System.currentTimeMillis() - 6 * 3600_000L;
    try (Stream<Path> s = Files.list(releasesDir)) {
      for (Path p : s.toList()) {
        if (p.getFileName().toString().startsWith(".partial-")
            && Files.getLastModifiedTime(p).toMillis() < before) {
          log.println("version abandonnée supprimée : " + p.getFileName());
          deleteTree(p);
        }
      }
    }
  }

  /** The GeoParquet and Parquet files of a release, written by DuckDB (GeoParquet 1.0 metadata). */
  private static void parquet(Connection c, Path out) throws SQLException {
    // COPY takes no bound file name: the directory is the release's own staging directory, named
    // by this class, its quotes escaped.
    String dir = out.toAbsolutePath().toString().replace("'", "''");
    try (Statement st = c.createStatement()) {
      st.execute(
          "COPY (SELECT t.level, t.code, t.name, t.parent_level, t.parent_code, t.zone,"
              + " g.area_km2, g.label_lon, g.label_lat, g.geom AS geometry FROM territory t JOIN"
              + " territory_geometry g USING (level, code) ORDER BY t.level, t.code) TO '"
              + dir
              + "/territories.parquet' (FORMAT PARQUET, COMPRESSION ZSTD)");
      st.execute(
          "COPY (SELECT s.uai, s.name, s.type, s.sector, s.pupils, s.ips, s.commune_code,"
              + " s.departement_code, s.academie_code, s.region_code, s.location_method,"
              + " p.bandwidth_class, p.bandwidth_year, p.simulated AS bandwidth_simulated,"
              + " CASE WHEN s.lon IS NULL OR s.lat IS NULL THEN NULL ELSE ('POINT(' || s.lon ||"
              + " ' ' || s.lat || ')')::GEOMETRY END AS geometry FROM school s LEFT JOIN"
              + " school_point p USING (uai) ORDER BY s.uai) TO '"
              + dir
              + "/schools.parquet' (FORMAT PARQUET, COMPRESSION ZSTD)");
      st.execute(
          "COPY (SELECT * FROM indicator_value_by_indicator) TO '"
              + dir
              + "/indicator_values.parquet' (FORMAT PARQUET, COMPRESSION ZSTD)");
    }
  }

  private static void writeManifest(
      Path file,
      String version,
      Instant created,
      Map<String, String> meta,
      int maxZoom,
      List<PmTiles.Summary> tiles,
      List<FileEntry> files)
      throws IOException {
    var json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    ObjectNode root = json.createObjectNode();
    root.put("format", "eduatlas-release/1");
    root.put("version", version);
    root.put("created", created.toString());
    root.put("dataVersion", meta.get("data_version"));
    root.put("builtAt", meta.get("built_at"));
    root.put("warehouseChecksum", meta.get("checksum"));
    ObjectNode t = root.putObject("tiles");
    for (PmTiles.Summary s : tiles) {
      Tiles.Layer l = Tiles.LAYERS.get(s.layer());
      t.putObject(s.layer())
          .put("path", "tiles/" + s.layer() + ".pmtiles")
          .put("minzoom", l.minZoom())
          .put("maxzoom", maxZoom)
          .put("tiles", s.tiles());
    }
    ArrayNode fs = root.putArray("files");
    for (FileEntry f : files) {
      fs.addObject().put("path", f.path()).put("bytes", f.bytes()).put("sha256", f.sha256());
    }
    json.writeValue(file.toFile(), root);
  }

  /**
   * Finds the newest complete release of a directory: a directory named like a release, with a
   * manifest whose every file is present with its size, and whose warehouse matches its SHA-256
   * (checked once per release). Incomplete, damaged and hidden (being written) ones are skipped.
   */
  public static final class Scanner {
    private final Path dir;
    // Per release and state of its files (each one's size and time): a release copied in file by
    // file is looked at again as files arrive; one whose files do not change is checked once.
    private final Map<String, Boolean> verified = new ConcurrentHashMap<>();

    public Scanner(Path dir) {
      this.dir = dir.toAbsolutePath().normalize();
    }

    public Path dir() {
      return dir;
    }

    /** The newest complete release's directory, if any. */
    public Optional<Path> newest() {
      List<Path> names;
      try (Stream<Path> s = Files.list(dir)) {
        names =
            s.filter(p -> NAME.matcher(p.getFileName().toString()).matches())
                .filter(Files::isDirectory)
                .sorted(
                    java.util.Comparator.comparing((Path p) -> p.getFileName().toString())
                        .reversed())
                .toList();
      } catch (IOException e) {
        return Optional.empty();
      }
      for (Path p : names) {
        String key = state(p);
        if (key == null) {
          continue;
        }
        if (verified.computeIfAbsent(key, k -> complete(p))) {
          return Optional.of(p);
        }
      }
      return Optional.empty();
    }

    /** The sizes and times of a release's files, or null without a manifest. */
    private static String state(Path release) {
      if (!Files.isRegularFile(release.resolve(MANIFEST))) {
        return null;
      }
      var key = new StringBuilder(release.toString());
      try (Stream<Path> files = Files.walk(release)) {
        for (Path f : files.filter(Files::isRegularFile).sorted().toList()) {
          key.append('|')
              .append(f.getFileName())
              .append(':')
              .append(Files.size(f))
              .append(':')
              .append(Files.getLastModifiedTime(f).toMillis());
        }
      } catch (IOException e) {
        return null;
      }
      return key.toString();
    }

    static boolean complete(Path release) {
      Path manifest = release.resolve(MANIFEST);
      if (!Files.isRegularFile(manifest)) {
        return false;
      }
      try (InputStream in = Files.newInputStream(manifest)) {
        JsonNode root = new ObjectMapper().readTree(in);
        boolean hasWarehouse = false;
        for (JsonNode f : root.path("files")) {
          Path p = release.resolve(f.path("path").asText()).normalize();
          if (!p.startsWith(release)
              || !Files.isRegularFile(p)
              || Files.size(p) != f.path("bytes").asLong(-1)) {
            return false;
          }
          if (f.path("path").asText().equals(WAREHOUSE)) {
            hasWarehouse = sha256(p).equals(f.path("sha256").asText());
            if (!hasWarehouse) {
              return false;
            }
          }
        }
        return hasWarehouse;
      } catch (IOException | RuntimeException e) {
        return false;
      }
    }
  }

  static String sha256(Path file) throws IOException {
    return fr.eduatlas.source.Fetch.sha256(file);
  }

  private static void copyTree(Path from, Path to) throws IOException {
    try (Stream<Path> s = Files.walk(from)) {
      for (Path p : s.toList()) {
        Path t = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(t);
        } else {
          Files.copy(p, t);
        }
      }
    }
  }

  private static void deleteTree(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try {
      Files.walkFileTree(
          dir,
          new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs)
                throws IOException {
              Files.delete(file);
              return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path d, IOException exc) throws IOException {
              Files.delete(d);
              return FileVisitResult.CONTINUE;
            }
          });
    } catch (IOException e) {
      throw new UncheckedIOException("cannot remove the partial release " + dir, e);
    }
  }
}
