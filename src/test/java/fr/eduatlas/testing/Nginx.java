package fr.eduatlas.testing;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * Debian's nginx on loopback with a configuration of the test's (installed with apt-get when
 * missing): the load balancer of the replicas' test, the static host of the static site's.
 */
public final class Nginx implements AutoCloseable {
  private final Process process;
  private final Path dir;

  private Nginx(Process process, Path dir) {
    this.process = process;
    this.dir = dir;
  }

  /**
   * Starts nginx in {@code dir} listening on {@code port} with {@code http} inside its {@code http}
   * block (upstreams, locations) and {@code server} inside its server block; returns when {@code
   * readyPath} answers 200.
   */
  public static Nginx start(Path dir, int port, String http, String server, String readyPath)
      throws Exception {
    Path nginx = Path.of("/usr/sbin/nginx");
    if (!Files.isExecutable(nginx)) {
      Apt.install(List.of("nginx"));
    }
    Files.createDirectories(dir);
    for (String d : List.of("logs", "cb", "px", "fc", "uw", "sc")) {
      Files.createDirectories(dir.resolve(d));
    }
    boolean root = "root".equals(System.getProperty("user.name"));
    Files.writeString(
        dir.resolve("nginx.conf"),
        (root ? "user root;\n" : "")
            + "worker_processes 1;\ndaemon off;\npid "
            + dir.resolve("nginx.pid")
            + ";\nerror_log "
            + dir.resolve("logs/error.log")
            + ";\nevents { worker_connections 512; }\nhttp {\n"
            + "  client_body_temp_path "
            + dir.resolve("cb")
            + ";\n  proxy_temp_path "
            + dir.resolve("px")
            + ";\n  fastcgi_temp_path "
            + dir.resolve("fc")
            + ";\n  uwsgi_temp_path "
            + dir.resolve("uw")
            + ";\n  scgi_temp_path "
            + dir.resolve("sc")
            + ";\n"
            + http
            + "\n  server {\n    listen 127.0.0.1:"
            + port
            + ";\n"
            + server
            + "\n  }\n}\n");
    Process p =
        new ProcessBuilder(nginx.toString(), "-p", dir.toString(), "-c", "nginx.conf")
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("logs/out.log").toFile())
            .start();
    var client = HttpClient.newHttpClient();
    Instant deadline = Instant.now().plus(Duration.ofSeconds(20));
    while (true) {
      try {
        var r =
            client.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + readyPath))
                    .timeout(Duration.ofSeconds(5))
                    .build(),
                HttpResponse.BodyHandlers.discarding());
        if (r.statusCode() == 200) {
          return new Nginx(p, dir);
        }
      } catch (java.io.IOException e) {
        // not listening yet
      }
      if (!p.isAlive() || Instant.now().isAfter(deadline)) {
        p.destroyForcibly();
        throw new IllegalStateException(
            "nginx did not start: " + Files.readString(dir.resolve("logs/out.log")));
      }
      Thread.sleep(100);
    }
  }

  /** The process, for tests that stop it among others. */
  public Process process() {
    return process;
  }

  /** A file of nginx's directory (its logs: {@code logs/…}). */
  public Path file(String name) {
    return dir.resolve(name);
  }

  @Override
  public void close() {
    process.destroy();
  }
}
