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
import java.util.ArrayList;
import java.util.List;
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
    Path wh = warehouse();
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

  /**
   * Measurement agents post batches of speed tests while the server is killed with SIGKILL: every
   * batch acknowledged is stored whole, every other one is either whole or absent (never in part),
   * and the agents' recovery (posting again under the same batch id) ends with each batch stored
   * exactly once.
   */
  @Test
  void aFeedBatchIsWhollyStoredOrNotAtAllUnderSigkill() throws Exception {
    Path wh = warehouse();
    hub(
        wh,
        "create",
        "laon",
        "--nom",
        "Ville de Laon",
        "--type",
        "commune",
        "--territoire",
        "02408");
    hub(wh, "grant", "laon", "sonde@laon.fr", "--role", "contributeur");
    String secret =
        hub(
                wh,
                "token",
                "create",
                "sonde@laon.fr",
                "--nom",
                "sonde",
                "--hub",
                "laon",
                "--flux-tests")
            .output()
            .lines()
            .filter(l -> l.startsWith("eat_"))
            .findFirst()
            .orElseThrow();
    int size = 3000;
    int batches = 40;
    int port = freePort();
    Process server = serve(wh, port);
    var acked = java.util.concurrent.ConcurrentHashMap.<Integer>newKeySet();
    var pool = java.util.concurrent.Executors.newFixedThreadPool(2);
    var next = new java.util.concurrent.atomic.AtomicInteger();
    for (int c = 0; c < 2; c++) {
      pool.submit(
          () -> {
            int b;
            while ((b = next.getAndIncrement()) < batches) {
              try {
                if (postBatch(port, secret, b, size).statusCode() == 201) {
                  acked.add(b);
                }
              } catch (java.io.IOException e) {
                return null; // the server is gone: this batch was not acknowledged
              }
            }
            return null;
          });
    }
    Instant deadline = Instant.now().plus(Duration.ofSeconds(60));
    while (acked.size() < 4) {
      assertThat(Instant.now()).as("batches acknowledged").isBefore(deadline);
      Thread.sleep(5);
    }
    kill(server);
    pool.shutdown();
    assertThat(pool.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
    int sent = Math.min(next.get(), batches);

    // In the store, as the killed server left it: each batch whole or absent.
    var counts = new java.util.HashMap<String, Integer>();
    try (var c =
            java.sql.DriverManager.getConnection(
                "jdbc:sqlite:" + wh.resolveSibling("hubs.sqlite"));
        var rs =
            c.createStatement()
                .executeQuery(
                    "SELECT b.batch_id, b.rows_accepted, (SELECT count(*) FROM feed_test t WHERE"
                        + " t.hub_id = b.hub_id AND t.batch_id = b.batch_id) FROM feed_batch b")) {
      while (rs.next()) {
        assertThat(rs.getInt(3)).as(rs.getString(1)).isEqualTo(size).isEqualTo(rs.getInt(2));
        counts.put(rs.getString(1), rs.getInt(3));
      }
    }
    for (int b : acked) {
      assertThat(counts).as("acknowledged batch %d", b).containsKey("lot-" + b);
    }

    // The agents send again what was not acknowledged, under the same ids: once each.
    server = serve(wh, port);
    try {
      for (int b = 0; b < sent; b++) {
        var r = postBatch(port, secret, b, size);
        JsonNode j = JSON.readTree(r.body());
        assertThat(r.statusCode()).as(r.body()).isIn(200, 201);
        assertThat(j.get("replay").asBoolean()).isEqualTo(counts.containsKey("lot-" + b));
        assertThat(j.get("stored").asInt()).isEqualTo(size);
      }
    } finally {
      kill(server);
    }
    try (var c =
            java.sql.DriverManager.getConnection(
                "jdbc:sqlite:" + wh.resolveSibling("hubs.sqlite"));
        var rs = c.createStatement().executeQuery("SELECT count(*) FROM feed_test")) {
      rs.next();
      assertThat(rs.getLong(1)).isEqualTo((long) sent * size);
    }
  }

  /** Batch {@code b}: {@code size} tests of the école of Laon, at distinct minutes. */
  HttpResponse<String> postBatch(int port, String token, int b, int size) throws Exception {
    var sb = new StringBuilder("uai,horodatage,debit_descendant\n");
    Instant t0 = Instant.parse("2024-10-01T00:00:00Z");
    for (int i = 0; i < size; i++) {
      sb.append("0020975Z,")
          .append(t0.plusSeconds(60L * ((long) b * size + i)))
          .append(',')
          .append(10 + i % 90)
          .append('\n');
    }
    return http.send(
        HttpRequest.newBuilder(
                URI.create(base(port) + "/api/v1/hubs/laon/tests-debit?lot=lot-" + b))
            .header("Authorization", "Bearer " + token)
            .header("Content-Type", "text/csv")
            .POST(HttpRequest.BodyPublishers.ofString(sb.toString()))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /** The mini dataset's warehouse where serve expects it, var/eduatlas.duckdb. */
  Path warehouse() throws Exception {
    Path wh = tmp.resolve("var/eduatlas.duckdb");
    Fixtures.miniWarehouse(tmp.resolve("build"), 2024);
    Files.createDirectories(wh.getParent());
    Files.move(tmp.resolve("build/w.duckdb"), wh);
    return wh;
  }

  /** A {@code hub} command on that warehouse's store, which must succeed. */
  JarProcess.Result hub(Path wh, String... args) throws Exception {
    var all = new ArrayList<String>(List.of("hub"));
    all.addAll(List.of(args));
    all.addAll(List.of("--warehouse", wh.toString()));
    var r = JarProcess.run(tmp, all.toArray(String[]::new));
    assertThat(r.exitCode()).as(r.output()).isZero();
    return r;
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
