package fr.eduatlas.testing;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * A throw-away PostgreSQL server from Debian's packages on loopback, for the hub store's tests:
 * {@code initdb} in a temporary folder, {@code pg_ctl start} on a free port, trust authentication
 * on 127.0.0.1 only; stopped and deleted by {@link #close}. As root (CI), the server runs as the
 * {@code postgres} user the package creates; the package is installed with apt-get when missing.
 */
public final class Postgres implements AutoCloseable {
  private final Path bin;
  private final Path dir;
  private final int port;
  private final boolean asPostgres;

  private Postgres(Path bin, Path dir, int port, boolean asPostgres) {
    this.bin = bin;
    this.dir = dir;
    this.port = port;
    this.asPostgres = asPostgres;
  }

  /** Starts a new server; one per test class is plenty. */
  public static Postgres start() throws Exception {
    Path bin = binaries();
    if (bin == null) {
      Apt.install(List.of("postgresql"));
      bin = binaries();
      if (bin == null) {
        throw new IllegalStateException("PostgreSQL introuvable après installation");
      }
    }
    boolean root = "root".equals(System.getProperty("user.name"));
    Path dir = Files.createTempDirectory("eduatlas-pg-");
    int port;
    try (var s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    var pg = new Postgres(bin, dir, port, root);
    if (root) {
      run(List.of("chown", "postgres:postgres", dir.toString()));
      run(List.of("chmod", "700", dir.toString()));
    }
    pg.asServer(
        List.of(
            bin.resolve("initdb").toString(),
            "-D",
            dir.resolve("data").toString(),
            "-A",
            "trust",
            "-U",
            "postgres",
            "-E",
            "UTF8",
            "--no-sync"));
    pg.asServer(
        List.of(
            bin.resolve("pg_ctl").toString(),
            "-D",
            dir.resolve("data").toString(),
            "-l",
            dir.resolve("log").toString(),
            "-w",
            "-o",
            "-p " + port + " -k " + dir + " -c listen_addresses=127.0.0.1 -c fsync=off",
            "start"));
    return pg;
  }

  /** A JDBC URL to a fresh database of this server. */
  public String newDatabase(String name) throws Exception {
    asServer(
        List.of(
            bin.resolve("createdb").toString(),
            "-h",
            "127.0.0.1",
            "-p",
            String.valueOf(port),
            "-U",
            "postgres",
            name));
    return "jdbc:postgresql://127.0.0.1:" + port + "/" + name + "?user=postgres";
  }

  private void asServer(List<String> cmd) throws Exception {
    var full = new ArrayList<String>();
    if (asPostgres) {
      full.addAll(List.of("runuser", "-u", "postgres", "--"));
    }
    full.addAll(cmd);
    run(full);
  }

  private static void run(List<String> cmd) throws Exception {
    var p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    if (p.waitFor() != 0) {
      throw new IllegalStateException(String.join(" ", cmd) + " a échoué :\n" + out);
    }
  }

  private static Path binaries() throws IOException {
    Path root = Path.of("/usr/lib/postgresql");
    if (!Files.isDirectory(root)) {
      return null;
    }
    try (Stream<Path> s = Files.list(root)) {
      return s.map(p -> p.resolve("bin"))
          .filter(p -> Files.isExecutable(p.resolve("initdb")))
          .max(Comparator.comparing(p -> p.getParent().getFileName().toString()))
          .orElse(null);
    }
  }

  @Override
  public void close() throws java.io.IOException {
    try {
      asServer(
          List.of(
              bin.resolve("pg_ctl").toString(),
              "-D",
              dir.resolve("data").toString(),
              "-m",
              "immediate",
              "-w",
              "stop"));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Exception e) {
      throw new java.io.IOException("pg_ctl stop a échoué", e);
    } finally {
      try (Stream<Path> s = Files.walk(dir)) {
        for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
          Files.deleteIfExists(p);
        }
      }
    }
  }
}
