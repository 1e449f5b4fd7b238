package fr.eduatlas.selection;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The optimiser against known optima: hand-made cases where a plain top-k breaks a quota, and
 * random small trees and bounds checked against exhaustive search over every subset.
 */
class QuotaTreeTest {
  /** Items' scores best first is the order the greedy is given. */
  private static int[] order(double[] score) {
    Integer[] o = new Integer[score.length];
    for (int i = 0; i < o.length; i++) {
      o[i] = i;
    }
    Arrays.sort(
        o,
        (a, b) ->
            a.equals(b)
                ? 0
                : score[b] != score[a]
                    ? Double.compare(score[b], score[a])
                    : Integer.compare(a, b));
    return Arrays.stream(o).mapToInt(Integer::intValue).toArray();
  }

  @Test
  void aMaximumPerDepartementPushesTheFourthBestOutForTheFifth() {
    // Root 0; départements 1 and 2. Items 0-3 in département 1, item 4 in département 2.
    int[] parent = {-1, 0, 0};
    int[] min = {3, 0, 0};
    int[] max = {3, 2, QuotaTree.UNBOUNDED};
    int[] leaf = {1, 1, 1, 1, 2};
    double[] score = {0.9, 0.8, 0.7, 0.6, 0.1};
    var t = new QuotaTree(parent, min, max, leaf);
    int[] blocked = new int[5];
    int[] taken = t.run(order(score), blocked);
    assertThat(taken).containsExactly(0, 1, 4);
    assertThat(blocked[2]).as("item 2 refused by département 1's maximum").isEqualTo(1);
    assertThat(blocked[3]).isEqualTo(1);
  }

  @Test
  void aMinimumReservesPlacesForAWeakerRegion() {
    // Root 0; régions 1 and 2; items 0-2 in région 1, items 3-4 in région 2 (min 2).
    int[] parent = {-1, 0, 0};
    int[] min = {3, 0, 2};
    int[] max = {3, QuotaTree.UNBOUNDED, QuotaTree.UNBOUNDED};
    int[] leaf = {1, 1, 1, 2, 2};
    double[] score = {0.9, 0.8, 0.7, 0.2, 0.1};
    var t = new QuotaTree(parent, min, max, leaf);
    int[] blocked = new int[5];
    assertThat(t.run(order(score), blocked)).containsExactly(0, 3, 4);
    assertThat(blocked[1]).as("the root's remaining places are reserved").isEqualTo(0);
  }

  @Test
  void nestedBoundsAreHeldTogether() {
    // Root 0 > région 1 (max 3) > départements 2 (min 1) and 3; région 4 > département 5.
    int[] parent = {-1, 0, 1, 1, 0, 4};
    int[] min = {4, 0, 1, 0, 0, 0};
    int[] max = {4, 3, QuotaTree.UNBOUNDED, 1, QuotaTree.UNBOUNDED, QuotaTree.UNBOUNDED};
    int[] leaf = {3, 3, 2, 2, 2, 5, 5};
    double[] score = {1.0, 0.95, 0.5, 0.4, 0.3, 0.2, 0.1};
    var t = new QuotaTree(parent, min, max, leaf);
    // Best: 0 (dep 3, max 1), 2 and 3 (dep 2), then région 1 is full: 5.
    assertThat(t.run(order(score), null)).containsExactly(0, 2, 3, 5);
    assertThat(best(parent, min, max, leaf, score)).isEqualTo(0.0 + 1.0 + 0.5 + 0.4 + 0.2);
  }

  @Test
  void anEmptyIntervalIsFoundBeforeRunning() {
    int[] parent = {-1, 0};
    int[] min = {2, 3};
    int[] max = {2, QuotaTree.UNBOUNDED};
    var t = new QuotaTree(parent, min, max, new int[] {1, 1, 1});
    assertThat(t.infeasibleNode()).as("a minimum of 3 in a selection of 2").isEqualTo(0);
    var u =
        new QuotaTree(
            new int[] {-1, 0}, new int[] {1, 2}, new int[] {1, QuotaTree.UNBOUNDED}, new int[] {1});
    assertThat(u.infeasibleNode()).as("a minimum of 2 with one item").isEqualTo(1);
  }

  @Test
  void theGreedyMatchesExhaustiveSearchOnRandomLaminarQuotas() {
    Random r = new Random(20261123);
    int checked = 0;
    int infeasible = 0;
    for (int trial = 0; trial < 5000; trial++) {
      // A random tree: root, 1-3 régions, each with 1-2 académies, each with 1-2 départements.
      var parents = new java.util.ArrayList<Integer>();
      parents.add(-1);
      var deps = new java.util.ArrayList<Integer>();
      int regions = 1 + r.nextInt(3);
      for (int g = 0; g < regions; g++) {
        parents.add(0);
        int reg = parents.size() - 1;
        int acas = 1 + r.nextInt(2);
        for (int a = 0; a < acas; a++) {
          parents.add(reg);
          int aca = parents.size() - 1;
          int ds = 1 + r.nextInt(2);
          for (int d = 0; d < ds; d++) {
            parents.add(aca);
            deps.add(parents.size() - 1);
          }
        }
      }
      int n = 4 + r.nextInt(10);
      int[] leaf = new int[n];
      double[] score = new double[n];
      for (int i = 0; i < n; i++) {
        leaf[i] = deps.get(r.nextInt(deps.size()));
        // Coarse scores make ties frequent: the optimum value is still unique.
        score[i] = r.nextInt(6) / 5.0;
      }
      int nodes = parents.size();
      int[] parent = parents.stream().mapToInt(Integer::intValue).toArray();
      int[] min = new int[nodes];
      int[] max = new int[nodes];
      Arrays.fill(max, QuotaTree.UNBOUNDED);
      int k = 1 + r.nextInt((n + 1) / 2);
      min[0] = k;
      max[0] = k;
      for (int v = 1; v < nodes; v++) {
        if (r.nextInt(4) == 0) {
          min[v] = 1 + r.nextInt(2);
        }
        if (r.nextInt(3) == 0) {
          max[v] = min[v] + r.nextInt(3);
        }
      }
      var t = new QuotaTree(parent, min, max, leaf);
      double optimum = best(parent, min, max, leaf, score);
      if (Double.isNaN(optimum)) {
        assertThat(t.infeasibleNode()).as("trial %d infeasible", trial).isGreaterThanOrEqualTo(0);
        infeasible++;
        continue;
      }
      assertThat(t.infeasibleNode()).as("trial %d feasible", trial).isEqualTo(-1);
      int[] taken = t.run(order(score), null);
      assertThat(feasible(taken, parent, min, max, leaf)).as("trial %d", trial).isTrue();
      double total = Arrays.stream(taken).mapToDouble(i -> score[i]).sum();
      assertThat(total)
          .as("trial %d", trial)
          .isCloseTo(optimum, org.assertj.core.data.Offset.offset(1e-9));
      checked++;
    }
    assertThat(checked).as("feasible trials").isGreaterThan(1000);
    assertThat(infeasible).as("infeasible trials").isGreaterThan(100);
  }

  /** The best total over every subset that satisfies all bounds, NaN if none does. */
  private static double best(int[] parent, int[] min, int[] max, int[] leaf, double[] score) {
    int n = leaf.length;
    double best = Double.NaN;
    for (int mask = 0; mask < (1 << n); mask++) {
      int[] taken = new int[Integer.bitCount(mask)];
      int j = 0;
      double total = 0;
      for (int i = 0; i < n; i++) {
        if ((mask >> i & 1) == 1) {
          taken[j++] = i;
          total += score[i];
        }
      }
      if (feasible(taken, parent, min, max, leaf) && !(total <= best)) {
        best = total;
      }
    }
    return best;
  }

  private static boolean feasible(int[] taken, int[] parent, int[] min, int[] max, int[] leaf) {
    int[] count = new int[parent.length];
    for (int i : taken) {
      for (int v = leaf[i]; v >= 0; v = parent[v]) {
        count[v]++;
      }
    }
    for (int v = 0; v < parent.length; v++) {
      if (count[v] < min[v] || count[v] > max[v]) {
        return false;
      }
    }
    return true;
  }
}
