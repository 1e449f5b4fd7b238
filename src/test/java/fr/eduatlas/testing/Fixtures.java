package fr.eduatlas.testing;

import fr.eduatlas.source.SourceEntry;
import fr.eduatlas.source.SourceManifest;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The mini dataset of {@code src/test/resources/mini} (see its README): the bundled manifest with
 * each path pointed at the mini file standing for that source.
 */
public final class Fixtures {
  public static final Map<String, String> MINI_FILES =
      Map.ofEntries(
          Map.entry("cog-communes", "cog-communes.json"),
          Map.entry("cog-departements", "cog-departements.json"),
          Map.entry("cog-regions", "cog-regions.json"),
          Map.entry("cog-epci", "cog-epci.json"),
          Map.entry("academies", "academies.geojson"),
          Map.entry("insee-density-grid", "densite.csv"),
          Map.entry("insee-populations", "populations.csv"),
          Map.entry("insee-bpe-primary", "bpe.csv"),
          Map.entry("depp-ips-ecoles", "ecoles.csv"),
          Map.entry("depp-ips-colleges", "colleges.csv"),
          Map.entry("depp-ips-lycees", "lycees.csv"),
          Map.entry("depp-colleges-geoloc", "colleges-geoloc.csv"),
          Map.entry("education-annuaire", "annuaire.csv"),
          Map.entry("arcep-coverage", "couverture.csv"),
          Map.entry("arcep-ftth", "ftth.csv"),
          Map.entry("ign-communes", "communes"),
          Map.entry("ign-departements", "departements.geojson"),
          Map.entry("ign-regions", "regions.geojson"));

  private Fixtures() {}

  /** The bundled manifest, every path replaced by its mini file. */
  public static SourceManifest miniManifest() {
    SourceManifest bundled = SourceManifest.bundled();
    return new SourceManifest(
        bundled.entries().stream()
            .map(
                e ->
                    new SourceEntry(
                        e.id(),
                        e.title(),
                        e.publisher(),
                        e.page(),
                        e.licence(),
                        e.vintage(),
                        e.year(),
                        MINI_FILES.get(e.id()),
                        e.reader(),
                        e.format()))
            .toList());
  }

  /** The mini dataset's directory in the test resources. */
  public static Path miniDir() {
    try {
      return Path.of(Fixtures.class.getResource("/mini/cog-communes.json").toURI()).getParent();
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A copy of the mini dataset under {@code dir}, for tests that corrupt files. */
  public static Path copyMini(Path dir) throws IOException {
    Path out = Files.createDirectories(dir.resolve("data"));
    Path mini = miniDir();
    try (Stream<Path> files = Files.walk(mini)) {
      for (Path f : files.toList()) {
        Path target = out.resolve(mini.relativize(f).toString());
        if (Files.isDirectory(f)) {
          Files.createDirectories(target);
        } else {
          Files.copy(f, target);
        }
      }
    }
    return out;
  }

  /** The real open data directory (../shared/data, or the eduatlas.data system property). */
  public static Path realData() {
    String p = System.getProperty("eduatlas.data");
    return Path.of(p != null ? p : "../shared/data").toAbsolutePath().normalize();
  }

  /**
   * A warehouse ingested from the mini dataset with the default options, at {@code dir/w.duckdb}.
   */
  public static java.nio.file.Path miniWarehouse(java.nio.file.Path dir) {
    java.nio.file.Path wh = dir.resolve("w.duckdb");
    new fr.eduatlas.ingest.Ingest(
            miniManifest(), new java.io.PrintStream(java.io.OutputStream.nullOutputStream()))
        .run(new fr.eduatlas.ingest.Ingest.Options(miniDir(), wh, false));
    return wh;
  }

  /**
   * A warehouse ingested from the mini dataset with a small simulation of school years {@code
   * firstYear} to 2025, at {@code dir/w.duckdb}.
   */
  public static java.nio.file.Path miniWarehouse(java.nio.file.Path dir, int firstYear) {
    java.nio.file.Path wh = dir.resolve("w.duckdb");
    new fr.eduatlas.ingest.Ingest(
            miniManifest(), new java.io.PrintStream(java.io.OutputStream.nullOutputStream()))
        .run(
            new fr.eduatlas.ingest.Ingest.Options(
                miniDir(),
                wh,
                false,
                new fr.eduatlas.ingest.Ingest.Simulation(
                    dir.resolve("simulated"),
                    new fr.eduatlas.simulation.Simulator.Config(
                        fr.eduatlas.simulation.Simulator.DEFAULT_SEED, firstYear, 2025, 0.05, 1))));
    return wh;
  }
}
