package fr.eduatlas.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import fr.eduatlas.testing.Fixtures;
import fr.eduatlas.testing.Nginx;
import fr.eduatlas.testing.Postgres;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two replicas of the packaged server behind Debian's nginx as the load balancer, serving the
 * releases of one directory with one PostgreSQL hub store: a new release published (by {@code
 * eduatlas release}) while a load runs through nginx is taken up by both replicas with no failed
 * request, and what one replica's store holds the other serves.
 */
class ReplicasIT {
  @TempDir Path tmp;
  final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  static final ObjectMapper JSON = new ObjectMapper();

  static int freePort() throws Exception {
    try (var s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  HttpResponse<String> get(int port, String path, String token) throws Exception {
    var b =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .timeout(Duration.ofSeconds(20));
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  String version(int port) throws Exception {
    var r = get(port, "/api/health", null);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    return JSON.readTree(r.body()).path("dataVersion").asText();
  }

  Process replica(Path releases, String store, int port, String name) throws Exception {
    Path log = tmp.resolve(name + ".log");
    Process p =
        JarProcess.builder(
                tmp,
                "serve",
                "--release-dir",
                releases.toString(),
                "--state-dir",
                tmp.resolve(name).toString(),
                "--hub-store",
                store,
                "--port",
                String.valueOf(port))
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    Instant deadline = Instant.now().plus(Duration.ofSeconds(90));
    while (true) {
      try {
        if (get(port, "/api/health", null).statusCode() == 200) {
          return p;
        }
      } catch (java.io.IOException e) {
        // not listening yet
      }
      assertThat(p.isAlive()).as(Files.readString(log)).isTrue();
      assertThat(Instant.now()).as(Files.readString(log)).isBefore(deadline);
      Thread.sleep(200);
    }
  }

  Process nginx(int port, int... upstreams) throws Exception {
    var servers = new StringBuilder();
    for (int u : upstreams) {
      servers.append("    server 127.0.0.1:").append(u).append(" max_fails=0;\n");
    }
    return Nginx.start(
            tmp.resolve("nginx"),
            port,
            "  access_log off;\n  upstream eduatlas {\n" + servers + "    keepalive 16;\n  }",
            "    location / {\n      proxy_pass http://eduatlas;\n"
                + "      proxy_http_version 1.1;\n      proxy_set_header Connection \"\";\n"
                + "    }",
            "/api/health")
        .process();
  }

  @Test
  void twoReplicasBehindNginxTakeUpANewReleaseUnderLoadWithoutAnError() throws Exception {
    Path whA = Fixtures.miniWarehouse(Files.createDirectories(tmp.resolve("a")), 2024);
    Path whB = Fixtures.miniWarehouse(Files.createDirectories(tmp.resolve("b")), 2023);
    Path releases = tmp.resolve("releases");
    var first =
        JarProcess.run(
            tmp,
            "release",
            "--warehouse",
            whA.toString(),
            "--out",
            releases.toString(),
            "--max-zoom",
            "8");
    assertThat(first.exitCode()).as(first.output()).isZero();

    List<Process> processes = new ArrayList<>();
    try (Postgres pg = Postgres.start()) {
      String store = pg.newDatabase("replicas");
      int p1 = freePort();
      int p2 = freePort();
      processes.add(replica(releases, store, p1, "replica-1"));
      processes.add(replica(releases, store, p2, "replica-2"));
      int lb = freePort();
      processes.add(nginx(lb, p1, p2));
      String versionA = version(p1);
      assertThat(version(p2)).isEqualTo(versionA);

      // Writable state is shared: a hub created in the store is served by both replicas.
      storeArgs = new String[] {"--store", store, "--warehouse", whA.toString()};
      assertThat(
              cli(
                  "hub",
                  "create",
                  "aisne",
                  "--nom",
                  "Conseil départemental de l'Aisne",
                  "--type",
                  "departement",
                  "--territoire",
                  "02"))
          .isZero();
      assertThat(cli("hub", "grant", "aisne", "chef@aisne.fr", "--role", "valideur")).isZero();
      var token =
          JarProcess.run(
              tmp,
              concat(
                  new String[] {
                    "hub", "token", "create", "chef@aisne.fr", "--nom", "poste", "--hub", "aisne"
                  },
                  storeArgs));
      assertThat(token.exitCode()).as(token.output()).isZero();
      String secret =
          token.output().lines().filter(l -> l.startsWith("eat_")).findFirst().orElseThrow();
      for (int port : new int[] {p1, p2}) {
        var hubs = get(port, "/api/v1/hubs", secret);
        assertThat(hubs.statusCode()).as(hubs.body()).isEqualTo(200);
        assertThat(hubs.body()).contains("aisne");
      }

      // A selection computed through the balancer is found through each replica: stored in the
      // shared store, not in the state directory of the replica that computed it.
      var created =
          http.send(
              HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + lb + "/api/v1/selections"))
                  .header("Content-Type", "application/json")
                  .POST(
                      HttpRequest.BodyPublishers.ofString(
                          "{\"count\": 2, \"eligibility\": {\"maxPopulation\": null,"
                              + " \"densityLevels\": [1, 2, 3, 4, 5, 6, 7], \"schoolTypes\":"
                              + " [\"ecole\", \"college\", \"lycee\"]}, \"sensitivity\":"
                              + " {\"runs\": 20}}"))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
      String selection = JSON.readTree(created.body()).path("id").asText();
      for (int port : new int[] {p1, p2}) {
        var s = get(port, "/api/v1/selections/" + selection, null);
        assertThat(s.statusCode()).as(s.body()).isEqualTo(200);
      }
      for (String name : List.of("replica-1", "replica-2")) {
        assertThat(tmp.resolve(name).resolve("selections")).doesNotExist();
      }

      // A load through the balancer while the next release is published.
      List<String> paths =
          List.of(
              "/api/health",
              "/api/v1/indicators",
              "/api/v1/territories/departement/02",
              "/api/v1/indicators/couverture-fibre/values?level=commune",
              "/tiles/departements/5/16/11.mvt",
              "/tiles/communes/8/130/87.mvt");
      var stop = new AtomicBoolean();
      var errors = new ConcurrentLinkedQueue<String>();
      var done = new AtomicLong();
      var seenVersions = java.util.concurrent.ConcurrentHashMap.<String>newKeySet();
      var pool = Executors.newFixedThreadPool(4);
      for (int t = 0; t < 4; t++) {
        int offset = t;
        pool.submit(
            () -> {
              int i = offset;
              while (!stop.get()) {
                String path = paths.get(i++ % paths.size());
                try {
                  var r = get(lb, path, null);
                  if (r.statusCode() >= 400) {
                    errors.add(path + " → " + r.statusCode() + " " + r.body());
                  } else if (path.equals("/api/health")) {
                    seenVersions.add(JSON.readTree(r.body()).path("dataVersion").asText());
                  }
                } catch (Exception e) {
                  errors.add(path + " → " + e);
                }
                done.incrementAndGet();
              }
              return null;
            });
      }
      Thread.sleep(1500);
      var second =
          JarProcess.run(
              tmp,
              "release",
              "--warehouse",
              whB.toString(),
              "--out",
              releases.toString(),
              "--max-zoom",
              "8");
      assertThat(second.exitCode()).as(second.output()).isZero();
      Instant deadline = Instant.now().plus(Duration.ofSeconds(60));
      String versionB = null;
      while (Instant.now().isBefore(deadline)) {
        String v1 = version(p1);
        String v2 = version(p2);
        if (!v1.equals(versionA) && v1.equals(v2)) {
          versionB = v1;
          break;
        }
        Thread.sleep(200);
      }
      Thread.sleep(1500); // the load goes on over the new release
      stop.set(true);
      pool.shutdown();
      assertThat(pool.awaitTermination(60, TimeUnit.SECONDS)).isTrue();

      assertThat(versionB).as("both replicas on the new release").isNotNull();
      assertThat(errors).as("requests failed during the switch").isEmpty();
      assertThat(done.get()).isGreaterThan(100);
      assertThat(seenVersions).contains(versionA, versionB);
      for (int port : new int[] {p1, p2}) {
        assertThat(get(port, "/api/v1/hubs", secret).body()).contains("aisne");
      }
      // Nothing written into the releases by the replicas.
      try (var files = Files.walk(releases)) {
        assertThat(
                files.filter(
                    p -> p.toString().contains("selections") || p.toString().endsWith(".sqlite")))
            .isEmpty();
      }
    } finally {
      for (Process p : processes) {
        p.destroy();
        if (!p.waitFor(20, TimeUnit.SECONDS)) {
          p.destroyForcibly();
        }
      }
    }
  }

  private String[] storeArgs;

  private int cli(String... args) throws Exception {
    var r = JarProcess.run(tmp, concat(args, storeArgs));
    assertThat(r.exitCode()).as(r.output()).isZero();
    return r.exitCode();
  }

  private static String[] concat(String[] a, String[] b) {
    var all = new ArrayList<String>(List.of(a));
    all.addAll(List.of(b));
    return all.toArray(String[]::new);
  }
}
