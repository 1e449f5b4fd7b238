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
}
