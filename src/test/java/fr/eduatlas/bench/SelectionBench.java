package fr.eduatlas.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import fr.eduatlas.selection.CriteriaSchema;
import fr.eduatlas.selection.NeedsQuery;
import fr.eduatlas.selection.SelectionRun;
import fr.eduatlas.warehouse.WarehouseStats;
import java.sql.Connection;
import java.sql.DriverManager;
import java.util.Arrays;
import java.util.Locale;
import java.util.Properties;

/**
 * The selection benchmark (run by {@code bench/selection.sh}; method in docs/BENCHMARKS.md): a
 * selection over all rural communes with a school, with its 1,000-run sensitivity, then the default
 * criteria; each timed cold (first in the JVM) and warm (median of the next runs), split into
 * reading the facts from the warehouse and computing (eligibility, scores, the optimisation, 1,000
 * perturbed optimisations, explanations).
 *
 * <p>Usage: {@code java -cp eduatlas.jar fr.eduatlas.bench.SelectionBench WAREHOUSE [RUNS]}.
 */
public final class SelectionBench {
  private SelectionBench() {}

  static final String ALL_RURAL =
      "{\"eligibility\": {\"densityLevels\": [5, 6, 7], \"maxPopulation\": null,"
          + " \"minSchools\": 1}, \"quotas\": [{\"level\": \"departement\", \"code\": \"*\","
          + " \"max\": 2}], \"sensitivity\": {\"runs\": 1000}}";
  static final String DEFAULTS = "{}";

  /** The national shortlist under a budget, alone (no sensitivity runs): the solver's time. */
  static final String ALL_RURAL_BUDGET =
      "{\"eligibility\": {\"maxPopulation\": null}, \"count\": 50, \"countMin\": 30,"
          + " \"budget\": 600000, \"quotas\": [{\"level\": \"departement\", \"code\": \"*\","
          + " \"max\": 2}], \"sensitivity\": {\"runs\": 0}}";

  /** The same, maximising pupils reached per euro. */
  static final String ALL_RURAL_RATIO =
      ALL_RURAL_BUDGET.replace("\"countMin\"", "\"objective\": \"pupilsPerEuro\", \"countMin\"");

  /** The same budget with its 100 perturbed solves. */
  static final String ALL_RURAL_BUDGET_SENSITIVITY =
      ALL_RURAL_BUDGET.replace("\"runs\": 0", "\"runs\": 100");

  public static void main(String[] args) throws Exception {
    int repeats = args.length > 1 ? Integer.parseInt(args[1]) : 10;
    var p = new Properties();
    p.setProperty("duckdb.read_only", "true");
    try (Connection c = DriverManager.getConnection("jdbc:duckdb:" + args[0], p)) {
      String version = WarehouseStats.meta(c).get("data_version");
      System.out.println(
          "case\tpass\teligible\tselected\tread_ms\tcompute_ms\ttotal_ms\tmean_overlap"
              + "\tstatus\tgap\tsolver_s\tcost_eur");
      for (String[] k :
          new String[][] {
            {"all-rural", ALL_RURAL},
            {"defaults", DEFAULTS},
            {"all-rural-budget", ALL_RURAL_BUDGET},
            {"all-rural-per-euro", ALL_RURAL_RATIO},
            {"all-rural-budget-100-runs", ALL_RURAL_BUDGET_SENSITIVITY}
          }) {
        var crit = CriteriaSchema.parse(new ObjectMapper().readTree(k[1]));
        double[] read = new double[repeats + 1];
        double[] compute = new double[repeats + 1];
        for (int r = 0; r <= repeats; r++) {
          long t0 = System.nanoTime();
          var facts = NeedsQuery.load(c, crit, version);
          long t1 = System.nanoTime();
          var s = SelectionRun.compute(facts, crit).result();
          long t2 = System.nanoTime();
          read[r] = (t1 - t0) / 1e6;
          compute[r] = (t2 - t1) / 1e6;
          if (r == 0 || r == repeats) {
            System.out.printf(
                Locale.ROOT,
                "%s\t%s\t%d\t%d\t%.0f\t%.0f\t%.0f\t%s\t%s\t%s\t%.3f\t%.0f%n",
                k[0],
                r == 0 ? "cold" : "last",
                s.summary().eligible(),
                s.summary().selected(),
                read[r],
                compute[r],
                read[r] + compute[r],
                s.sensitivity().meanOverlap() == null
                    ? "-"
                    : String.format(Locale.ROOT, "%.3f", s.sensitivity().meanOverlap()),
                s.optimisation().status(),
                s.optimisation().gap(),
                s.optimisation().seconds(),
                s.optimisation().cost());
          }
        }
        double[] rw = Arrays.copyOfRange(read, 1, repeats + 1);
        double[] cw = Arrays.copyOfRange(compute, 1, repeats + 1);
        double[] tw = new double[repeats];
        for (int i = 0; i < repeats; i++) {
          tw[i] = rw[i] + cw[i];
        }
        System.out.printf(
            Locale.ROOT,
            "%s\twarm-median\t\t\t%.0f\t%.0f\t%.0f\t%n",
            k[0],
            median(rw),
            median(cw),
            median(tw));
      }
    }
  }

  private static double median(double[] a) {
    double[] s = a.clone();
    Arrays.sort(s);
    return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
  }
}
