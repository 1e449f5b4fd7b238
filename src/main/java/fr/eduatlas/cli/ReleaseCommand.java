package fr.eduatlas.cli;

import fr.eduatlas.warehouse.Releases;
import fr.eduatlas.warehouse.WarehouseException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code eduatlas release --out DIR}: a versioned, immutable release of a warehouse. */
@Command(
    name = "release",
    mixinStandardHelpOptions = true,
    description = {
      "Publie une version immuable de l'entrepôt dans un répertoire de versions : le fichier",
      "DuckDB, les tests de débit en Parquet, une archive PMTiles par couche de tuiles, le",
      "GeoParquet des territoires et des établissements, les valeurs des indicateurs en Parquet",
      "et release.json (taille et empreinte SHA-256 de chaque fichier). Écrite sous un nom",
      "caché puis renommée d'un coup : les serveurs (serve --release-dir) ne voient jamais",
      "une version à moitié écrite. La version porte aussi la carte en site statique",
      "(index.html à sa racine) : tout serveur web ou CDN la sert sans JVM."
    })
public final class ReleaseCommand implements Callable<Integer> {
  @Option(
      names = "--warehouse",
      paramLabel = "FILE",
      defaultValue = "var/eduatlas.duckdb",
      description = "Entrepôt DuckDB (défaut : ${DEFAULT-VALUE}).")
  Path warehouse;

  @Option(
      names = "--out",
      paramLabel = "DIR",
      required = true,
      description = "Répertoire des versions (créé au besoin).")
  Path out;

  @Option(
      names = "--max-zoom",
      defaultValue = "12",
      description = "Dernier niveau de zoom des tuiles (défaut : ${DEFAULT-VALUE}, 14 au plus).")
  int maxZoom;

  /** The map as a static site in the release (api.StaticSite), with what it wrote on the log. */
  public static final Releases.Extra STATIC_SITE =
      (c, dir, version, zoom, log) -> {
        long t1 = System.nanoTime();
        var site = fr.eduatlas.api.StaticSite.write(c, dir, version, zoom, log);
        log.printf(
            Locale.FRANCE,
            "site statique écrit : %,d fichiers, %,.1f Mo (%.1f s)%n",
            site.files(),
            site.bytes() / 1e6,
            (System.nanoTime() - t1) / 1e9);
      };

  @Option(
      names = "--no-static-site",
      description =
          "Sans le site statique (la carte servie par un simple serveur web, sans JVM) : pour"
              + " des répliques seulement.")
  boolean noStaticSite;

  @Override
  public Integer call() {
    if (maxZoom < 0 || maxZoom > 14) {
      System.err.println("Erreur : --max-zoom attend un zoom de 0 à 14, reçu " + maxZoom);
      return 2;
    }
    if (!Files.isRegularFile(warehouse)) {
      System.err.println("Erreur : aucun entrepôt à " + warehouse.toAbsolutePath());
      return 1;
    }
    long t0 = System.nanoTime();
    try {
      Releases.Written w =
          Releases.write(warehouse, out, maxZoom, System.err, noStaticSite ? null : STATIC_SITE);
      if (!w.created()) {
        System.out.println(w.dir());
        return 0;
      }
      long bytes = w.files().stream().mapToLong(Releases.FileEntry::bytes).sum();
      System.err.printf(
          Locale.FRANCE,
          "Version %s publiée dans %s : %d fichiers, %,.1f Mo, en %.1f s%n",
          w.version(),
          w.dir(),
          w.files().size(),
          bytes / 1e6,
          (System.nanoTime() - t0) / 1e9);
      System.out.println(w.dir());
      return 0;
    } catch (WarehouseException | java.io.IOException | java.sql.SQLException e) {
      System.err.println("Erreur : publication impossible : " + e.getMessage());
      return 1;
    }
  }
}
