package fr.eduatlas.it;

import static org.assertj.core.api.Assertions.assertThat;

import fr.eduatlas.geo.Crs;
import fr.eduatlas.geo.ZoomBand;
import fr.eduatlas.ingest.Ingest;
import fr.eduatlas.ingest.IngestReport;
import fr.eduatlas.source.SourceManifest;
import fr.eduatlas.source.insee.DensityGridReader;
import fr.eduatlas.testing.Fixtures;
import fr.eduatlas.testing.Staged;
import fr.eduatlas.testing.WarehouseQuery;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.locationtech.jts.coverage.CoverageGapFinder;
import org.locationtech.jts.coverage.CoverageValidator;
import org.locationtech.jts.geom.Coordinate;
import org.locationtech.jts.geom.Geometry;
import org.locationtech.jts.geom.GeometryFactory;

/** The ingest of the real open data of ../shared/data, checked against its known counts. */
class RealDataIngestIT {
  @TempDir static Path tmp;
  static Path warehouse;
  static IngestReport report;

  @BeforeAll
  static void ingest() {
    warehouse = tmp.resolve("real.duckdb");
    report = run(warehouse);
  }

  static IngestReport run(Path wh) {
    var log = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
    return new Ingest(SourceManifest.bundled(), log)
        .run(new Ingest.Options(Fixtures.realData(), wh, false));
  }

  @Test
  void everyRowReadIsLoadedOrQuarantined() {
    assertThat(report.status()).isEqualTo("ok");
    assertThat(report.sources())
        .hasSize(18)
        .allSatisfy(
            s -> {
              assertThat(s.status()).as(s.id()).isEqualTo("ok");
              assertThat(s.read()).as(s.id()).isEqualTo(s.loaded() + s.quarantined());
            });
  }

  @Test
  void theKnownCountsOfTheOfficialFiles() throws Exception {
    assertThat(report.totals().communes()).isEqualTo(34_969);
    assertThat(report.totals().departements()).isEqualTo(101);
    assertThat(report.totals().academies()).isEqualTo(30);
    assertThat(report.totals().regions()).isEqualTo(18);
    assertThat(report.totals().epci()).isEqualTo(1_255);
    assertThat(report.totals().schools()).isEqualTo(30_059 + 6_973 + 3_598);
    try (var q = WarehouseQuery.open(warehouse)) {
      assertThat(
              q.strings("SELECT type || '=' || count(*) FROM school GROUP BY type ORDER BY type"))
          .containsExactly("college=6973", "ecole=30059", "lycee=3598");
      assertThat(q.count("SELECT read FROM ingest_source WHERE id = 'cog-communes'"))
          .isEqualTo(37_590);
      // Each département sits in exactly one académie, and every académie has départements.
      assertThat(q.count("SELECT count(*) FROM departement WHERE academie_code IS NULL")).isZero();
      assertThat(q.count("SELECT count(*) FROM departement_academie WHERE candidates > 1"))
          .isZero();
      assertThat(q.count("SELECT count(DISTINCT academie_code) FROM departement")).isEqualTo(30);
      assertThat(q.string("SELECT academie_code FROM departement WHERE code = '02'"))
          .isEqualTo("20");
      assertThat(q.string("SELECT academie_code FROM departement WHERE code = '976'"))
          .isEqualTo("43");
      // Every school is in a current commune of its département.
      assertThat(
              q.count(
                  "SELECT count(*) FROM school WHERE departement_code <> departement_code_source"))
          .isZero();
    }
  }

  @Test
  void sourcesInOlderCodesAreMappedOntoCog2026() throws Exception {
    Map<String, Long> remapped = new HashMap<>();
    report.sources().forEach(s -> remapped.put(s.id(), s.remapped()));
    // The 2018 FttH file predates many communes nouvelles; Paris, Lyon and Marseille schools are
    // listed by arrondissement.
    assertThat(remapped.get("arcep-ftth")).isGreaterThan(500);
    assertThat(remapped.get("depp-ips-ecoles")).isGreaterThan(800);
    try (var q = WarehouseQuery.open(warehouse)) {
      assertThat(q.count("SELECT count(*) FROM school WHERE commune_code = '75056'"))
          .isGreaterThan(600);
      // A commune's 2024 coverage is the sum over its former communes: recompute one by hand.
      long premises = 0;
      for (String line :
          Files.readAllLines(
              Fixtures.realData()
                  .resolve("connectivity/couverture-technologies-communes-2024.csv"))) {
        if (line.startsWith("02408,")) {
          premises += Long.parseLong(line.split(",")[9]);
        }
      }
      assertThat(q.count("SELECT premises FROM commune_coverage WHERE commune_code = '02408'"))
          .isEqualTo(premises);
    }
  }

  @Test
  void theDensityWorkbookAndItsCsvGiveTheSameRows() throws Exception {
    Path refs = Fixtures.realData().resolve("referentials");
    var xlsx = tmp.resolve("xlsx");
    var csv = tmp.resolve("csv");
    Files.createDirectories(xlsx);
    Files.createDirectories(csv);
    try (var a =
            Staged.run(
                new DensityGridReader(), refs.resolve("grille_densite_7_niveaux_2024.xlsx"), xlsx);
        var b =
            Staged.run(
                new DensityGridReader(), refs.resolve("grille_densite_7_niveaux_2024.csv"), csv)) {
      assertThat(a.read).isEqualTo(34_935).isEqualTo(b.read);
      assertThat(a.quarantined).isZero();
      String all = "SELECT * EXCLUDE (_line, name) FROM src_fixture ORDER BY commune_code";
      assertThat(a.rows(all)).isEqualTo(b.rows(all));
      // Names too, but for the two communes named Faux, which French Excel turned into the
      // boolean FALSE: the workbook shows FAUX, the CSV conversion wrote False.
      String names =
          "SELECT commune_code, name FROM src_fixture"
              + " WHERE commune_code NOT IN ('08165', '24177') ORDER BY 1";
      assertThat(a.rows(names)).isEqualTo(b.rows(names));
      String faux =
          "SELECT commune_code || ' ' || name AS n FROM src_fixture"
              + " WHERE name IN ('FAUX', 'False', 'Faux') ORDER BY 1";
      assertThat(a.rows(faux))
          .extracting(r -> r.get("n"))
          .containsExactly("08165 FAUX", "24177 FAUX");
      assertThat(b.rows(faux))
          .extracting(r -> r.get("n"))
          .containsExactly("08165 False", "24177 False");
    }
  }

  @Test
  void almostEveryCommuneHasItsCog2026Geometry() throws Exception {
    try (var q = WarehouseQuery.open(warehouse)) {
      // ADMIN EXPRESS covers metropolitan France and the five overseas départements, not the
      // overseas collectivities (zone com): the share is over the communes it covers.
      long cog = q.count("SELECT count(*) FROM commune WHERE zone <> 'com'");
      long withGeometry =
          q.count(
              "SELECT count(*) FROM commune c JOIN territory_geometry g"
                  + " ON g.level = 'commune' AND g.code = c.code WHERE c.zone <> 'com'");
      assertThat(cog).isEqualTo(34_875);
      assertThat((double) withGeometry / cog).isGreaterThanOrEqualTo(0.999);
      // The others are reported, and every 2018 polygon found its commune.
      assertThat(q.count("SELECT count FROM ingest_check WHERE name = 'communes-sans-geometrie'"))
          .isEqualTo(cog - withGeometry);
      assertThat(q.count("SELECT quarantined FROM ingest_source WHERE id = 'ign-communes'"))
          .isZero();
      assertThat(q.count("SELECT read FROM ingest_source WHERE id = 'ign-communes'"))
          .isEqualTo(35_357);
      assertThat(q.count("SELECT count(*) FROM territory_geometry"))
          .isEqualTo(withGeometry + 1_255 + 101 + 30 + 18 + 1);
    }
  }

  @Test
  void areasAreMeasuredOnTheEllipsoid() throws Exception {
    try (var q = WarehouseQuery.open(warehouse)) {
      // Bonifacio: 140.11 km² on the ellipsoid, 140.91 in Lambert-93's plane (+0.57 %).
      double bonifacio =
          Double.parseDouble(
              q.string(
                  "SELECT area_km2::VARCHAR FROM territory_geometry WHERE level = 'commune' AND"
                      + " code = '2A041'"));
      assertThat(bonifacio).isCloseTo(140.11, org.assertj.core.api.Assertions.within(0.05));
    }
  }

  @Test
  void communeAreasAddUpToTheirDissolvedDepartement() throws Exception {
    try (var q = WarehouseQuery.open(warehouse)) {
      Map<String, Geometry> deps =
          q.geometries(
              "SELECT code, ST_AsWKB(geom) FROM territory_geometry WHERE level = 'departement'");
      Map<String, String> sums = new HashMap<>();
      for (String row :
          q.strings(
              "SELECT concat(c.departement_code, ' ', sum(g.area_km2)) FROM territory_geometry g"
                  + " JOIN commune c ON c.code = g.code WHERE g.level = 'commune' GROUP BY c.departement_code")) {
        sums.put(row.split(" ")[0], row.split(" ")[1]);
      }
      assertThat(deps).hasSize(101);
      deps.forEach(
          (code, g) -> {
            // Measured here, independently of GeographicLib, in an equal-area projection through
            // GeoTools (EPSG:3035, Lambert azimuthal equal-area: areas are kept everywhere, the
            // overseas départements included, only shapes suffer far from its centre).
            double dissolved = Crs.transform(g, Crs.WGS84, 3035).getArea() / 1e6;
            double communes = Double.parseDouble(sums.get(code));
            assertThat(Math.abs(communes - dissolved) / dissolved).as(code).isLessThan(0.001);
          });
    }
  }

  @Test
  void dissolvedLevelsMatchTheOfficialBoundaryFiles() throws Exception {
    try (var q = WarehouseQuery.open(warehouse)) {
      assertThat(q.count("SELECT count(*) FROM boundary_crosscheck WHERE dissolved_km2 IS NULL"))
          .isZero();
      // IGN's own départements and régions: the same data, dissolved by IGN.
      assertThat(
              q.dbl(
                  "SELECT max(abs(difference_pct)) FROM boundary_crosscheck WHERE level IN ('departement', 'region')"))
          .isLessThan(0.1);
      // The ministry's académie contours (2020) are generalised differently, coastlines most.
      assertThat(
              q.dbl(
                  "SELECT max(abs(difference_pct)) FROM boundary_crosscheck WHERE level = 'academie'"))
          .isLessThan(3.5);
      assertThat(q.count("SELECT count(*) FROM boundary_crosscheck")).isEqualTo(101 + 18 + 30);
    }
  }

  @Test
  void everyStoredGeometryIsValidAndEveryLabelInside() throws Exception {
    try (var q = WarehouseQuery.open(warehouse)) {
      Map<String, Geometry> full =
          q.geometries("SELECT level || ' ' || code, ST_AsWKB(geom) FROM territory_geometry");
      var labels = new HashMap<String, double[]>();
      for (String r :
          q.strings(
              "SELECT level || ' ' || code || ' ' || label_lon || ' ' || label_lat FROM territory_geometry")) {
        String[] p = r.split(" ");
        labels.put(
            p[0] + " " + p[1], new double[] {Double.parseDouble(p[2]), Double.parseDouble(p[3])});
      }
      var gf = new GeometryFactory();
      full.forEach(
          (k, g) -> {
            assertThat(g.isValid()).as(k).isTrue();
            double[] l = labels.get(k);
            assertThat(g.contains(gf.createPoint(new Coordinate(l[0], l[1])))).as(k).isTrue();
          });
      long invalid = 0;
      for (Geometry g :
          q.geometries(
                  "SELECT level || code || band, ST_AsWKB(geom_3857) FROM territory_geometry_zoom")
              .values()) {
        if (!g.isValid()) {
          invalid++;
        }
      }
      assertThat(invalid).isZero();
    }
  }

  @Test
  void neighboursShareTheirBordersAtEveryZoomBand() throws Exception {
    try (var q = WarehouseQuery.open(warehouse)) {
      for (ZoomBand band : ZoomBand.values()) {
        for (String level : List.of("commune", "epci", "departement", "academie", "region")) {
          if (level.equals("commune") && !band.hasCommunes()) {
            continue;
          }
          Geometry[] coverage =
              q.geometries(
                      "SELECT code, ST_AsWKB(geom_3857) FROM territory_geometry_zoom WHERE band = '"
                          + band.id()
                          + "' AND level = '"
                          + level
                          + "'")
                  .values()
                  .toArray(new Geometry[0]);
          assertThat(coverage).as(band + " " + level).isNotEmpty();
          // No overlap, and every shared border identical on both sides...
          assertThat(CoverageValidator.isValid(coverage)).as(band + " " + level).isTrue();
          // ...and no gap opened between neighbours (slivers narrower than a metre).
          assertThat(CoverageGapFinder.findGaps(coverage, 1.0).isEmpty())
              .as(band + " " + level)
              .isTrue();
        }
      }
    }
  }

  @Test
  void schoolsWithoutAPositionArePlacedAtTheirCommune() throws Exception {
    try (var q = WarehouseQuery.open(warehouse)) {
      assertThat(
              q.count(
                  "SELECT count(*) FROM school WHERE lon IS NULL AND commune_code IN"
                      + " (SELECT code FROM territory_geometry WHERE level = 'commune')"))
          .isZero();
      assertThat(
              q.count(
                  "SELECT count(*) FROM school s JOIN territory_geometry g ON g.level = 'commune'"
                      + " AND g.code = s.commune_code WHERE s.location_method = 'commune'"
                      + " AND (s.lon <> g.label_lon OR s.lat <> g.label_lat)"))
          .isZero();
      assertThat(q.count("SELECT count(*) FROM school WHERE location_method = 'etablissement'"))
          .isGreaterThan(7_000);
    }
  }

  @Test
  void reRunningOnTheSameInputsGivesTheSameContent() {
    IngestReport again = run(tmp.resolve("again.duckdb"));
    assertThat(again.checksum()).isEqualTo(report.checksum());
  }

  /**
   * The API's fibre coverage of the Aisne and of France, against sums worked out here from the raw
   * ARCEP 2024 file, row by row.
   */
  @Test
  void theApisFibreCoverageIsRecomputedFromTheRawFile() throws Exception {
    double[] aisne = new double[2];
    double[] france = new double[2];
    try (var csv =
        de.siegmar.fastcsv.reader.CsvReader.builder()
            .ofNamedCsvRecord(
                Fixtures.realData()
                    .resolve("connectivity/couverture-technologies-communes-2024.csv"))) {
      for (var r : csv) {
        double premises = Double.parseDouble(r.getField("nb_locaux"));
        String f = r.getField("nb_locaux_fibre");
        double fibre = f.isEmpty() ? 0 : Double.parseDouble(f);
        france[0] += fibre;
        france[1] += premises;
        if (r.getField("code_insee").startsWith("02")) {
          aisne[0] += fibre;
          aisne[1] += premises;
        }
      }
    }
    try (var server =
        fr.eduatlas.api.ApiServer.start(
            new fr.eduatlas.warehouse.ServedWarehouse(warehouse, 1000), "127.0.0.1", 0)) {
      var http = java.net.http.HttpClient.newHttpClient();
      var json = new com.fasterxml.jackson.databind.ObjectMapper();
      for (var c : List.of(Map.entry("departement/02", aisne), Map.entry("france/FR", france))) {
        var body =
            http.send(
                    java.net.http.HttpRequest.newBuilder(
                            java.net.URI.create(
                                "http://127.0.0.1:"
                                    + server.port()
                                    + "/api/v1/territories/"
                                    + c.getKey()))
                        .build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString())
                .body();
        double api = Double.NaN;
        for (var i : json.readTree(body).get("indicators")) {
          if (i.get("id").asText().equals("couverture-fibre")) {
            api = i.get("latest").get("value").asDouble();
          }
        }
        assertThat(api)
            .as(c.getKey())
            .isCloseTo(
                c.getValue()[0] / c.getValue()[1] * 100, org.assertj.core.data.Offset.offset(0.01));
      }
    }
  }

  /**
   * Vector tiles of the real warehouse: every decoded geometry valid; Laon shares its borders with
   * its neighbours in the tile (no gap, no overlap); school tiles over Paris within their budget.
   */
  @Test
  void tilesAreValidShareBordersAndKeepTheirBudget() throws Exception {
    try (var server =
        fr.eduatlas.api.ApiServer.start(
            new fr.eduatlas.warehouse.ServedWarehouse(warehouse, 1000), "127.0.0.1", 0)) {
      var http = java.net.http.HttpClient.newHttpClient();
      java.util.function.Function<String, byte[]> get =
          path -> {
            try {
              var r =
                  http.send(
                      java.net.http.HttpRequest.newBuilder(
                              java.net.URI.create("http://127.0.0.1:" + server.port() + path))
                          .build(),
                      java.net.http.HttpResponse.BodyHandlers.ofByteArray());
              assertThat(r.statusCode()).as(path).isIn(200, 204);
              return r.body();
            } catch (Exception e) {
              throw new IllegalStateException(e);
            }
          };
      var gf = new GeometryFactory();
      Geometry laon = null;
      var others = new java.util.ArrayList<Geometry>();
      int[] t = fr.eduatlas.tiles.TileMath.tileOf(3.6233, 49.5641, 10);
      var mvt =
          io.github.sebasbaumh.mapbox.vectortile.adapt.jts.MvtReader.loadMvt(
              new java.io.ByteArrayInputStream(
                  get.apply("/tiles/communes/10/" + t[0] + "/" + t[1] + ".mvt")),
              gf,
              new io.github.sebasbaumh.mapbox.vectortile.adapt.jts.TagKeyValueMapConverter(),
              io.github.sebasbaumh.mapbox.vectortile.adapt.jts.MvtReader.RING_CLASSIFIER_V2_1);
      for (Geometry g : mvt.getLayer("communes").getGeometries()) {
        assertThat(g.isValid()).as(String.valueOf(g.getUserData())).isTrue();
        if ("02408".equals(((Map<?, ?>) g.getUserData()).get("code"))) {
          laon = g;
        } else {
          others.add(g);
        }
      }
      assertThat(laon).isNotNull();
      int neighbours = 0;
      for (Geometry o : others) {
        if (o.distance(laon) < 1) {
          neighbours++;
          assertThat(o.intersection(laon).getArea()).as("overlap").isLessThan(2);
          assertThat(o.getBoundary().intersection(laon.getBoundary()).getLength())
              .as("shared border with " + o.getUserData())
              .isPositive();
        }
      }
      assertThat(neighbours).isGreaterThanOrEqualTo(4);
      for (int z = 8; z <= 12; z++) {
        int[] p = fr.eduatlas.tiles.TileMath.tileOf(2.3488, 48.8534, z);
        byte[] b = get.apply("/tiles/schools/" + z + "/" + p[0] + "/" + p[1] + ".mvt");
        assertThat(b.length)
            .as("schools z" + z)
            .isPositive()
            .isLessThanOrEqualTo(fr.eduatlas.tiles.Tiles.SCHOOL_TILE_BUDGET_BYTES);
      }
    }
  }

  /**
   * Every tile of the tile benchmark's list (bench/tiles.sh: metropolitan France at zooms 6, 8 and
   * 10, the Aisne and the Val-d'Oise at 12), for every layer served at its zoom, follows the MVT
   * 2.1 geometry rules, read from the command stream.
   */
  @Test
  void everyTileOfTheBenchmarkListFollowsTheMvtRules() throws Exception {
    try (var q = WarehouseQuery.open(warehouse)) {
      var tiles = new fr.eduatlas.tiles.Tiles();
      var list = fr.eduatlas.bench.TileBench.tileList(q.connection());
      assertThat(list.get("z6")).hasSize(9);
      assertThat(list.get("z8")).hasSize(132);
      assertThat(list.get("z10")).hasSize(1980);
      assertThat(list).containsKeys("z12-02", "z12-95");
      var problems = new java.util.ArrayList<String>();
      int tileCount = 0;
      long features = 0;
      for (var group : list.values()) {
        for (int[] t : group) {
          for (var layer : fr.eduatlas.tiles.Tiles.LAYERS.values()) {
            if (t[0] < layer.minZoom()) {
              continue;
            }
            byte[] b = tiles.tile(q.connection(), layer, t[0], t[1], t[2], null);
            tileCount++;
            for (String v : fr.eduatlas.testing.MvtCheck.violations(b)) {
              problems.add(layer.id() + " " + t[0] + "/" + t[1] + "/" + t[2] + ": " + v);
            }
            if (b.length > 0) {
              features +=
                  io.github.sebasbaumh.mapbox.vectortile.VectorTile.Tile.parseFrom(b)
                      .getLayers(0)
                      .getFeaturesCount();
            }
          }
        }
      }
      assertThat(problems).as("MVT rule violations").isEmpty();
      // France's communes are drawn from zoom 8: the list holds tens of thousands of features.
      assertThat(tileCount).isGreaterThan(2500 * 5);
      assertThat(features).isGreaterThan(60_000);
    }
  }
}
