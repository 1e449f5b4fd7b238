package fr.eduatlas.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import fr.eduatlas.observatory.Figures;
import fr.eduatlas.testing.Fixtures;
import fr.eduatlas.testing.WarehouseQuery;
import fr.eduatlas.warehouse.ServedWarehouse;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The /api/v1 contract over HTTP on loopback, against a warehouse ingested from the mini dataset
 * with a small simulation: values checked against sums worked out by hand from the fixture files,
 * and every error path.
 */
class V1ApiTest {
  @TempDir static Path tmp;
  static Path warehouse;
  static ApiServer server;
  static final HttpClient HTTP = HttpClient.newHttpClient();
  static final ObjectMapper JSON = new ObjectMapper();

  @BeforeAll
  static void start() {
    warehouse = Fixtures.miniWarehouse(tmp, 2019);
    server = ApiServer.start(new ServedWarehouse(warehouse, 50), "127.0.0.1", 0);
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  static HttpResponse<String> get(String path, String... headers) throws Exception {
    var b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path));
    for (int i = 0; i < headers.length; i += 2) {
      b.header(headers[i], headers[i + 1]);
    }
    return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  static JsonNode json(String path) throws Exception {
    var r = get(path);
    assertThat(r.statusCode()).as(path + " " + r.body()).isEqualTo(200);
    return JSON.readTree(r.body());
  }

  /** The problem body of an error, its status and media type checked. */
  static JsonNode problem(String path, int status) throws Exception {
    var r = get(path);
    assertThat(r.statusCode()).as(path).isEqualTo(status);
    assertThat(r.headers().firstValue("Content-Type").orElse(""))
        .startsWith("application/problem+json");
    assertThat(r.headers().firstValue("ETag")).as("errors are not cacheable").isEmpty();
    JsonNode p = JSON.readTree(r.body());
    assertThat(p.get("status").asInt()).isEqualTo(status);
    return p;
  }

  @Test
  void labelsPlaceEveryLevelsNamesTheMostImportantFirst() throws Exception {
    for (String level : List.of("region", "academie", "departement", "epci", "commune")) {
      JsonNode l = json("/api/v1/labels/" + level).get("labels");
      int count = json("/api/v1/levels").toString().contains(level) ? l.size() : 0;
      assertThat(count).as(level).isPositive();
      double last = Double.MAX_VALUE;
      for (JsonNode x : l) {
        assertThat(x.get("lon").asDouble()).isBetween(-180.0, 180.0);
        assertThat(x.get("lat").asDouble()).isBetween(-90.0, 90.0);
        assertThat(x.get("name").asText()).isNotBlank();
        assertThat(x.get("weight").asDouble()).isLessThanOrEqualTo(last);
        last = x.get("weight").asDouble();
      }
    }
    // Communes by population: Saint-Quentin, the largest town of the Aisne, first.
    JsonNode aisne = json("/api/v1/labels/commune?bbox=3,49,4.5,50").get("labels");
    assertThat(aisne).isNotEmpty();
    assertThat(aisne.get(0).get("code").asText()).isEqualTo("02722");
    for (JsonNode x : aisne) {
      assertThat(x.get("lon").asDouble()).isBetween(3.0, 4.5);
      assertThat(x.get("lat").asDouble()).isBetween(49.0, 50.0);
    }
    assertThat(json("/api/v1/labels/commune?bbox=3,49,4.5,50&limit=1").get("labels")).hasSize(1);
    problem("/api/v1/labels/france", 400);
    problem("/api/v1/labels/canton", 404);
    problem("/api/v1/labels/commune?bbox=4.5,49,3,50", 400);
    problem("/api/v1/labels/commune?bbox=NaN,49,3,50", 400);
    problem("/api/v1/labels/commune?limit=0", 400);
    problem("/api/v1/labels/commune?zoom=3", 400);
  }

  @Test
  void levelsAreTheSixWithTheirTerritoryCounts() throws Exception {
    JsonNode l = json("/api/v1/levels");
    assertThat(l.findValuesAsText("id"))
        .containsExactly("commune", "epci", "departement", "academie", "region", "france");
    assertThat(l.get(5).get("territories").asInt()).isEqualTo(1);
  }

  @Test
  void searchIgnoresAccentsAndCaseAndRanksExactNamesFirst() throws Exception {
    JsonNode r = json("/api/v1/territories?q=ABBECOURT");
    assertThat(r.get("territories").get(0).get("code").asText()).isEqualTo("02001");
    assertThat(r.get("territories").get(0).get("name").asText()).isEqualTo("Abbécourt");
    JsonNode code = json("/api/v1/territories?q=02&level=departement");
    assertThat(code.get("territories").get(0).get("name").asText()).isEqualTo("Aisne");
    assertThat(json("/api/v1/territories?q=zzzz").get("territories")).isEmpty();
  }

  @Test
  void aValueIsTheRatioOfItsCommunesSums() throws Exception {
    // couverture.csv: Arbignieu 376 of 406 premises, Saint-Bois 93 of 100, both now in 01015.
    JsonNode v = json("/api/v1/indicators/couverture-fibre/values?level=departement&year=2024");
    assertThat(value(v, "01")).isEqualTo(Figures.round((376.0 + 93) / (406 + 100) * 100));
    // Abbécourt: no fibre count, 300 premises; Laon 14,274 of 15,627.
    assertThat(value(v, "02")).isEqualTo(Figures.round(14274.0 / (15627 + 300) * 100));
    double fr = (376.0 + 93 + 14274 + 1583750) / (406 + 100 + 15627 + 300 + 1617813) * 100;
    assertThat(json("/api/v1/indicators/couverture-fibre/values?level=france").get("values"))
        .singleElement()
        .satisfies(x -> assertThat(x.get("value").asDouble()).isEqualTo(Figures.round(fr)));
  }

  @Test
  void withinKeepsTheTerritoriesOfOneParent() throws Exception {
    JsonNode v =
        json("/api/v1/indicators/couverture-fibre/values?level=commune&within=departement:02");
    assertThat(v.get("within").get("name").asText()).isEqualTo("Aisne");
    assertThat(v.get("values").findValuesAsText("code"))
        .isNotEmpty()
        .allMatch(c -> c.startsWith("02"));
    assertThat(
            problem("/api/v1/indicators/couverture-fibre/values?within=departement:99", 404)
                .get("detail")
                .asText())
        .contains("les plus proches");
  }

  @Test
  void aProgrammeIsAPerimeterOfValuesAndSchools() throws Exception {
    var tne = fr.eduatlas.territory.Programmes.TNE_START.keySet();
    JsonNode deps =
        json("/api/v1/indicators/couverture-fibre/values?level=departement&within=programme:tne");
    assertThat(deps.at("/within/level").asText()).isEqualTo("programme");
    assertThat(deps.at("/within/name").asText()).contains("Territoires numériques");
    assertThat(deps.get("values").findValuesAsText("code")).contains("02").allMatch(tne::contains);
    JsonNode all = json("/api/v1/indicators/couverture-fibre/values?level=departement");
    assertThat(all.get("values").findValuesAsText("code")).contains("01");
    // Communes: those of the programme's départements only.
    JsonNode communes =
        json("/api/v1/indicators/couverture-fibre/values?level=commune&within=programme:tne");
    assertThat(communes.get("values").findValuesAsText("code"))
        .isNotEmpty()
        .contains("02408", "2A004", "97101")
        .allMatch(c -> tne.contains(fr.eduatlas.territory.Codes.departementOfCommune(c)));
    assertThat(
            problem("/api/v1/indicators/couverture-fibre/values?within=programme:cnr", 404)
                .get("detail")
                .asText())
        .contains("tne");
    // Schools: those of the programme's départements.
    JsonNode schools = json("/api/v1/schools?programme=tne&limit=1000");
    assertThat(schools.get("numberMatched").asInt()).isPositive();
    schools
        .get("schools")
        .forEach(
            x ->
                assertThat(
                        tne.contains(
                            fr.eduatlas.territory.Codes.departementOfCommune(
                                x.get("commune").asText())))
                    .as(x.toString())
                    .isTrue());
    int total = json("/api/v1/schools?limit=1").get("numberMatched").asInt();
    assertThat(schools.get("numberMatched").asInt()).isLessThan(total);
    problem("/api/v1/schools?programme=cnr", 404);
  }

  private static double value(JsonNode values, String code) {
    for (JsonNode x : values.get("values")) {
      if (x.get("code").asText().equals(code)) {
        return x.get("value").asDouble();
      }
    }
    throw new AssertionError("no value for " + code);
  }

  @Test
  void aProfileComparesEachIndicatorWithItsParentsAndFrance() throws Exception {
    JsonNode p = json("/api/v1/territories/commune/02408");
    assertThat(p.get("name").asText()).isEqualTo("Laon");
    assertThat(p.get("breadcrumb").findValuesAsText("level"))
        .containsExactly("france", "region", "academie", "departement", "commune");
    assertThat(p.get("comparedWith").findValuesAsText("level"))
        .containsExactly("departement", "academie", "region", "france");
    JsonNode fibre = null;
    for (JsonNode i : p.get("indicators")) {
      if (i.get("id").asText().equals("couverture-fibre")) {
        fibre = i;
      }
    }
    assertThat(fibre.get("latest").get("value").asDouble())
        .isEqualTo(Figures.round(14274.0 / 15627 * 100));
    assertThat(fibre.get("compared").get(0).get("value").asDouble())
        .isEqualTo(Figures.round(14274.0 / 15927 * 100));
    // Laon 91.3 % against France's 97.9 %: within 10 %, "proche".
    assertThat(fibre.get("latest").get("appraisal").asText()).isEqualTo("proche");
    assertThat(p.get("schools").get("count").asInt()).isPositive();
    JsonNode g = json("/api/v1/territories/departement/02?geometry=true&zoom=6");
    assertThat(g.get("geometry").get("type").asText()).isIn("Polygon", "MultiPolygon");
  }

  @Test
  void simulatedFiguresSayItEverywhere() throws Exception {
    var r = get("/api/v1/indicators/enseignants-formes/values?level=france");
    assertThat(r.headers().firstValue("X-Simulated-Data")).contains("true");
    JsonNode v = JSON.readTree(r.body());
    assertThat(v.get("indicator").get("simulatedNote").asText()).contains("simulées");
    assertThat(v.get("values").get(0).get("simulated").asBoolean()).isTrue();
    assertThat(v.get("values").get(0).get("coverage").get("schoolsTotal").asInt()).isPositive();
  }

  @Test
  void noPublishedValueRestsOnFewerThanFiveRespondents() throws Exception {
    try (var q = WarehouseQuery.open(warehouse)) {
      assertThat(
              q.count(
                  "SELECT count(*) FROM indicator_value WHERE indicator_id LIKE 'enseignants-%'"
                      + " AND status = 'publie' AND denominator < 5"))
          .isZero();
      assertThat(
              q.count(
                  "SELECT count(*) FROM indicator_value WHERE status = 'secret' AND (value IS NOT"
                      + " NULL OR numerator IS NOT NULL OR denominator IS NOT NULL)"))
          .isZero();
    }
  }

  @Test
  void csvFollowsFrenchConventionsOnRequest() throws Exception {
    var r =
        get(
            "/api/v1/indicators/couverture-fibre/values?level=departement&format=csv&sep=;&decimal=,");
    assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("text/csv");
    List<String> lines = r.body().lines().toList();
    // A byte order mark first, so that Excel reads the file as UTF-8.
    assertThat(lines.get(0)).startsWith("\uFEFFniveau;code;nom;indicateur;periode;valeur;unite");
    assertThat(lines)
        .anySatisfy(
            l ->
                assertThat(l)
                    .startsWith(
                        "departement;01;Ain;couverture-fibre;2024;92,6877;%;publie;proche;false"));
  }

  @Test
  void geoJsonOuterRingsAreCounterClockwise() throws Exception {
    var r = get("/api/v1/indicators/couverture-fibre/values?level=departement&format=geojson");
    assertThat(r.headers().firstValue("Content-Type").orElse("")).isEqualTo("application/geo+json");
    JsonNode fc = JSON.readTree(r.body());
    assertThat(fc.get("features")).isNotEmpty();
    for (JsonNode f : fc.get("features")) {
      JsonNode g = f.get("geometry");
      JsonNode polys =
          g.get("type").asText().equals("Polygon")
              ? JSON.createArrayNode().add(g.get("coordinates"))
              : g.get("coordinates");
      for (JsonNode poly : polys) {
        assertThat(signedArea(poly.get(0))).as(f.get("id").asText()).isPositive();
      }
    }
  }

  private static double signedArea(JsonNode ring) {
    double a = 0;
    for (int i = 0; i + 1 < ring.size(); i++) {
      a +=
          ring.get(i).get(0).asDouble() * ring.get(i + 1).get(1).asDouble()
              - ring.get(i + 1).get(0).asDouble() * ring.get(i).get(1).asDouble();
    }
    return a / 2;
  }

  @Test
  void readsCarryAnEtagAnswer304AndAllowAnyOriginAndGzip() throws Exception {
    var first = get("/api/v1/indicators");
    String etag = first.headers().firstValue("ETag").orElseThrow();
    assertThat(first.headers().firstValue("Cache-Control").orElse("")).contains("max-age");
    assertThat(get("/api/v1/indicators", "If-None-Match", etag).statusCode()).isEqualTo(304);
    var cors = get("/api/v1/levels", "Origin", "https://example.org");
    assertThat(cors.headers().firstValue("Access-Control-Allow-Origin")).isPresent();
    var gz =
        HTTP.send(
            HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + server.port() + "/api/v1/indicators"))
                .header("Accept-Encoding", "gzip")
                .build(),
            HttpResponse.BodyHandlers.ofByteArray());
    assertThat(gz.headers().firstValue("Content-Encoding")).contains("gzip");
    String body =
        new String(
            new GZIPInputStream(new ByteArrayInputStream(gz.body())).readAllBytes(),
            StandardCharsets.UTF_8);
    assertThat(JSON.readTree(body).size()).isGreaterThan(20);
  }

  @Test
  void unknownNamesAre404sListingWhatExists() throws Exception {
    assertThat(problem("/api/v1/territories/canton/01", 404).get("detail").asText())
        .contains("commune, epci, departement, academie, region, france");
    assertThat(problem("/api/v1/indicators/couverture-fibr", 404).get("detail").asText())
        .contains("couverture-fibre");
    assertThat(problem("/api/v1/territories/commune/02409", 404).get("detail").asText())
        .contains("02408 (Laon)");
    assertThat(problem("/api/v1/schools/0020975A", 400).get("detail").asText())
        .contains("lettre clé");
    problem("/api/v1/schools/0029999H", 404);
  }

  @Test
  void malformedParametersAre400sNamingThem() throws Exception {
    assertThat(
            problem("/api/v1/indicators/couverture-fibre/values?year=2031", 400)
                .get("detail")
                .asText())
        .contains("'year'")
        .contains("2024");
    assertThat(problem("/api/v1/schools?bbox=1,2,x,4", 400).get("detail").asText())
        .contains("'bbox'");
    assertThat(problem("/api/v1/schools?bbox=10,50,2,40", 400).get("detail").asText())
        .contains("'bbox'");
    assertThat(problem("/api/v1/schools?limit=abc", 400).get("detail").asText())
        .contains("'limit'");
    assertThat(problem("/api/v1/schools?format=xml", 400).get("detail").asText())
        .contains("'format'");
    assertThat(problem("/api/v1/levels?foo=1", 400).get("detail").asText()).contains("'foo'");
    assertThat(
            problem("/api/v1/indicators/couverture-fibre/values?within=departement", 400)
                .get("detail")
                .asText())
        .contains("'within'");
    // A value that looks like SQL is only ever bound: a search like any other.
    assertThat(json("/api/v1/territories?q=x%27%20OR%201%3D1--").get("territories")).isEmpty();
  }

  @Test
  void schoolsAreFilteredPagedAndCapped() throws Exception {
    JsonNode all = json("/api/v1/schools?limit=1");
    assertThat(all.get("numberReturned").asInt()).isEqualTo(1);
    assertThat(all.get("next").asText()).contains("offset=1");
    var capped = get("/api/v1/schools?limit=5000");
    assertThat(capped.statusCode()).isEqualTo(200);
    assertThat(capped.headers().firstValue("X-Limit-Capped")).contains("1000");
    assertThat(JSON.readTree(capped.body()).get("note").asText()).contains("1000");
    JsonNode laon = json("/api/v1/schools?commune=02408&type=ecole&sector=public");
    for (JsonNode s : laon.get("schools")) {
      assertThat(s.get("commune").asText()).isEqualTo("02408");
      assertThat(s.get("type").asText()).isEqualTo("ecole");
    }
    JsonNode inBox = json("/api/v1/schools?bbox=3.5,49.5,3.7,49.6&format=geojson");
    for (JsonNode f : inBox.get("features")) {
      double lon = f.get("geometry").get("coordinates").get(0).asDouble();
      assertThat(lon).isBetween(3.5, 3.7);
    }
    String uai = laon.get("schools").get(0).get("uai").asText();
    JsonNode one = json("/api/v1/schools/" + uai);
    assertThat(one.get("connectivity")).isNotEmpty();
    assertThat(one.get("connectivity").get(0).get("simule").asBoolean()).isTrue();
  }

  /** The map's search finds schools by UAI or by a piece of their name, accents and case aside. */
  @Test
  void schoolsCarryTheirBandwidthClassAndRuralityInFrenchCsvToo() throws Exception {
    JsonNode page = json("/api/v1/schools?limit=1000");
    try (var q = WarehouseQuery.open(warehouse)) {
      for (JsonNode s : page.get("schools")) {
        String uai = s.get("uai").asText();
        String cls =
            q.string(
                "SELECT coalesce(bandwidth_class::VARCHAR, '') FROM school_point WHERE uai = '"
                    + uai
                    + "'");
        assertThat(s.get("bandwidthClass").isNull() ? "" : s.get("bandwidthClass").asText())
            .as(uai)
            .isEqualTo(cls);
        String level =
            q.string(
                "SELECT coalesce(max(d.density_level)::VARCHAR, '') FROM school s LEFT JOIN commune_density d"
                    + " ON d.commune_code = s.commune_code WHERE s.uai = '"
                    + uai
                    + "'");
        assertThat(
                s.get("communeDensityLevel").isNull() ? "" : s.get("communeDensityLevel").asText())
            .isEqualTo(level);
      }
    }
    var csv = get("/api/v1/schools?limit=5&format=csv&sep=;&decimal=,");
    String[] lines = csv.body().split("\r\n");
    assertThat(lines[0])
        .isEqualTo(
            "\uFEFFuai;nom;type;secteur;eleves;ips;commune;nom_commune;lon;lat;localisation;classe_debit;annee_debit;simule;densite_commune;contribution_debit;pole;version_pole;publie_le");
    assertThat(lines[1].split(";", -1)).hasSize(19);
    assertThat(lines[1].split(";", -1)[8]).contains(",").doesNotContain(".");
    problem("/api/v1/schools?format=csv&sep=,&decimal=,", 400);
  }

  @Test
  void everyLinkOfEveryProfileResolves() throws Exception {
    var seen = new java.util.TreeSet<String>();
    for (String level : List.of("france", "region", "academie", "departement", "epci", "commune")) {
      JsonNode values = json("/api/v1/indicators/population/values?level=" + level);
      for (JsonNode v : values.get("values")) {
        String profile = "/api/v1/territories/" + level + "/" + v.get("code").asText();
        collectLinks(json(profile), seen);
      }
    }
    assertThat(seen).contains("/api/v1/schools").anyMatch(h -> h.startsWith("/api/v1/schools?"));
    for (String href : seen) {
      assertThat(get(href).statusCode()).as(href).isEqualTo(200);
    }
  }

  private static void collectLinks(JsonNode n, java.util.Set<String> out) {
    if (n.isObject()) {
      var it = n.fields();
      while (it.hasNext()) {
        var e = it.next();
        if (e.getKey().equals("href") && e.getValue().isTextual()) {
          out.add(e.getValue().asText());
        } else {
          collectLinks(e.getValue(), out);
        }
      }
    } else if (n.isArray()) {
      n.forEach(x -> collectLinks(x, out));
    }
  }

  @Test
  void aProgrammeIsMonitoredLeverByLeverAgainstTheOthersAndItsTargets() throws Exception {
    JsonNode m = json("/api/v1/programmes/tne/suivi");
    var levers = new java.util.ArrayList<String>();
    m.get("levers").forEach(l -> levers.add(l.get("id").asText()));
    assertThat(levers).containsExactly("equipement", "ressources", "formation", "parents");
    // Every figure, recomputed from the départements' published values in the warehouse.
    String tne =
        String.join(
            ", ",
            fr.eduatlas.territory.Programmes.TNE_START.keySet().stream()
                .map(d -> "'" + d + "'")
                .toList());
    int checked = 0;
    try (var q = WarehouseQuery.open(warehouse)) {
      for (JsonNode l : m.get("levers")) {
        for (JsonNode s : l.get("indicators")) {
          var i =
              fr.eduatlas.indicator.Catalog.load(fr.eduatlas.indicator.CatalogTest.SOURCES)
                  .find(s.get("indicator").asText())
                  .orElseThrow();
          for (JsonNode p : s.get("points")) {
            String where =
                " FROM indicator_value WHERE indicator_id = '"
                    + i.id()
                    + "' AND period = '"
                    + p.get("period").asText()
                    + "' AND level = 'departement' AND status <> 'secret' AND numerator IS NOT NULL"
                    + " AND code IN ("
                    + tne
                    + ")";
            String num = q.string("SELECT CAST(sum(numerator) AS VARCHAR)" + where);
            String den = q.string("SELECT CAST(sum(denominator) AS VARCHAR)" + where);
            JsonNode v = p.at("/programme/value");
            if (num == null) {
              assertThat(v.isNull()).isTrue();
              continue;
            }
            double expected =
                i.denominator() == null
                    ? Double.parseDouble(num) * i.scale()
                    : Double.parseDouble(num) / Double.parseDouble(den) * i.scale();
            assertThat(v.asDouble())
                .as(i.id() + " " + p.get("period"))
                .isCloseTo(
                    expected,
                    org.assertj.core.data.Offset.offset(1e-9 * Math.max(1, Math.abs(expected))));
            String france =
                q.string(
                    "SELECT CAST(value AS VARCHAR) FROM indicator_value WHERE indicator_id = '"
                        + i.id()
                        + "' AND level = 'france' AND period = '"
                        + p.get("period").asText()
                        + "'");
            if (france != null) {
              assertThat(p.at("/france/value").asDouble())
                  .isCloseTo(
                      Double.parseDouble(france),
                      org.assertj.core.data.Offset.offset(
                          1e-6 * Math.max(1, Math.abs(Double.parseDouble(france)))));
            }
            assertThat(p.at("/programme/simulated").asBoolean()).isTrue();
            checked++;
          }
        }
      }
    }
    assertThat(checked).as("points checked").isGreaterThan(5);
    // (The comparable group's figures are checked on the real data, EvaluationRealIT.)
    // A count is not evaluated: no comparable group.
    assertThat(m.at("/levers/0/indicators/0/points/0/comparable/value").isNull()).isTrue();
    // Targets: the pilots' walls against their 2,700 classes; a target no indicator measures
    // says so.
    JsonNode walls = null;
    JsonNode none = null;
    for (JsonNode t : m.get("targets")) {
      if (t.get("id").asText().equals("classes-socle-equipement")) {
        walls = t;
      }
      if (t.get("id").asText().equals("marche-ressources")) {
        none = t;
      }
    }
    assertThat(walls.get("indicator").asText()).isEqualTo("murs-pedagogiques");
    assertThat(walls.get("share").asDouble())
        .isCloseTo(
            walls.get("reached").asDouble() / 2700, org.assertj.core.data.Offset.offset(1e-12));
    assertThat(none.get("reached").isNull()).isTrue();
    assertThat(none.get("note").asText()).contains("aucun indicateur");
  }

  @Test
  void programmesListTheTneDepartementsWithTheirFirstYear() throws Exception {
    JsonNode p = json("/api/v1/programmes");
    assertThat(p.get(0).get("id").asText()).isEqualTo("tne");
    var codes = new java.util.ArrayList<String>();
    p.get(0).get("departements").forEach(d -> codes.add(d.get("code").asText()));
    assertThat(codes)
        .containsAll(List.of("02", "95"))
        .hasSize(fr.eduatlas.territory.Programmes.TNE_START.size());
    assertThat(p.get(0).get("departements").get(0).get("firstSchoolYear").asText())
        .isEqualTo("2020-2021");
    // One programme: the second wave deployed from September 2022 (school year 2022-2023), after
    // its diagnosis and conventions; every target and achievement names a source it lists.
    JsonNode tne = json("/api/v1/programmes/tne");
    var firstYears = new java.util.HashMap<String, String>();
    tne.get("departements")
        .forEach(d -> firstYears.put(d.get("code").asText(), d.get("firstSchoolYear").asText()));
    assertThat(firstYears).containsEntry("02", "2020-2021").containsEntry("13", "2022-2023");
    assertThat(firstYears).containsEntry("971", "2022-2023").hasSize(12);
    var phases = new java.util.ArrayList<String>();
    tne.at("/waves/1/phases")
        .forEach(ph -> phases.add(ph.get("id").asText() + " " + ph.get("start").asText()));
    assertThat(phases).contains("diagnostic 2021-04", "conventions 2021-12", "deploiement 2022-09");
    assertThat(tne.get("levers")).hasSize(4);
    for (String list : List.of("targets", "achievements", "funders")) {
      assertThat(tne.get(list)).isNotEmpty();
      tne.get(list)
          .forEach(t -> assertThat(tne.get("sources").has(t.get("source").asText())).isTrue());
    }
    assertThat(tne.at("/funders/0/amount").asDouble()).isEqualTo(27_300_000.0);
    assertThat(problem("/api/v1/programmes/cnr", 404).get("detail").asText()).contains("tne");
    problem("/api/v1/programmes/cnr/suivi", 404);
    problem("/api/v1/programmes/cnr/evaluation", 404);
    // The evaluation: an estimate per lever outcome (no count), strict JSON, and on simulated
    // data a warning in plain words.
    var ev = get("/api/v1/programmes/tne/evaluation");
    assertThat(ev.statusCode()).isEqualTo(200);
    JsonNode e =
        new ObjectMapper()
            .disable(com.fasterxml.jackson.core.JsonParser.Feature.ALLOW_NON_NUMERIC_NUMBERS)
            .readTree(ev.body());
    assertThat(e.get("warning").asText()).contains("données simulées").contains("effet réel");
    assertThat(e.get("method").asText()).contains("différence de différences");
    var outcomes = new java.util.ArrayList<String>();
    e.get("outcomes").forEach(o -> outcomes.add(o.get("indicator").asText()));
    assertThat(outcomes)
        .contains("enseignants-formes", "familles-touchees-pour-100-eleves")
        .doesNotContain("murs-pedagogiques");
    problem("/api/v1/programmes/..%2F", 404);
  }

  @Test
  void schoolsAreFoundByUaiOrFoldedName() throws Exception {
    JsonNode some = json("/api/v1/schools?commune=02408&limit=1").get("schools").get(0);
    String uai = some.get("uai").asText();
    String name = some.get("name").asText();
    JsonNode byUai = json("/api/v1/schools?q=" + uai.toLowerCase(java.util.Locale.ROOT));
    assertThat(byUai.get("schools")).extracting(n -> n.get("uai").asText()).contains(uai);
    String word = name.split(" ")[name.split(" ").length - 1];
    String shouted =
        java.net.URLEncoder.encode(
            word.toUpperCase(java.util.Locale.ROOT), java.nio.charset.StandardCharsets.UTF_8);
    JsonNode byName = json("/api/v1/schools?q=" + shouted + "&commune=02408");
    assertThat(byName.get("schools")).isNotEmpty();
    for (JsonNode s : byName.get("schools")) {
      assertThat(fr.eduatlas.territory.Names.fold(s.get("name").asText()))
          .contains(fr.eduatlas.territory.Names.fold(word));
    }
    assertThat(problem("/api/v1/schools?q=%20-", 400).get("detail").asText()).contains("'q'");
  }
}
