package fr.eduatlas.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import fr.eduatlas.testing.Fixtures;
import fr.eduatlas.warehouse.ServedWarehouse;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.util.HashMap;
import java.util.Properties;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The static site of the mini warehouse, file by file, against the API of a real server on the same
 * warehouse: every indicator, period and level's values (JSON and CSV), every territory's profile
 * at every level, every label, the catalogue, the schools; the page's files present and marked
 * static.
 */
class StaticSiteTest {
  @TempDir static Path tmp;
  static Path site;
  static ApiServer server;
  static final HttpClient HTTP = HttpClient.newHttpClient();
  static final ObjectMapper JSON = new ObjectMapper();
  static StaticSite.Summary summary;

  @BeforeAll
  static void write() throws Exception {
    Path warehouse = Fixtures.miniWarehouse(tmp, 2019);
    site = Files.createDirectories(tmp.resolve("site"));
    var props = new Properties();
    props.setProperty("duckdb.read_only", "true");
    props.setProperty("jdbc_instance_cache", "false");
    try (var c = DriverManager.getConnection("jdbc:duckdb:" + warehouse, props)) {
      summary =
          StaticSite.write(
              c, site, "v1", 9, new PrintStream(new ByteArrayOutputStream(), true, "UTF-8"));
    }
    server = ApiServer.start(new ServedWarehouse(warehouse, 1000), "127.0.0.1", 0);
  }

  @AfterAll
  static void stop() {
    if (server != null) {
      server.close();
    }
  }

  static byte[] api(String path) throws Exception {
    var r =
        HTTP.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path)).build(),
            HttpResponse.BodyHandlers.ofByteArray());
    assertThat(r.statusCode()).as(path).isEqualTo(200);
    return r.body();
  }

  static byte[] file(String path) throws Exception {
    try (var in = new GZIPInputStream(Files.newInputStream(site.resolve(path)))) {
      return in.readAllBytes();
    }
  }

  @Test
  void everyValuesFileIsTheApisAnswerForEveryIndicatorPeriodAndLevel() throws Exception {
    JsonNode catalog = JSON.readTree(api("/api/v1/indicators"));
    assertThat(JSON.readTree(file("api/indicators.json.gz"))).isEqualTo(catalog);
    int n = 0;
    for (JsonNode i : catalog) {
      String id = i.get("id").asText();
      assertThat(file("api/indicators/" + id + ".json.gz"))
          .isEqualTo(api("/api/v1/indicators/" + id));
      for (JsonNode p : i.get("periods")) {
        for (String level : StaticSite.VALUE_LEVELS) {
          String q = "/api/v1/indicators/" + id + "/values?level=" + level + "&year=" + p.asText();
          String stem = "api/values/" + id + "/" + level + "/" + p.asText();
          assertThat(file(stem + ".json.gz")).as(q).isEqualTo(api(q));
          assertThat(new String(file(stem + ".csv.gz"), StandardCharsets.UTF_8))
              .as(q)
              .isEqualTo(
                  new String(api(q + "&format=csv&sep=%3B&decimal=%2C"), StandardCharsets.UTF_8));
          n++;
        }
      }
    }
    assertThat(n).isGreaterThan(100);
    try (var files = Files.walk(site.resolve("api/values"))) {
      assertThat(files.filter(f -> f.toString().endsWith(".json.gz")).count()).isEqualTo(n);
    }
  }

  @Test
  void everyTerritorysProfileIsTheApisWithTheCatalogueFieldsLeftToThePage() throws Exception {
    int n = 0;
    for (JsonNode l : JSON.readTree(api("/api/v1/levels"))) {
      String level = l.get("id").asText();
      Path dir = site.resolve("api/territories/" + level);
      try (var files = Files.list(dir)) {
        assertThat(files.count()).as(level).isEqualTo(l.get("territories").asLong());
      }
      try (var files = Files.list(dir)) {
        for (Path f : files.toList()) {
          String code = f.getFileName().toString().replace(".json.gz", "");
          ObjectNode served =
              (ObjectNode) JSON.readTree(api("/api/v1/territories/" + level + "/" + code));
          for (JsonNode i : served.get("indicators")) {
            ((ObjectNode) i).retain("id", "latest", "series", "compared");
          }
          ObjectNode written =
              (ObjectNode)
                  JSON.readTree(file("api/territories/" + level + "/" + code + ".json.gz"));
          // The bounding box the page fits the map to: the outline's, when the territory has one.
          JsonNode outline =
              JSON.readTree(api("/api/v1/territories/" + level + "/" + code + "?geometry=true"))
                  .get("geometry");
          if (outline == null || outline.isNull()) {
            assertThat(written.get("bbox")).as(level + " " + code).isNull();
          } else {
            double[] box = {180, 90, -180, -90};
            envelope(outline.get("coordinates"), box);
            assertThat(written.get("bbox")).as(level + " " + code).hasSize(4);
            for (int k = 0; k < 4; k++) {
              assertThat(written.get("bbox").get(k).asDouble())
                  .as(level + " " + code + " bbox " + k)
                  .isCloseTo(box[k], org.assertj.core.data.Offset.offset(1e-4));
            }
          }
          written.remove("bbox");
          assertThat(written).as(level + " " + code).isEqualTo(served);
          n++;
        }
      }
    }
    assertThat(n).isGreaterThan(10);
  }

  /** The envelope of GeoJSON coordinates, however nested, into {west, south, east, north}. */
  private static void envelope(JsonNode coordinates, double[] box) {
    if (coordinates.get(0).isNumber()) {
      double x = coordinates.get(0).asDouble();
      double y = coordinates.get(1).asDouble();
      box[0] = Math.min(box[0], x);
      box[1] = Math.min(box[1], y);
      box[2] = Math.max(box[2], x);
      box[3] = Math.max(box[3], y);
      return;
    }
    for (JsonNode c : coordinates) {
      envelope(c, box);
    }
  }

  @Test
  void labelsSearchAndSchoolsHoldEveryTerritoryAndSchool() throws Exception {
    for (String level : StaticSite.VALUE_LEVELS) {
      assertThat(JSON.readTree(file("api/labels/" + level + ".json.gz")))
          .isEqualTo(JSON.readTree(api("/api/v1/labels/" + level + "?limit=2000")));
    }
    var perLevel = new HashMap<String, Integer>();
    for (JsonNode r : JSON.readTree(file("api/search.json.gz")).get("territories")) {
      perLevel.merge(r.get(0).asText(), 1, Integer::sum);
      assertThat(r.get(3).asText()).isEqualTo(fr.eduatlas.territory.Names.fold(r.get(2).asText()));
    }
    for (JsonNode l : JSON.readTree(api("/api/v1/levels"))) {
      if (!l.get("id").asText().equals("france")) {
        assertThat(perLevel.get(l.get("id").asText()))
            .as(l.get("id").asText())
            .isEqualTo(l.get("territories").asInt());
      }
    }
    int schools = 0;
    try (var files = Files.list(site.resolve("api/schools/departement"))) {
      for (Path f : files.toList()) {
        String d = f.getFileName().toString().replace(".json.gz", "");
        JsonNode written = JSON.readTree(file("api/schools/departement/" + d + ".json.gz"));
        JsonNode served = JSON.readTree(api("/api/v1/schools?departement=" + d + "&limit=1000"));
        assertThat(written.get("schools")).as(d).isEqualTo(served.get("schools"));
        for (JsonNode s : written.get("schools")) {
          String uai = s.get("uai").asText();
          assertThat(
                  JSON.readTree(file("api/schools/uai/" + uai.substring(0, 3) + ".json.gz"))
                      .get(uai))
              .isEqualTo(s);
          schools++;
        }
      }
    }
    assertThat(schools)
        .isEqualTo(JSON.readTree(api("/api/v1/schools?limit=1")).get("numberMatched").asInt());
  }

  @Test
  void thePageIsMarkedStaticWithRelativeLinksAndEveryFileItLoads() throws Exception {
    String index = Files.readString(site.resolve("index.html"));
    assertThat(index).contains("<html lang=\"fr\" data-mode=\"static\">");
    assertThat(index).doesNotContain("href=\"/").doesNotContain("src=\"/");
    var refs = java.util.regex.Pattern.compile("(?:href|src)=\"([^\"#?]+)\"").matcher(index);
    int n = 0;
    while (refs.find()) {
      String ref = refs.group(1);
      if (ref.startsWith("http") || ref.startsWith("data/") || !ref.contains(".")) {
        continue; // other origins; the release's Parquet; server-only links (hidden)
      }
      assertThat(site.resolve(ref)).as(ref).isRegularFile();
      n++;
    }
    assertThat(n).isGreaterThan(8);
    JsonNode config = JSON.readTree(file("api/config.json.gz"));
    assertThat(config.get("static").asBoolean()).isTrue();
    assertThat(config.get("tiles").get("communes").get("maxzoom").asInt()).isEqualTo(9);
    assertThat(summary.files()).isGreaterThan(n);
    assertThat(summary.bytes()).isPositive();
  }
}
