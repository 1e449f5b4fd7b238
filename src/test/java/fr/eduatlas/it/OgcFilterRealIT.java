package fr.eduatlas.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import fr.eduatlas.api.ApiServer;
import fr.eduatlas.testing.RealWarehouse;
import fr.eduatlas.warehouse.ServedWarehouse;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * CQL2 spatial filters over the real data, swept over every collection and every overseas
 * département, against what the territories' own hierarchy says (not their outlines): a box around
 * a département's land selects, at each level, exactly the territories that share a commune with
 * it, and the located schools of its communes; Saint-Martin and Saint-Barthélemy, which no source
 * draws, meet no territory, and their unlocated schools are unknown to a spatial filter and to its
 * negation alike.
 */
class OgcFilterRealIT {
  static final ObjectMapper JSON = new ObjectMapper();
  static final HttpClient HTTP = HttpClient.newHttpClient();
  static ApiServer server;

  /** Each overseas département and a box around its land that meets no other. */
  static final Map<String, String> OVERSEAS =
      Map.of(
          "971", "-61.9,15.8,-60.9,16.6",
          "972", "-61.3,14.3,-60.7,14.95",
          "973", "-54.7,2.0,-51.5,5.9",
          "974", "55.1,-21.5,55.9,-20.8",
          "976", "44.9,-13.1,45.4,-12.5");

  static final Map<String, String> COLLECTIONS =
      Map.of(
          "commune", "communes",
          "epci", "epci",
          "departement", "departements",
          "academie", "academies",
          "region", "regions");

  @BeforeAll
  static void start() {
    server = ApiServer.start(new ServedWarehouse(RealWarehouse.get(), 1000), "127.0.0.1", 0);
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  static JsonNode get(String path) throws Exception {
    HttpResponse<String> r =
        HTTP.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path)).build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as(path + " " + r.body()).isEqualTo(200);
    return JSON.readTree(r.body());
  }

  static String filter(String cql2) {
    return "filter=" + URLEncoder.encode(cql2, StandardCharsets.UTF_8);
  }

  static TreeSet<String> ids(JsonNode fc, String field) {
    var s = new TreeSet<String>();
    fc.get(field).forEach(f -> s.add(f.has("id") ? f.get("id").asText() : f.get("code").asText()));
    return s;
  }

  @Test
  void aBoxAroundEachOverseasDepartementSelectsItsTerritoriesAtEveryLevelAndItsSchools()
      throws Exception {
    for (var d : OVERSEAS.entrySet()) {
      String box = "S_INTERSECTS(geometry, BBOX(" + d.getValue() + "))";
      for (var level : COLLECTIONS.entrySet()) {
        var expected =
            ids(
                get(
                    "/api/v1/indicators/population/values?level="
                        + level.getKey()
                        + "&within=departement:"
                        + d.getKey()),
                "values");
        JsonNode fc =
            get("/ogc/collections/" + level.getValue() + "/items?limit=1000&" + filter(box));
        assertThat(ids(fc, "features")).as(d.getKey() + " " + level.getKey()).isEqualTo(expected);
        assertThat(fc.get("numberMatched").asInt()).isEqualTo(expected.size());
      }
      // The located schools of its communes, wherever they are placed.
      var schools =
          ids(
              get(
                  "/ogc/collections/etablissements/items?limit=1000&"
                      + filter("commune LIKE '" + d.getKey() + "%' AND location <> 'inconnue'")),
              "features");
      assertThat(schools).as(d.getKey()).isNotEmpty();
      assertThat(
              ids(
                  get("/ogc/collections/etablissements/items?limit=1000&" + filter(box)),
                  "features"))
          .as(d.getKey() + " schools")
          .isEqualTo(schools);
    }
  }

  @Test
  void theCollectivitiesNoSourceDrawsMeetNoTerritoryAndTheirUnlocatedSchoolsAreUnknown()
      throws Exception {
    String box = "S_INTERSECTS(geometry, BBOX(-63.2, 17.8, -62.7, 18.2))";
    for (String col : COLLECTIONS.values()) {
      assertThat(
              get("/ogc/collections/" + col + "/items?limit=1&" + filter(box))
                  .get("numberMatched")
                  .asInt())
          .as(col)
          .isZero();
    }
    int inside =
        get("/ogc/collections/etablissements/items?limit=1&" + filter(box))
            .get("numberMatched")
            .asInt();
    int outside =
        get("/ogc/collections/etablissements/items?limit=1&" + filter("NOT " + box))
            .get("numberMatched")
            .asInt();
    int unlocated =
        get("/ogc/collections/etablissements/items?limit=1&" + filter("location = 'inconnue'"))
            .get("numberMatched")
            .asInt();
    int all = get("/ogc/collections/etablissements/items?limit=1").get("numberMatched").asInt();
    // Saint-Martin's schools placed at their own address are inside; those without a position
    // are neither inside nor outside.
    assertThat(inside).isPositive();
    assertThat(unlocated).isPositive();
    assertThat(inside + outside + unlocated).isEqualTo(all);
    for (String com : List.of("97701", "97801")) {
      JsonNode unknown =
          get(
              "/ogc/collections/etablissements/items?limit=1000&"
                  + filter("commune = '" + com + "' AND location = 'inconnue'"));
      assertThat(unknown.get("numberMatched").asInt()).as(com).isPositive();
      unknown
          .get("features")
          .forEach(f -> assertThat(f.get("geometry").isNull()).as(f.get("id").asText()).isTrue());
    }
  }
}
