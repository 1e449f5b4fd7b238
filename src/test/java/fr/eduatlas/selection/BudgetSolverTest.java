package fr.eduatlas.selection;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The budgeted optimiser against exhaustive search: random small instances (up to 14 items, a
 * random nested quota tree, retained items, a budget), every subset enumerated, the solver's list
 * checked feasible and its objective equal to the best one; the same for the ratio objective; and
 * infeasible instances reported as such.
 */
class BudgetSolverTest {
  private static final int U = QuotaTree.UNBOUNDED;

  /** A random instance: node 0 the root, nodes 1..r régions, then départements under them. */
  private static BudgetSolver.Problem random(Random rnd, boolean ratio) {
    int n = 4 + rnd.nextInt(11);
    int regions = 1 + rnd.nextInt(3);
    int deps = 1 + rnd.nextInt(4);
    int nodes = 1 + regions + deps;
    int[] parent = new int[nodes];
    parent[0] = -1;
    for (int v = 1; v <= regions; v++) {
      parent[v] = 0;
    }
    for (int v = regions + 1; v < nodes; v++) {
      parent[v] = 1 + rnd.nextInt(regions);
    }
    int[] min = new int[nodes];
    int[] max = new int[nodes];
    java.util.Arrays.fill(max, U);
    for (int v = 1; v < nodes; v++) {
      if (rnd.nextInt(3) == 0) {
        min[v] = rnd.nextInt(3);
      }
      if (rnd.nextInt(3) == 0) {
        max[v] = min[v] + rnd.nextInt(3);
      }
    }
    long[] value = new long[n];
    long[] pupils = new long[n];
    long[] cost = new long[n];
    int[] leaf = new int[n];
    boolean[] forced = new boolean[n];
    long total = 0;
    for (int i = 0; i < n; i++) {
      value[i] = rnd.nextInt(1000);
      pupils[i] = rnd.nextInt(5) == 0 ? 0 : 1 + rnd.nextInt(300);
      // Costs in cents, in the model's steps (ways + digital spaces), sometimes nothing to pay.
      cost[i] = pupils[i] == 0 ? 0 : (1 + rnd.nextInt(4)) * (250_000L + rnd.nextInt(4) * 50_000L);
      total += cost[i];
      leaf[i] = rnd.nextInt(nodes);
      forced[i] = rnd.nextInt(12) == 0;
    }
    int countMax = 1 + rnd.nextInt(Math.min(n, 6));
    int countMin = rnd.nextBoolean() ? countMax : 1 + rnd.nextInt(countMax);
    long budget = (long) (total * (0.1 + 0.6 * rnd.nextDouble()));
    return new BudgetSolver.Problem(
        value, pupils, cost, leaf, parent, min, max, countMin, countMax, forced, null, budget,
        ratio, 10, null);
  }

  private static boolean feasible(BudgetSolver.Problem p, int mask) {
    int n = p.value().length;
    int nodes = p.parent().length;
    int[] count = new int[nodes];
    long cost = 0;
    int k = 0;
    for (int i = 0; i < n; i++) {
      boolean in = (mask >> i & 1) == 1;
      if (p.forced()[i] && !in) {
        return false;
      }
      if (in) {
        k++;
        cost += p.cost()[i];
        for (int v = p.leaf()[i]; v >= 0; v = p.parent()[v]) {
          count[v]++;
        }
      }
    }
    if (k < p.countMin() || k > p.countMax() || cost > p.budget()) {
      return false;
    }
    for (int v = 1; v < nodes; v++) {
      if (count[v] < p.min()[v] || count[v] > p.max()[v]) {
        return false;
      }
    }
    return true;
  }

  private static int mask(int[] taken) {
    int m = 0;
    for (int i : taken) {
      m |= 1 << i;
    }
    return m;
  }

  private static double objective(BudgetSolver.Problem p, int mask) {
    List<Integer> idx = new ArrayList<>();
    for (int i = 0; i < p.value().length; i++) {
      if ((mask >> i & 1) == 1) {
        idx.add(i);
      }
    }
    int[] t = idx.stream().mapToInt(Integer::intValue).toArray();
    if (p.ratio()) {
      return BudgetSolver.ratio(p, t);
    }
    long s = 0;
    for (int i : t) {
      s += p.value()[i];
    }
    return s;
  }

  /** The best objective over every subset, or NaN if none is feasible. */
  private static double exhaustive(BudgetSolver.Problem p) {
    double best = Double.NaN;
    for (int mask = 0; mask < 1 << p.value().length; mask++) {
      if (feasible(p, mask)) {
        double o = objective(p, mask);
        if (Double.isNaN(best) || o > best) {
          best = o;
        }
      }
    }
    return best;
  }

  private void check(boolean ratio, long seed) {
    var rnd = new Random(seed);
    int feasibleSeen = 0;
    int infeasibleSeen = 0;
    for (int k = 0; k < 300; k++) {
      var p = random(rnd, ratio);
      double best = exhaustive(p);
      var r = BudgetSolver.solve(p);
      if (Double.isNaN(best)) {
        infeasibleSeen++;
        assertThat(r.status()).as("instance %d", k).isEqualTo("infaisable");
        assertThat(r.taken()).isEmpty();
        continue;
      }
      feasibleSeen++;
      assertThat(r.status()).as("instance %d", k).isEqualTo(BudgetSolver.OPTIMAL);
      assertThat(feasible(p, mask(r.taken()))).as("instance %d: list feasible", k).isTrue();
      assertThat(objective(p, mask(r.taken())))
          .as("instance %d: optimum", k)
          .isCloseTo(best, org.assertj.core.data.Offset.offset(1e-9 * Math.max(1, best)));
      assertThat(r.objective())
          .isCloseTo(best, org.assertj.core.data.Offset.offset(1e-6 * Math.max(1, best)));
      assertThat(r.gap()).isZero();
    }
    // The generator must exercise both outcomes, or the test proves less than it says.
    assertThat(feasibleSeen).isGreaterThan(100);
    assertThat(infeasibleSeen).isGreaterThan(5);
  }

  @Test
  void theSumOfScoresIsTheBestOfEverySubset() {
    check(false, 7);
  }

  @Test
  void pupilsPerEuroIsTheBestRatioOfEverySubset() {
    check(true, 11);
  }

  @Test
  void aBudgetPushesACostlyBestCommuneOutForTwoCheaperOnes() {
    // Root only; count 2. Item 0 is the best but costs the whole budget.
    int[] parent = {-1};
    var p =
        new BudgetSolver.Problem(
            new long[] {100, 60, 55, 10},
            new long[] {50, 40, 30, 5},
            new long[] {1_000_000, 400_000, 500_000, 100_000},
            new int[] {0, 0, 0, 0},
            parent,
            new int[] {0},
            new int[] {U},
            2,
            2,
            new boolean[4],
            null,
            1_000_000,
            false,
            10,
            null);
    var r = BudgetSolver.solve(p);
    assertThat(r.taken()).containsExactly(1, 2);
    assertThat(r.objective()).isEqualTo(115);
    // Per euro: item 3 (5 pupils for 1,000 €) and item 1 (40 for 4,000 €): 45 / 5,000 €.
    var q =
        new BudgetSolver.Problem(
            p.value(),
            p.pupils(),
            p.cost(),
            p.leaf(),
            parent,
            p.min(),
            p.max(),
            2,
            2,
            p.forced(),
            null,
            p.budget(),
            true,
            10,
            null);
    var s = BudgetSolver.solve(q);
    assertThat(s.taken()).containsExactly(1, 3);
    assertThat(s.objective()).isCloseTo(45 / 5000.0, org.assertj.core.data.Offset.offset(1e-12));
  }
}
