package fr.eduatlas.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import fr.eduatlas.testing.Fixtures;
import fr.eduatlas.testing.WarehouseQuery;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The hubs as an administrator and a council run them, through the packaged jar: {@code hub
 * create|grant|token} on the command line, then {@code serve}; a server killed with SIGKILL in the
 * middle of an upload stores no half version, and one killed in the middle of the rebuild a
 * publication started leaves the served warehouse byte for byte as it was, the interrupted rebuild
 * reported failed and a new one queued at the next start.
 */
class HubKillIT {
  static final ObjectMapper JSON = new ObjectMapper();
  final HttpClient http = HttpClient.newHttpClient();
  @TempDir Path tmp;

  @Test
  void killsDuringUploadAndRebuildLoseNothingAndInstallNothingHalfDone() throws Exception {
    Path wh = tmp.resolve("var/eduatlas.duckdb");
    Fixtures.miniWarehouse(tmp.resolve("build"), 2024);
    Files.createDirectories(wh.getParent());
    Files.move(tmp.resolve("build/w.duckdb"), wh);
    String checksum = checksum(wh);

    // The administrator's commands, in French, on the embedded store beside the warehouse.
    var help = JarProcess.run(tmp, "hub", "--help");
    assertThat(help.exitCode()).isZero();
    assertThat(help.output()).contains("pôles de données locaux").contains("token");
    var bad =
        JarProcess.run(
            tmp,
            "hub",
            "create",
            "aisne",
            "--nom",
            "Aisne",
            "--type",
            "departement",
            "--territoire",
            "99",
            "--warehouse",
            wh.toString());
    assertThat(bad.exitCode()).as(bad.output()).isEqualTo(2);
    assertThat(bad.output()).contains("aucun territoire departement « 99 »");
    var created =
        JarProcess.run(
            tmp,
            "hub",
            "create",
            "aisne",
            "--nom",
            "Conseil départemental de l'Aisne",
            "--type",
            "departement",
            "--territoire",
            "02",
            "--warehouse",
            wh.toString());
    assertThat(created.exitCode()).as(created.output()).isZero();
    assertThat(created.output()).contains("departement 02, college");
    var granted =
        JarProcess.run(
            tmp,
            "hub",
            "grant",
            "aisne",
            "chef@aisne.fr",
            "--role",
            "contributeur",
            "--role",
            "valideur",
            "--warehouse",
            wh.toString());
    assertThat(granted.exitCode()).as(granted.output()).isZero();
    var token =
        JarProcess.run(
            tmp,
            "hub",
            "token",
            "create",
            "chef@aisne.fr",
            "--nom",
            "poste",
            "--hub",
            "aisne",
            "--warehouse",
            wh.toString());
    assertThat(token.exitCode()).as(token.output()).isZero();
    String secret =
        token.output().lines().filter(l -> l.startsWith("eat_")).findFirst().orElseThrow();
    var list = JarProcess.run(tmp, "hub", "list", "--warehouse", wh.toString());
    assertThat(list.output()).contains("aisne").contains("chef@aisne.fr").contains("valideur");

    // 1. SIGKILL in the middle of an upload: no upload, no version.
    int port = freePort();
    Process server = serve(wh, port);
    try (var s = new Socket("127.0.0.1", port)) {
      OutputStream out = s.getOutputStream();
      out.write(
          ("POST /api/v1/hubs/aisne/uploads?jeu=connectivite HTTP/1.1\r\nHost: x\r\n"
                  + "Authorization: Bearer "
                  + secret
                  + "\r\nContent-Type: text/csv\r\nContent-Length: 10000000\r\n\r\n"
                  + "uai;annee_scolaire;date_observation;technologie;debit_descendant_mesure\n")
              .getBytes(StandardCharsets.UTF_8));
      for (int k = 0; k < 2000; k++) {
        out.write("0021685W;2024-2025;2024-10-01;fibre;850\n".getBytes(StandardCharsets.UTF_8));
      }
      out.flush();
      kill(server);
    }
    server = serve(wh, port);
    assertThat(json(get(port, "/api/v1/hubs/aisne/versions", secret)).get("versions")).isEmpty();

    // A whole upload, then its publication: killed while the rebuild builds.
    var up =
        http.send(
            HttpRequest.newBuilder(
                    URI.create(base(port) + "/api/v1/hubs/aisne/uploads?jeu=connectivite"))
                .header("Authorization", "Bearer " + secret)
                .header("Content-Type", "text/csv")
                .POST(
                    HttpRequest.BodyPublishers.ofString(
                        "uai;annee_scolaire;date_observation;technologie;debit_descendant_mesure\n"
                            + "0021685W;2024-2025;2024-10-01;fibre;850\n"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(up.statusCode()).as(up.body()).isEqualTo(201);
    var pub =
        http.send(
            HttpRequest.newBuilder(
                    URI.create(
                        base(port) + "/api/v1/hubs/aisne/versions/connectivite/1/publication"))
                .header("Authorization", "Bearer " + secret)
                .POST(HttpRequest.BodyPublishers.noBody())
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(pub.statusCode()).as(pub.body()).isEqualTo(202);
    Path building = wh.resolveSibling("eduatlas.duckdb.building-" + server.pid());
    Instant deadline = Instant.now().plus(Duration.ofSeconds(120));
    while (!(Files.exists(building) && Files.size(building) > 4_000_000)) {
      assertThat(server.isAlive()).as("server still running").isTrue();
      assertThat(Instant.now()).as("rebuild started").isBefore(deadline);
      Thread.sleep(20);
    }
    kill(server);
    assertThat(checksum(wh)).isEqualTo(checksum);

    // Restarted: the interrupted rebuild is reported failed, a new one is queued for the
    // publication the served warehouse lacks.
    server = serve(wh, port);
    try {
      JsonNode rebuilds = json(get(port, "/api/v1/rebuilds", secret)).get("rebuilds");
      assertThat(rebuilds.size()).isEqualTo(2);
      JsonNode interrupted = rebuilds.get(1);
      assertThat(interrupted.get("status").asText()).isEqualTo("failed");
      assertThat(interrupted.get("detail").asText()).contains("interrompue");
      assertThat(rebuilds.get(0).get("status").asText()).isIn("queued", "building");
      assertThat(rebuilds.get(0).get("requestedBy").asText()).contains("reprise");
      assertThat(
              json(get(port, "/api/v1/hubs/aisne/versions", secret))
                  .get("versions")
                  .get(0)
                  .get("current")
                  .asBoolean())
          .isTrue();
    } finally {
      kill(server);
    }
  }

  Process serve(Path wh, int port) throws Exception {
    Process p =
        JarProcess.builder(
                tmp,
                "serve",
                "--warehouse",
                wh.toString(),
                "--port",
                String.valueOf(port),
                "--data",
                Fixtures.realData().toString())
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(tmp.resolve("serve.log").toFile()))
            .start();
    Instant deadline = Instant.now().plus(Duration.ofSeconds(60));
    while (true) {
      try {
        if (get(port, "/api/health", null).statusCode() == 200) {
          return p;
        }
      } catch (java.io.IOException e) {
        // not listening yet
      }
      assertThat(p.isAlive()).as(Files.readString(tmp.resolve("serve.log"))).isTrue();
      assertThat(Instant.now()).isBefore(deadline);
      Thread.sleep(100);
    }
  }

  static void kill(Process p) throws Exception {
    p.destroyForcibly(); // SIGKILL: no shutdown hook
    assertThat(p.waitFor(20, TimeUnit.SECONDS)).isTrue();
  }

  HttpResponse<String> get(int port, String path, String token) throws Exception {
    var b = HttpRequest.newBuilder(URI.create(base(port) + path));
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  static JsonNode json(HttpResponse<String> r) throws Exception {
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    return JSON.readTree(r.body());
  }

  static String base(int port) {
    return "http://127.0.0.1:" + port;
  }

  static int freePort() throws Exception {
    try (var s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  static String checksum(Path wh) throws Exception {
    try (var q = WarehouseQuery.open(wh)) {
      return q.string("SELECT value FROM ingest_meta WHERE key = 'checksum'");
    }
  }
}
