package fr.eduatlas.api;

import static org.assertj.core.api.Assertions.assertThat;

import fr.eduatlas.testing.Fixtures;
import fr.eduatlas.warehouse.ServedWarehouse;
import io.javalin.Javalin;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The response cache's two segments: large answers (every commune of an indicator) are evicted
 * among themselves and never push out the small, frequent ones (profiles, tiles).
 */
class ReadsCacheTest {
  @TempDir Path tmp;

  @Test
  void largeAnswersNeverEvictSmallOnes() throws Exception {
    var calls = new ConcurrentHashMap<String, AtomicInteger>();
    try (var served = new ServedWarehouse(Fixtures.miniWarehouse(tmp), 50)) {
      // Room for about twenty small answers of 100 bytes and three large ones of 5,000 bytes.
      var reads = new Reads(served, 20 * 600, 3 * 5_600, 1_000);
      Javalin app =
          Javalin.create(
                  cfg ->
                      reads.get(
                          cfg.routes,
                          "/x/{n}",
                          Set.of("size"),
                          r -> {
                            calls
                                .computeIfAbsent(r.path("n"), k -> new AtomicInteger())
                                .incrementAndGet();
                            return new Body(
                                new byte[Integer.parseInt(r.param("size"))],
                                "application/octet-stream",
                                Map.of());
                          }))
              .start("127.0.0.1", 0);
      try {
        var http = HttpClient.newHttpClient();
        java.util.function.BiConsumer<String, Integer> get =
            (n, size) -> {
              try {
                var r =
                    http.send(
                        HttpRequest.newBuilder(
                                URI.create(
                                    "http://127.0.0.1:" + app.port() + "/x/" + n + "?size=" + size))
                            .build(),
                        HttpResponse.BodyHandlers.ofByteArray());
                assertThat(r.statusCode()).isEqualTo(200);
                assertThat(r.body()).hasSize(size);
              } catch (Exception e) {
                throw new AssertionError(e);
              }
            };
        for (int i = 0; i < 10; i++) {
          get.accept("s" + i, 100);
        }
        for (int i = 0; i < 30; i++) {
          get.accept("l" + i, 5_000);
        }
        for (int i = 0; i < 10; i++) {
          get.accept("s" + i, 100);
          assertThat(calls.get("s" + i).get())
              .as("small answer " + i + " still cached")
              .isEqualTo(1);
        }
        // The large segment kept only its latest answers.
        get.accept("l29", 5_000);
        assertThat(calls.get("l29").get()).isEqualTo(1);
        get.accept("l0", 5_000);
        assertThat(calls.get("l0").get()).isEqualTo(2);
        assertThat(reads.cachedBytes()).isLessThanOrEqualTo(20 * 600 + 3 * 5_600);
      } finally {
        app.stop();
      }
    }
  }

  @Test
  void underPressureTextAnswersAreKeptCompressedOnlyAndServedIdenticalEitherWay() throws Exception {
    var calls = new AtomicInteger();
    // A JSON answer of 120 KB that compresses well, like a territory's profile.
    var text = new StringBuilder("[");
    for (int i = 0; i < 4000; i++) {
      text.append(i == 0 ? "" : ",").append("{\"id\":").append(i % 10).append(",\"v\":\"x\"}");
    }
    byte[] body = text.append("]").toString().getBytes(java.nio.charset.StandardCharsets.UTF_8);
    assertThat(body.length).isGreaterThan(Reads.COMPRESSED_FROM);
    try (var served = new ServedWarehouse(Fixtures.miniWarehouse(tmp), 50)) {
      // Room for 40 KB of small answers: the 120 KB answer fits only compressed.
      var reads = new Reads(served, 40_000, 1_000_000, 1 << 20);
      Javalin app =
          Javalin.create(
                  cfg ->
                      reads.get(
                          cfg.routes,
                          "/p/{n}",
                          Set.of(),
                          r -> {
                            calls.incrementAndGet();
                            return new Body(body, "application/json", Map.of());
                          }))
              .start("127.0.0.1", 0);
      try {
        var http = HttpClient.newHttpClient();
        for (int round = 0; round < 3; round++) {
          for (int n = 0; n < 5; n++) {
            var uri = URI.create("http://127.0.0.1:" + app.port() + "/p/" + n);
            var plain =
                http.send(
                    HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofByteArray());
            assertThat(plain.body()).isEqualTo(body);
            assertThat(plain.headers().firstValue("Content-Encoding")).isEmpty();
            var gz =
                http.send(
                    HttpRequest.newBuilder(uri).header("Accept-Encoding", "gzip").build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            assertThat(gz.headers().firstValue("Content-Encoding")).hasValue("gzip");
            try (var in =
                new java.util.zip.GZIPInputStream(new java.io.ByteArrayInputStream(gz.body()))) {
              assertThat(in.readAllBytes()).isEqualTo(body);
            }
            assertThat(gz.headers().firstValue("ETag"))
                .isNotEqualTo(plain.headers().firstValue("ETag"));
          }
        }
        // Five answers of 120 KB in a 40 KB segment: computed once each, kept compressed.
        assertThat(calls.get()).isEqualTo(5);
        assertThat(reads.cachedBytes()).isLessThanOrEqualTo(40_000);
      } finally {
        app.stop();
      }
    }
  }
}
