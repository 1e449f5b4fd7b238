package fr.eduatlas.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import fr.eduatlas.selection.CriteriaSchema;
import fr.eduatlas.selection.InvalidCriteriaException;
import fr.eduatlas.selection.NeedsQuery;
import fr.eduatlas.selection.Selection;
import fr.eduatlas.selection.SelectionFormats;
import fr.eduatlas.selection.SelectionRun;
import fr.eduatlas.selection.UnsatisfiableException;
import fr.eduatlas.warehouse.WarehouseStats;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.util.Locale;
import java.util.Properties;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code eduatlas select}: the call-for-interest shortlist from a criteria file. */
@Command(
    name = "select",
    mixinStandardHelpOptions = true,
    description = {
      "Sélectionne les communes rurales d'un appel à manifestation d'intérêt connectivité,",
      "selon des critères JSON (schéma : /api/v1/selections/schema), et écrit la liste expliquée."
    })
public final class SelectCommand implements Callable<Integer> {
  @Option(
      names = "--warehouse",
      paramLabel = "FILE",
      defaultValue = "var/eduatlas.duckdb",
      description = "Entrepôt DuckDB (défaut : ${DEFAULT-VALUE}).")
  Path warehouse;

  @Option(
      names = "--criteria",
      paramLabel = "FILE",
      description = "Critères JSON (défaut : les critères par défaut, « {} »).")
  Path criteria;

  @Option(
      names = "--budget",
      paramLabel = "EUROS",
      description =
          "Enveloppe de l'appel en euros (remplace le champ « budget » des critères) : la liste"
              + " est alors calculée par le solveur, optimale ou avec son écart à l'optimum.")
  Double budget;

  @Option(
      names = "--objective",
      paramLabel = "OBJECTIF",
      description =
          "score, pupils ou pupilsPerEuro (remplace le champ « objective » des critères).")
  String objective;

  @Option(
      names = "--out",
      paramLabel = "FILE",
      required = true,
      description =
          "Fichier à écrire : .json, .csv (séparateur ; et virgule décimale) ou .geojson.")
  Path out;

  @Override
  public Integer call() throws Exception {
    String name = out.getFileName().toString().toLowerCase(Locale.ROOT);
    String format =
        name.endsWith(".csv")
            ? "csv"
            : name.endsWith(".geojson") ? "geojson" : name.endsWith(".json") ? "json" : null;
    if (format == null) {
      System.err.println("Erreur : --out " + out + " : extension .json, .csv ou .geojson attendue");
      return 2;
    }
    if (criteria != null && !Files.isRegularFile(criteria)) {
      System.err.println("Erreur : --criteria " + criteria + " : fichier introuvable");
      return 2;
    }
    JsonNode json;
    try {
      json =
          criteria == null
              ? new ObjectMapper().createObjectNode()
              : new ObjectMapper().readTree(Files.readAllBytes(criteria));
    } catch (java.io.IOException e) {
      System.err.println("Erreur : --criteria " + criteria + " illisible : " + e.getMessage());
      return 2;
    }
    if (!(json instanceof com.fasterxml.jackson.databind.node.ObjectNode o)) {
      System.err.println("Erreur : --criteria " + criteria + " : un objet JSON est attendu");
      return 2;
    }
    if (budget != null) {
      o.put("budget", budget);
    }
    if (objective != null) {
      o.put("objective", objective);
    }
    if (!Files.isRegularFile(warehouse)) {
      System.err.println("Erreur : aucun entrepôt à " + warehouse.toAbsolutePath());
      return 1;
    }
    var p = new Properties();
    p.setProperty("duckdb.read_only", "true");
    long t0 = System.nanoTime();
    try (Connection c = DriverManager.getConnection("jdbc:duckdb:" + warehouse, p)) {
      SelectionRun run;
      try {
        var crit = CriteriaSchema.parse(json);
        String version = WarehouseStats.meta(c).get("data_version");
        run = SelectionRun.compute(NeedsQuery.load(c, crit, version), crit);
      } catch (InvalidCriteriaException e) {
        System.err.println("Erreur : critères invalides (" + criteria + ") :");
        e.problems().forEach(x -> System.err.println("  - " + x));
        return 2;
      } catch (UnsatisfiableException e) {
        System.err.println("Erreur : " + e.getMessage());
        return 2;
      }
      Selection s = run.result();
      byte[] body =
          switch (format) {
            case "csv" -> SelectionFormats.csv(s, SelectionFormats.shortlist(s), ';', ',');
            case "geojson" -> SelectionFormats.geojson(s, c);
            default -> SelectionFormats.json(s, true);
          };
      if (out.toAbsolutePath().getParent() != null) {
        Files.createDirectories(out.toAbsolutePath().getParent());
      }
      Files.write(out, body);
      System.err.printf(
          Locale.FRANCE,
          "Sélection %s : %d communes retenues sur %,d éligibles (%,d communes), année scolaire"
              + " %s%s, en %.2f s → %s%n",
          s.id(),
          s.summary().selected(),
          s.summary().eligible(),
          s.summary().communes(),
          s.provenance().schoolYear(),
          s.provenance().simulated() ? ", données de connectivité simulées" : "",
          (System.nanoTime() - t0) / 1e9,
          out);
      var opt = s.optimisation();
      System.err.printf(
          Locale.FRANCE,
          "Optimisation : %s, liste %s%s ; coût estimé %s%s%n",
          opt.method(),
          opt.status(),
          opt.gap() != null && opt.gap() > 0
              ? String.format(Locale.FRANCE, " (écart à l'optimum %.2f %%)", 100 * opt.gap())
              : "",
          SelectionRun.euros(opt.cost() == null ? 0 : opt.cost()),
          opt.budget() == null ? "" : " pour un budget de " + SelectionRun.euros(opt.budget()));
      return 0;
    }
  }
}
