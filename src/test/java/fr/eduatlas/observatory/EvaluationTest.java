package fr.eduatlas.observatory;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The estimator on synthetic panels whose effect is known: 90 départements with their own level and
 * a common trend, 12 treated in two waves (2021 and 2023), an effect from each one's first year on,
 * and noise. The interval must hold the injected effect, and 0 when none is injected, in nearly
 * every panel (a 95 % interval may miss now and then); the placebo must hold 0.
 */
class EvaluationTest {
  static Evaluation.Panel panel(long seed, double effect, double trendGap) {
    var rnd = new Random(seed);
    var values = new HashMap<String, Map<Integer, Double>>();
    var first = new HashMap<String, Integer>();
    var cov = new HashMap<String, double[]>();
    for (int d = 0; d < 90; d++) {
      String code = String.format("%02d", d + 1);
      double level = 40 + 20 * rnd.nextGaussian();
      double rural = rnd.nextDouble();
      Integer f = d < 2 ? Integer.valueOf(2021) : d < 12 ? Integer.valueOf(2023) : null;
      if (f != null) {
        first.put(code, f);
      }
      var v = new HashMap<Integer, Double>();
      for (int y = 2019; y <= 2025; y++) {
        double x = level + 3 * (y - 2019) + 4 * rural * (y - 2019) * trendGap + rnd.nextGaussian();
        if (f != null && y >= f) {
          x += effect;
        }
        v.put(y, x);
      }
      values.put(code, v);
      cov.put(code, new double[] {rural, level + rnd.nextGaussian()});
    }
    return new Evaluation.Panel(values, first, cov, 3, 42);
  }

  @Test
  void theInjectedEffectIsFoundAndNoneWhenThereIsNone() {
    int covered = 0;
    int coveredZero = 0;
    int placeboZero = 0;
    for (long seed = 1; seed <= 40; seed++) {
      var r = Evaluation.estimate(panel(seed, 5, 0));
      assertThat(r.att().treated()).isEqualTo(12);
      assertThat(r.att().value()).isCloseTo(5, org.assertj.core.data.Offset.offset(1.5));
      covered += r.att().covers(5) ? 1 : 0;
      var none = Evaluation.estimate(panel(seed, 0, 0));
      coveredZero += none.att().covers(0) ? 1 : 0;
      placeboZero += r.placebo().covers(0) ? 1 : 0;
      // The interval is informative: it excludes 0 when the effect is 5.
      assertThat(r.att().covers(0)).as("seed %d", seed).isFalse();
    }
    assertThat(covered).as("intervals holding the effect, of 40").isGreaterThanOrEqualTo(34);
    assertThat(coveredZero)
        .as("intervals holding 0 without effect, of 40")
        .isGreaterThanOrEqualTo(34);
    assertThat(placeboZero).as("placebo intervals holding 0, of 40").isGreaterThanOrEqualTo(34);
  }

  @Test
  void theEventProfileIsFlatBeforeAndStepsAtTheFirstYear() {
    var r = Evaluation.estimate(panel(3, 5, 0));
    for (var e : r.eventTime()) {
      if (e.eventTime() == -1) {
        continue;
      }
      // Late event times rest on the two pilots only: judged against their own spread.
      double expected = e.eventTime() < -1 ? 0 : 5;
      var x = e.estimate();
      assertThat(Math.abs(x.value() - expected))
          .as("event time %d: %s", e.eventTime(), x)
          .isLessThanOrEqualTo(4 * (x.se() == null ? 1 : x.se()) + 0.5);
    }
    // Where all twelve are behind it (the first year), the step is sharp.
    var first = r.eventTime().stream().filter(e -> e.eventTime() == 0).findFirst().orElseThrow();
    assertThat(first.estimate().treated()).isEqualTo(12);
    assertThat(first.estimate().value()).isCloseTo(5, org.assertj.core.data.Offset.offset(1.5));
    assertThat(r.eventTime()).anyMatch(e -> e.eventTime() == -1 && e.estimate().value() == 0.0);
  }

  @Test
  void matchingTakesTheNearestUntreatedOnStandardisedCovariates() {
    var values = new HashMap<String, Map<Integer, Double>>();
    var cov = new HashMap<String, double[]>();
    cov.put("T", new double[] {0, 0});
    cov.put("A", new double[] {0.1, 0});
    cov.put("B", new double[] {0, 5});
    cov.put("C", new double[] {3, 3});
    cov.put("D", new double[] {0.2, 0.1});
    for (String u : cov.keySet()) {
      values.put(u, Map.of(2020, 1.0, 2021, 2.0));
    }
    var m = Evaluation.match(new Evaluation.Panel(values, Map.of("T", 2021), cov, 2, 1));
    assertThat(m).containsOnlyKeys("T");
    assertThat(m.get("T")).containsExactly("A", "D");
  }
}
