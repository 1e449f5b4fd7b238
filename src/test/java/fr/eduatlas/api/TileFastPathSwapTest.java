package fr.eduatlas.api;

import static org.assertj.core.api.Assertions.assertThat;

import fr.eduatlas.testing.Fixtures;
import fr.eduatlas.warehouse.ServedWarehouse;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A warehouse swapped in while only cached tiles are asked for: the fast path never looks at the
 * file system on the selector thread, so it hands the request whose check is due to the pool, which
 * swaps; the tile is then the new version's, from the framework and then the fast path.
 */
class TileFastPathSwapTest {
  @TempDir Path tmp;

  private static final HttpClient HTTP = HttpClient.newHttpClient();

  private static String version(int port, String path) throws Exception {
    var r =
        HTTP.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
            HttpResponse.BodyHandlers.ofByteArray());
    assertThat(r.statusCode()).as(path).isEqualTo(200);
    return r.headers().firstValue("X-Data-Version").orElseThrow();
  }

  @Test
  void aSwappedWarehouseIsServedByTheCachedTilesToo() throws Exception {
    Path a = Fixtures.miniWarehouse(Files.createDirectories(tmp.resolve("a")), 2024);
    Path b = Fixtures.miniWarehouse(Files.createDirectories(tmp.resolve("b")), 2023);
    Path served = Files.createDirectories(tmp.resolve("served")).resolve("w.duckdb");
    Files.copy(a, served);
    String tile = "/tiles/departements/6/32/21.mvt";
    try (var server = ApiServer.start(new ServedWarehouse(served, 50), "127.0.0.1", 0)) {
      int port = server.port();
      String before = version(port, tile);
      // Cached, then prepared: the fast path's own answers.
      assertThat(version(port, tile)).isEqualTo(before);
      assertThat(version(port, tile)).isEqualTo(before);

      Path next = tmp.resolve("served/w.duckdb.next");
      Files.copy(b, next);
      Files.move(next, served, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      Thread.sleep(100);

      String after = version(port, tile);
      assertThat(after).isNotEqualTo(before);
      // The new version's answer, cached and prepared in turn.
      assertThat(version(port, tile)).isEqualTo(after);
      assertThat(version(port, tile)).isEqualTo(after);
      assertThat(version(port, tile)).isEqualTo(after);
    }
  }
}
