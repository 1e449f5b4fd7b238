package fr.eduatlas.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import fr.eduatlas.config.DataDirectory;
import fr.eduatlas.ingest.Ingest;
import fr.eduatlas.ingest.IngestException;
import fr.eduatlas.ingest.IngestReport;
import fr.eduatlas.source.SourceManifest;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code eduatlas ingest}: builds a new warehouse from the open data, then swaps it in. */
@Command(
    name = "ingest",
    mixinStandardHelpOptions = true,
    description = {
      "Construit l'entrepôt à partir des sources du manifeste (data/sources.json) : chaque ligne"
          + " lue est chargée ou mise en quarantaine avec sa raison.",
      "Le nouvel entrepôt remplace l'ancien d'un seul coup, et seulement si la construction a"
          + " réussi : une ingestion qui échoue ou est interrompue laisse l'entrepôt servi intact."
    },
    exitCodeListHeading = "%nCodes de sortie :%n",
    exitCodeList = {
      "0:entrepôt construit et installé",
      "1:échec : l'entrepôt servi n'a pas été remplacé",
      "2:options invalides"
    })
public final class IngestCommand implements Callable<Integer> {
  @Option(
      names = "--data",
      paramLabel = "DIR",
      description =
          "Répertoire des données ouvertes (défaut : $EDUATLAS_DATA, sinon ../shared/data).")
  Path data;

  @Option(
      names = "--warehouse",
      paramLabel = "FILE",
      defaultValue = "var/eduatlas.duckdb",
      description = "Entrepôt DuckDB à construire ou remplacer (défaut : ${DEFAULT-VALUE}).")
  Path warehouse;

  @Option(
      names = "--report",
      paramLabel = "FILE.json",
      description = "Écrit le rapport d'ingestion en JSON (même en cas d'échec).")
  Path report;

  @Option(
      names = "--allow-partial",
      description = "Installe l'entrepôt même si certaines sources n'ont pas pu être lues.")
  boolean allowPartial;

  @Option(
      names = "--no-simulation",
      description =
          "Sans données simulées par établissement (par défaut, elles sont simulées dans"
              + " --simulated si ce dossier n'en contient pas encore, puis chargées).")
  boolean noSimulation;

  @Option(
      names = "--simulated",
      paramLabel = "DIR",
      defaultValue = DEFAULT_SIMULATED,
      description = "Dossier de la contribution simulée (défaut : ${DEFAULT-VALUE}).")
  Path simulated;

  @Option(
      names = "--contributions",
      paramLabel = "DIR",
      description =
          "Dossier de contributions à charger (un dossier avec contribution.json, ou un dossier"
              + " de tels dossiers) ; répétable. Format : data/contributions/FORMAT.md.")
  List<Path> contributions = new ArrayList<>();

  @Option(
      names = "--no-boundary-cache",
      description =
          "Reconstruit les contours même si le cache (boundary-cache/ à côté de l'entrepôt) en"
              + " contient pour les mêmes fichiers IGN, le même COG et le même code.")
  boolean noBoundaryCache;

  /** Where the ingest simulates by default. */
  public static final String DEFAULT_SIMULATED = "data/simulated/simulation";

  @Override
  public Integer call() {
    return run(
        data,
        warehouse,
        report,
        allowPartial,
        noSimulation ? Ingest.Simulation.NONE : Ingest.Simulation.defaults(simulated),
        contributions,
        !noBoundaryCache);
  }

  /** Runs an ingest and prints its summary; returns the exit code. */
  public static int run(
      Path data,
      Path warehouse,
      Path reportFile,
      boolean allowPartial,
      Ingest.Simulation simulation,
      List<Path> contributions,
      boolean boundaryCache) {
    PrintStream log = System.err;
    Path dataDir;
    try {
      dataDir = DataDirectory.resolve(data);
    } catch (IllegalArgumentException e) {
      log.println("Erreur : " + e.getMessage());
      return 1;
    }
    var ingest = new Ingest(SourceManifest.bundled(), log);
    IngestReport report;
    try {
      report =
          ingest.run(
              new Ingest.Options(
                  dataDir, warehouse, allowPartial, simulation, contributions, boundaryCache));
    } catch (IngestException e) {
      log.println("Échec de l'ingestion : " + e.getMessage());
      if (e.report() != null) {
        printSummary(e.report(), log);
        writeReport(e.report(), reportFile, log);
      } else {
        // Stopped before any source was read (a file missing, a build already running): the
        // report still says so, as the help promises.
        var r = new java.util.LinkedHashMap<String, Object>();
        r.put("status", "failed");
        r.put("warehouse", warehouse.toString());
        r.put("dataDirectory", dataDir.toString());
        r.put("error", e.getMessage());
        writeReport(r, reportFile, log);
      }
      return 1;
    }
    printSummary(report, log);
    writeReport(report, reportFile, log);
    log.println("Entrepôt installé : " + warehouse.toAbsolutePath());
    return 0;
  }

  static void printSummary(IngestReport r, PrintStream out) {
    out.printf(
        Locale.FRANCE,
        "%nRésumé : %,d communes, %,d EPCI, %,d départements, %,d académies, %,d régions,"
            + " %,d établissements ; %,d lignes en quarantaine.%n",
        r.totals().communes(),
        r.totals().epci(),
        r.totals().departements(),
        r.totals().academies(),
        r.totals().regions(),
        r.totals().schools(),
        r.totals().quarantined());
    for (var c : r.checks()) {
      if (!c.ok()) {
        out.printf(
            Locale.FRANCE, "  contrôle %s : %,d cas (%s)%n", c.name(), c.count(), c.detail());
      }
    }
  }

  private static void writeReport(Object r, Path file, PrintStream log) {
    if (file == null) {
      return;
    }
    try {
      Path parent = file.toAbsolutePath().getParent();
      Files.createDirectories(parent);
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(file.toFile(), r);
      log.println("Rapport écrit : " + file);
    } catch (IOException e) {
      log.println("Impossible d'écrire le rapport " + file + " : " + e.getMessage());
    }
  }
}
