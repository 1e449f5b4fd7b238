package fr.eduatlas.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import fr.eduatlas.testing.Fixtures;
import fr.eduatlas.warehouse.ServedWarehouse;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** OGC API – Features Part 1 under /ogc, over HTTP on loopback, on the mini dataset. */
class OgcApiTest {
  @TempDir static Path tmp;
  static ApiServer server;
  static final HttpClient HTTP = HttpClient.newHttpClient();
  static final ObjectMapper JSON = new ObjectMapper();

  @BeforeAll
  static void start() {
    Path wh = Fixtures.miniWarehouse(tmp);
    server = ApiServer.start(new ServedWarehouse(wh, 50), "127.0.0.1", 0);
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

  static JsonNode ok(String path, String type) throws Exception {
    var r = get(path);
    assertThat(r.statusCode()).as(path + " " + r.body()).isEqualTo(200);
    assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith(type);
    return JSON.readTree(r.body());
  }

  static void status(String path, int status) throws Exception {
    var r = get(path);
    assertThat(r.statusCode()).as(path).isEqualTo(status);
    assertThat(r.headers().firstValue("Content-Type").orElse(""))
        .startsWith("application/problem+json");
  }

  private static void forEachPosition(JsonNode n, java.util.function.BiConsumer<Double, Double> f) {
    if (n.isArray() && n.size() >= 2 && n.get(0).isNumber()) {
      f.accept(n.get(0).asDouble(), n.get(1).asDouble());
    } else if (n.isArray()) {
      n.forEach(c -> forEachPosition(c, f));
    }
  }

  @Test
  void theOgcApiHasItsOwnDefinitionAsTheOfficialSuiteReadsIt() throws Exception {
    JsonNode landing = ok("/ogc", "application/json");
    String desc = null;
    for (JsonNode l : landing.get("links")) {
      if (l.get("rel").asText().equals("service-desc")) {
        desc = l.get("href").asText();
      }
    }
    assertThat(desc).endsWith("/ogc/api");
    var r = get(desc.substring(desc.indexOf("/ogc")));
    assertThat(r.statusCode()).isEqualTo(200);
    JsonNode d = JSON.readTree(r.body());
    assertThat(d.at("/servers/0/url").asText()).endsWith("/ogc");
    var paths = new java.util.ArrayList<String>();
    d.get("paths").fieldNames().forEachRemaining(paths::add);
    assertThat(paths)
        .contains("/", "/conformance", "/collections", "/collections/{collectionId}/items")
        .noneMatch(p -> p.startsWith("/ogc") || p.startsWith("/api/v1"));
    JsonNode items = d.at("/paths/~1collections~1{collectionId}~1items/get");
    for (JsonNode p : items.get("parameters")) {
      switch (p.get("name").asText()) {
        case "limit" -> {
          assertThat(p.at("/schema/minimum").asInt()).isEqualTo(1);
          assertThat(p.at("/schema/maximum").asInt()).isEqualTo(1000);
          assertThat(p.at("/schema/default").asInt()).isEqualTo(10);
          assertThat(p.get("style").asText()).isEqualTo("form");
          assertThat(p.get("explode").asBoolean()).isFalse();
        }
        case "bbox", "datetime" -> {
          assertThat(p.get("style").asText()).isEqualTo("form");
          assertThat(p.get("explode").asBoolean()).isFalse();
        }
        default -> {}
      }
    }
    assertThat(items.get("responses").has("304")).isTrue();
    assertThat(items.get("responses").has("500")).isTrue();
  }

  @Test
  void landingConformanceAndCollections() throws Exception {
    JsonNode landing = ok("/ogc", "application/json");
    assertThat(landing.get("links").findValuesAsText("rel"))
        .contains("self", "service-desc", "service-doc", "conformance", "data");
    assertThat(ok("/ogc/conformance", "application/json").get("conformsTo").toString())
        .contains("conf/core", "conf/geojson", "conf/oas30");
    JsonNode cols = ok("/ogc/collections", "application/json").get("collections");
    assertThat(cols.findValuesAsText("id"))
        .containsExactly(
            "communes", "epci", "departements", "academies", "regions", "etablissements");
    JsonNode communes = ok("/ogc/collections/communes", "application/json");
    assertThat(communes.get("extent").get("spatial").get("bbox").get(0)).hasSize(4);
    // The declared extent holds every feature: rounded outward, never inward.
    for (String col : List.of("communes", "departements", "etablissements")) {
      JsonNode bb = ok("/ogc/collections/" + col, "application/json").at("/extent/spatial/bbox/0");
      JsonNode items = ok("/ogc/collections/" + col + "/items?limit=1000", "application/geo+json");
      for (JsonNode f : items.get("features")) {
        for (JsonNode p : f.get("geometry").findValues("coordinates")) {
          forEachPosition(
              p,
              (x, y) -> {
                assertThat(x).as(col).isBetween(bb.get(0).asDouble(), bb.get(2).asDouble());
                assertThat(y).as(col).isBetween(bb.get(1).asDouble(), bb.get(3).asDouble());
              });
        }
      }
    }
    assertThat(communes.get("links").findValuesAsText("rel")).contains("self", "items");
    var doc = get("/api/openapi.json");
    assertThat(doc.headers().firstValue("Content-Type").orElse(""))
        .startsWith("application/vnd.oai.openapi+json");
    assertThat(JSON.readTree(doc.body()).get("paths").has("/ogc/collections/{collectionId}/items"))
        .isTrue();
    assertThat(get("/api/docs").body()).contains("<h1>EduAtlas");
  }

  @Test
  void itemsArePagedWithCountsAndLinks() throws Exception {
    JsonNode all = ok("/ogc/collections/communes/items", "application/geo+json");
    long matched = all.get("numberMatched").asLong();
    assertThat(matched).isPositive();
    JsonNode page = ok("/ogc/collections/communes/items?limit=2", "application/geo+json");
    assertThat(page.get("numberReturned").asInt()).isEqualTo(2);
    assertThat(page.get("features")).hasSize(2);
    String next = null;
    for (JsonNode l : page.get("links")) {
      if (l.get("rel").asText().equals("next")) {
        next = l.get("href").asText();
      }
    }
    assertThat(next).contains("offset=2").contains("limit=2");
    JsonNode second =
        ok(
            URI.create(next).getRawPath() + "?" + URI.create(next).getRawQuery(),
            "application/geo+json");
    assertThat(second.get("features").get(0).get("id").asText())
        .isNotEqualTo(page.get("features").get(0).get("id").asText());
    // Above the maximum: brought down, no error.
    assertThat(
            ok("/ogc/collections/communes/items?limit=100000", "application/geo+json")
                .get("numberReturned")
                .asLong())
        .isEqualTo(Math.min(matched, 1000));
  }

  @Test
  void bboxAndDatetimeSelect() throws Exception {
    JsonNode aisne =
        ok("/ogc/collections/communes/items?bbox=3.0,49.0,4.5,50.0", "application/geo+json");
    assertThat(aisne.get("features").findValuesAsText("id"))
        .contains("02408")
        .doesNotContain("75056");
    JsonNode schools =
        ok(
            "/ogc/collections/etablissements/items?bbox=3.5,49.5,3.7,49.6&limit=50",
            "application/geo+json");
    for (JsonNode f : schools.get("features")) {
      assertThat(f.get("geometry").get("coordinates").get(0).asDouble()).isBetween(3.5, 3.7);
    }
    ok("/ogc/collections/communes/items?datetime=2024-01-01T00:00:00Z/..", "application/geo+json");
    ok("/ogc/collections/communes/items?datetime=2024-01-01", "application/geo+json");
  }

  @Test
  void singleItemsAndEveryErrorPath() throws Exception {
    JsonNode laon = ok("/ogc/collections/communes/items/02408", "application/geo+json");
    assertThat(laon.get("type").asText()).isEqualTo("Feature");
    assertThat(laon.get("properties").get("nom").asText()).isEqualTo("Laon");
    status("/ogc/collections/communes/items/99999", 404);
    status("/ogc/collections/cantons", 404);
    status("/ogc/collections/cantons/items", 404);
    status("/ogc/collections/communes/items?foo=bar", 400);
    status("/ogc/collections/communes/items?bbox=1,2,3", 400);
    status("/ogc/collections/communes/items?bbox=0,60,1,50", 400);
    status("/ogc/collections/communes/items?limit=0", 400);
    status("/ogc/collections/communes/items?offset=-1", 400);
    status("/ogc/collections/communes/items?datetime=hier", 400);
    // Both ends open, a reversed interval, a malformed instant: 400 (the OGC suite sends these).
    for (String bad :
        List.of(
            "/",
            "../",
            "..",
            "../..",
            "2025-01-01/2024-01-01",
            "2024-13-01",
            "2024-01-01T25:00Z")) {
      status(
          "/ogc/collections/communes/items?datetime="
              + java.net.URLEncoder.encode(bad, java.nio.charset.StandardCharsets.UTF_8),
          400);
    }
    // f is honoured or refused alike: html is served everywhere but the OpenAPI definition.
    status("/ogc/api?f=html", 400);
    status("/ogc/conformance?f=xml", 400);
    status("/ogc/collections/communes/items?f=xml", 400);
  }

  /**
   * A GIS reading /ogc alone gets the choropleth's figures: with {@code indicator} (and {@code
   * year}), every territory of the page carries the indicator's value, unit, status and period; the
   * schools' collection and a year without an indicator are refused.
   */
  @Test
  void territoriesCarryTheValuesOfAChosenIndicator() throws Exception {
    JsonNode fc =
        ok(
            "/ogc/collections/departements/items?indicator=couverture-fibre&year=2024&limit=100",
            "application/geo+json");
    boolean aisne = false;
    for (JsonNode f : fc.get("features")) {
      JsonNode p = f.get("properties");
      assertThat(p.get("indicateur").asText()).isEqualTo("couverture-fibre");
      assertThat(p.get("periode").asText()).isEqualTo("2024");
      assertThat(p.get("unite").asText()).isEqualTo("%");
      assertThat(p.has("valeur") && p.has("statut") && p.has("simule")).isTrue();
      if (f.get("id").asText().equals("02")) {
        aisne = true;
        // Abbécourt: no fibre count, 300 premises; Laon 14,274 of 15,627 (couverture.csv).
        assertThat(p.get("valeur").asDouble())
            .isEqualTo(fr.eduatlas.observatory.Figures.round(14274.0 / (15627 + 300) * 100));
        assertThat(p.get("statut").asText()).isEqualTo("publie");
      }
    }
    assertThat(aisne).isTrue();
    // Without an indicator, the properties are the territory's only.
    JsonNode plain = ok("/ogc/collections/departements/items?limit=1", "application/geo+json");
    assertThat(plain.get("features").get(0).get("properties").has("valeur")).isFalse();
    status("/ogc/collections/etablissements/items?indicator=population", 400);
    status("/ogc/collections/departements/items?year=2024", 400);
    status("/ogc/collections/departements/items?indicator=inconnu", 404);
    status("/ogc/collections/departements/items?indicator=couverture-fibre&year=1999", 400);
  }

  static final String L93 = "http://www.opengis.net/def/crs/EPSG/0/2154";

  /**
   * OGC API Features Part 2: the collections declare CRS84 and Lambert-93, items and one item are
   * served in Lambert-93 on request (Content-Crs says which), and a box may be given in Lambert-93;
   * an unknown system is a 400.
   */
  @Test
  void itemsAreServedInLambert93OnRequest() throws Exception {
    JsonNode conf = ok("/ogc/conformance", "application/json");
    assertThat(conf.get("conformsTo").toString())
        .contains("http://www.opengis.net/spec/ogcapi-features-2/1.0/conf/crs");
    JsonNode col = ok("/ogc/collections/departements", "application/json");
    assertThat(col.get("crs").toString()).contains(L93).contains("OGC/1.3/CRS84");
    assertThat(col.get("storageCrs").asText()).endsWith("OGC/1.3/CRS84");
    String enc = java.net.URLEncoder.encode(L93, java.nio.charset.StandardCharsets.UTF_8);
    var r = get("/ogc/collections/departements/items/02?crs=" + enc);
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("Content-Crs")).contains("<" + L93 + ">");
    // The Aisne in Lambert-93: eastings about 690 to 790 km, northings about 6,860 to 6,990 km.
    double[] env = {Double.MAX_VALUE, Double.MAX_VALUE, -Double.MAX_VALUE, -Double.MAX_VALUE};
    forEachPosition(
        JSON.readTree(r.body()).get("geometry").get("coordinates"),
        (x, y) -> {
          env[0] = Math.min(env[0], x);
          env[1] = Math.min(env[1], y);
          env[2] = Math.max(env[2], x);
          env[3] = Math.max(env[3], y);
        });
    assertThat(env[0]).isBetween(650_000.0, 760_000.0);
    assertThat(env[2]).isBetween(700_000.0, 820_000.0);
    assertThat(env[1]).isBetween(6_830_000.0, 6_950_000.0);
    assertThat(env[3]).isBetween(6_900_000.0, 7_010_000.0);
    // A box in Lambert-93 around Laon (about 739 km, 6,943 km) finds the Aisne.
    JsonNode inBox =
        ok(
            "/ogc/collections/departements/items?bbox=735000,6940000,742000,6946000&bbox-crs="
                + enc,
            "application/geo+json");
    assertThat(inBox.get("features").findValuesAsText("id")).containsExactly("02");
    assertThat(inBox.get("features").get(0).get("geometry").get("coordinates").toString())
        .as("without crs, the answer stays in CRS84")
        .matches(".*\\[\\d\\.\\d+,\\d\\d\\.\\d+].*");
    var schools = get("/ogc/collections/etablissements/items?limit=5&crs=" + enc);
    assertThat(schools.statusCode()).isEqualTo(200);
    for (JsonNode f : JSON.readTree(schools.body()).get("features")) {
      if (!f.get("geometry").isNull()) {
        assertThat(f.get("geometry").get("coordinates").get(0).asDouble()).isGreaterThan(100_000);
      }
    }
    status("/ogc/collections/departements/items?crs=EPSG:4326", 400);
    status("/ogc/collections/departements/items?bbox-crs=" + enc, 400);
    status("/ogc/collections/departements/items?bbox=1,2,x,4&bbox-crs=" + enc, 400);
    status("/ogc/collections/departements/items/02?crs=urn:inconnu", 400);
  }

  /**
   * f=html: every resource of the OGC API (landing page, conformance, collections, a collection,
   * its items, one item) is a French page, with no script nor inline style, its links to the HTML
   * pages, the values escaped.
   */
  @Test
  void everyResourceHasAnHtmlPageInFrench() throws Exception {
    String[] paths = {
      "/ogc?f=html",
      "/ogc/conformance?f=html",
      "/ogc/collections?f=html",
      "/ogc/collections/departements?f=html",
      "/ogc/collections/departements/items?f=html&limit=2",
      "/ogc/collections/departements/items/02?f=html",
      "/ogc/collections/etablissements/items?f=html&limit=3"
    };
    for (String path : paths) {
      var r = get(path);
      assertThat(r.statusCode()).as(path).isEqualTo(200);
      assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("text/html");
      String html = r.body();
      assertThat(html).as(path).startsWith("<!doctype html><html lang=\"fr\">");
      assertThat(html).doesNotContain("<script").doesNotContain("style=");
    }
    String items = get("/ogc/collections/departements/items?f=html&limit=1").body();
    assertThat(items).contains("objet(s) sur").contains("items/01?f=html");
    assertThat(items).contains("offset=1").contains("f=html");
    String aisne = get("/ogc/collections/departements/items/02?f=html").body();
    assertThat(aisne).contains("Aisne").contains("Géométrie : ");
    String landing = get("/ogc?f=html").body();
    assertThat(landing).contains("Classes de conformité").contains("conformance?f=html");
  }
}
