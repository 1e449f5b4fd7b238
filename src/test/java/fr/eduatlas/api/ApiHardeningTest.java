package fr.eduatlas.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import fr.eduatlas.testing.Fixtures;
import fr.eduatlas.warehouse.ServedWarehouse;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The defects found by trying the API as an attacker would, each with its reproducer, on a real
 * server on loopback: none may come back.
 */
class ApiHardeningTest {
  @TempDir static Path tmp;
  static ApiServer server;
  static final HttpClient HTTP = HttpClient.newHttpClient();
  static final ObjectMapper JSON = new ObjectMapper();

  @BeforeAll
  static void start() {
    Path wh = Fixtures.miniWarehouse(tmp, 2023);
    server =
        ApiServer.start(
            new ServedWarehouse(wh, 50),
            "127.0.0.1",
            0,
            WebConfig.none(),
            null,
            new ServerOptions(null, Set.of("https://carto.exemple.fr"), 2_000));
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  static String base() {
    return "http://127.0.0.1:" + server.port();
  }

  static HttpResponse<String> get(String path) throws Exception {
    return HTTP.send(
        HttpRequest.newBuilder(URI.create(base() + path)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /** A raw HTTP exchange, for what java.net.http will not send (bad bytes, a forged Host). */
  static String raw(String bindAddress, byte[] request) throws Exception {
    try (var s = new Socket()) {
      s.bind(new InetSocketAddress(bindAddress, 0));
      s.connect(new InetSocketAddress("127.0.0.1", server.port()));
      s.setSoTimeout(10_000);
      OutputStream out = s.getOutputStream();
      out.write(request);
      out.flush();
      return new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  static String raw(byte[] request) throws Exception {
    return raw("127.0.0.1", request);
  }

  static void assertProblem(HttpResponse<String> r, int status) throws Exception {
    assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
    assertThat(r.headers().firstValue("Content-Type").orElse(""))
        .startsWith("application/problem+json");
    assertThat(JSON.readTree(r.body()).get("status").asInt()).isEqualTo(status);
  }

  static void assertRawProblem(String response, int status) {
    assertThat(response).startsWith("HTTP/1.1 " + status);
    assertThat(response).containsIgnoringCase("Content-Type: application/problem+json");
    assertThat(response).contains("\"status\":" + status);
  }

  /**
   * A request Jetty itself refuses (a NUL in the path) is answered with a problem that says the
   * connection closes: Jetty drops it, and a client that did not know would send its next request
   * on it and get nothing back (seen in the fuzz on Jetty 12).
   */
  @Test
  void aRequestJettyRefusesSaysItsConnectionCloses() throws Exception {
    String r =
        raw(
            "GET /api/v1/rebuilds/%00 HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
                .getBytes(StandardCharsets.US_ASCII));
    assertThat(r).startsWith("HTTP/1.1 400");
    assertThat(r.toLowerCase(java.util.Locale.ROOT))
        .contains("connection: close")
        .contains("application/problem+json");
  }

  @Test
  void aForgedHostNeverReachesACachedLink() throws Exception {
    for (String path : new String[] {"/tiles/schools.json", "/ogc", "/ogc/collections"}) {
      String forged =
          raw(
              ("GET "
                      + path
                      + " HTTP/1.1\r\nHost: evil.example\r\nX-Forwarded-Host: evil.example\r\n"
                      + "X-Forwarded-Proto: https\r\nConnection: close\r\n\r\n")
                  .getBytes(StandardCharsets.US_ASCII));
      assertThat(forged).startsWith("HTTP/1.1 200").doesNotContain("evil.example");
      String plain = get(path).body();
      assertThat(plain).doesNotContain("evil.example").contains(base());
    }
  }

  @Test
  void aLongOrMalformedTerritoryCodeIsRefusedAtOnceWithoutSuggestions() throws Exception {
    String longCode = "A".repeat(1000);
    for (String path :
        new String[] {
          "/api/v1/territories/commune/" + longCode,
          "/api/v1/schools?commune=" + longCode,
          "/api/v1/indicators/population/values?within=commune:" + longCode,
          "/api/v1/territories/departement/999",
          "/api/v1/territories/epci/12345"
        }) {
      long t0 = System.nanoTime();
      var r = get(path);
      assertThat((System.nanoTime() - t0) / 1e9).as(path).isLessThan(1.0);
      assertProblem(r, 400);
      assertThat(JSON.readTree(r.body()).get("detail").asText()).contains("mal formé");
    }
    var huge = get("/api/v1/territories/commune/" + "A".repeat(7000));
    assertProblem(huge, 400);
    assertThat(huge.body().length()).isLessThan(1000);
    // A well-formed unknown code still gets its nearest matches.
    var near = get("/api/v1/territories/commune/02409");
    assertProblem(near, 404);
    assertThat(JSON.readTree(near.body()).get("detail").asText()).contains("02408");
  }

  @Test
  void repeatedParametersAndMalformedEscapesAreRefusedNotMerged() throws Exception {
    assertProblem(get("/api/v1/schools?departement=02&departement=75"), 400);
    assertProblem(get("/api/v1/schools?departement=02,75"), 400);
    for (String q : new String[] {"type=%zz", "type=ecole%2"}) {
      assertRawProblem(
          raw(
              ("GET /api/v1/schools?" + q + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
                  .getBytes(StandardCharsets.US_ASCII)),
          400);
    }
    assertProblem(get("/api/v1/levels?x=" + "a".repeat(5000)), 414);
    // The plain request is not shadowed by any of the above.
    assertThat(get("/api/v1/schools?departement=02").statusCode()).isEqualTo(200);
  }

  @Test
  void junkQueriesAreRefusedAndNaNIsNoNumber() throws Exception {
    assertProblem(get("/ogc/conformance?f=" + "x".repeat(3000)), 400);
    assertProblem(get("/ogc/collections/communes/items?bbox=NaN,1,2,3"), 400);
    assertProblem(get("/ogc/collections/communes/items?bbox=0,0,Infinity,1"), 400);
    assertProblem(get("/api/v1/schools?bbox=0x1p3,0,1,1"), 400);
    assertProblem(get("/api/v1/territories?q=" + "a".repeat(101)), 400);
  }

  @Test
  void jettysOwnErrorsAreProblemsAndConnectIsRefusedAtOnce() throws Exception {
    assertRawProblem(
        raw("GET /\u0001 HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1)), 400);
    assertRawProblem(
        raw(
            ("GET /api/v1/levels?" + "a".repeat(20_000) + " HTTP/1.1\r\nHost: x\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII)),
        414);
    assertRawProblem(
        raw(
            ("GET /api/v1/levels HTTP/1.1\r\nHost: x\r\nX-Big: " + "a".repeat(20_000) + "\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII)),
        431);
    long t0 = System.nanoTime();
    String connect =
        raw(
            "CONNECT example.org:443 HTTP/1.1\r\nHost: example.org:443\r\n\r\n"
                .getBytes(StandardCharsets.US_ASCII));
    assertThat((System.nanoTime() - t0) / 1e9).isLessThan(2.0);
    assertRawProblem(connect, 405);
  }

  @Test
  void aChunkedBodyIsBoundedByTheBytesRead() throws Exception {
    var body = new ByteArrayOutputStream();
    byte[] chunk = " ".repeat(64 * 1024).getBytes(StandardCharsets.US_ASCII);
    body.write("{\"count\": 1,".getBytes(StandardCharsets.US_ASCII));
    var chunked = new ByteArrayOutputStream();
    chunked.write(
        ("POST /api/v1/selections HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                + "Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n")
            .getBytes(StandardCharsets.US_ASCII));
    for (int k = 0; k < 40; k++) { // 2.5 MiB, no Content-Length
      chunked.write(
          (Integer.toHexString(chunk.length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
      chunked.write(chunk);
      chunked.write("\r\n".getBytes(StandardCharsets.US_ASCII));
    }
    chunked.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
    assertRawProblem(raw("127.0.0.3", chunked.toByteArray()), 413);
  }

  @Test
  void aClientThatStopsSendingItsBodyIsDroppedAfterTheIdleTimeout() throws Exception {
    try (var s = new Socket()) {
      s.connect(new InetSocketAddress("127.0.0.1", server.port()));
      s.setSoTimeout(15_000);
      s.getOutputStream()
          .write(
              ("POST /api/v1/selections HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                      + "Content-Length: 1000\r\n\r\n{\"count\":")
                  .getBytes(StandardCharsets.US_ASCII));
      s.getOutputStream().flush();
      long t0 = System.nanoTime();
      byte[] answer = s.getInputStream().readAllBytes(); // until the server closes
      double seconds = (System.nanoTime() - t0) / 1e9;
      assertThat(seconds).isBetween(1.0, 10.0);
      String text = new String(answer, StandardCharsets.UTF_8);
      assertThat(text.isEmpty() || text.startsWith("HTTP/1.1 4")).as(text).isTrue();
    }
    // The server still answers others.
    assertThat(get("/api/v1/levels").statusCode()).isEqualTo(200);
  }

  HttpResponse<String> postSelection(String body, String origin) throws Exception {
    var b =
        HttpRequest.newBuilder(URI.create(base() + "/api/v1/selections"))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body));
    if (origin != null) {
      b.header("Origin", origin);
    }
    return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void strictBodiesAndSeeds() throws Exception {
    assertProblem(postSelection("{\"count\":1}garbage", null), 400);
    var seed = postSelection("{\"sensitivity\": {\"seed\": 18446744073709551616}}", null);
    assertProblem(seed, 400);
    assertThat(seed.body()).contains("seed");
  }

  @Test
  void writesOnlyFromTheSiteAndConfiguredOriginsReadsFromAny() throws Exception {
    var evil = postSelection("{}", "https://evil.example");
    assertProblem(evil, 403);
    var read =
        HTTP.send(
            HttpRequest.newBuilder(URI.create(base() + "/api/v1/levels"))
                .header("Origin", "https://evil.example")
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(read.headers().firstValue("Access-Control-Allow-Origin")).hasValue("*");
    // A preflight for a write from a configured origin is allowed; from another, refused.
    var ok =
        HTTP.send(
            HttpRequest.newBuilder(URI.create(base() + "/api/v1/selections"))
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody())
                .header("Origin", "https://carto.exemple.fr")
                .header("Access-Control-Request-Method", "POST")
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(ok.statusCode()).isEqualTo(204);
    assertThat(ok.headers().firstValue("Access-Control-Allow-Origin"))
        .hasValue("https://carto.exemple.fr");
    var no =
        HTTP.send(
            HttpRequest.newBuilder(URI.create(base() + "/api/v1/selections"))
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody())
                .header("Origin", "https://evil.example")
                .header("Access-Control-Request-Method", "POST")
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertProblem(no, 403);
  }

  @Test
  void newSelectionsArePacedPerClientAddress() throws Exception {
    // From 127.0.0.4, so that the other tests' address keeps its budget. The pace is checked
    // before the body: an empty body is enough to spend a token.
    int last = 0;
    String body = "";
    for (int k = 0; k < 12; k++) {
      body =
          raw(
              "127.0.0.4",
              ("POST /api/v1/selections HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                      + "Content-Length: 1\r\nConnection: close\r\n\r\n!")
                  .getBytes(StandardCharsets.US_ASCII));
      last = Integer.parseInt(body.substring(9, 12));
    }
    assertThat(last).isEqualTo(429);
    assertThat(body).contains("Retry-After");
  }

  @Test
  void theDocsPageNeedsNoInlineStyleAndTheDocumentListsEveryRoute() throws Exception {
    var docs = get("/api/docs");
    assertThat(docs.body()).doesNotContain("<style").contains("/api/docs.css");
    assertThat(get("/api/docs.css").statusCode()).isEqualTo(200);
    JsonNode doc = JSON.readTree(get("/api/openapi.json").body());
    for (String p : new String[] {"/api/health", "/api/v1/stats", "/api/v1/config"}) {
      assertThat(doc.get("paths").has(p)).as(p).isTrue();
    }
  }
}
