package fr.eduatlas.selection;

import com.google.ortools.Loader;
import com.google.ortools.sat.CpModel;
import com.google.ortools.sat.CpSolver;
import com.google.ortools.sat.CpSolverStatus;
import com.google.ortools.sat.LinearExpr;
import com.google.ortools.sat.Literal;
import java.util.ArrayList;
import java.util.List;

/**
 * The exact optimiser of a selection under a budget: between {@code countMin} and {@code countMax}
 * items, every node of the quota tree within its bounds, the retained items in, and the total cost
 * within the budget. A knapsack constraint beside the quotas breaks the matroid structure that
 * makes {@link QuotaTree}'s greedy exact, so this is an integer programme, solved by Google
 * OR-Tools' CP-SAT with a time limit: the answer says whether the list is proven optimal, and
 * otherwise the gap between its value and the best bound the solver proved.
 *
 * <p>Two objectives: the sum of the items' values (the scores), or the ratio Σ pupils / Σ cost
 * (pupils reached per euro), solved exactly by Dinkelbach's method: each step maximises Σ (pᵢ·C −
 * P·cᵢ)xᵢ for the current list's ratio P/C, with integer coefficients, until no list does better
 * (the optimum of that step is then 0).
 *
 * <p>Determinism: one search worker and a fixed seed, so that a selection's id (its criteria and
 * data) always names the same list. {@code BudgetSolverTest} checks the optimum against exhaustive
 * search on random instances.
 */
public final class BudgetSolver {
  /** The status words reported, in French: proven optimal, or a feasible list and its gap. */
  public static final String OPTIMAL = "optimale";

  public static final String FEASIBLE = "realisable";

  /**
   * One problem.
   *
   * @param value each item's value for the score objective (scaled integers)
   * @param pupils each item's pupils reached, for the ratio objective
   * @param cost each item's cost, in cents
   * @param leaf each item's deepest node in the quota tree
   * @param parent each node's parent, {@code -1} for the root (node 0); parents precede children
   * @param min each node's minimum (0: none); the root's is ignored (see countMin)
   * @param max each node's maximum ({@link QuotaTree#UNBOUNDED}: none); the root's is ignored
   * @param forced items that must be in the list
   * @param barred items that may not be in the list (null: none)
   * @param budget the total cost's ceiling, in cents
   * @param ratio maximise pupils per euro instead of the sum of values
   * @param seconds the time limit of the whole solve
   * @param hint a list to start from (may be infeasible), or null
   */
  public record Problem(
      long[] value,
      long[] pupils,
      long[] cost,
      int[] leaf,
      int[] parent,
      int[] min,
      int[] max,
      int countMin,
      int countMax,
      boolean[] forced,
      boolean[] barred,
      long budget,
      boolean ratio,
      double seconds,
      int[] hint) {}

  /**
   * The answer.
   *
   * @param taken the items of the list, ascending; empty when no list meets the constraints
   * @param status {@link #OPTIMAL}, {@link #FEASIBLE} (time limit reached with a list), or {@code
   *     infaisable} / {@code inconnu} (no list proven, or none found in time)
   * @param objective the list's objective (Σ values, or pupils per euro)
   * @param bound the best bound proven on the objective (equal to it when optimal)
   * @param gap {@code (bound - objective) / max(1, |bound|)}, 0 when optimal
   * @param seconds wall time of the solve
   * @param steps solver calls (Dinkelbach steps for the ratio, else 1)
   */
  public record Result(
      int[] taken,
      String status,
      double objective,
      double bound,
      double gap,
      double seconds,
      int steps) {
    public boolean found() {
      return status.equals(OPTIMAL) || status.equals(FEASIBLE);
    }
  }

  private static volatile boolean loaded;

  private BudgetSolver() {}

  private static void load() {
    if (!loaded) {
      synchronized (BudgetSolver.class) {
        if (!loaded) {
          Loader.loadNativeLibraries();
          loaded = true;
        }
      }
    }
  }

  /** Solves the problem. */
  public static Result solve(Problem p) {
    load();
    long start = System.nanoTime();
    if (!p.ratio()) {
      Step s = step(p, p.value(), p.seconds(), p.hint());
      return new Result(
          s.taken,
          s.status,
          s.objective,
          s.found() ? Math.max(s.bound, s.objective) : s.bound,
          s.found() ? gap(s.objective, Math.max(s.bound, s.objective)) : Double.NaN,
          (System.nanoTime() - start) / 1e9,
          1);
    }
    // Dinkelbach: start from the list of most pupils; each step's optimum above 0 gives a better
    // ratio, 0 proves the current one optimal.
    int n = p.cost().length;
    Step s = step(p, p.pupils(), p.seconds(), p.hint());
    int steps = 1;
    if (!s.found()) {
      return new Result(s.taken, s.status, Double.NaN, Double.NaN, Double.NaN, elapsed(start), 1);
    }
    int[] best = s.taken;
    boolean proven = s.status.equals(OPTIMAL);
    while (true) {
      long pp = sum(p.pupils(), best);
      long cc = sum(p.cost(), best);
      if (cc == 0) {
        // Free pupils: nothing beats an unbounded ratio; the list of most pupils stands.
        break;
      }
      double left = p.seconds() - elapsed(start);
      if (left <= 0.05 || steps >= 50) {
        proven = false;
        break;
      }
      long[] coef = new long[n];
      for (int i = 0; i < n; i++) {
        coef[i] = Math.multiplyExact(p.pupils()[i], cc) - Math.multiplyExact(pp, p.cost()[i]);
      }
      Step t = step(p, coef, left, best);
      steps++;
      if (!t.found()) {
        proven = false;
        break;
      }
      if (t.objective <= 0) {
        // No list beats P/C by a positive margin; proven when that step was.
        proven &= t.status.equals(OPTIMAL);
        break;
      }
      best = t.taken;
      proven = t.status.equals(OPTIMAL);
    }
    double ratio = ratio(p, best);
    return new Result(
        best,
        proven ? OPTIMAL : FEASIBLE,
        ratio,
        proven ? ratio : Double.NaN,
        proven ? 0 : Double.NaN,
        elapsed(start),
        steps);
  }

  /** Pupils per euro of a list (costs are in cents); infinite for a free list with pupils. */
  public static double ratio(Problem p, int[] taken) {
    long c = sum(p.cost(), taken);
    long q = sum(p.pupils(), taken);
    return c == 0 ? (q == 0 ? 0 : Double.POSITIVE_INFINITY) : q / (c / 100.0);
  }

  private record Step(int[] taken, String status, double objective, double bound) {
    boolean found() {
      return status.equals(OPTIMAL) || status.equals(FEASIBLE);
    }
  }

  /** One CP-SAT call maximising Σ coef·x under the problem's constraints. */
  private static Step step(Problem p, long[] coef, double seconds, int[] hint) {
    int n = coef.length;
    var model = new CpModel();
    Literal[] x = new Literal[n];
    for (int i = 0; i < n; i++) {
      x[i] = model.newBoolVar("x" + i);
      if (p.forced()[i]) {
        model.addEquality(x[i], 1);
      } else if (p.barred() != null && p.barred()[i]) {
        model.addEquality(x[i], 0);
      }
    }
    // Items under each node: an item counts in its leaf and every ancestor.
    int nodes = p.parent().length;
    List<List<Integer>> under = new ArrayList<>();
    for (int v = 0; v < nodes; v++) {
      under.add(new ArrayList<>());
    }
    for (int i = 0; i < n; i++) {
      for (int v = p.leaf()[i]; v >= 0; v = p.parent()[v]) {
        under.get(v).add(i);
      }
    }
    model.addLinearConstraint(LinearExpr.sum(x), p.countMin(), p.countMax());
    for (int v = 1; v < nodes; v++) {
      boolean bounded = p.min()[v] > 0 || p.max()[v] < QuotaTree.UNBOUNDED;
      if (bounded) {
        var ids = under.get(v);
        Literal[] xs = new Literal[ids.size()];
        for (int k = 0; k < xs.length; k++) {
          xs[k] = x[ids.get(k)];
        }
        model.addLinearConstraint(
            LinearExpr.sum(xs), p.min()[v], Math.min(p.max()[v], QuotaTree.UNBOUNDED));
      }
    }
    model.addLessOrEqual(LinearExpr.weightedSum(x, p.cost()), p.budget());
    model.maximize(LinearExpr.weightedSum(x, coef));
    if (hint != null) {
      boolean[] in = new boolean[n];
      for (int i : hint) {
        in[i] = true;
      }
      for (int i = 0; i < n; i++) {
        model.addHint(x[i], in[i]);
      }
    }
    var solver = new CpSolver();
    solver.getParameters().setMaxTimeInSeconds(Math.max(0.01, seconds));
    solver.getParameters().setNumWorkers(1);
    solver.getParameters().setRandomSeed(1);
    CpSolverStatus st = solver.solve(model);
    if (st == CpSolverStatus.OPTIMAL || st == CpSolverStatus.FEASIBLE) {
      var taken = new ArrayList<Integer>();
      for (int i = 0; i < n; i++) {
        if (solver.booleanValue(x[i])) {
          taken.add(i);
        }
      }
      return new Step(
          taken.stream().mapToInt(Integer::intValue).toArray(),
          st == CpSolverStatus.OPTIMAL ? OPTIMAL : FEASIBLE,
          solver.objectiveValue(),
          solver.bestObjectiveBound());
    }
    return new Step(
        new int[0],
        st == CpSolverStatus.INFEASIBLE ? "infaisable" : "inconnu",
        Double.NaN,
        Double.NaN);
  }

  private static long sum(long[] a, int[] idx) {
    long s = 0;
    for (int i : idx) {
      s += a[i];
    }
    return s;
  }

  private static double gap(double objective, double bound) {
    return Math.max(0, (bound - objective) / Math.max(1, Math.abs(bound)));
  }

  private static double elapsed(long start) {
    return (System.nanoTime() - start) / 1e9;
  }
}
