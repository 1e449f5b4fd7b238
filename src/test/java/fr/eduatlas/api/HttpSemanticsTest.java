package fr.eduatlas.api;

import static org.assertj.core.api.Assertions.assertThat;

import fr.eduatlas.testing.Fixtures;
import fr.eduatlas.warehouse.ServedWarehouse;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** HEAD answers what GET would without the body; a method a path does not serve is a 405. */
class HttpSemanticsTest {
  @TempDir static Path tmp;
  static ApiServer server;
  static final HttpClient HTTP = HttpClient.newHttpClient();

  @BeforeAll
  static void start() {
    server =
        ApiServer.start(new ServedWarehouse(Fixtures.miniWarehouse(tmp, 2024), 50), "127.0.0.1", 0);
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  static HttpResponse<String> send(String method, String path) throws Exception {
    return HTTP.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
            .method(method, HttpRequest.BodyPublishers.noBody())
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void headIsGetWithoutTheBody() throws Exception {
    for (String path :
        new String[] {
          "/api/v1/levels",
          "/api/v1/territories/departement/02",
          "/api/v1/indicators/population/values?level=commune&format=csv",
          "/ogc/collections",
          "/tiles/communes.json"
        }) {
      var get = send("GET", path);
      var head = send("HEAD", path);
      assertThat(head.statusCode()).as(path).isEqualTo(get.statusCode()).isEqualTo(200);
      assertThat(head.body()).as(path).isEmpty();
      for (String h : new String[] {"ETag", "Cache-Control", "Content-Type"}) {
        assertThat(head.headers().firstValue(h))
            .as(path + " " + h)
            .isEqualTo(get.headers().firstValue(h));
      }
    }
    var missing = send("HEAD", "/api/v1/territories/commune/02409");
    assertThat(missing.statusCode()).isEqualTo(404);
    assertThat(missing.headers().firstValue("Content-Type").orElse(""))
        .startsWith("application/problem+json");
  }

  @Test
  void anUnservedMethodIs405WithAllow() throws Exception {
    var del = send("DELETE", "/api/v1/levels");
    assertThat(del.statusCode()).isEqualTo(405);
    assertThat(del.headers().firstValue("Allow")).hasValue("GET, HEAD, OPTIONS");
    assertThat(del.headers().firstValue("Content-Type").orElse(""))
        .startsWith("application/problem+json");
    var getPost = send("GET", "/api/v1/selections");
    assertThat(getPost.statusCode()).isEqualTo(405);
    assertThat(getPost.headers().firstValue("Allow")).hasValue("POST, OPTIONS");
    assertThat(send("PUT", "/ogc/collections").statusCode()).isEqualTo(405);
    // A path that does not exist stays a 404.
    assertThat(send("GET", "/api/v1/nothing-here").statusCode()).isEqualTo(404);
  }

  static HttpResponse<byte[]> get(String path, String... headers) throws Exception {
    var b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path));
    for (int i = 0; i < headers.length; i += 2) {
      b.header(headers[i], headers[i + 1]);
    }
    return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  @Test
  void aCachedAnswerIsServedGzipCompressedOnceWithItsOwnEtag() throws Exception {
    for (String path :
        new String[] {
          "/api/v1/indicators/population/values?level=commune&format=geojson",
          "/api/v1/indicators",
          "/tiles/communes/8/130/87.mvt",
          "/api/v1/indicators/population/values?level=commune&format=csv"
        }) {
      var plain = get(path);
      assertThat(plain.statusCode()).as(path).isEqualTo(200);
      assertThat(plain.headers().firstValue("Content-Encoding")).as(path).isEmpty();
      if (plain.body().length < 1024) {
        // Less than a packet: not worth compressing, sent as is.
        var small = get(path, "Accept-Encoding", "gzip");
        assertThat(small.headers().firstValue("Content-Encoding")).as(path).isEmpty();
        assertThat(small.body()).isEqualTo(plain.body());
        continue;
      }
      for (int round = 0; round < 2; round++) {
        var gz = get(path, "Accept-Encoding", "br;q=1, gzip;q=0.8");
        assertThat(gz.headers().firstValue("Content-Encoding")).as(path).hasValue("gzip");
        assertThat(gz.headers().firstValue("Vary").orElse("")).contains("Accept-Encoding");
        byte[] inflated =
            new java.util.zip.GZIPInputStream(new java.io.ByteArrayInputStream(gz.body()))
                .readAllBytes();
        assertThat(inflated).as(path).isEqualTo(plain.body());
        String etag = gz.headers().firstValue("ETag").orElseThrow();
        assertThat(etag).isNotEqualTo(plain.headers().firstValue("ETag").orElseThrow());
        assertThat(get(path, "Accept-Encoding", "gzip", "If-None-Match", etag).statusCode())
            .isEqualTo(304);
      }
      // gzip refused by weight: the identity bytes.
      var refused = get(path, "Accept-Encoding", "*;q=1, gzip;q=0");
      assertThat(refused.headers().firstValue("Content-Encoding")).isEmpty();
      assertThat(refused.body()).isEqualTo(plain.body());
    }
  }

  @Test
  void acceptEncodingIsReadWithItsWeights() {
    assertThat(Reads.acceptsGzip("gzip, deflate, br")).isTrue();
    assertThat(Reads.acceptsGzip("GZIP;q=0.5")).isTrue();
    assertThat(Reads.acceptsGzip("*")).isTrue();
    assertThat(Reads.acceptsGzip("gzip;q=0")).isFalse();
    assertThat(Reads.acceptsGzip("*, gzip;q=0")).isFalse();
    assertThat(Reads.acceptsGzip("br, identity")).isFalse();
    assertThat(Reads.acceptsGzip("gzip;q=abc")).isFalse();
    assertThat(Reads.acceptsGzip(null)).isFalse();
    assertThat(Reads.acceptsGzip("")).isFalse();
  }

  private static java.util.Map<String, java.util.List<String>> comparable(HttpResponse<?> r) {
    var m = new java.util.TreeMap<String, java.util.List<String>>(r.headers().map());
    m.remove("date");
    m.remove("content-length");
    m.remove("transfer-encoding");
    return m;
  }

  @Test
  void aCachedTileIsAnsweredInFrontOfTheFrameworkWithTheSameBytesAndHeaders() throws Exception {
    String tile = "/tiles/departements/6/32/21.mvt";
    String[] layers = {"departements", "regions", "academies", "epci"};
    String[][] variants = {
      {},
      {"Accept-Encoding", "gzip"},
      {"Origin", "https://carto.exemple.fr"},
      {"Accept-Encoding", "gzip;q=0, br"}
    };
    for (String[] v : variants) {
      // Another path than the cached one first: each variant's first answer is the framework's.
      String path =
          tile.replace("/32/", "/" + (32 + java.util.Arrays.asList(variants).indexOf(v)) + "/");
      var first = get(path, v);
      var second = get(path, v);
      assertThat(second.statusCode()).as(path).isEqualTo(first.statusCode());
      assertThat(second.body()).as(path).isEqualTo(first.body());
      assertThat(comparable(second)).as(path).isEqualTo(comparable(first));
      if (first.statusCode() == 200) {
        // The framework streams (chunked); the fast path sends the length it knows.
        assertThat(second.headers().firstValue("Content-Length"))
            .hasValue(String.valueOf(second.body().length));
        var head =
            HTTP.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
                    .method("HEAD", HttpRequest.BodyPublishers.noBody())
                    .build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertThat(head.body()).isEmpty();
        assertThat(head.headers().firstValue("ETag"))
            .isEqualTo(get(path).headers().firstValue("ETag"));
        String etag = second.headers().firstValue("ETag").orElseThrow();
        var notModified = get(path, concat(v, "If-None-Match", etag));
        assertThat(notModified.statusCode()).isEqualTo(304);
        assertThat(notModified.body()).isEmpty();
      }
    }
    // A query string is always the framework's: its parameters are checked.
    assertThat(get(tile + "?nope=1").statusCode()).isEqualTo(400);
    assertThat(get(tile + "?nope=1").statusCode()).isEqualTo(400);
    // Another method on a cached tile is the framework's too (handed to the pool): 405, Allow.
    var post =
        HTTP.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + tile))
                .POST(HttpRequest.BodyPublishers.ofString("x"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(post.statusCode()).isEqualTo(405);
    assertThat(post.headers().firstValue("Content-Type"))
        .hasValueSatisfying(t -> assertThat(t).startsWith("application/problem+json"));
    // Hits are answered on the thread that read the request: a handler added later that Jetty
    // must assume blocking would silently hand every request to the pool again (0.8x nginx's
    // warm tile throughput instead of 1.1x, docs/BENCHMARKS.md).
    assertThat(server.invocationType())
        .isEqualTo(org.eclipse.jetty.util.thread.Invocable.InvocationType.NON_BLOCKING);
  }

  private static String[] concat(String[] a, String... b) {
    var all = new java.util.ArrayList<>(java.util.List.of(a));
    all.addAll(java.util.List.of(b));
    return all.toArray(String[]::new);
  }
}
