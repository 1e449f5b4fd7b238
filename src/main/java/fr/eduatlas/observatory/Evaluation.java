package fr.eduatlas.observatory;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The difference-in-differences estimator of a programme's effect on one outcome, over a panel of
 * départements (docs/EVALUATION.md). Pure computation: the panel and the covariates come from the
 * caller, so tests can give panels with a known effect.
 *
 * <p>Each treated département is compared with its {@code k} nearest untreated départements on
 * standardised pre-programme covariates (matching with replacement). Its effect is the change of
 * its outcome between the years before its wave's first school year and the years from it on, less
 * the same change averaged over its matches; the programme's effect (ATT) is the mean over treated
 * départements. The 95 % interval is a percentile bootstrap over treated départements (each drawn
 * with its matches), with a fixed seed. Event time: the same contrast year by year against the year
 * before the first school year. Placebo: the estimator on the years before the programme only, with
 * a date moved one year earlier.
 */
public final class Evaluation {
  private Evaluation() {}

  /** Bootstrap draws. */
  public static final int DRAWS = 999;

  /**
   * The inputs.
   *
   * @param values outcome per unit, then per year (missing years absent)
   * @param firstYear treated units and the first school year (by its end) of their programme
   * @param covariates per unit, the pre-programme covariates (same length for every unit)
   * @param k matches per treated unit
   * @param seed the bootstrap's seed
   */
  public record Panel(
      Map<String, Map<Integer, Double>> values,
      Map<String, Integer> firstYear,
      Map<String, double[]> covariates,
      int k,
      long seed) {}

  /** An estimate with its 95 % interval and the units behind it. */
  public record Estimate(Double value, Double low, Double high, Double se, int treated) {
    static final Estimate NONE = new Estimate(null, null, null, null, 0);

    /** Whether the interval holds {@code x}. */
    public boolean covers(double x) {
      return low != null && high != null && low <= x && x <= high;
    }
  }

  /** The estimate at one event time (years since the first school year; -1 is the reference). */
  public record EventPoint(int eventTime, Estimate estimate) {}

  /** The result: the ATT, the event-time profile, the placebo, and each treated unit's matches. */
  public record Result(
      Estimate att,
      List<EventPoint> eventTime,
      Estimate placebo,
      Map<String, List<String>> matches) {}

  /** Runs the estimator. */
  public static Result estimate(Panel p) {
    Map<String, List<String>> matches = match(p);
    var treated = new ArrayList<>(matches.keySet());
    // Per treated unit: its own contrast for the ATT, the placebo and each event time.
    var att = new LinkedHashMap<String, Double>();
    var placebo = new LinkedHashMap<String, Double>();
    var events = new TreeMap<Integer, Map<String, Double>>();
    for (String d : treated) {
      int f = p.firstYear().get(d);
      Double a = contrast(p, d, matches.get(d), y -> y < f, y -> y >= f);
      if (a != null) {
        att.put(d, a);
      }
      Double pl = contrast(p, d, matches.get(d), y -> y < f - 1, y -> y == f - 1);
      if (pl != null) {
        placebo.put(d, pl);
      }
      for (int y : p.values().getOrDefault(d, Map.of()).keySet()) {
        int e = y - f;
        if (e == -1) {
          continue;
        }
        Double c = contrast(p, d, matches.get(d), x -> x == f - 1, x -> x == y);
        if (c != null) {
          events.computeIfAbsent(e, x -> new LinkedHashMap<>()).put(d, c);
        }
      }
    }
    var profile = new ArrayList<EventPoint>();
    for (var e : events.entrySet()) {
      profile.add(new EventPoint(e.getKey(), boot(e.getValue(), p.seed() + e.getKey())));
    }
    profile.add(new EventPoint(-1, new Estimate(0.0, 0.0, 0.0, 0.0, treated.size())));
    profile.sort(java.util.Comparator.comparingInt(EventPoint::eventTime));
    return new Result(boot(att, p.seed()), profile, boot(placebo, p.seed() + 7919), matches);
  }

  /**
   * A treated unit's change from the {@code pre} years to the {@code post} years, less its matches'
   * mean change over the same years; null when a side has no year.
   */
  private static Double contrast(
      Panel p,
      String d,
      List<String> controls,
      java.util.function.IntPredicate pre,
      java.util.function.IntPredicate post) {
    Double own = change(p.values().get(d), pre, post, null);
    if (own == null) {
      return null;
    }
    double sum = 0;
    int n = 0;
    var years = p.values().get(d).keySet();
    for (String c : controls) {
      Double ch = change(p.values().get(c), pre, post, years);
      if (ch != null) {
        sum += ch;
        n++;
      }
    }
    return n == 0 ? null : own - sum / n;
  }

  /** Mean over the post years less mean over the pre years (within {@code only} if given). */
  private static Double change(
      Map<Integer, Double> v,
      java.util.function.IntPredicate pre,
      java.util.function.IntPredicate post,
      java.util.Set<Integer> only) {
    if (v == null) {
      return null;
    }
    double a = 0;
    double b = 0;
    int na = 0;
    int nb = 0;
    for (var e : v.entrySet()) {
      if (e.getValue() == null || (only != null && !only.contains(e.getKey()))) {
        continue;
      }
      if (pre.test(e.getKey())) {
        a += e.getValue();
        na++;
      } else if (post.test(e.getKey())) {
        b += e.getValue();
        nb++;
      }
    }
    return na == 0 || nb == 0 ? null : b / nb - a / na;
  }

  /** The mean of per-unit effects with a percentile bootstrap over units. */
  private static Estimate boot(Map<String, Double> perUnit, long seed) {
    int n = perUnit.size();
    if (n == 0) {
      return Estimate.NONE;
    }
    double[] x = perUnit.values().stream().mapToDouble(Double::doubleValue).toArray();
    double mean = Arrays.stream(x).average().orElseThrow();
    if (n == 1) {
      return new Estimate(mean, null, null, null, 1);
    }
    var rng = new SplittableRandom(seed);
    double[] draws = new double[DRAWS];
    for (int b = 0; b < DRAWS; b++) {
      double s = 0;
      for (int i = 0; i < n; i++) {
        s += x[rng.nextInt(n)];
      }
      draws[b] = s / n;
    }
    Arrays.sort(draws);
    double m = Arrays.stream(draws).average().orElseThrow();
    double var = Arrays.stream(draws).map(d -> (d - m) * (d - m)).sum() / (DRAWS - 1);
    return new Estimate(
        mean,
        draws[(int) Math.floor(0.025 * (DRAWS + 1)) - 1],
        draws[(int) Math.ceil(0.975 * (DRAWS + 1)) - 1],
        Math.sqrt(var),
        n);
  }

  /**
   * Each treated unit's {@code k} nearest untreated units by Euclidean distance on covariates
   * standardised over all units (ties by code); units without covariates are left out.
   */
  static Map<String, List<String>> match(Panel p) {
    var units = new TreeSet<>(p.covariates().keySet());
    int dims = units.isEmpty() ? 0 : p.covariates().get(units.first()).length;
    double[] mean = new double[dims];
    double[] sd = new double[dims];
    for (String u : units) {
      for (int j = 0; j < dims; j++) {
        mean[j] += p.covariates().get(u)[j] / units.size();
      }
    }
    for (String u : units) {
      for (int j = 0; j < dims; j++) {
        double d = p.covariates().get(u)[j] - mean[j];
        sd[j] += d * d / Math.max(1, units.size() - 1);
      }
    }
    for (int j = 0; j < dims; j++) {
      sd[j] = sd[j] > 0 ? Math.sqrt(sd[j]) : 1;
    }
    var out = new LinkedHashMap<String, List<String>>();
    for (String t : units) {
      if (!p.firstYear().containsKey(t)) {
        continue;
      }
      double[] a = p.covariates().get(t);
      var pool = new ArrayList<String>();
      for (String c : units) {
        if (!p.firstYear().containsKey(c)) {
          pool.add(c);
        }
      }
      pool.sort(
          java.util.Comparator.comparingDouble(
                  (String c) -> {
                    double[] b = p.covariates().get(c);
                    double s = 0;
                    for (int j = 0; j < dims; j++) {
                      double z = (a[j] - b[j]) / sd[j];
                      s += z * z;
                    }
                    return s;
                  })
              .thenComparing(c -> c));
      out.put(t, List.copyOf(pool.subList(0, Math.min(p.k(), pool.size()))));
    }
    return out;
  }
}
