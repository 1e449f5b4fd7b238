package fr.eduatlas.warehouse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import fr.eduatlas.geo.ZoomBand;
import fr.eduatlas.ingest.Ingest;
import fr.eduatlas.ingest.IngestReport;
import fr.eduatlas.testing.Fixtures;
import fr.eduatlas.testing.WarehouseQuery;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.locationtech.jts.coverage.CoverageValidator;
import org.locationtech.jts.geom.Geometry;
import org.locationtech.jts.io.WKTReader;

/** The boundaries stage on the mini dataset, against golden geometries. */
class BoundaryBuilderTest {
  @TempDir static Path tmp;
  static Path warehouse;
  static IngestReport report;

  @BeforeAll
  static void ingest() {
    warehouse = tmp.resolve("b.duckdb");
    report =
        new Ingest(Fixtures.miniManifest(), new PrintStream(OutputStream.nullOutputStream()))
            .run(new Ingest.Options(Fixtures.miniDir(), warehouse, false));
  }

  record Golden(String level, String code, String wkt) {
    @Override
    public String toString() {
      return level + " " + code;
    }
  }

  static Stream<Golden> golden() throws Exception {
    var out = new ArrayList<Golden>();
    Path file = Path.of(BoundaryBuilderTest.class.getResource("/golden/boundaries.wkt").toURI());
    for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
      if (line.isBlank() || line.startsWith("#")) {
        continue;
      }
      String[] p = line.split(" ", 3);
      out.add(new Golden(p[0], p[1], p[2]));
    }
    return out.stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("golden")
  void goldenGeometries(Golden g) throws Exception {
    Geometry expected = new WKTReader().read(g.wkt());
    try (var q = WarehouseQuery.open(warehouse)) {
      Map<String, Geometry> actual =
          q.geometries(
              "SELECT code, ST_AsWKB(geom) FROM territory_geometry WHERE level = '"
                  + g.level()
                  + "' AND code = '"
                  + g.code()
                  + "'");
      assertThat(actual).containsKey(g.code());
      Geometry a = actual.get(g.code());
      assertThat(a.isValid()).isTrue();
      assertThat(a.equalsTopo(expected))
          .as("%s %s: expected %s, got %s", g.level(), g.code(), expected.norm(), a.norm())
          .isTrue();
    }
  }

  @Test
  void aPolygonOfNoCurrentCommuneIsQuarantinedAndCommunesWithoutGeometryAreReported()
      throws Exception {
    try (var q = WarehouseQuery.open(warehouse)) {
      assertThat(
              q.string(
                  "SELECT file || ':' || line || ' ' || field FROM quarantine"
                      + " WHERE source_id = 'ign-communes'"))
          .isEqualTo("communes/communes-a.geojson:5 code"); // the fifth feature
      assertThat(q.count("SELECT count(*) FROM territory_geometry WHERE level = 'commune'"))
          .isEqualTo(9 - 1); // every commune but the overseas collectivity's
    }
    var ign =
        report.sources().stream().filter(s -> s.id().equals("ign-communes")).findFirst().get();
    assertThat(ign.read()).isEqualTo(11);
    assertThat(ign.quarantined()).isEqualTo(1);
    // 01340 (delegated) and 02723 (former) were mapped onto current communes.
    assertThat(ign.remapped()).isEqualTo(2);
    assertThat(report.checks())
        .filteredOn(c -> c.name().equals("communes-sans-geometrie"))
        .singleElement()
        .satisfies(c -> assertThat(c.ok()).isTrue());
  }

  @Test
  void areasAreMeasuredInEachTerritorysOfficialProjection() throws Exception {
    try (var q = WarehouseQuery.open(warehouse)) {
      // 0.08° by 0.07° at 16.3° N, in RGAF09 / UTM 20N.
      double abymes = q.dbl("SELECT area_km2 FROM territory_geometry WHERE code = '97101'");
      assertThat(abymes)
          .isCloseTo(0.08 * 111.32 * Math.cos(Math.toRadians(16.265)) * 0.07 * 110.63, within(0.5));
      // Higher levels are the sums of their communes.
      assertThat(
              q.dbl(
                  "SELECT area_km2 FROM territory_geometry WHERE level = 'departement' AND code = '02'"))
          .isCloseTo(
              q.dbl(
                  "SELECT sum(area_km2) FROM territory_geometry WHERE level = 'commune' AND code LIKE '02%'"),
              within(1e-3));
      // The official file's Aisne is the same as the dissolved one.
      assertThat(
              q.dbl(
                  "SELECT abs(difference_pct) FROM boundary_crosscheck WHERE level = 'departement' AND code = '02'"))
          .isLessThan(0.001);
    }
  }

  @Test
  void labelPointsLieInsideTheirPolygon() throws Exception {
    try (var q = WarehouseQuery.open(warehouse)) {
      Map<String, Geometry> geoms =
          q.geometries("SELECT level || ' ' || code, ST_AsWKB(geom) FROM territory_geometry");
      Map<String, Geometry> labels =
          q.geometries(
              "SELECT level || ' ' || code, ST_AsWKB(ST_GeomFromWKB(ST_AsWKB("
                  + "('POINT(' || label_lon || ' ' || label_lat || ')')::GEOMETRY))) FROM territory_geometry");
      assertThat(geoms).hasSize(labels.size());
      geoms.forEach((k, g) -> assertThat(g.contains(labels.get(k))).as(k).isTrue());
    }
  }

  @Test
  void everyBandIsAValidCoveragePerLevel() throws Exception {
    try (var q = WarehouseQuery.open(warehouse)) {
      for (ZoomBand band : ZoomBand.values()) {
        for (String level : List.of("commune", "epci", "departement", "academie", "region")) {
          Map<String, Geometry> cov =
              q.geometries(
                  "SELECT code, ST_AsWKB(geom_3857) FROM territory_geometry_zoom WHERE band = '"
                      + band.id()
                      + "' AND level = '"
                      + level
                      + "'");
          if (level.equals("commune")) {
            assertThat(cov.isEmpty()).isEqualTo(!band.hasCommunes());
          } else {
            assertThat(cov).as(band + " " + level).isNotEmpty();
          }
          Geometry[] arr = cov.values().toArray(new Geometry[0]);
          assertThat(arr).allSatisfy(g -> assertThat(g.isValid()).isTrue());
          assertThat(CoverageValidator.isValid(arr)).as(band + " " + level).isTrue();
        }
      }
    }
  }
}
