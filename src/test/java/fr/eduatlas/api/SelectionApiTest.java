package fr.eduatlas.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import fr.eduatlas.testing.Fixtures;
import fr.eduatlas.testing.WarehouseQuery;
import fr.eduatlas.warehouse.ServedWarehouse;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code /api/v1/selections} over HTTP on loopback, on the mini dataset's warehouse: creation,
 * idempotence, the three formats, per-commune explanations, and every error path.
 */
class SelectionApiTest {
  @TempDir static Path tmp;
  static Path warehouse;
  static ApiServer server;
  static final HttpClient HTTP = HttpClient.newHttpClient();
  static final ObjectMapper JSON = new ObjectMapper();
  static final String CRITERIA =
      "{\"count\": 2, \"eligibility\": {\"maxPopulation\": null, \"densityLevels\": [1, 2, 3, 4, 5, 6, 7],"
          + " \"schoolTypes\": [\"ecole\", \"college\", \"lycee\"]}, \"sensitivity\": {\"runs\":"
          + " 200}}";

  @BeforeAll
  static void start() {
    warehouse = Fixtures.miniWarehouse(tmp, 2019);
    server = ApiServer.start(new ServedWarehouse(warehouse, 50), "127.0.0.1", 0);
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  static HttpResponse<String> post(String body, String type) throws Exception {
    var b =
        HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + server.port() + "/api/v1/selections"))
            .POST(HttpRequest.BodyPublishers.ofString(body));
    if (type != null) {
      b.header("Content-Type", type);
    }
    return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  static HttpResponse<String> get(String path) throws Exception {
    return HTTP.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  static JsonNode problem(HttpResponse<String> r, int status) throws Exception {
    assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
    assertThat(r.headers().firstValue("Content-Type").orElse(""))
        .startsWith("application/problem+json");
    return JSON.readTree(r.body());
  }

  @Test
  void aSelectionIsCreatedOnceAndServedInEveryFormat() throws Exception {
    var r = post(CRITERIA, "application/json");
    assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
    JsonNode s = JSON.readTree(r.body());
    String id = s.get("id").asText();
    assertThat(r.headers().firstValue("Location")).hasValue("/api/v1/selections/" + id);
    assertThat(Files.exists(tmp.resolve("selections").resolve(id + ".json"))).isTrue();
    assertThat(s.get("selected")).hasSize(2);
    assertThat(s.at("/summary/selected").asInt()).isEqualTo(2);
    assertThat(s.at("/criteria/count").asInt()).isEqualTo(2);
    assertThat(s.at("/criteria/year").asInt()).as("the latest year, written out").isEqualTo(2025);
    assertThat(s.at("/provenance/simulated").asBoolean()).isTrue();
    assertThat(s.at("/sensitivity/runs").asInt()).isEqualTo(200);

    // Every selected commune meets the rules, read back from the warehouse.
    try (var q = WarehouseQuery.open(warehouse)) {
      for (JsonNode e : s.get("selected")) {
        String code = e.get("code").asText();
        long level =
            q.count(
                "SELECT density_level FROM commune_density WHERE commune_code = '" + code + "'");
        assertThat(level).isBetween(1L, 7L);
        assertThat(e.get("schoolsKnown").asInt()).isPositive();
        double sum = 0;
        for (JsonNode p : e.get("criteria")) {
          sum += p.get("contribution").asDouble();
        }
        assertThat(sum)
            .isCloseTo(e.get("score").asDouble(), org.assertj.core.data.Offset.offset(1e-9));
      }
    }

    // The same criteria again: the same id, not recomputed.
    var again =
        post(CRITERIA.replace("\"count\": 2", "\"count\":2"), "application/json; charset=utf-8");
    assertThat(again.statusCode()).isEqualTo(200);
    assertThat(JSON.readTree(again.body()).get("id").asText()).isEqualTo(id);

    var json = get("/api/v1/selections/" + id);
    assertThat(json.statusCode()).isEqualTo(200);
    assertThat(JSON.readTree(json.body())).isEqualTo(s);

    var csv = get("/api/v1/selections/" + id + "?format=csv&sep=;&decimal=,");
    assertThat(csv.statusCode()).isEqualTo(200);
    assertThat(csv.headers().firstValue("Content-Type").orElse("")).startsWith("text/csv");
    String[] lines = csv.body().split("\r\n");
    assertThat(lines[0])
        .startsWith("\uFEFFrang;code_insee;commune;departement;academie;region;statut;motif;score");
    assertThat(lines[0]).contains(";mode_raccordement;cout_estime_eur;");
    assertThat(lines[1])
        .contains(";" + s.at("/selected/0/code").asText() + ";")
        .contains(";retenue;");
    String score = s.at("/selected/0/score").asText();
    assertThat(lines[1])
        .contains(
            ";"
                + String.valueOf(Math.round(Double.parseDouble(score) * 1e6) / 1e6)
                    .replace('.', ',')
                + ";");

    var all = get("/api/v1/selections/" + id + "?format=csv&scope=toutes");
    long communes;
    try (var q = WarehouseQuery.open(warehouse)) {
      communes = q.count("SELECT count(*) FROM commune");
    }
    assertThat(all.body().split("\r\n"))
        .as("a header and every commune once")
        .hasSize((int) communes + 1);
    assertThat(all.body()).contains(",exclue,");

    var geo = get("/api/v1/selections/" + id + "?format=geojson");
    JsonNode fc = JSON.readTree(geo.body());
    assertThat(fc.get("type").asText()).isEqualTo("FeatureCollection");
    assertThat(fc.at("/features/0/properties/statut").asText()).isEqualTo("retenue");
    assertThat(fc.at("/features/0/geometry/type").asText()).endsWith("Polygon");

    // One commune explained: a selected one by its score, an excluded one by its rule.
    String first = s.at("/selected/0/code").asText();
    JsonNode one = JSON.readTree(get("/api/v1/selections/" + id + "/communes/" + first).body());
    assertThat(one.get("status").asText()).isEqualTo("retenue");
    String excluded;
    try (var q = WarehouseQuery.open(warehouse)) {
      excluded =
          q.strings(
                  "SELECT code FROM commune WHERE code NOT IN (SELECT commune_code FROM school"
                      + " WHERE uai IN (SELECT uai FROM school_connectivity)) ORDER BY 1")
              .get(0);
    }
    JsonNode ex = JSON.readTree(get("/api/v1/selections/" + id + "/communes/" + excluded).body());
    assertThat(ex.get("status").asText()).isEqualTo("exclue");
    assertThat(ex.get("reason").asText()).matches("(densite|etablissements|connectivite) : .*");
    problem(get("/api/v1/selections/" + id + "/communes/00000"), 404);
  }

  @Test
  void aStoredSelectionIsExplainedAgainOnItsDataAndRefusedOnOthers() throws Exception {
    String criteria = CRITERIA.replace("\"runs\": 200", "\"runs\": 150");
    String id = JSON.readTree(post(criteria, "application/json").body()).get("id").asText();
    var store = new fr.eduatlas.selection.SelectionStore(tmp.resolve("selections"));
    var stored = store.load(id);
    String first = stored.selected().get(0).code();
    try (var q = WarehouseQuery.open(warehouse)) {
      // A service that never computed it reads the store and computes the run again.
      var run =
          new fr.eduatlas.selection.SelectionService(store)
              .run(q.connection(), stored.dataVersion(), id);
      assertThat(run.id()).isEqualTo(id);
      assertThat(run.explain(first)).isEqualTo(stored.selected().get(0));
      // On other data it cannot: the stored result stays readable, the explanation is refused.
      var other = new fr.eduatlas.selection.SelectionService(store);
      org.assertj.core.api.Assertions.assertThatThrownBy(
              () -> other.run(q.connection(), "autre-version", id))
          .isInstanceOf(fr.eduatlas.selection.SelectionService.StaleException.class)
          .hasMessageContaining("relancez-la");
      assertThat(other.get(id)).isEqualTo(stored);
      assertThat(other.run(q.connection(), stored.dataVersion(), "0123456789abcdef0123")).isNull();
    }
  }

  @Test
  void badCriteriaAreProblemsThatListEveryError() throws Exception {
    JsonNode p =
        problem(
            post(
                "{\"count\": 0, \"weights\": {\"foo\": 1}, \"normalisation\": \"z\"}",
                "application/json"),
            400);
    assertThat(p.get("title").asText()).isEqualTo("Critères invalides");
    assertThat(p.get("errors")).hasSize(3);
    assertThat(p.get("errors").toString())
        .contains("/count")
        .contains("foo")
        .contains("/normalisation");
    assertThat(problem(post("{\"count\": 2,", "application/json"), 400).get("detail").asText())
        .startsWith("corps JSON illisible, ligne 1");
    assertThat(
            problem(post("{\"weights\": {\"ips\": 0}}", "application/json"), 400)
                .get("detail")
                .asText())
        .isEqualTo("weights : au moins un poids doit être positif");
    assertThat(problem(post("{}", "text/plain"), 415).get("detail").asText())
        .contains("application/json");
    assertThat(problem(post("{\"count\": 500}", "application/json"), 422).get("detail").asText())
        .startsWith("au plus ");
    assertThat(problem(post("{\"year\": 2010}", "application/json"), 400).get("detail").asText())
        .startsWith("year : aucune donnée de connectivité pour l'année scolaire 2009-2010");
    problem(get("/api/v1/selections/0123456789abcdef0123"), 404);
    problem(get("/api/v1/selections/../../etc"), 404);
    var created = JSON.readTree(post(CRITERIA, "application/json").body()).get("id").asText();
    problem(get("/api/v1/selections/" + created + "?format=xml"), 400);
    problem(get("/api/v1/selections/" + created + "?sep=;"), 400);
    problem(get("/api/v1/selections/" + created + "?format=csv&scope=x"), 400);
  }

  @Test
  void theSchemaAndDefaultsArePublished() throws Exception {
    var schema = get("/api/v1/selections/schema");
    assertThat(schema.headers().firstValue("Content-Type").orElse(""))
        .startsWith("application/schema+json");
    assertThat(JSON.readTree(schema.body()).at("/properties/count/default").asInt()).isEqualTo(40);
    JsonNode d = JSON.readTree(get("/api/v1/selections/defaults").body());
    assertThat(d.at("/criteria/count").asInt()).isEqualTo(40);
    assertThat(d.at("/criteria/eligibility/densityLevels").toString()).isEqualTo("[5,6,7]");
    assertThat(d.get("years").toString()).isEqualTo("[2019,2020,2021,2022,2023,2024,2025]");
    assertThat(d.get("criteriaDefinitions"))
        .hasSize(fr.eduatlas.selection.Criterion.values().length);
  }
}
