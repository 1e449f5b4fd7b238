package fr.eduatlas.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import fr.eduatlas.api.ApiServer;
import fr.eduatlas.ingest.Ingest;
import fr.eduatlas.testing.Fixtures;
import fr.eduatlas.warehouse.ServedWarehouse;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The server on loopback over a real warehouse, and its pick-up of a swapped build. */
class ServeIT {
  @TempDir Path tmp;
  Path data;
  Path wh;
  ApiServer server;
  final HttpClient http = HttpClient.newHttpClient();
  final ObjectMapper json = new ObjectMapper();

  @BeforeEach
  void start() throws Exception {
    data = Fixtures.copyMini(tmp);
    wh = tmp.resolve("eduatlas.duckdb");
    ingest();
    server = ApiServer.start(new ServedWarehouse(wh, 50), "127.0.0.1", 0);
  }

  @AfterEach
  void stop() {
    server.close();
  }

  void ingest() {
    new Ingest(Fixtures.miniManifest(), new PrintStream(OutputStream.nullOutputStream()))
        .run(new Ingest.Options(data, wh, false));
  }

  HttpResponse<String> get(String path) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void healthAndCountsComeFromTheWarehouse() throws Exception {
    var health = get("/api/health");
    assertThat(health.statusCode()).isEqualTo(200);
    assertThat(json.readTree(health.body()).get("dataVersion").asText()).hasSize(16);
    JsonNode stats = json.readTree(get("/api/v1/stats").body());
    assertThat(stats.get("territories").get("commune").asLong()).isEqualTo(9);
    assertThat(stats.get("schools").get("ecole").asLong()).isEqualTo(5);
    // The école and the 2018 polygon in the unknown commune 02999, the collège in two files.
    assertThat(stats.get("quarantinedRows").asLong()).isEqualTo(3);
  }

  @Test
  void unknownPathsAreProblemJson() throws Exception {
    var r = get("/api/v1/nope");
    assertThat(r.statusCode()).isEqualTo(404);
    assertThat(r.headers().firstValue("content-type"))
        .get()
        .asString()
        .startsWith("application/problem+json");
    JsonNode p = json.readTree(r.body());
    assertThat(p.get("status").asInt()).isEqualTo(404);
    assertThat(p.get("title").asText()).isEqualTo("Ressource introuvable");
    assertThat(p.get("instance").asText()).isEqualTo("/api/v1/nope");
  }

  @Test
  void aSwappedBuildIsServedWithoutRestartAndWithoutFailedRequests() throws Exception {
    String before = json.readTree(get("/api/health").body()).get("dataVersion").asText();
    var failures = new AtomicInteger();
    var stop = new java.util.concurrent.atomic.AtomicBoolean();
    Thread load =
        new Thread(
            () -> {
              int n = 0;
              while (!stop.get() && n++ < 5000) {
                try {
                  if (get("/api/v1/stats").statusCode() != 200) {
                    failures.incrementAndGet();
                  }
                } catch (Exception e) {
                  failures.incrementAndGet();
                }
              }
            });
    load.start();
    Path pop = data.resolve("populations.csv");
    Files.writeString(pop, Files.readString(pop).replace(";24021;", ";24022;"));
    ingest();
    String after = before;
    for (int i = 0; i < 100 && after.equals(before); i++) {
      Thread.sleep(50);
      after = json.readTree(get("/api/health").body()).get("dataVersion").asText();
    }
    stop.set(true);
    load.join();
    assertThat(after).isNotEqualTo(before);
    assertThat(failures.get()).isZero();
  }
}
