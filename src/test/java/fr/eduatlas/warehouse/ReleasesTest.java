package fr.eduatlas.warehouse;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import fr.eduatlas.testing.Fixtures;
import fr.eduatlas.tiles.Tiles;
import io.tileverse.pmtiles.PMTilesReader;
import io.tileverse.tiling.pyramid.TileIndex;
import java.io.ByteArrayInputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.util.HashSet;
import java.util.List;
import java.util.Properties;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Releases: every part written and listed with its checksum, the PMTiles holding exactly the tiles
 * the server answers, GeoParquet readable with its metadata; and a replica serving the newest
 * complete release, skipping incomplete and damaged ones, switching without dropping the requests
 * in flight.
 */
class ReleasesTest {
  @TempDir Path tmp;

  private static final PrintStream QUIET = new PrintStream(OutputStream.nullOutputStream());

  private static Connection readOnly(Path wh) throws Exception {
    var p = new Properties();
    p.setProperty("duckdb.read_only", "true");
    p.setProperty("jdbc_instance_cache", "false");
    return DriverManager.getConnection("jdbc:duckdb:" + wh, p);
  }

  private static long count(Connection c, String sql) throws Exception {
    try (ResultSet rs = c.createStatement().executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  @Test
  void aReleaseHoldsTheWarehouseTilesAndGeoParquetEachChecksummed() throws Exception {
    Path wh = Fixtures.miniWarehouse(Files.createDirectories(tmp.resolve("a")), 2024);
    Path out = tmp.resolve("releases");
    // A release whose writer was killed a day ago, and one being written now.
    Path abandoned = Files.createDirectories(out.resolve(".partial-20261206T000000000Z-ab"));
    Files.writeString(abandoned.resolve("eduatlas.duckdb"), "half");
    Files.setLastModifiedTime(
        abandoned,
        java.nio.file.attribute.FileTime.fromMillis(System.currentTimeMillis() - 86_400_000L));
    Path writing = Files.createDirectories(out.resolve(".partial-20261207T000000000Z-cd"));

    Releases.Written w = Releases.write(wh, out, 9, QUIET);
    assertThat(abandoned).doesNotExist();
    assertThat(writing).exists();
    Files.delete(writing);

    assertThat(w.dir().getFileName().toString()).matches(Releases.NAME.pattern());
    try (var left = Files.list(out)) {
      assertThat(left.map(p -> p.getFileName().toString())).containsExactly(w.version());
    }
    JsonNode manifest = new ObjectMapper().readTree(w.dir().resolve(Releases.MANIFEST).toFile());
    var listed = new HashSet<String>();
    for (JsonNode f : manifest.path("files")) {
      Path p = w.dir().resolve(f.path("path").asText());
      assertThat(Files.size(p)).isEqualTo(f.path("bytes").asLong());
      assertThat(Releases.sha256(p)).isEqualTo(f.path("sha256").asText());
      listed.add(f.path("path").asText());
    }
    assertThat(listed)
        .contains(
            "eduatlas.duckdb",
            "data/territories.parquet",
            "data/schools.parquet",
            "data/indicator_values.parquet");
    for (String layer : Tiles.LAYERS.keySet()) {
      assertThat(listed).contains("tiles/" + layer + ".pmtiles");
    }
    assertThat(listed.stream().filter(p -> p.startsWith("eduatlas.duckdb.speedtests/")))
        .isNotEmpty();
    assertThat(Releases.sha256(w.dir().resolve("eduatlas.duckdb"))).isEqualTo(Releases.sha256(wh));
    assertThat(Releases.Scanner.complete(w.dir())).isTrue();
    assertThat(w.created()).isTrue();
    // The same data again (a release after every rebuild, or by cron): nothing new is written.
    Releases.Written again = Releases.write(wh, out, 9, QUIET);
    assertThat(again.created()).isFalse();
    assertThat(again.dir()).isEqualTo(w.dir());
    try (var left = Files.list(out)) {
      assertThat(left).hasSize(1);
    }

    try (Connection c = readOnly(wh)) {
      // Each archive holds exactly the tiles the server renders, tile for tile.
      var tiles = new Tiles();
      for (Tiles.Layer layer : Tiles.LAYERS.values()) {
        long expected = 0;
        try (var r = new PMTilesReader(w.dir().resolve("tiles/" + layer.id() + ".pmtiles"))) {
          for (int[] t : Tiles.pyramid(c, layer.minZoom(), 9)) {
            byte[] mvt = tiles.tile(c, layer, t[0], t[1], t[2], null);
            var got = r.getTile(TileIndex.zxy(t[0], t[1], t[2]));
            if (mvt.length == 0) {
              assertThat(got).isEmpty();
              continue;
            }
            expected++;
            ByteBuffer b = got.orElseThrow(() -> new AssertionError(layer.id() + " " + t[0]));
            byte[] bytes = new byte[b.remaining()];
            b.get(bytes);
            // The reader decompresses as the header says; the bytes are the MVT itself, or
            // still gzip when the reader leaves that to the caller.
            byte[] plain =
                bytes.length > 1 && (bytes[0] & 0xff) == 0x1f && (bytes[1] & 0xff) == 0x8b
                    ? new GZIPInputStream(new ByteArrayInputStream(bytes)).readAllBytes()
                    : bytes;
            assertThat(plain).as(layer.id() + " " + t[0] + "/" + t[1] + "/" + t[2]).isEqualTo(mvt);
          }
          assertThat(r.getHeader().addressedTilesCount()).isEqualTo(expected);
          assertThat(manifest.path("tiles").path(layer.id()).path("tiles").asLong())
              .isEqualTo(expected);
        }
        assertThat(expected).as(layer.id()).isPositive();
      }

      // GeoParquet: DuckDB (as GeoPandas, QGIS or Sedona would) finds the geo metadata and every
      // row of the warehouse.
      try (Connection mem = DriverManager.getConnection("jdbc:duckdb:")) {
        String dir = w.dir().resolve("data").toString();
        for (String f : List.of("territories", "schools")) {
          try (ResultSet rs =
              mem.createStatement()
                  .executeQuery(
                      "SELECT value::VARCHAR FROM parquet_kv_metadata('"
                          + dir
                          + "/"
                          + f
                          + ".parquet') WHERE key::VARCHAR = 'geo'")) {
            assertThat(rs.next()).as(f + " has GeoParquet metadata").isTrue();
            JsonNode geo = new ObjectMapper().readTree(rs.getString(1).replace("\\x22", "\""));
            assertThat(geo.path("primary_column").asText()).isEqualTo("geometry");
            assertThat(geo.path("columns").path("geometry").path("encoding").asText())
                .isEqualTo("WKB");
          }
        }
        assertThat(count(mem, "SELECT count(*) FROM '" + dir + "/territories.parquet'"))
            .isEqualTo(
                count(
                    c,
                    "SELECT count(*) FROM territory JOIN territory_geometry USING (level, code)"))
            .isPositive();
        assertThat(
                count(
                    mem,
                    "SELECT count(*) FROM '"
                        + dir
                        + "/schools.parquet' WHERE geometry IS NOT NULL"))
            .isEqualTo(count(c, "SELECT count(*) FROM school WHERE lon IS NOT NULL"));
        assertThat(count(mem, "SELECT count(*) FROM '" + dir + "/indicator_values.parquet'"))
            .isEqualTo(count(c, "SELECT count(*) FROM indicator_value"));
      }
    }
  }

  private static String servedVersion(ServedWarehouse s) throws Exception {
    try (var lease = s.lease();
        ResultSet rs =
            lease
                .connection()
                .createStatement()
                .executeQuery("SELECT value FROM ingest_meta WHERE key = 'data_version'")) {
      rs.next();
      return rs.getString(1);
    }
  }

  private static void awaitVersion(ServedWarehouse s, String v) throws Exception {
    long deadline = System.nanoTime() + 20_000_000_000L;
    while (!servedVersion(s).equals(v) && System.nanoTime() < deadline) {
      Thread.sleep(50);
    }
    assertThat(servedVersion(s)).isEqualTo(v);
  }

  @Test
  void aReplicaServesTheNewestCompleteReleaseSkippingHalfWrittenAndDamagedOnes() throws Exception {
    Path releases = tmp.resolve("releases");
    Path state = tmp.resolve("state");
    Path whA = Fixtures.miniWarehouse(Files.createDirectories(tmp.resolve("a")), 2024);
    Path whB = Fixtures.miniWarehouse(Files.createDirectories(tmp.resolve("b")), 2023);
    Releases.Written a = Releases.write(whA, releases, 6, QUIET);
    String versionA = a.version().substring(a.version().indexOf('-') + 1);

    try (var served = ServedWarehouse.ofReleases(new Releases.Scanner(releases), state, 50)) {
      assertThat(servedVersion(served)).isEqualTo(versionA);
      assertThat(served.stateDir()).isEqualTo(state.toAbsolutePath());
      var held = served.lease();
      held.connection();

      // A newer-named directory without its manifest (a copy still running) is not served.
      Path half = Files.createDirectories(releases.resolve("29991231T235959999Z-abc"));
      Files.copy(whB, half.resolve(Releases.WAREHOUSE));
      Releases.Written b = Releases.write(whB, tmp.resolve("staging"), 6, QUIET);
      String versionB = b.version().substring(b.version().indexOf('-') + 1);
      assertThat(versionB).isNotEqualTo(versionA);
      Thread.sleep(300);
      assertThat(servedVersion(served)).isEqualTo(versionA);

      Files.delete(half.resolve(Releases.WAREHOUSE));
      Files.delete(half);
      // Copied file by file (rsync to a replica's disk), its manifest first: not served while a
      // file is missing, served once the last one has arrived.
      Path copying = Files.createDirectories(releases.resolve(b.version()));
      Files.copy(b.dir().resolve(Releases.MANIFEST), copying.resolve(Releases.MANIFEST));
      try (var files = Files.walk(b.dir())) {
        for (Path p : files.toList()) {
          Path t = copying.resolve(b.dir().relativize(p).toString());
          if (Files.isDirectory(p)) {
            Files.createDirectories(t);
          } else if (!p.getFileName().toString().equals(Releases.WAREHOUSE) && !Files.exists(t)) {
            Files.copy(p, t);
          }
        }
      }
      Thread.sleep(300);
      assertThat(servedVersion(served)).isEqualTo(versionA);
      Files.copy(b.dir().resolve(Releases.WAREHOUSE), copying.resolve(Releases.WAREHOUSE));
      awaitVersion(served, versionB);
      // The request that began on release A finishes on it.
      try (ResultSet rs =
          held.connection()
              .createStatement()
              .executeQuery("SELECT value FROM ingest_meta WHERE key = 'data_version'")) {
        rs.next();
        assertThat(rs.getString(1)).isEqualTo(versionA);
      }
      held.close();

      // A newer release whose warehouse was damaged after its manifest was written is skipped.
      Path damaged = releases.resolve("29991231T235959999Z-" + versionA);
      Files.createDirectories(damaged);
      try (var files = Files.walk(releases.resolve(a.version()))) {
        for (Path p : files.toList()) {
          Path t = damaged.resolve(releases.resolve(a.version()).relativize(p).toString());
          if (Files.isDirectory(p)) {
            Files.createDirectories(t);
          } else {
            Files.copy(p, t);
          }
        }
      }
      byte[] bytes = Files.readAllBytes(damaged.resolve(Releases.WAREHOUSE));
      bytes[bytes.length / 2] ^= 1;
      Files.write(damaged.resolve(Releases.WAREHOUSE), bytes);
      Thread.sleep(500);
      assertThat(servedVersion(served)).isEqualTo(versionB);
      // Nothing of the server's state went into a release.
      try (var files = Files.walk(releases)) {
        assertThat(files.filter(p -> p.getFileName().toString().contains("selections"))).isEmpty();
      }
    }
  }
}
