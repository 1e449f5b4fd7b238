package fr.eduatlas.cli;

import fr.eduatlas.tiles.MbTiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.util.Locale;
import java.util.Properties;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code eduatlas export --tiles FILE}: the vector tile pyramid as an MBTiles file. */
@Command(
    name = "export",
    mixinStandardHelpOptions = true,
    description = {
      "Exporte la pyramide de tuiles vectorielles dans un fichier MBTiles,",
      "pour servir la carte depuis un hébergement statique ou un CDN."
    })
public final class ExportCommand implements Callable<Integer> {
  @Option(
      names = "--warehouse",
      paramLabel = "FILE",
      defaultValue = "var/eduatlas.duckdb",
      description = "Entrepôt DuckDB (défaut : ${DEFAULT-VALUE}).")
  Path warehouse;

  @Option(
      names = "--tiles",
      paramLabel = "FILE",
      required = true,
      description = "Fichier MBTiles à écrire (remplacé s'il existe).")
  Path tiles;

  @Option(
      names = "--min-zoom",
      defaultValue = "0",
      description = "Premier niveau de zoom (défaut : ${DEFAULT-VALUE}).")
  int minZoom;

  @Option(
      names = "--max-zoom",
      defaultValue = "10",
      description = "Dernier niveau de zoom (défaut : ${DEFAULT-VALUE}, 14 au plus).")
  int maxZoom;

  @Override
  public Integer call() throws Exception {
    if (minZoom < 0 || maxZoom > 14 || minZoom > maxZoom) {
      System.err.println(
          "Erreur : zooms attendus entre 0 et 14, le premier au plus égal au dernier (reçu "
              + minZoom
              + " et "
              + maxZoom
              + ")");
      return 2;
    }
    if (!Files.isRegularFile(warehouse)) {
      System.err.println("Erreur : aucun entrepôt à " + warehouse.toAbsolutePath());
      return 1;
    }
    var p = new Properties();
    p.setProperty("duckdb.read_only", "true");
    long t0 = System.nanoTime();
    try (Connection c = DriverManager.getConnection("jdbc:duckdb:" + warehouse, p)) {
      MbTiles.Summary s;
      try {
        s = MbTiles.export(c, tiles, minZoom, maxZoom);
      } catch (java.io.IOException | java.sql.SQLException e) {
        System.err.println("Erreur : export vers " + tiles + " impossible : " + e.getMessage());
        return 1;
      }
      System.err.printf(
          Locale.FRANCE,
          "%s : %,d tuiles, %,.1f Mo, zooms %d à %d, en %.1f s%n",
          tiles,
          s.tiles(),
          s.bytes() / 1e6,
          minZoom,
          maxZoom,
          (System.nanoTime() - t0) / 1e9);
    }
    return 0;
  }
}
