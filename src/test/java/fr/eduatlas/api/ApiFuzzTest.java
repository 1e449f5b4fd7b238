package fr.eduatlas.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import fr.eduatlas.testing.Fixtures;
import fr.eduatlas.warehouse.ServedWarehouse;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A bounded, seeded fuzz of every route and query parameter the OpenAPI document declares, on a
 * real server on loopback: plausible and hostile values, unknown and repeated parameters, hostile
 * bodies for the POSTs. Whatever is sent: no 5xx, every error a problem+json naming its status,
 * every JSON answer strict JSON (no NaN, no Infinity), and no answer slower than 2 s.
 */
class ApiFuzzTest {
  static final long SEED = 20261128L;
  static final int REQUESTS = 3000;
  @TempDir static Path tmp;
  static ApiServer server;
  static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  // Strict: NaN and Infinity are not JSON (Jackson's default refuses them).
  static final ObjectMapper STRICT =
      new ObjectMapper().disable(JsonParser.Feature.ALLOW_NON_NUMERIC_NUMBERS);

  @BeforeAll
  static void start() {
    var served = new ServedWarehouse(Fixtures.miniWarehouse(tmp, 2023), 50);
    var store = fr.eduatlas.hub.HubStore.open("jdbc:sqlite:" + tmp.resolve("hubs.sqlite"));
    store.createHub(
        fr.eduatlas.hub.Hub.ofCompetence(
            "aisne",
            "Aisne",
            fr.eduatlas.hub.Hub.Kind.DEPARTEMENT,
            "departement",
            "02",
            java.time.Instant.now()),
        "test");
    store.grant("aisne", "a@x.fr", fr.eduatlas.hub.Role.LECTEUR, "test");
    token = store.createToken("a@x.fr", null, "fuzz", Duration.ofDays(1), "test").secret();
    server =
        ApiServer.start(
            served,
            "127.0.0.1",
            0,
            WebConfig.none(),
            new fr.eduatlas.hub.HubService(store, served, null));
  }

  static String token;

  @AfterAll
  static void stop() {
    server.close();
  }

  static final List<String> HOSTILE =
      List.of(
          "",
          " ",
          "NaN",
          "Infinity",
          "-1",
          "0",
          "1e309",
          "99999999999999999999999",
          "0x10",
          "é",
          "\u0000",
          "%",
          "../../../../etc/passwd",
          "<script>alert(1)</script>",
          "' OR 1=1 --",
          "a".repeat(300),
          ",,,",
          "1,2",
          "true",
          "null",
          "{}",
          "[]",
          "\uD83D\uDE00",
          "02408",
          "2A004",
          "FR");

  static final Map<String, List<String>> PLAUSIBLE =
      Map.ofEntries(
          Map.entry(
              "level", List.of("commune", "epci", "departement", "academie", "region", "france")),
          Map.entry(
              "code", List.of("02408", "02", "20", "32", "FR", "200071983", "2A004", "97101")),
          Map.entry("id", List.of("population", "debit-mesure-moyen", "enseignants-ent", "eleves")),
          Map.entry("uai", List.of("0021685W", "0020471B", "9710999J")),
          Map.entry("layer", List.of("communes", "departements", "schools", "regions")),
          Map.entry("z", List.of("0", "5", "8", "12", "22", "23")),
          Map.entry("x", List.of("0", "1", "131", "265")),
          Map.entry("file", List.of("0.mvt", "90.mvt", "communes.json", "schools.json")),
          Map.entry("collectionId", List.of("communes", "departements", "etablissements", "epci")),
          Map.entry("featureId", List.of("02408", "02", "0021685W")),
          Map.entry("format", List.of("json", "csv", "geojson")),
          Map.entry("f", List.of("json", "geojson", "html")),
          Map.entry("year", List.of("2025", "2024", "2021")),
          Map.entry("within", List.of("departement:02", "region:32", "commune:02408")),
          Map.entry("zoom", List.of("0", "7", "12")),
          Map.entry("sep", List.of(",", ";")),
          Map.entry("decimal", List.of(".", ",")),
          Map.entry("limit", List.of("1", "10", "1000", "100000")),
          Map.entry("offset", List.of("0", "5", "100000")),
          Map.entry("bbox", List.of("3,49,4,50", "-180,-90,180,90", "4,50,3,49")),
          Map.entry("datetime", List.of("2025-01-01T00:00:00Z", "../2025-01-01T00:00:00Z")),
          Map.entry("type", List.of("ecole", "college", "lycee")),
          Map.entry("sector", List.of("public", "prive")),
          Map.entry("q", List.of("laon", "LAON", "0021685W", "é")),
          Map.entry("geometry", List.of("true", "false")),
          Map.entry("scope", List.of("liste", "toutes")),
          Map.entry("indicator", List.of("population", "debit-mesure-moyen")),
          Map.entry("departement", List.of("02", "75", "2B")),
          Map.entry("commune", List.of("02408", "75101")),
          Map.entry("academie", List.of("20", "01")),
          Map.entry("region", List.of("32", "11")),
          Map.entry("epci", List.of("200071983")),
          Map.entry("hub", List.of("aisne", "autre")),
          Map.entry("jeu", List.of("connectivite", "equipement", "usages", "tests_debit")),
          Map.entry("numero", List.of("1", "2")),
          Map.entry("de", List.of("1", "2")),
          Map.entry("a", List.of("1", "2")),
          Map.entry("upload", List.of("0123456789abcdef0123")));

  static String value(Random r, String name) {
    var plausible = PLAUSIBLE.get(name);
    if (plausible != null && r.nextInt(3) > 0) {
      return plausible.get(r.nextInt(plausible.size()));
    }
    return HOSTILE.get(r.nextInt(HOSTILE.size()));
  }

  static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  record Op(String method, String path, List<String> query) {}

  static List<Op> operations() throws Exception {
    var doc =
        STRICT.readTree(
            HTTP.send(
                    HttpRequest.newBuilder(URI.create(base() + "/api/openapi.json")).build(),
                    HttpResponse.BodyHandlers.ofString())
                .body());
    var ops = new ArrayList<Op>();
    var paths = doc.get("paths").fields();
    while (paths.hasNext()) {
      var p = paths.next();
      var methods = p.getValue().fields();
      while (methods.hasNext()) {
        var m = methods.next();
        var q = new ArrayList<String>();
        for (JsonNode param : m.getValue().path("parameters")) {
          if (param.get("in").asText().equals("query")) {
            q.add(param.get("name").asText());
          }
        }
        ops.add(new Op(m.getKey(), p.getKey(), q));
      }
    }
    return ops;
  }

  static String base() {
    return "http://127.0.0.1:" + server.port();
  }

  @Test
  void everyRouteAndParameterAnswersAProblemOrAStrictBodyQuickly() throws Exception {
    var ops = operations();
    assertThat(ops).hasSizeGreaterThan(30);
    var r = new Random(SEED);
    var failures = new ArrayList<String>();
    int errors = 0;
    for (int k = 0; k < REQUESTS && failures.size() < 20; k++) {
      Op op = ops.get(r.nextInt(ops.size()));
      var path = new StringBuilder();
      for (String seg : op.path().split("/", -1)) {
        if (path.length() > 0 || !seg.isEmpty()) {
          path.append('/');
        }
        if (seg.startsWith("{") && seg.endsWith("}")) {
          path.append(enc(value(r, seg.substring(1, seg.length() - 1))).replace("+", "%20"));
        } else {
          path.append(seg);
        }
      }
      var query = new ArrayList<String>();
      for (String q : op.query()) {
        if (r.nextInt(2) == 0) {
          query.add(q + "=" + enc(value(r, q)));
          if (r.nextInt(20) == 0) {
            query.add(q + "=" + enc(value(r, q))); // repeated
          }
        }
      }
      if (r.nextInt(15) == 0) {
        query.add("inconnu=" + enc(value(r, "x")));
      }
      String url = base() + path + (query.isEmpty() ? "" : "?" + String.join("&", query));
      var b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10));
      if (r.nextInt(2) == 0) {
        // Hostile tokens: header-safe ASCII (the client refuses control characters).
        String t = r.nextInt(4) == 0 ? enc(value(r, "x")) + "x" : token;
        b.header("Authorization", "Bearer " + t);
      }
      if (op.method().equals("post")) {
        String body =
            switch (r.nextInt(5)) {
              case 0 -> "{}";
              case 1 -> "{\"count\": " + value(r, "limit") + "}";
              case 2 -> "[1,2,3]";
              case 3 -> value(r, "x");
              default -> "{\"eligibility\": {\"perimeter\": \"" + value(r, "within") + "\"}}";
            };
        b.header("Content-Type", r.nextInt(6) == 0 ? "text/plain" : "application/json");
        b.POST(HttpRequest.BodyPublishers.ofString(body));
      }
      long t0 = System.nanoTime();
      HttpResponse<byte[]> resp = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
      double seconds = (System.nanoTime() - t0) / 1e9;
      String type = resp.headers().firstValue("Content-Type").orElse("");
      String what = op.method().toUpperCase() + " " + url + " -> " + resp.statusCode();
      if (resp.statusCode() >= 500) {
        failures.add(what + " " + new String(resp.body(), StandardCharsets.UTF_8));
      } else if (seconds > 2.0) {
        failures.add(what + " in " + seconds + " s");
      } else if (resp.statusCode() >= 400) {
        errors++;
        if (!type.startsWith("application/problem+json")) {
          failures.add(what + " is not problem+json: " + type);
        } else {
          JsonNode p = STRICT.readTree(resp.body());
          if (p.path("status").asInt() != resp.statusCode() || p.path("title").asText().isEmpty()) {
            failures.add(what + " problem says " + p);
          }
        }
      } else if (type.contains("json") && resp.body().length > 0) {
        try {
          STRICT.readTree(resp.body());
        } catch (java.io.IOException e) {
          failures.add(what + " is not strict JSON: " + e.getMessage());
        }
      }
    }
    assertThat(failures).isEmpty();
    // The fuzz reached both sides: answers and refusals.
    assertThat(errors).isBetween(REQUESTS / 10, REQUESTS - REQUESTS / 10);
  }
}
