package fr.eduatlas.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import fr.eduatlas.testing.Fixtures;
import fr.eduatlas.warehouse.ServedWarehouse;
import io.github.sebasbaumh.mapbox.vectortile.adapt.jts.MvtReader;
import io.github.sebasbaumh.mapbox.vectortile.adapt.jts.TagKeyValueMapConverter;
import io.github.sebasbaumh.mapbox.vectortile.adapt.jts.model.JtsMvt;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.locationtech.jts.geom.Geometry;
import org.locationtech.jts.geom.GeometryFactory;

/** Vector tiles over HTTP on loopback, decoded and checked, on the mini dataset. */
class TilesApiTest {
  @TempDir static Path tmp;
  static Path wh;
  static ApiServer server;
  static final HttpClient HTTP = HttpClient.newHttpClient();

  @BeforeAll
  static void start() {
    wh = Fixtures.miniWarehouse(tmp, 2024);
    server = ApiServer.start(new ServedWarehouse(wh, 50), "127.0.0.1", 0);
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  static HttpResponse<byte[]> get(String path) throws Exception {
    return HTTP.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path)).build(),
        HttpResponse.BodyHandlers.ofByteArray());
  }

  static int[] tileOf(double lon, double lat, int z) {
    return fr.eduatlas.tiles.TileMath.tileOf(lon, lat, z);
  }

  static JtsMvt decode(byte[] b) throws Exception {
    return MvtReader.loadMvt(
        new ByteArrayInputStream(b),
        new GeometryFactory(),
        new TagKeyValueMapConverter(),
        MvtReader.RING_CLASSIFIER_V2_1);
  }

  @Test
  void theZoom8TileOfLaonHoldsItWithItsNameAndValidGeometry() throws Exception {
    int[] t = tileOf(3.6233, 49.5641, 8);
    var r = get("/tiles/communes/8/" + t[0] + "/" + t[1] + ".mvt");
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("Content-Type").orElse(""))
        .isEqualTo("application/vnd.mapbox-vector-tile");
    JtsMvt mvt = decode(r.body());
    assertThat(mvt.getLayersByName()).containsOnlyKeys("communes");
    Geometry laon = null;
    for (Geometry g : mvt.getLayer("communes").getGeometries()) {
      assertThat(g.isValid()).as(String.valueOf(g.getUserData())).isTrue();
      assertThat(g.getArea()).isPositive();
      @SuppressWarnings("unchecked")
      var props = (Map<String, Object>) g.getUserData();
      if ("02408".equals(props.get("code"))) {
        laon = g;
        assertThat(props.get("name")).isEqualTo("Laon");
      }
    }
    assertThat(laon).isNotNull();
    assertThat(laon.getEnvelopeInternal().getMinX()).isGreaterThanOrEqualTo(-64);
    assertThat(laon.getEnvelopeInternal().getMaxX()).isLessThanOrEqualTo(4096 + 64);
  }

  @Test
  void withAnIndicatorEachTerritoryCarriesItsValueClassAndSimulatedFlag() throws Exception {
    int[] t = tileOf(3.6233, 49.5641, 6);
    var r = get("/tiles/departements/6/" + t[0] + "/" + t[1] + ".mvt?indicator=couverture-fibre");
    assertThat(r.statusCode()).isEqualTo(200);
    @SuppressWarnings("unchecked")
    var aisne =
        decode(r.body()).getLayer("departements").getGeometries().stream()
            .map(g -> (Map<String, Object>) g.getUserData())
            .filter(p -> "02".equals(p.get("code")))
            .findFirst()
            .orElseThrow();
    assertThat(((Number) aisne.get("value")).doubleValue())
        .isCloseTo(14274.0 / 15927 * 100, org.assertj.core.data.Offset.offset(1e-9));
    assertThat(((Number) aisne.get("class")).intValue()).isEqualTo(3);
    assertThat(aisne.get("simulated")).isEqualTo(false);
  }

  @Test
  void aProgrammeKeepsItsTerritoriesOnly() throws Exception {
    // The tile of metropolitan France at zoom 2: the Aisne (TNE) and the Ain (not).
    int[] t = tileOf(2.5, 46.5, 2);
    String path = "/tiles/departements/2/" + t[0] + "/" + t[1] + ".mvt";
    var all = decode(get(path).body()).getLayer("departements").getGeometries();
    var r = get(path + "?programme=tne&indicator=couverture-fibre");
    assertThat(r.statusCode()).isEqualTo(200);
    var tne = decode(r.body()).getLayer("departements").getGeometries();
    var codes = new java.util.HashSet<String>();
    for (var g : tne) {
      codes.add(String.valueOf(((Map<?, ?>) g.getUserData()).get("code")));
    }
    assertThat(codes).contains("02").allMatch(fr.eduatlas.territory.Programmes::isTne);
    assertThat(tne.size()).isLessThan(all.size());
    assertThat(get(path + "?programme=cnr").statusCode()).isEqualTo(404);
    // Schools: Laon's (TNE) all kept; the Ain's (not TNE) none.
    int[] laon = tileOf(3.6233, 49.5641, 12);
    String laonPath = "/tiles/schools/12/" + laon[0] + "/" + laon[1] + ".mvt";
    var laonAll = decode(get(laonPath).body()).getLayer("schools").getGeometries();
    var laonTne =
        decode(get(laonPath + "?programme=tne").body()).getLayer("schools").getGeometries();
    assertThat(laonTne).isNotEmpty().hasSameSizeAs(laonAll);
    int[] ain = tileOf(5.6536, 45.7262, 8);
    String ainPath = "/tiles/schools/8/" + ain[0] + "/" + ain[1] + ".mvt";
    assertThat(get(ainPath).statusCode()).isEqualTo(200);
    assertThat(get(ainPath + "?programme=tne").statusCode()).isEqualTo(204);
  }

  @Test
  void schoolsArePointsWithTheirBandwidthClass() throws Exception {
    int[] t = tileOf(3.6233, 49.5641, 12);
    var r = get("/tiles/schools/12/" + t[0] + "/" + t[1] + ".mvt");
    assertThat(r.statusCode()).isEqualTo(200);
    var schools = decode(r.body()).getLayer("schools").getGeometries();
    assertThat(schools).isNotEmpty().allMatch(g -> g.getGeometryType().equals("Point"));
    assertThat(schools)
        .anySatisfy(
            g -> assertThat(((Map<?, ?>) g.getUserData()).get("bandwidth_class")).isNotNull());
  }

  /** The schools drawn in a zoom-12 neighbourhood of Laon: Web Mercator position and class. */
  static Map<String, double[]> schoolsAround(int[] t12, int radius) throws Exception {
    var out = new java.util.HashMap<String, double[]>();
    for (int dx = -radius; dx <= radius; dx++) {
      for (int dy = -radius; dy <= radius; dy++) {
        int x = t12[0] + dx;
        int y = t12[1] + dy;
        var r = get("/tiles/schools/12/" + x + "/" + y + ".mvt");
        if (r.statusCode() != 200) {
          continue;
        }
        var env = fr.eduatlas.tiles.Tiles.envelope(12, x, y);
        for (var g : decode(r.body()).getLayer("schools").getGeometries()) {
          var c = g.getCoordinate();
          var bc = ((Map<?, ?>) g.getUserData()).get("bandwidth_class");
          out.put(
              (String) ((Map<?, ?>) g.getUserData()).get("uai"),
              new double[] {
                env.getMinX() + c.x / 4096 * env.getWidth(),
                env.getMaxY() - c.y / 4096 * env.getHeight(),
                bc == null ? 9 : ((Number) bc).intValue()
              });
        }
      }
    }
    return out;
  }

  @Test
  void belowZoom12AGroupOfSchoolsTakesTheClassOfItsWorstConnected() throws Exception {
    // The oracle: every school drawn at zoom 12, put in the 32-pixel cells of each grouping zoom
    // by its own position; a group's class must be its cell's lowest (unmeasured counting last).
    int[] t12 = tileOf(3.6233, 49.5641, 12);
    var schools = schoolsAround(t12, 12);
    var lo = fr.eduatlas.tiles.Tiles.envelope(12, t12[0] - 12, t12[1] + 12);
    var hi = fr.eduatlas.tiles.Tiles.envelope(12, t12[0] + 12, t12[1] - 12);
    assertThat(schools.values().stream().map(p -> p[2]).distinct().count())
        .as("the fixture's schools near Laon have several classes")
        .isGreaterThan(1);
    int checked = 0;
    for (int z = 8; z < 12; z++) {
      int[] t = tileOf(3.6233, 49.5641, z);
      var env = fr.eduatlas.tiles.Tiles.envelope(z, t[0], t[1]);
      double cell = env.getWidth() / 256 * 32;
      var worst = new java.util.HashMap<String, Double>();
      for (double[] p : schools.values()) {
        worst.merge(Math.floor(p[0] / cell) + ":" + Math.floor(p[1] / cell), p[2], Math::min);
      }
      var r = get("/tiles/schools/" + z + "/" + t[0] + "/" + t[1] + ".mvt");
      assertThat(r.statusCode()).isEqualTo(200);
      for (var g : decode(r.body()).getLayer("schools").getGeometries()) {
        var props = (Map<?, ?>) g.getUserData();
        double[] at = schools.get((String) props.get("uai"));
        if (props.get("cluster_count") == null || at == null) {
          continue; // a lone school, or one beyond the neighbourhood read
        }
        double cx = Math.floor(at[0] / cell);
        double cy = Math.floor(at[1] / cell);
        if (cx * cell < lo.getMinX()
            || (cx + 1) * cell > hi.getMaxX()
            || cy * cell < lo.getMinY()
            || (cy + 1) * cell > hi.getMaxY()) {
          continue; // a cell partly beyond the neighbourhood read
        }
        String key = cx + ":" + cy;
        Object bc = props.get("bandwidth_class");
        assertThat(bc == null ? 9.0 : ((Number) bc).doubleValue())
            .as("zoom %d, group of %s", z, props.get("cluster_count"))
            .isEqualTo(worst.get(key));
        checked++;
      }
    }
    assertThat(checked).as("groups checked").isPositive();
  }

  @Test
  void emptyTilesAre204AndBadRequestsProblems() throws Exception {
    assertThat(get("/tiles/communes/8/0/0.mvt").statusCode()).isEqualTo(204);
    for (String bad :
        new String[] {
          "/tiles/communes/23/0/0.mvt",
          "/tiles/communes/8/256/0.mvt",
          "/tiles/communes/8/0/-1.mvt",
          "/tiles/communes/5/16/11.mvt",
          "/tiles/communes/8/1/1.mvt?indicator=couverture-fibre&year=1990",
          "/tiles/schools/8/1/1.mvt?indicator=couverture-fibre"
        }) {
      var r = get(bad);
      assertThat(r.statusCode()).as(bad).isEqualTo(400);
      assertThat(r.headers().firstValue("Content-Type").orElse(""))
          .startsWith("application/problem+json");
    }
    assertThat(get("/tiles/cantons/8/1/1.mvt").statusCode()).isEqualTo(404);
    assertThat(get("/tiles/communes/8/1/1.mvt?indicator=inconnu").statusCode()).isEqualTo(404);
  }

  @Test
  void preRenderedLowZoomsAreTheTilesTheServerWouldRender() throws Exception {
    int[] t = tileOf(3.6233, 49.5641, 6);
    byte[] served = get("/tiles/departements/6/" + t[0] + "/" + t[1] + ".mvt").body();
    var p = new java.util.Properties();
    p.setProperty("duckdb.read_only", "true");
    p.setProperty("jdbc_instance_cache", "false");
    try (var c = java.sql.DriverManager.getConnection("jdbc:duckdb:" + wh, p)) {
      try (var rs =
          c.createStatement()
              .executeQuery(
                  "SELECT count(*) FROM tile_prerendered WHERE layer = 'departements' AND z = 6")) {
        rs.next();
        assertThat(rs.getLong(1)).isPositive();
      }
      byte[] rendered =
          new fr.eduatlas.tiles.Tiles()
              .tile(c, fr.eduatlas.tiles.Tiles.LAYERS.get("departements"), 6, t[0], t[1], null);
      assertThat(served).isEqualTo(rendered);
    }
  }

  @Test
  void tileJsonDescribesEachLayer() throws Exception {
    var r = get("/tiles/communes.json");
    assertThat(r.statusCode()).isEqualTo(200);
    var t = new ObjectMapper().readTree(r.body());
    assertThat(t.get("tilejson").asText()).isEqualTo("3.0.0");
    assertThat(t.get("minzoom").asInt()).isEqualTo(8);
    assertThat(t.get("tiles").get(0).asText()).endsWith("/tiles/communes/{z}/{x}/{y}.mvt");
    assertThat(t.get("vector_layers").get(0).get("id").asText()).isEqualTo("communes");
    assertThat(get("/tiles/cantons.json").statusCode()).isEqualTo(404);
  }
}
