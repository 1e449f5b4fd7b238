package fr.eduatlas.cli;

import fr.eduatlas.config.DataDirectory;
import fr.eduatlas.source.Fetch;
import fr.eduatlas.source.SourceManifest;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code eduatlas fetch}: downloads the open data of the source manifest, checked. */
@Command(
    name = "fetch",
    mixinStandardHelpOptions = true,
    description = {
      "Télécharge les données ouvertes du manifeste des sources (data/sources.json) depuis",
      "l'adresse de leur éditeur, vérifie la taille et l'empreinte SHA-256 de chaque fichier,",
      "reprend les téléchargements interrompus et place les fichiers où l'ingestion les lit.",
      "Un fichier dont l'empreinte a changé est un nouveau millésime : il est mis de côté",
      "(.fetch/new-vintage/) et signalé, jamais utilisé sans vérification.",
      "",
      "Codes de sortie : 0 tout est en place ; 1 un fichier n'a pu être obtenu ;",
      "3 un fichier diffère du manifeste (nouveau millésime)."
    })
public final class FetchCommand implements Callable<Integer> {
  /** Written in the data directory once every file of the manifest is in place. */
  public static final String COMPLETE = ".fetch/complete";

  @Option(
      names = "--data",
      paramLabel = "DIR",
      description = "Répertoire où placer les données (défaut : $EDUATLAS_DATA, sinon var/data).")
  Path data;

  @Option(
      names = "--mirror",
      paramLabel = "URL",
      description =
          "Télécharge depuis un miroir (copie d'un répertoire de données servie en HTTP) au lieu"
              + " des éditeurs.")
  URI mirror;

  @Option(
      names = "--source",
      paramLabel = "ID",
      description = "Ne télécharge que cette source (répétable).")
  List<String> sources = new ArrayList<>();

  @Override
  public Integer call() {
    return run(DataDirectory.fetchTarget(data), mirror, Set.copyOf(sources), System.err);
  }

  /** Fetches into {@code dir} and prints a summary; returns the exit code. */
  public static int run(Path dir, URI mirror, Set<String> only, PrintStream log) {
    SourceManifest manifest = SourceManifest.bundled();
    for (String id : only) {
      if (manifest.byId(id).isEmpty()) {
        log.println("Erreur : aucune source « " + id + " » dans le manifeste");
        return 2;
      }
    }
    if (mirror != null
        && !("http".equals(mirror.getScheme()) || "https".equals(mirror.getScheme()))) {
      log.println("Erreur : --mirror attend une adresse http(s), reçu " + mirror);
      return 2;
    }
    log.println(
        "Téléchargement des données ouvertes dans "
            + dir
            + (mirror == null ? " depuis leurs éditeurs" : " depuis le miroir " + mirror));
    Fetch fetch =
        mirror == null ? Fetch.fromPublishers(dir, log) : Fetch.fromMirror(dir, mirror, log);
    Fetch.Report r = fetch.run(manifest, only);
    log.printf(
        "%nRésumé : %d fichiers déjà présents, %d téléchargés, %d nouveaux millésimes, %d"
            + " échecs.%n",
        r.count(Fetch.Outcome.PRESENT),
        r.count(Fetch.Outcome.DOWNLOADED),
        r.count(Fetch.Outcome.NEW_VINTAGE),
        r.count(Fetch.Outcome.FAILED));
    if (r.count(Fetch.Outcome.FAILED) > 0) {
      log.println("Données incomplètes : relancez « eduatlas fetch » pour reprendre.");
      return 1;
    }
    if (!r.complete()) {
      return 3;
    }
    if (only.isEmpty()) {
      try {
        Files.createDirectories(dir.resolve(COMPLETE).getParent());
        Files.writeString(dir.resolve(COMPLETE), java.time.Instant.now() + "\n");
      } catch (IOException e) {
        log.println("Erreur : impossible d'écrire " + dir.resolve(COMPLETE) + " : " + e);
        return 1;
      }
    }
    return 0;
  }
}
