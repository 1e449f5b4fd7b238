package fr.eduatlas.selection;

import java.util.Arrays;

/**
 * The exact optimiser: picks {@code k} items of greatest total score such that every node of a tree
 * of territories (France, régions, académies, départements) holds between its minimum and maximum
 * number of picked items.
 *
 * <p>Why a greedy is exact here: the quota territories are nested (a laminar family), and the sets
 * of items that satisfy lower and upper bounds on a laminar family together with a fixed size are
 * the bases of a matroid (laminar bounds define a generalised polymatroid; cut by the size plank
 * its 0/1 points are matroid bases). On a matroid, taking items by decreasing score and keeping
 * each one that can still be completed into a feasible set is optimal for any scores
 * (Rado–Edmonds). The completion test is exact and local: in a tree, the numbers of items a subtree
 * can hold form an interval, {@code [max(min, Σ children's lows), min(max, Σ children's highs)]},
 * so taking or dropping an item only changes the intervals on its path to the root (four nodes).
 * {@code QuotaTreeTest} checks the result against exhaustive search on random instances.
 *
 * <p>Not thread-safe: one instance per thread ({@link #copy()}).
 */
final class QuotaTree {
  static final int UNBOUNDED = Integer.MAX_VALUE / 4;

  private final int[] parent;
  private final int[] min;
  private final int[] max;
  private final int[] leafNode;
  // Σ of the children's effective low and high counts; items count as children of their node.
  private final int[] sumLo0;
  private final int[] sumHi0;
  private final int[] sumLo;
  private final int[] sumHi;

  /**
   * @param parent each node's parent; node 0 is the root, {@code parent[0] == -1}, and a parent's
   *     index is lower than its children's
   * @param min each node's minimum (0 if none); the root's is the target count
   * @param max each node's maximum ({@link #UNBOUNDED} if none); the root's is the target count
   * @param leafNode each item's node (its département, or the deepest territory it has)
   */
  QuotaTree(int[] parent, int[] min, int[] max, int[] leafNode) {
    this.parent = parent.clone();
    this.min = min.clone();
    this.max = max.clone();
    this.leafNode = leafNode.clone();
    int n = parent.length;
    for (int v = 1; v < n; v++) {
      if (parent[v] < 0 || parent[v] >= v) {
        throw new IllegalArgumentException("node " + v + ": parent must precede it");
      }
    }
    sumLo0 = new int[n];
    sumHi0 = new int[n];
    for (int node : leafNode) {
      sumHi0[node] += 1;
    }
    // Children before parents: a parent's index is lower than its children's.
    for (int v = n - 1; v > 0; v--) {
      sumLo0[parent[v]] += lo(v, sumLo0);
      sumHi0[parent[v]] += hi(v, sumHi0);
    }
    sumLo = sumLo0.clone();
    sumHi = sumHi0.clone();
  }

  private QuotaTree(QuotaTree t) {
    parent = t.parent;
    min = t.min;
    max = t.max;
    leafNode = t.leafNode;
    sumLo0 = t.sumLo0;
    sumHi0 = t.sumHi0;
    sumLo = t.sumLo0.clone();
    sumHi = t.sumHi0.clone();
  }

  /** An independent instance over the same tree, for another thread. */
  QuotaTree copy() {
    return new QuotaTree(this);
  }

  private int lo(int v, int[] sl) {
    return Math.max(min[v], sl[v]);
  }

  private int hi(int v, int[] sh) {
    return Math.min(max[v], sh[v]);
  }

  /** The first node (deepest first) whose interval is empty with every item free, or -1. */
  int infeasibleNode() {
    for (int v = parent.length - 1; v >= 0; v--) {
      if (lo(v, sumLo0) > hi(v, sumHi0)) {
        return v;
      }
    }
    return -1;
  }

  /** Each node's effective interval with every item free: {lows, highs}. */
  int[][] intervals() {
    int n = parent.length;
    int[] l = new int[n];
    int[] h = new int[n];
    for (int v = 0; v < n; v++) {
      l[v] = lo(v, sumLo0);
      h[v] = hi(v, sumHi0);
    }
    return new int[][] {l, h};
  }

  /**
   * The greedy over items in {@code order} (best first).
   *
   * @param blockedBy filled for every item looked at: -1 if taken, else the node whose bounds
   *     refused it (the root when the count is reached or the remaining places are needed by
   *     minimums elsewhere); items never looked at keep {@link Integer#MIN_VALUE}
   * @return the taken items, in the order taken
   */
  int[] run(int[] order, int[] blockedBy) {
    System.arraycopy(sumLo0, 0, sumLo, 0, sumLo.length);
    System.arraycopy(sumHi0, 0, sumHi, 0, sumHi.length);
    if (blockedBy != null) {
      Arrays.fill(blockedBy, Integer.MIN_VALUE);
    }
    int target = min[0];
    int[] taken = new int[target];
    int count = 0;
    for (int i = 0; i < order.length && count < target; i++) {
      int item = order[i];
      int node = leafNode[item];
      // Take it: the item's low goes from 0 to 1.
      int refused = change(node, 1, 0);
      if (refused < 0) {
        taken[count++] = item;
        if (blockedBy != null) {
          blockedBy[item] = -1;
        }
      } else {
        change(node, -1, 0); // undo
        change(node, 0, -1); // drop it: its high goes from 1 to 0 (always feasible)
        if (blockedBy != null) {
          blockedBy[item] = refused;
        }
      }
    }
    if (count < target) {
      throw new IllegalStateException("greedy ended with " + count + " of " + target);
    }
    return taken;
  }

  /**
   * Adds {@code dLo}/{@code dHi} to the sums of {@code node}, propagating up; returns the deepest
   * node whose interval became empty, or -1.
   */
  private int change(int node, int dLo, int dHi) {
    int refused = -1;
    int v = node;
    while (v >= 0) {
      int oldLo = lo(v, sumLo);
      int oldHi = hi(v, sumHi);
      sumLo[v] += dLo;
      sumHi[v] += dHi;
      int newLo = lo(v, sumLo);
      int newHi = hi(v, sumHi);
      if (refused < 0 && newLo > newHi) {
        refused = v;
      }
      dLo = newLo - oldLo;
      dHi = newHi - oldHi;
      if (dLo == 0 && dHi == 0) {
        break;
      }
      v = parent[v];
    }
    return refused;
  }
}
