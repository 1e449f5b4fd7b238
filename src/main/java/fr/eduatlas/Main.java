package fr.eduatlas;

import fr.eduatlas.cli.ExportCommand;
import fr.eduatlas.cli.FetchCommand;
import fr.eduatlas.cli.HubCommand;
import fr.eduatlas.cli.IngestCommand;
import fr.eduatlas.cli.ReleaseCommand;
import fr.eduatlas.cli.SelectCommand;
import fr.eduatlas.cli.ServeCommand;
import fr.eduatlas.cli.SimulateCommand;
import fr.eduatlas.config.DataDirectory;
import fr.eduatlas.ingest.Ingest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * EduAtlas' command line. With no command: ingest the real data if no warehouse exists yet, then
 * serve it.
 */
@Command(
    name = "eduatlas",
    mixinStandardHelpOptions = true,
    versionProvider = Main.Version.class,
    subcommands = {
      FetchCommand.class,
      IngestCommand.class,
      ServeCommand.class,
      SimulateCommand.class,
      ExportCommand.class,
      ReleaseCommand.class,
      SelectCommand.class,
      HubCommand.class
    },
    description = {
      "EduAtlas : observatoire ouvert du numérique éducatif dans les territoires.",
      "",
      "Sans commande : construit l'entrepôt à partir des données ouvertes s'il n'existe pas"
          + " encore (en les téléchargeant d'abord, vérifiées, quand aucun répertoire de données"
          + " n'est présent), puis le sert sur http://HOST:PORT/."
    },
    footer = {"", "Voir « eduatlas COMMANDE --help » pour chaque commande."})
public final class Main implements Callable<Integer> {
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
      description = "Fichier de l'entrepôt DuckDB (défaut : ${DEFAULT-VALUE}).")
  Path warehouse;

  @Option(
      names = "--host",
      defaultValue = "127.0.0.1",
      description = "Adresse d'écoute (défaut : ${DEFAULT-VALUE}).")
  String host;

  @Option(
      names = "--port",
      defaultValue = "8080",
      description = "Port d'écoute (défaut : ${DEFAULT-VALUE}).")
  int port;

  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
  }

  /** The command line with its subcommands, as {@link #main} runs it (for tests). */
  public static CommandLine commandLine() {
    return new CommandLine(new Main()).setCaseInsensitiveEnumValuesAllowed(true);
  }

  @Override
  public Integer call() {
    if (!Files.exists(warehouse)) {
      System.err.println("Aucun entrepôt à " + warehouse + " : ingestion des données.");
      Path dataDir = data;
      if (!hasDataDirectory()) {
        // A fresh machine: no data beside the checkout. Fetch it, checked, and ingest that.
        dataDir = DataDirectory.fetchTarget(data);
        int rc = FetchCommand.run(dataDir, null, Set.of(), System.err);
        if (rc != 0) {
          System.err.println(
              "Sans accès aux éditeurs, indiquez des données déjà présentes : --data DIR, la"
                  + " variable "
                  + DataDirectory.ENV
                  + " ou "
                  + DataDirectory.DEFAULT
                  + " (voir le README).");
          return rc;
        }
      }
      int rc =
          IngestCommand.run(
              dataDir,
              warehouse,
              null,
              false,
              Ingest.Simulation.defaults(Path.of(IngestCommand.DEFAULT_SIMULATED)),
              List.of(),
              true);
      if (rc != 0) {
        return rc;
      }
    }
    return ServeCommand.run(warehouse, host, port, data);
  }

  /** Whether a data directory resolves, other than a download still to be completed. */
  private boolean hasDataDirectory() {
    try {
      Path dir = DataDirectory.resolve(data);
      Path fetched = Path.of("").toAbsolutePath().resolve(DataDirectory.FETCHED).normalize();
      // var/data is written by fetch: a run interrupted half-way must be resumed, not ingested.
      return !dir.equals(fetched) || Files.isRegularFile(dir.resolve(FetchCommand.COMPLETE));
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  /** The version from the jar's manifest, or "dev" when run from classes. */
  public static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = Main.class.getPackage().getImplementationVersion();
      return new String[] {"EduAtlas " + (v == null ? "dev" : v)};
    }
  }
}
