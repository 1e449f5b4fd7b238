package fr.eduatlas.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import fr.eduatlas.testing.Fixtures;
import fr.eduatlas.testing.WarehouseQuery;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The boundary stage's outputs reused between ingests of the same inputs and code: a hit gives the
 * very warehouse a full build gives; any change to what the boundaries are built from is a miss; an
 * unreadable entry is rebuilt; the cache can be turned off.
 */
class BoundaryCacheTest {
  @TempDir Path tmp;
  Path data;
  Path warehouse;
  Path cacheDir;
  String lastLog;

  @BeforeEach
  void setUp() throws Exception {
    data = Fixtures.copyMini(tmp);
    warehouse = tmp.resolve("out/eduatlas.duckdb");
    cacheDir = tmp.resolve("out/boundary-cache");
  }

  private IngestReport ingest(boolean cache) throws java.sql.SQLException {
    var bytes = new ByteArrayOutputStream();
    var log = new PrintStream(bytes, true, StandardCharsets.UTF_8);
    var report =
        new Ingest(Fixtures.miniManifest(), log)
            .run(new Ingest.Options(data, warehouse, false).withBoundaryCache(cache));
    lastLog = bytes.toString(StandardCharsets.UTF_8);
    // Whatever the cache held, a seed's tables never reach the served warehouse.
    if (Files.exists(warehouse)) {
      try (var q = WarehouseQuery.open(warehouse)) {
        assertThat(
                q.string(
                    "SELECT coalesce(string_agg(table_name, ','), '') FROM duckdb_tables() WHERE"
                        + " table_name LIKE 'boundary_seed%' OR table_name = 'entry'"))
            .isEmpty();
        assertThat(
                q.string(
                    "SELECT count(*) FROM duckdb_tables() WHERE table_name IN"
                        + " ('territory_geometry', 'territory_geometry_zoom',"
                        + " 'boundary_crosscheck')"))
            .isEqualTo("3");
      }
    }
    return report;
  }

  private static final String SEEDED = "construction commencée sur une copie de l'entrée du cache";

  /** Runs {@code sql} on an entry's file, as another program could have left it. */
  private static void onEntry(Path entry, String... sql) throws java.sql.SQLException {
    try (var c = java.sql.DriverManager.getConnection("jdbc:duckdb:" + entry);
        var st = c.createStatement()) {
      for (String s : sql) {
        st.execute(s);
      }
    }
  }

  private static List<String> stages(IngestReport r) {
    return r.stages().stream().map(IngestReport.Stage::name).toList();
  }

  private List<Path> entries() throws Exception {
    if (!Files.isDirectory(cacheDir)) {
      return List.of();
    }
    try (Stream<Path> s = Files.list(cacheDir)) {
      return s.toList();
    }
  }

  /** Every row of the boundary tables, in a fixed order, geometry as WKB text. */
  private String boundaryTables() throws Exception {
    try (var q = WarehouseQuery.open(warehouse)) {
      return q.string(
              "SELECT string_agg(level || code || band || vertices || ST_AsText(geom_3857), ';'"
                  + " ORDER BY level, code, band) FROM territory_geometry_zoom")
          + q.string(
              "SELECT string_agg(level || code || area_km2 || label_lon || label_lat ||"
                  + " ST_AsText(geom), ';' ORDER BY level, code) FROM territory_geometry")
          + q.string(
              "SELECT string_agg(level || code || official_km2 || coalesce(difference_pct::VARCHAR,"
                  + " '-'), ';' ORDER BY level, code) FROM boundary_crosscheck");
    }
  }

  @Test
  void aSecondIngestOfTheSameInputsReusesTheBoundariesAndGivesTheSameWarehouse() throws Exception {
    IngestReport first = ingest(true);
    assertThat(stages(first)).contains("boundaries:cache", "boundaries:simplify");
    assertThat(stages(first)).contains("boundaries:cache-store");
    assertThat(entries()).hasSize(1);
    String tables = boundaryTables();

    IngestReport second = ingest(true);
    // Started as a copy of the entry's file: its tables renamed into place, no row copied.
    assertThat(lastLog).contains(SEEDED + " des contours " + entries().get(0).getFileName());
    assertThat(stages(second)).contains("boundaries:cache");
    assertThat(stages(second))
        .noneMatch(s -> s.startsWith("boundaries:") && !s.equals("boundaries:cache"));
    assertThat(lastLog).contains("contours repris du cache");
    assertThat(second.checksum()).isEqualTo(first.checksum());
    assertThat(second.boundaries()).isEqualTo(first.boundaries());
    assertThat(boundaryTables()).isEqualTo(tables);

    // And the same as a build without any cache.
    IngestReport uncached = ingest(false);
    assertThat(stages(uncached)).doesNotContain("boundaries:cache").contains("boundaries:simplify");
    assertThat(uncached.checksum()).isEqualTo(first.checksum());
  }

  @Test
  void aChangedPolygonOrHierarchyIsAMissAndReplacesTheEntry() throws Exception {
    IngestReport first = ingest(true);
    Path before = entries().get(0);

    // One vertex of Laon moved: the polygons' digest changes.
    Path communes = data.resolve("communes/communes-a.geojson");
    Files.writeString(
        communes, Files.readString(communes).replaceFirst("\\[3\\.66, 49\\.6\\]", "[3.67, 49.6]"));
    IngestReport moved = ingest(true);
    // Seeded with the previous entry, whose key is no longer the build's: its tables dropped.
    assertThat(lastLog).contains(SEEDED + " des contours " + before.getFileName());
    assertThat(stages(moved)).contains("boundaries:simplify", "boundaries:cache-store");
    assertThat(moved.checksum()).isNotEqualTo(first.checksum());
    assertThat(entries()).hasSize(1).doesNotContain(before);

    // The same polygons again: a hit on the new entry.
    IngestReport again = ingest(true);
    assertThat(stages(again)).doesNotContain("boundaries:simplify");
    assertThat(again.checksum()).isEqualTo(moved.checksum());
  }

  @Test
  void aChangeOutsideTheBoundaryInputsIsStillAHit() throws Exception {
    ingest(true);
    Path pop = data.resolve("populations.csv");
    Files.writeString(pop, Files.readString(pop).replace(";24021;", ";24022;"));
    IngestReport after = ingest(true);
    assertThat(stages(after)).doesNotContain("boundaries:simplify");
  }

  @Test
  void whatAKilledStoreLeftIsDeletedByTheNextHitOrStoreAndARunningStoresFileIsKept()
      throws Exception {
    ingest(true);
    Path entry = entries().get(0);
    // A store killed half-way: its process is gone.
    Process done = new ProcessBuilder("true").start();
    done.waitFor();
    Path abandoned = cacheDir.resolve("boundaries-0123abcd.partial-" + done.pid());
    Files.write(abandoned, new byte[] {1, 2, 3});
    Files.write(Path.of(abandoned + ".wal"), new byte[] {4});
    // A store running in another process (an ingest of another warehouse here, say).
    Process running = new ProcessBuilder("sleep", "60").start();
    try {
      Path live = cacheDir.resolve("boundaries-4567ef.partial-" + running.pid());
      Files.write(live, new byte[] {5});

      IngestReport hit = ingest(true);

      assertThat(stages(hit)).doesNotContain("boundaries:simplify");
      assertThat(entries()).containsExactlyInAnyOrder(entry, live);

      // A store (a moved vertex: a miss) replaces the entry and keeps the running store's file.
      Files.write(abandoned, new byte[] {1, 2, 3});
      Path communes = data.resolve("communes/communes-a.geojson");
      Files.writeString(
          communes,
          Files.readString(communes).replaceFirst("\\[3\\.66, 49\\.6\\]", "[3.67, 49.6]"));
      IngestReport stored = ingest(true);
      assertThat(stages(stored)).contains("boundaries:cache-store");
      assertThat(entries()).hasSize(2).contains(live).doesNotContain(entry, abandoned);
    } finally {
      running.destroy();
    }
  }

  @Test
  void anUnreadableEntryIsRebuiltAndRewritten() throws Exception {
    IngestReport first = ingest(true);
    Path entry = entries().get(0);
    Files.write(entry, "not a duckdb file".getBytes(StandardCharsets.UTF_8));

    IngestReport rebuilt = ingest(true);
    assertThat(lastLog).contains("entrée du cache des contours inutilisable (");
    assertThat(stages(rebuilt)).contains("boundaries:simplify", "boundaries:cache-store");
    assertThat(rebuilt.checksum()).isEqualTo(first.checksum());
    assertThat(Files.size(entry)).isGreaterThan(1000);
    assertThat(stages(ingest(true))).doesNotContain("boundaries:simplify");
  }

  @Test
  void anEntryMissingATableOrItsSummaryIsRebuilt() throws Exception {
    IngestReport first = ingest(true);
    Path entry = entries().get(0);
    onEntry(entry, "DROP TABLE territory_geometry_zoom");
    IngestReport rebuilt = ingest(true);
    assertThat(stages(rebuilt)).contains("boundaries:simplify", "boundaries:cache-store");
    assertThat(rebuilt.checksum()).isEqualTo(first.checksum());

    onEntry(entry, "UPDATE entry SET summary = '{not json'");
    IngestReport again = ingest(true);
    assertThat(stages(again)).contains("boundaries:simplify");
    assertThat(again.checksum()).isEqualTo(first.checksum());
    assertThat(again.boundaries()).isEqualTo(first.boundaries());
  }

  @Test
  void aCacheThatCannotBeWrittenIsSaidAndTheIngestStillInstalls() throws Exception {
    Files.createDirectories(cacheDir.getParent());
    Files.writeString(cacheDir, "a file where the cache directory should be");
    IngestReport r = ingest(true);
    assertThat(r.status()).isEqualTo("ok");
    assertThat(stages(r)).contains("boundaries:simplify", "boundaries:cache-store");
    assertThat(lastLog).contains("cache des contours non écrit (");
    assertThat(warehouse).exists();
    assertThat(Files.readString(cacheDir)).startsWith("a file");
  }

  @Test
  void offMeansNoEntryReadNorWritten() throws Exception {
    IngestReport r = ingest(false);
    assertThat(stages(r)).noneMatch(s -> s.startsWith("boundaries:cache"));
    assertThat(entries()).isEmpty();
    // Nor a build seeded with an entry another run left.
    IngestReport cached = ingest(true);
    assertThat(ingest(false).checksum()).isEqualTo(cached.checksum());
    assertThat(lastLog).doesNotContain(SEEDED);
  }

  @Test
  void anEntryWithAWalBesideOrAnotherFileIsNoSeed() throws Exception {
    IngestReport first = ingest(true);
    Path entry = entries().get(0);
    // Files of the directory that are not complete entries.
    Files.writeString(cacheDir.resolve("boundaries-notes.txt"), "x");
    Files.writeString(cacheDir.resolve("boundaries-" + "ab".repeat(32) + ".duckdb.tmp"), "x");
    Files.write(Path.of(entry + ".wal"), new byte[0]);
    IngestReport second = ingest(true);
    assertThat(lastLog).doesNotContain(SEEDED);
    assertThat(second.checksum()).isEqualTo(first.checksum());
  }

  @Test
  void aSeedWhoseFileIsNotAnEntrysStartsAnEmptyBuild() throws Exception {
    IngestReport first = ingest(true);
    Path entry = entries().get(0);
    // An entry's file holding one table too many: not adopted, the build starts empty, and the
    // entry, read as without a seed, is still a hit (its extra table is not copied).
    onEntry(entry, "CREATE TABLE quarantine AS SELECT 1 AS x");
    IngestReport second = ingest(true);
    assertThat(lastLog)
        .doesNotContain(SEEDED)
        .contains("entrée du cache des contours non reprise comme point de départ (")
        .contains("quarantine")
        .contains("contours repris du cache");
    assertThat(second.checksum()).isEqualTo(first.checksum());
    // An entry whose key is not its name's: seeded, dropped, looked up, refused, rebuilt.
    onEntry(entry, "DROP TABLE quarantine", "UPDATE entry SET key = 'another'");
    IngestReport third = ingest(true);
    assertThat(lastLog).contains(SEEDED).contains("entrée du cache des contours inutilisable (");
    assertThat(stages(third)).contains("boundaries:simplify");
    assertThat(third.checksum()).isEqualTo(first.checksum());
  }
}
