package fr.eduatlas.testing;

import fr.eduatlas.ingest.Ingest;
import fr.eduatlas.source.SourceManifest;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * One warehouse of the real data of ../shared/data with the default simulation, as the README's
 * main command builds it, made once per test JVM for the integration tests that serve it (the map
 * in a browser, selections, notebooks). Deleted when the JVM exits.
 */
public final class RealWarehouse {
  private RealWarehouse() {}

  private static Path file;

  /**
   * The warehouse; {@code -Deduatlas.realWarehouse=FILE} serves an existing one instead (to iterate
   * on a browser test without re-ingesting; CI always builds it).
   */
  public static synchronized Path get() {
    String given = System.getProperty("eduatlas.realWarehouse");
    if (file == null && given != null && !given.isBlank()) {
      file = Path.of(given);
    }
    if (file == null) {
      try {
        Path dir = Files.createTempDirectory("eduatlas-real-");
        Path wh = dir.resolve("eduatlas.duckdb");
        var log = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
        new Ingest(SourceManifest.bundled(), log)
            .run(
                new Ingest.Options(
                    Fixtures.realData(),
                    wh,
                    false,
                    Ingest.Simulation.defaults(dir.resolve("simulated")),
                    java.util.List.of()));
        Runtime.getRuntime().addShutdownHook(new Thread(() -> delete(dir)));
        file = wh;
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return file;
  }

  private static void delete(Path dir) {
    try (var walk = Files.walk(dir)) {
      walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // best effort at exit
    }
  }
}
