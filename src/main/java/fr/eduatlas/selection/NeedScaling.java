package fr.eduatlas.selection;

import java.util.Arrays;
import java.util.List;

/** The scaling of each criterion's raw value into a need in [0, 1] over the eligible communes. */
final class NeedScaling {
  private static final int C = Criterion.values().length;

  private NeedScaling() {}

  /**
   * Each criterion's need, scaled to [0, 1] over the eligible communes: by percentile rank (ties
   * share their mean rank) or by min-max. A missing value takes the median of the others' scaled
   * values, flagged as imputed; a criterion equal everywhere scales to 0.5. Fills {@code norm} and
   * {@code imputed} (eligible × criteria).
   */
  static void normalise(
      List<CommuneNeeds> communes,
      int[] eligible,
      Criteria.Normalisation normalisation,
      double[] norm,
      boolean[] imputed) {
    int m = eligible.length;
    for (Criterion k : Criterion.values()) {
      int c = k.ordinal();
      double[] need = new double[m];
      int known = 0;
      for (int e = 0; e < m; e++) {
        double raw = communes.get(eligible[e]).raw(k);
        need[e] = Double.isNaN(raw) ? Double.NaN : (k.higherIsNeed() ? raw : -raw);
        if (!Double.isNaN(raw)) {
          known++;
        }
      }
      double[] sorted = new double[known];
      int j = 0;
      for (double v : need) {
        if (!Double.isNaN(v)) {
          sorted[j++] = v;
        }
      }
      Arrays.sort(sorted);
      double[] scaled = new double[m];
      for (int e = 0; e < m; e++) {
        double v = need[e];
        if (Double.isNaN(v)) {
          continue;
        }
        if (known < 2 || sorted[0] == sorted[known - 1]) {
          scaled[e] = 0.5;
        } else if (normalisation == Criteria.Normalisation.MINMAX) {
          scaled[e] = (v - sorted[0]) / (sorted[known - 1] - sorted[0]);
        } else {
          int below = lowerBound(sorted, v);
          int upTo = upperBound(sorted, v);
          scaled[e] = ((below + upTo - 1) / 2.0) / (known - 1);
        }
      }
      double median = 0.5;
      if (known > 0) {
        double[] s = new double[known];
        j = 0;
        for (int e = 0; e < m; e++) {
          if (!Double.isNaN(need[e])) {
            s[j++] = scaled[e];
          }
        }
        Arrays.sort(s);
        median = known % 2 == 1 ? s[known / 2] : (s[known / 2 - 1] + s[known / 2]) / 2;
      }
      for (int e = 0; e < m; e++) {
        boolean missing = Double.isNaN(need[e]);
        norm[e * C + c] = missing ? median : scaled[e];
        imputed[e * C + c] = missing;
      }
    }
  }

  private static int lowerBound(double[] a, double v) {
    int lo = 0;
    int hi = a.length;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (a[mid] < v) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo;
  }

  private static int upperBound(double[] a, double v) {
    int lo = 0;
    int hi = a.length;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (a[mid] <= v) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo;
  }
}
