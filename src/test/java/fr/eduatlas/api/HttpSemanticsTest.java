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
}
