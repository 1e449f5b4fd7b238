package fr.eduatlas.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import fr.eduatlas.api.ApiServer;
import fr.eduatlas.testing.RealWarehouse;
import fr.eduatlas.warehouse.ServedWarehouse;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Figures and links on the real warehouse that were wrong where the examples did not look: schools
 * of communes without an outline, collèges geocoded to their town only, the France profile's link,
 * a selection's perimeter at every level (overseas collectivities have no parents) and a minimum
 * for every région (Mayotte has no eligible commune).
 */
class FiguresRealIT {
  static final ObjectMapper JSON = new ObjectMapper();
  static final HttpClient HTTP = HttpClient.newHttpClient();
  static ApiServer server;

  @BeforeAll
  static void start() {
    server = ApiServer.start(new ServedWarehouse(RealWarehouse.get(), 1000), "127.0.0.1", 0);
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  static HttpResponse<String> get(String path) throws Exception {
    return HTTP.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  static HttpResponse<String> post(String path, String body) throws Exception {
    return HTTP.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void aSchoolWithoutPositionHasNoCoordinatesAndNoNaNAnywhere() throws Exception {
    // Saint-Martin has no outline at all: its schools have no position, and say why.
    JsonNode s = null;
    for (JsonNode x :
        JSON.readTree(get("/api/v1/schools?commune=97801&limit=100").body()).get("schools")) {
      if (x.get("location").asText().equals("inconnue")) {
        s = x;
      }
    }
    assertThat(s).isNotNull();
    assertThat(s.get("lon").isNull()).isTrue();
    assertThat(s.get("location").asText()).isEqualTo("inconnue");
    assertThat(s.get("locationNote").asText()).contains("position inconnue");
    for (String q :
        List.of(
            "commune=14666",
            "commune=97701&format=geojson",
            "commune=97801&format=csv",
            "departement=14&format=geojson&limit=1000")) {
      var r = get("/api/v1/schools?" + q);
      assertThat(r.statusCode()).as(q).isEqualTo(200);
      assertThat(r.body()).as(q).doesNotContain("NaN").doesNotContain("Infinity");
    }
    JsonNode fc = JSON.readTree(get("/api/v1/schools?commune=97801&format=geojson").body());
    assertThat(fc.get("features")).isNotEmpty();
    assertThat(fc.get("features"))
        .filteredOn(f -> f.at("/properties/location").asText().equals("inconnue"))
        .isNotEmpty()
        .allSatisfy(f -> assertThat(f.get("geometry").isNull()).isTrue());
    var ogc = get("/ogc/collections/etablissements/items/" + s.get("uai").asText());
    assertThat(ogc.body()).doesNotContain("NaN").contains("\"geometry\":null");
  }

  @Test
  void aSchoolOfAReCreatedCommuneIsPlacedInTheFormerCommuneThatHoldsItsLand() throws Exception {
    // Sannerville (14666) was re-created out of Saline (14712) after the 2018 outlines: its
    // school is placed at Saline's label point, inside the 2018 polygon holding its land, and
    // says so.
    JsonNode s = JSON.readTree(get("/api/v1/schools/0140797R").body());
    assertThat(s.get("commune").asText()).isEqualTo("14666");
    assertThat(s.get("location").asText()).isEqualTo("commune-ancienne");
    assertThat(s.get("locationNote").asText()).contains("ancienne commune").contains("2018");
    JsonNode saline =
        JSON.readTree(get("/ogc/collections/communes/items/14712").body()).get("geometry");
    var gf = new org.locationtech.jts.geom.GeometryFactory();
    var point =
        gf.createPoint(
            new org.locationtech.jts.geom.Coordinate(
                s.get("lon").asDouble(), s.get("lat").asDouble()));
    assertThat(fr.eduatlas.geo.GeoJson.read(saline, gf).covers(point)).isTrue();
    JsonNode f = JSON.readTree(get("/ogc/collections/etablissements/items/0140797R").body());
    assertThat(f.at("/geometry/type").asText()).isEqualTo("Point");
    // Every school of every re-created commune is placed so: none is left without position.
    for (String commune : List.of("14666", "15031", "15035", "15047", "15171", "85165", "85212")) {
      JsonNode page = JSON.readTree(get("/api/v1/schools?limit=1000&commune=" + commune).body());
      assertThat(page.get("schools"))
          .as(commune)
          .allSatisfy(x -> assertThat(x.get("location").asText()).isNotEqualTo("inconnue"));
    }
  }

  @Test
  void aBoxSelectsTheTerritoriesWhoseGeometryMeetsItNotTheirEnvelope() throws Exception {
    String[][] cases = {
      {"epci", "-1.5,50,1.5,53", "200069722"},
      {"departements", "2,48,2.5,48.5", "41"},
      {"departements", "2,48,2.5,48.5", "78"},
      {"regions", "7.5,43,9.7,43.4", "93"}
    };
    var gf = new org.locationtech.jts.geom.GeometryFactory();
    for (String[] c : cases) {
      JsonNode fc =
          JSON.readTree(get("/ogc/collections/" + c[0] + "/items?limit=1000&bbox=" + c[1]).body());
      var ids = new java.util.ArrayList<String>();
      fc.get("features").forEach(f -> ids.add(f.get("id").asText()));
      assertThat(ids).as(c[0] + " " + c[1]).doesNotContain(c[2]);
      assertThat(fc.get("numberMatched").asInt()).isEqualTo(ids.size());
      String[] b = c[1].split(",");
      var box =
          gf.toGeometry(
              new org.locationtech.jts.geom.Envelope(
                  Double.parseDouble(b[0]),
                  Double.parseDouble(b[2]),
                  Double.parseDouble(b[1]),
                  Double.parseDouble(b[3])));
      for (JsonNode f : fc.get("features")) {
        var g = fr.eduatlas.geo.GeoJson.read(f.get("geometry"), gf);
        assertThat(g.intersects(box)).as(f.get("id").asText()).isTrue();
      }
    }
  }

  @Test
  void aCql2SpatialFilterOverFranceSelectsWhatJtsSelects() throws Exception {
    // A triangle over metropolitan France: most outlines are decided by their envelope, the
    // others tested; the answer is JTS's on every département and on the schools of its box.
    String triangle = "POLYGON((-5 42, 9 42, 2 52, -5 42))";
    var gf = new org.locationtech.jts.geom.GeometryFactory();
    var literal = new org.locationtech.jts.io.WKTReader(gf).read(triangle);
    String enc =
        java.net.URLEncoder.encode(
            "S_INTERSECTS(geometry, " + triangle + ")", java.nio.charset.StandardCharsets.UTF_8);
    for (String op : List.of("S_INTERSECTS", "S_WITHIN", "S_DISJOINT")) {
      String f =
          java.net.URLEncoder.encode(
              op + "(geometry, " + triangle + ")", java.nio.charset.StandardCharsets.UTF_8);
      JsonNode every = JSON.readTree(get("/ogc/collections/departements/items?limit=1000").body());
      var expected = new java.util.TreeSet<String>();
      for (JsonNode d : every.get("features")) {
        var g = fr.eduatlas.geo.GeoJson.read(d.get("geometry"), gf);
        boolean holds =
            switch (op) {
              case "S_INTERSECTS" -> g.intersects(literal);
              case "S_WITHIN" -> g.within(literal);
              default -> g.disjoint(literal);
            };
        if (holds) {
          expected.add(d.get("id").asText());
        }
      }
      JsonNode got =
          JSON.readTree(get("/ogc/collections/departements/items?limit=1000&filter=" + f).body());
      var ids = new java.util.TreeSet<String>();
      got.get("features").forEach(d -> ids.add(d.get("id").asText()));
      assertThat(ids).as(op).isNotEmpty().isEqualTo(expected);
      assertThat(got.get("numberMatched").asInt()).isEqualTo(expected.size());
    }
    // The communes: the filter's count is the box parameter's where the literal is the box.
    String box = "-1.5,50,1.5,53";
    String asFilter =
        java.net.URLEncoder.encode(
            "S_INTERSECTS(geometry, BBOX(" + box + "))", java.nio.charset.StandardCharsets.UTF_8);
    assertThat(
            JSON.readTree(get("/ogc/collections/epci/items?limit=1&filter=" + asFilter).body())
                .get("numberMatched")
                .asInt())
        .isEqualTo(
            JSON.readTree(get("/ogc/collections/epci/items?limit=1&bbox=" + box).body())
                .get("numberMatched")
                .asInt());
    JsonNode communes =
        JSON.readTree(get("/ogc/collections/communes/items?limit=1&filter=" + enc).body());
    assertThat(communes.get("numberMatched").asInt()).isBetween(20_000, 30_000);
  }

  @Test
  void franceIsTheSumOfItsAcademiesOverseasCollectivitiesIncluded() throws Exception {
    // Saint-Barthélemy's and Saint-Martin's 17 schools (6,008 pupils) are in the académie de
    // Guadeloupe in the DEPP lists: académie 32 had 56,272 pupils instead of 62,280.
    double france =
        JSON.readTree(get("/api/v1/indicators/eleves/values?level=france").body())
            .at("/values/0/value")
            .asDouble();
    double sum = 0;
    double guadeloupe = 0;
    for (JsonNode v :
        JSON.readTree(get("/api/v1/indicators/eleves/values?level=academie").body())
            .get("values")) {
      sum += v.get("value").asDouble();
      if (v.get("code").asText().equals("32")) {
        guadeloupe = v.get("value").asDouble();
      }
    }
    assertThat(sum).isEqualTo(france);
    assertThat(guadeloupe).isEqualTo(62_280);
  }

  @Test
  void aCollegeGeocodedToItsTownDoesNotClaimItsOwnPosition() throws Exception {
    JsonNode s = JSON.readTree(get("/api/v1/schools/0352957Z").body());
    assertThat(s.get("location").asText()).isEqualTo("commune");
    assertThat(s.get("locationNote").asText()).doesNotContain("position de l'établissement");
  }

  @Test
  void theFranceProfileLinksToSchoolsThatResolve() throws Exception {
    JsonNode p = JSON.readTree(get("/api/v1/territories/france/FR").body());
    var hrefs = new java.util.ArrayList<String>();
    p.findValues("href").forEach(h -> hrefs.add(h.asText()));
    assertThat(hrefs).contains("/api/v1/schools");
    for (String h : hrefs) {
      assertThat(get(h).statusCode()).as(h).isEqualTo(200);
    }
  }

  @Test
  void aPerimeterOfEveryLevelAndAMinimumPerRegionAreComputed() throws Exception {
    for (String perimeter : List.of("departement:02", "academie:20", "region:32")) {
      var r =
          post(
              "/api/v1/selections",
              "{\"count\": 5, \"eligibility\": {\"perimeter\": [\""
                  + perimeter
                  + "\"]}, \"sensitivity\": {\"runs\": 50}}");
      assertThat(r.statusCode()).as(perimeter + " " + r.body()).isIn(200, 201);
      JsonNode sel = JSON.readTree(r.body());
      assertThat(sel.get("selected")).as(perimeter).hasSize(5);
    }
    var r =
        post(
            "/api/v1/selections",
            "{\"count\": 30, \"quotas\": [{\"level\": \"region\", \"code\": \"*\", \"min\": 1}],"
                + " \"sensitivity\": {\"runs\": 50}}");
    assertThat(r.statusCode()).as(r.body()).isIn(200, 201);
    JsonNode quotas = JSON.readTree(r.body()).get("quotas");
    var leftOut = new java.util.ArrayList<String>();
    quotas.forEach(
        q -> {
          if (q.hasNonNull("note")) {
            leftOut.add(q.get("code").asText());
          }
        });
    assertThat(leftOut).contains("06"); // Mayotte: no eligible commune
  }

  /** The value of an indicator for one territory and period, from the values route. */
  static JsonNode value(String indicator, String level, String code, String period)
      throws Exception {
    var r =
        get(
            "/api/v1/indicators/"
                + indicator
                + "/values?level="
                + level
                + "&year="
                + period
                + "&within="
                + level
                + ":"
                + code);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    for (JsonNode v : JSON.readTree(r.body()).get("values")) {
      if (v.get("code").asText().equals(code)) {
        return v;
      }
    }
    throw new AssertionError("no value of " + indicator + " for " + level + " " + code);
  }

  /**
   * Communes re-created after the 2021 populations (L'Oie and Sainte-Florence out of
   * Essarts-en-Bocage; Celles, Chalinargues, Chavagnac and Sainte-Anastasie out of
   * Neussargues-Moissac): the former commune's figure is apportioned by the COG's populations,
   * totals kept, every part an estimate that says so; a source not apportioned says its former
   * commune's value is not split.
   */
  @Test
  void reCreatedCommunesShareTheirFormerCommunesFigureAsEstimates() throws Exception {
    String[][] groups = {
      {"85084", "9399", "85165", "85212"},
      {"15141", "1653", "15031", "15035", "15047", "15171"}
    };
    for (String[] g : groups) {
      long sum = 0;
      for (int k = 0; k < g.length; k++) {
        if (k == 1) {
          continue;
        }
        JsonNode v = value("population", "commune", g[k], "2021");
        assertThat(v.get("status").asText()).as(g[k]).isEqualTo("estime");
        assertThat(v.get("note").asText()).as(g[k]).contains("estimation");
        sum += v.get("value").asLong();
      }
      assertThat(sum)
          .as("the former commune " + g[0] + "'s total is kept")
          .isEqualTo(Long.parseLong(g[1]));
      JsonNode fibre = value("couverture-fibre", "commune", g[2], "2024");
      assertThat(fibre.get("status").asText()).isEqualTo("estime");
    }
    // The density grid is not apportioned: Neussargues-Moissac's share of rural population is
    // the whole former commune's, and says so.
    JsonNode rural = value("part-population-rurale", "commune", "15141", "2024");
    assertThat(rural.get("status").asText()).isEqualTo("non-ventile");
    assertThat(rural.get("note").asText()).contains("15031 Celles");
    // The département's figure is the same sum as before: nothing was added or lost.
    assertThat(value("population", "departement", "85", "2021").get("status").asText())
        .isEqualTo("publie");
  }

  /**
   * Mayotte has no 2021 legal population: its communes, département, région and académie say
   * "sans-donnees" and why, and France's total says it misses communes.
   */
  @Test
  void aValueWithoutDataSaysWhyAndAPartialSumSaysItIsPartial() throws Exception {
    for (String[] t : new String[][] {{"commune", "97611"}, {"departement", "976"}}) {
      JsonNode v = value("population", t[0], t[1], "2021");
      assertThat(v.get("status").asText()).isEqualTo("sans-donnees");
      assertThat(v.get("value").isNull()).isTrue();
      assertThat(v.get("note").asText()).contains("Mayotte");
    }
    JsonNode france = value("population", "france", "FR", "2021");
    assertThat(france.get("status").asText()).isEqualTo("publie");
    assertThat(france.get("note").asText()).startsWith("valeur partielle");
    // The CSV carries the note too.
    var csv = get("/api/v1/indicators/population/values?level=departement&year=2021&format=csv");
    assertThat(csv.body().lines().findFirst().orElseThrow()).endsWith(",remarque");
    assertThat(csv.body()).contains("976,Mayotte").contains("sans-donnees");
  }

  /**
   * Kalhausen's 1 premise for 788 inhabitants and Camopi's 3 for 2,146 in the 2024 coverage file
   * (hence 0 % fibre) are flagged by the plausibility check, on the value and in the report.
   */
  @Test
  void anImplausibleSourceCountIsFlaggedOnTheValueAndInTheReport() throws Exception {
    for (String code : List.of("57355", "97356")) {
      JsonNode v = value("couverture-fibre", "commune", code, "2024");
      assertThat(v.get("status").asText()).as(code).isEqualTo("douteux");
      assertThat(v.get("note").asText()).contains("valeur douteuse");
      assertThat(v.get("value").isNull()).isFalse();
    }
    try (var c =
        java.sql.DriverManager.getConnection("jdbc:duckdb:" + RealWarehouse.get(), readOnly())) {
      try (var rs =
          c.createStatement()
              .executeQuery("SELECT detail FROM ingest_check WHERE name = 'valeurs-douteuses'")) {
        assertThat(rs.next()).isTrue();
        assertThat(rs.getString(1)).contains("57355").contains("97356");
      }
    }
  }

  private static java.util.Properties readOnly() {
    var p = new java.util.Properties();
    p.setProperty("duckdb.read_only", "true");
    return p;
  }

  /** The median bandwidth is served beside the mean, which a few fibre schools drag up. */
  @Test
  void theMedianBandwidthIsServedAndSitsBelowTheMean() throws Exception {
    JsonNode median = value("debit-mesure-median", "france", "FR", "2019");
    JsonNode mean = value("debit-mesure-moyen", "france", "FR", "2019");
    assertThat(median.get("value").asDouble())
        .isPositive()
        .isLessThan(mean.get("value").asDouble());
  }

  /**
   * Every territory collection, every feature of the real data, in Lambert-93 and with an
   * indicator: metropolitan outlines land in Lambert-93's range, overseas ones (départements 971 to
   * 976 and the overseas collectivities' communes) are omitted with a note, never projected into
   * nonsense; every feature carries the indicator's properties.
   */
  @Test
  void everyTerritoryCollectionIsServedInLambert93WithAnIndicator() throws Exception {
    String crs =
        java.net.URLEncoder.encode(
            "http://www.opengis.net/def/crs/EPSG/0/2154", java.nio.charset.StandardCharsets.UTF_8);
    for (String col : List.of("regions", "academies", "departements", "epci", "communes")) {
      int omitted = 0;
      int seen = 0;
      for (int offset = 0; ; offset += 1000) {
        var r =
            get(
                "/ogc/collections/"
                    + col
                    + "/items?limit=1000&offset="
                    + offset
                    + "&indicator=population&crs="
                    + crs);
        assertThat(r.statusCode()).as(col + " " + offset).isEqualTo(200);
        JsonNode fc = JSON.readTree(r.body());
        for (JsonNode f : fc.get("features")) {
          seen++;
          JsonNode p = f.get("properties");
          assertThat(p.get("indicateur").asText()).isEqualTo("population");
          assertThat(p.has("valeur") && p.has("statut")).isTrue();
          JsonNode g = f.get("geometry");
          if (g.isNull()) {
            omitted++;
            assertThat(p.get("remarque_crs").asText()).as(f.get("id").asText()).contains("2154");
            continue;
          }
          String coords = g.get("coordinates").toString();
          assertThat(coords).doesNotContain("NaN").doesNotContain("Infinity");
          // Lambert-93 over metropolitan France and Corsica: x 0–1,300 km, y 6,000–7,200 km.
          var m = java.util.regex.Pattern.compile("\\[(-?[0-9.]+),(-?[0-9.]+)]").matcher(coords);
          assertThat(m.find()).isTrue();
          assertThat(Double.parseDouble(m.group(1))).as(f.get("id").asText()).isBetween(0.0, 1.3e6);
          assertThat(Double.parseDouble(m.group(2)))
              .as(f.get("id").asText())
              .isBetween(6.0e6, 7.2e6);
        }
        if (offset + 1000 >= fc.get("numberMatched").asLong()) {
          break;
        }
      }
      assertThat(seen).isPositive();
      // Every collection has overseas territories (the overseas régions at least).
      assertThat(omitted).as(col).isPositive();
    }
  }

  @Test
  void weakSchoolsInFibredCommunesAreCountedSchoolBySchool() throws Exception {
    // The oracle: each school's measured bandwidth (no connection counts 0) and its commune's
    // FttH share, read from the warehouse's own tables and summed here, per département and year.
    var weak = new java.util.HashMap<String, Integer>();
    var measured = new java.util.HashMap<String, Integer>();
    var share = new java.util.HashMap<String, Double>();
    try (var q = fr.eduatlas.testing.WarehouseQuery.open(RealWarehouse.get());
        var st = q.connection().createStatement()) {
      try (var rs =
          st.executeQuery(
              "SELECT commune_code, premises_fibre::DOUBLE / premises FROM commune_coverage WHERE"
                  + " premises > 0 AND year = (SELECT max(year) FROM commune_coverage)")) {
        while (rs.next()) {
          share.put(rs.getString(1), rs.getDouble(2));
        }
      }
      try (var rs =
          st.executeQuery(
              "SELECT s.commune_code, NULL, c.year, c.technology, c.down_measured FROM"
                  + " school_connectivity c JOIN school s USING (uai) WHERE s.commune_code IN"
                  + " (SELECT code FROM territory WHERE level = 'commune')")) {
        while (rs.next()) {
          Double m = (Double) rs.getObject(5);
          if (m == null && "aucune".equals(rs.getString(4))) {
            m = 0.0;
          }
          if (m == null) {
            continue;
          }
          String commune = rs.getString(1);
          String dep = commune.startsWith("97") ? commune.substring(0, 3) : commune.substring(0, 2);
          String key = dep + "|" + rs.getInt(3);
          measured.merge(key, 1, Integer::sum);
          if (m < 8 && share.getOrDefault(rs.getString(1), 0.0) >= 0.8) {
            weak.merge(key, 1, Integer::sum);
          }
        }
      }
    }
    int compared = 0;
    var byYear = new java.util.HashMap<String, JsonNode>();
    for (var e : measured.entrySet()) {
      String[] k = e.getKey().split("\\|");
      JsonNode values = byYear.get(k[1]);
      if (values == null) {
        values =
            JSON.readTree(
                get("/api/v1/indicators/ecoles-mal-connectees-communes-fibrees/values?level=departement&year="
                        + k[1])
                    .body());
        byYear.put(k[1], values);
      }
      for (JsonNode v : values.get("values")) {
        if (v.get("code").asText().equals(k[0])) {
          assertThat(v.get("value").asDouble())
              .as(e.getKey())
              .isCloseTo(
                  // (values are served to four decimals)
                  100.0 * weak.getOrDefault(e.getKey(), 0) / e.getValue(),
                  org.assertj.core.data.Offset.offset(5e-5));
          compared++;
        }
      }
    }
    assertThat(compared).isPositive();
    assertThat(weak.values().stream().mapToInt(Integer::intValue).sum())
        .as("weak schools in fibred communes exist")
        .isPositive();
  }

  @Test
  void everyDepartementHasItsNameOnTheMapOverseasIncludedAndTheCollectivitesWithoutOutlineNone()
      throws Exception {
    JsonNode labels =
        JSON.readTree(get("/api/v1/labels/departement?limit=2000").body()).get("labels");
    var codes = new java.util.HashMap<String, JsonNode>();
    labels.forEach(l -> codes.put(l.get("code").asText(), l));
    JsonNode levels = JSON.readTree(get("/api/v1/levels").body());
    for (JsonNode l : levels) {
      if (l.get("id").asText().equals("departement")) {
        assertThat(codes).hasSize(l.get("territories").asInt());
      }
    }
    // Overseas départements placed where they are (Guadeloupe, Martinique, Guyane, La Réunion,
    // Mayotte): by the label's longitude.
    assertThat(codes.get("971").get("lon").asDouble()).isBetween(-62.0, -61.0);
    assertThat(codes.get("972").get("lon").asDouble()).isBetween(-61.3, -60.7);
    assertThat(codes.get("973").get("lon").asDouble()).isBetween(-55.0, -51.5);
    assertThat(codes.get("974").get("lon").asDouble()).isBetween(55.1, 56.0);
    assertThat(codes.get("976").get("lon").asDouble()).isBetween(44.9, 45.4);
    // Saint-Barthélemy and Saint-Martin have no outline in any source: no name is placed.
    JsonNode communes =
        JSON.readTree(get("/api/v1/labels/commune?bbox=-63.3,17.8,-62.7,18.2").body())
            .get("labels");
    assertThat(communes)
        .noneMatch(c -> c.get("code").asText().startsWith("978"))
        .noneMatch(c -> c.get("code").asText().startsWith("977"));
  }

  @Test
  void theAllCommunesGeoJsonSharesItsOutlinesWithEveryIndicatorAndMatchesADepartementsOwn()
      throws Exception {
    // Every commune (and every EPCI) of France through the outlines written once per level and
    // zoom; a département's communes through their own outlines: the same geometry, feature for
    // feature, for two indicators in a row, overseas included.
    for (String level : List.of("commune", "epci")) {
      java.util.Map<String, JsonNode> first = null;
      for (String indicator : List.of("couverture-fibre", "population")) {
        var r =
            get("/api/v1/indicators/" + indicator + "/values?level=" + level + "&format=geojson");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonNode fc = JSON.readTree(r.body());
        var byCode = new java.util.HashMap<String, JsonNode>();
        assertThat(fc.get("indicator").get("id").asText()).isEqualTo(indicator);
        for (JsonNode f : fc.get("features")) {
          byCode.put(f.get("id").asText(), f.get("geometry"));
        }
        assertThat(byCode.size()).isGreaterThan(level.equals("commune") ? 34_000 : 1_200);
        if (first != null) {
          assertThat(byCode).isEqualTo(first);
        }
        first = byCode;
      }
      if (level.equals("commune")) {
        for (String dep : List.of("02", "2A", "974", "976")) {
          JsonNode own =
              JSON.readTree(
                  get("/api/v1/indicators/population/values?level=commune&format=geojson&within=departement:"
                          + dep)
                      .body());
          assertThat(own.get("features")).as(dep).isNotEmpty();
          for (JsonNode f : own.get("features")) {
            assertThat(f.get("geometry"))
                .as(dep + " " + f.get("id"))
                .isEqualTo(first.get(f.get("id").asText()));
          }
        }
      }
    }
  }
}
