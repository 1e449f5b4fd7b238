package fr.eduatlas.cli;

import fr.eduatlas.config.DataDirectory;
import fr.eduatlas.ingest.Ingest;
import fr.eduatlas.ingest.IngestException;
import fr.eduatlas.simulation.Simulator;
import fr.eduatlas.source.SourceManifest;
import fr.eduatlas.warehouse.SchoolProfiles;
import fr.eduatlas.warehouse.ServedWarehouse;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code eduatlas simulate}: writes calibrated simulated school-level data. */
@Command(
    name = "simulate",
    mixinStandardHelpOptions = true,
    description = {
      "Écrit des données simulées par établissement (connectivité, équipement, usages, tests de"
          + " débit) au format de contribution (data/contributions/FORMAT.md), pour chaque"
          + " établissement des listes de la DEPP, conditionnées par les données réelles et"
          + " calées sur les chiffres nationaux publiés ; avec un rapport de calage.",
      "Les établissements viennent de --warehouse, ou d'un entrepôt construit à partir de --data."
    })
public final class SimulateCommand implements Callable<Integer> {
  @Option(
      names = "--data",
      paramLabel = "DIR",
      description = "Données ouvertes (si pas de --warehouse).")
  Path data;

  @Option(names = "--warehouse", paramLabel = "FILE", description = "Entrepôt existant à utiliser.")
  Path warehouse;

  @Option(
      names = "--out",
      paramLabel = "DIR",
      defaultValue = "data/simulated/simulation",
      description = "Dossier de la contribution simulée (défaut : ${DEFAULT-VALUE}).")
  Path out;

  @Option(
      names = "--seed",
      defaultValue = "" + Simulator.DEFAULT_SEED,
      description = "Graine (défaut : ${DEFAULT-VALUE}).")
  long seed;

  @Option(
      names = "--years",
      defaultValue = "2019-2025",
      paramLabel = "AAAA-AAAA",
      description =
          "Années scolaires, par leur année de fin : 2019-2025 va de 2018-2019 à 2024-2025"
              + " (défaut : ${DEFAULT-VALUE}).")
  String years;

  @Option(
      names = "--tests-per-day",
      defaultValue = "4",
      description =
          "Tests de débit par établissement et jour scolaire (défaut : ${DEFAULT-VALUE}).")
  double testsPerDay;

  @Option(
      names = "--test-years",
      defaultValue = "1",
      description =
          "Nombre des dernières années avec des tests de débit (défaut : ${DEFAULT-VALUE}).")
  int testYears;

  @Option(
      names = "--tne-effect",
      paramLabel = "K",
      defaultValue = "1",
      description =
          "Intensité de l'effet TNE simulé : 1 tel que calibré (défaut), 0 aucun effet ; c'est la"
              + " vérité que l'évaluation du programme doit retrouver (docs/EVALUATION.md).")
  double tneEffect;

  @Override
  public Integer call() {
    Simulator.Config config;
    try {
      String[] y = years.split("-");
      if (y.length != 2) {
        throw new IllegalArgumentException("--years attend AAAA-AAAA : '" + years + "'");
      }
      config =
          new Simulator.Config(
              seed,
              Integer.parseInt(y[0].strip()),
              Integer.parseInt(y[1].strip()),
              testsPerDay,
              testYears,
              tneEffect);
    } catch (IllegalArgumentException e) {
      System.err.println("Erreur : " + e.getMessage());
      return 2;
    }
    Path temp = null;
    try {
      Path wh = warehouse;
      if (wh == null) {
        temp = Files.createTempDirectory("eduatlas-simulate");
        wh = temp.resolve("eduatlas.duckdb");
        System.err.println("Construction d'un entrepôt temporaire à partir des données ouvertes…");
        new Ingest(SourceManifest.bundled(), new PrintStream(OutputStream.nullOutputStream()))
            .run(
                new Ingest.Options(DataDirectory.resolve(data), wh, false, Ingest.Simulation.NONE));
      }
      Simulator.Result result;
      try (var served = new ServedWarehouse(wh, Long.MAX_VALUE);
          var lease = served.lease()) {
        result = new Simulator(SchoolProfiles.load(lease.connection()), config).write(out);
      }
      report(result);
      return 0;
    } catch (IngestException | IllegalArgumentException e) {
      System.err.println("Erreur : " + e.getMessage());
      return 1;
    } catch (IOException | java.sql.SQLException e) {
      System.err.println("Erreur d'écriture ou de lecture : " + e.getMessage());
      return 1;
    } finally {
      if (temp != null) {
        deleteQuietly(temp);
      }
    }
  }

  static void report(Simulator.Result r) {
    System.err.printf(
        Locale.FRANCE,
        "Données simulées écrites dans %s : %,d lignes de connectivité, %,d d'équipement, %,d"
            + " d'usages, %,d tests de débit.%nCalage (cible → simulé) :%n",
        r.directory(),
        r.connectivityRows(),
        r.equipmentRows(),
        r.usageRows(),
        r.speedTestRows());
    for (var c : r.calibration()) {
      System.err.printf(
          Locale.FRANCE,
          "  %-70s %s : %.2f → %.2f (%+.2f %%)%n",
          c.label(),
          c.schoolYear(),
          c.target(),
          c.simulated(),
          c.gapPct());
    }
  }

  private static void deleteQuietly(Path dir) {
    try (var files = Files.walk(dir)) {
      files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // A temporary directory left behind is harmless.
    }
  }
}
