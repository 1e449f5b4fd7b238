package fr.eduatlas.it;

import static org.assertj.core.api.Assertions.assertThat;

import fr.eduatlas.indicator.Catalog;
import fr.eduatlas.ingest.Ingest;
import fr.eduatlas.observatory.Observatory;
import fr.eduatlas.observatory.ProgrammeEvaluation;
import fr.eduatlas.simulation.Simulator;
import fr.eduatlas.source.SourceManifest;
import fr.eduatlas.territory.Programmes;
import fr.eduatlas.testing.Fixtures;
import fr.eduatlas.testing.RealWarehouse;
import fr.eduatlas.testing.WarehouseQuery;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The programme's evaluation against its ground truth, on the real data: the simulator's TNE effect
 * is a parameter, so the same simulation is ingested twice, with the calibrated effect (the served
 * warehouse) and with none. The true effect on the treated is then known exactly: the difference
 * between the two worlds in the TNE départements after their first year. The estimator, run on the
 * first world, must hold it in its interval for the usage levers (additive effects, common trends),
 * and run on the second must find none; its placebo must be null in both. What it does on the
 * equipment levers (multiplicative trends) is reported, not asserted.
 */
class EvaluationRealIT {
  @TempDir static Path tmp;
  static ProgrammeEvaluation withEffect;
  static ProgrammeEvaluation without;
  static Map<String, Map<String, Map<Integer, Double>>> valuesWith = new HashMap<>();
  static Map<String, Map<String, Map<Integer, Double>>> valuesWithout = new HashMap<>();

  @BeforeAll
  static void evaluate() throws Exception {
    Path none = tmp.resolve("sans-effet.duckdb");
    new Ingest(SourceManifest.bundled(), new PrintStream(OutputStream.nullOutputStream()))
        .run(
            new Ingest.Options(
                Fixtures.realData(),
                none,
                false,
                new Ingest.Simulation(
                    tmp.resolve("simulated"),
                    new Simulator.Config(Simulator.DEFAULT_SEED, 2019, 2025, 0.05, 1, 0)),
                List.of()));
    withEffect = evaluate(RealWarehouse.get(), valuesWith);
    without = evaluate(none, valuesWithout);
  }

  static ProgrammeEvaluation evaluate(
      Path warehouse, Map<String, Map<String, Map<Integer, Double>>> values) throws Exception {
    var catalog =
        Catalog.load(
            SourceManifest.bundled().entries().stream()
                .map(fr.eduatlas.source.SourceEntry::id)
                .collect(java.util.stream.Collectors.toSet()));
    try (var q = WarehouseQuery.open(warehouse)) {
      var e = new Observatory(catalog).evaluation(q.connection(), "tne", 3);
      for (var o : e.outcomes()) {
        var v = new TreeMap<String, Map<Integer, Double>>();
        try (var ps =
            q.connection()
                .prepareStatement(
                    "SELECT code, period, value FROM indicator_value WHERE indicator_id = ? AND"
                        + " level = 'departement' AND value IS NOT NULL")) {
          ps.setString(1, o.indicator());
          try (var rs = ps.executeQuery()) {
            while (rs.next()) {
              v.computeIfAbsent(rs.getString(1), k -> new TreeMap<>())
                  .put(Integer.parseInt(rs.getString(2)), rs.getDouble(3));
            }
          }
        }
        values.put(o.indicator(), v);
      }
      return e;
    }
  }

  /** The true effect: mean over treated départements of their mean post-period difference. */
  static double truth(String indicator, java.util.Set<String> treated) {
    double sum = 0;
    int n = 0;
    for (String d : treated) {
      int f = Programmes.TNE_START.get(d);
      var a = valuesWith.get(indicator).get(d);
      var b = valuesWithout.get(indicator).get(d);
      double s = 0;
      int m = 0;
      for (var y : a.keySet()) {
        if (y >= f && b.containsKey(y)) {
          s += a.get(y) - b.get(y);
          m++;
        }
      }
      if (m > 0) {
        sum += s / m;
        n++;
      }
    }
    return sum / n;
  }

  @Test
  void theComparableDepartementsOfTheMonitoringAreTheEvaluationsMatches() throws Exception {
    var o =
        withEffect.outcomes().stream()
            .filter(x -> x.indicator().equals("enseignants-formes"))
            .findFirst()
            .orElseThrow();
    var matched = new java.util.TreeSet<String>();
    o.result().matches().values().forEach(matched::addAll);
    assertThat(matched).hasSizeGreaterThan(10).noneMatch(Programmes::isTne);
    var catalog =
        Catalog.load(
            SourceManifest.bundled().entries().stream()
                .map(fr.eduatlas.source.SourceEntry::id)
                .collect(java.util.stream.Collectors.toSet()));
    try (var q = WarehouseQuery.open(RealWarehouse.get())) {
      var m =
          new Observatory(catalog)
              .monitoring(q.connection(), "tne", Map.of("enseignants-formes", matched));
      var points =
          m.levers().stream()
              .flatMap(l -> l.indicators().stream())
              .filter(x -> x.indicator().equals("enseignants-formes"))
              .findFirst()
              .orElseThrow()
              .points();
      assertThat(points).hasSize(7);
      for (var p : points) {
        String where =
            " FROM indicator_value WHERE indicator_id = 'enseignants-formes' AND level ="
                + " 'departement' AND status <> 'secret' AND numerator IS NOT NULL AND period = '"
                + p.period()
                + "' AND code IN ("
                + String.join(", ", matched.stream().map(d -> "'" + d + "'").toList())
                + ")";
        double expected =
            Double.parseDouble(
                q.string(
                    "SELECT CAST(sum(numerator) / sum(denominator) * 100 AS VARCHAR)" + where));
        assertThat(p.comparable().value())
            .as(p.period())
            .isCloseTo(expected, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(p.comparable().territories()).isEqualTo(matched.size());
      }
    }
  }

  @Test
  void theEstimatorFindsTheInjectedEffectAndNoneWithout() {
    assertThat(withEffect.simulated()).isTrue();
    int injected = 0;
    for (var o : withEffect.outcomes()) {
      var r = o.result();
      double truth = truth(o.indicator(), r.matches().keySet());
      var zero =
          without.outcomes().stream()
              .filter(x -> x.indicator().equals(o.indicator()))
              .findFirst()
              .orElseThrow()
              .result();
      // Before the programme both worlds are one: the same matches.
      assertThat(zero.matches()).isEqualTo(r.matches());
      System.out.printf(
          java.util.Locale.ROOT,
          "%s: truth %.3f, estimate %.3f [%.3f, %.3f], without effect %.3f [%.3f, %.3f], placebo"
              + " %.3f [%.3f, %.3f]%n",
          o.indicator(),
          truth,
          r.att().value(),
          r.att().low(),
          r.att().high(),
          zero.att().value(),
          zero.att().low(),
          zero.att().high(),
          r.placebo().value(),
          r.placebo().low(),
          r.placebo().high());
      assertThat(r.att().covers(truth)).as(o.indicator() + " holds the truth " + truth).isTrue();
      if (Math.abs(truth) > 0.1) {
        assertThat(r.att().covers(0)).as(o.indicator() + " excludes 0").isFalse();
        injected++;
      }
      assertThat(zero.att().covers(0)).as(o.indicator() + " without effect holds 0").isTrue();
      assertThat(r.placebo().covers(0)).as(o.indicator() + " placebo holds 0").isTrue();
      assertThat(zero.placebo().covers(0)).as(o.indicator() + " placebo without effect").isTrue();
    }
    // Every lever outcome but the ENT (no TNE term in the simulation) carries an effect.
    assertThat(injected).isEqualTo(withEffect.outcomes().size() - 1);
    assertThat(withEffect.outcomes().get(0).result().att().treated()).isEqualTo(12);
  }
}
