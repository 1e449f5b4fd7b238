package fr.eduatlas.tiles;

import java.util.ArrayList;
import java.util.List;

/**
 * Rebuilds a polygon clipped to the buffered tile whose rings run back and forth along the clip
 * border, as a rectangle clipper leaves them when a polygon leaves the tile and comes back: each
 * ring is cut into the chains between its runs along the border, and the chains are joined again by
 * walking the border in the polygon's orientation (the rectangle case of Weiler–Atherton), on the
 * integer grid. The result is checked to cover exactly the same signed area as the input; whether
 * it is valid is for the caller to prove ({@link GridRings}), so a case this does not settle falls
 * back to the general repair, never to a wrong shape.
 */
final class BorderRings {
  private BorderRings() {}

  /** A piece of ring between two runs along the border: its vertices and where it meets it. */
  private record Chain(int[] xy, long in, long out) {}

  /**
   * @param polygon rings on the grid (shell first), closed, without repeated points
   * @param lo the clip border's low coordinate on both axes (tile units)
   * @param hi its high coordinate
   * @return the polygons (shell first, then holes), or null if the polygon does not run along the
   *     border or the rebuild does not keep its area
   */
  static List<int[][]> rebuild(int[][] polygon, int lo, int hi) {
    long side = (long) hi - lo;
    long perimeter = 4 * side;
    long area = 0;
    var chains = new ArrayList<Chain>();
    var freeHoles = new ArrayList<int[]>();
    boolean anyRun = false;
    for (int r = 0; r < polygon.length; r++) {
      int[] ring = polygon[r];
      long a = twiceArea(ring);
      // Shell positive, holes negative (the grid's y axis points down; only signs matter).
      boolean flip = r == 0 ? a < 0 : a > 0;
      int[] oriented = flip ? reverse(ring) : ring;
      area += Math.abs(a) * (r == 0 ? 1 : -1);
      if (!cut(oriented, lo, hi, side, chains)) {
        if (r == 0) {
          return null; // a shell that does not run along the border: nothing to rebuild
        }
        freeHoles.add(oriented);
      } else {
        anyRun = true;
      }
    }
    if (!anyRun) {
      return null;
    }
    // Join: from each chain's exit, walk the border forward to the nearest entry.
    var shells = new ArrayList<int[]>();
    boolean[] used = new boolean[chains.size()];
    for (int s = 0; s < chains.size(); s++) {
      if (used[s]) {
        continue;
      }
      var out = new IntList();
      int c = s;
      for (int guard = 0; guard <= chains.size(); guard++) {
        used[c] = true;
        out.addAll(chains.get(c).xy());
        long exit = chains.get(c).out();
        int next = -1;
        long best = Long.MAX_VALUE;
        for (int k = 0; k < chains.size(); k++) {
          if (used[k] && k != s) {
            continue;
          }
          long d = Math.floorMod(chains.get(k).in() - exit, perimeter);
          if (d < best) {
            best = d;
            next = k;
          }
        }
        if (next < 0) {
          return null;
        }
        corners(exit, best, side, lo, hi, out);
        if (next == s) {
          out.add(out.get(0), out.get(1));
          break;
        }
        c = next;
      }
      if (out.size() < 8
          || out.get(0) != out.get(out.size() - 2)
          || out.get(1) != out.get(out.size() - 1)) {
        return null;
      }
      int[] ring = dedupe(out.toArray());
      if (ring.length >= 8 && twiceArea(ring) >= 2) {
        shells.add(ring);
      }
    }
    // Holes that do not touch the border go to the shell around them.
    var result = new ArrayList<List<int[]>>();
    for (int[] sh : shells) {
      var p = new ArrayList<int[]>();
      p.add(sh);
      result.add(p);
    }
    for (int[] h : freeHoles) {
      boolean placed = false;
      for (var p : result) {
        if (inside(h[0], h[1], p.get(0))) {
          p.add(h);
          placed = true;
          break;
        }
      }
      if (!placed) {
        return null;
      }
    }
    long rebuilt = 0;
    var out = new ArrayList<int[][]>();
    for (var p : result) {
      for (int i = 0; i < p.size(); i++) {
        rebuilt += Math.abs(twiceArea(p.get(i))) * (i == 0 ? 1 : -1);
      }
      out.add(p.toArray(new int[0][]));
    }
    return rebuilt == area ? out : null;
  }

  /** Cuts a ring at its runs along the border; false if it has none. */
  private static boolean cut(int[] r, int lo, int hi, long side, List<Chain> chains) {
    int n = r.length / 2 - 1; // distinct vertices
    int start = -1;
    for (int i = 0; i < n; i++) {
      if (run(r, i, (i + 1) % n, lo, hi)) {
        start = (i + 1) % n;
        break;
      }
    }
    if (start < 0) {
      return false;
    }
    var cur = new IntList();
    int first = start;
    cur.add(r[2 * first], r[2 * first + 1]);
    for (int step = 0; step < n; step++) {
      int i = (start + step) % n;
      int j = (i + 1) % n;
      if (run(r, i, j, lo, hi)) {
        if (cur.size() >= 4) {
          int[] xy = cur.toArray();
          chains.add(
              new Chain(
                  xy,
                  position(xy[0], xy[1], lo, hi, side),
                  position(xy[xy.length - 2], xy[xy.length - 1], lo, hi, side)));
        }
        cur = new IntList();
      }
      cur.add(r[2 * j], r[2 * j + 1]);
    }
    return true;
  }

  /** Whether segment i–j lies along one of the border's four lines. */
  private static boolean run(int[] r, int i, int j, int lo, int hi) {
    int xi = r[2 * i];
    int yi = r[2 * i + 1];
    int xj = r[2 * j];
    int yj = r[2 * j + 1];
    return (xi == xj && (xi == lo || xi == hi)) || (yi == yj && (yi == lo || yi == hi));
  }

  /** Where a border point lies along the border, walked in the positive (shell) orientation. */
  private static long position(int x, int y, int lo, int hi, long side) {
    if (y == lo) {
      return (long) x - lo;
    }
    if (x == hi) {
      return side + y - lo;
    }
    if (y == hi) {
      return 2 * side + hi - x;
    }
    return 3 * side + hi - y; // x == lo
  }

  /** Adds the border's corners passed when walking {@code d} forward from {@code from}. */
  private static void corners(long from, long d, long side, int lo, int hi, IntList out) {
    int[][] corner = {{lo, lo}, {hi, lo}, {hi, hi}, {lo, hi}};
    long k = from / side + 1; // the first corner strictly after `from`
    for (long t = k * side; t < from + d; t += side) {
      int[] c = corner[(int) ((t / side) % 4)];
      out.add(c[0], c[1]);
    }
  }

  private static int[] dedupe(int[] r) {
    var out = new IntList();
    for (int i = 0; i < r.length; i += 2) {
      int m = out.size();
      if (m == 0 || out.get(m - 2) != r[i] || out.get(m - 1) != r[i + 1]) {
        out.add(r[i], r[i + 1]);
      }
    }
    return out.toArray();
  }

  static long twiceArea(int[] r) {
    long s = 0;
    for (int i = 0; i + 3 < r.length; i += 2) {
      s += (long) r[i] * r[i + 3] - (long) r[i + 2] * r[i + 1];
    }
    return s;
  }

  private static int[] reverse(int[] r) {
    int[] out = new int[r.length];
    int n = r.length / 2;
    for (int i = 0; i < n; i++) {
      out[2 * i] = r[2 * (n - 1 - i)];
      out[2 * i + 1] = r[2 * (n - 1 - i) + 1];
    }
    return out;
  }

  /** Ray casting; a point on the ring's boundary may go either way (the caller validates). */
  private static boolean inside(int x, int y, int[] r) {
    boolean in = false;
    for (int i = 0; i + 3 < r.length; i += 2) {
      int x1 = r[i];
      int y1 = r[i + 1];
      int x2 = r[i + 2];
      int y2 = r[i + 3];
      if ((y1 > y) != (y2 > y)) {
        double xc = x1 + (double) (y - y1) * (x2 - x1) / (y2 - y1);
        if (x < xc) {
          in = !in;
        }
      }
    }
    return in;
  }

  /** A growable int array. */
  private static final class IntList {
    private int[] a = new int[64];
    private int n;

    void add(int x, int y) {
      if (n + 2 > a.length) {
        a = java.util.Arrays.copyOf(a, a.length * 2);
      }
      a[n++] = x;
      a[n++] = y;
    }

    void addAll(int[] xy) {
      for (int i = 0; i < xy.length; i += 2) {
        add(xy[i], xy[i + 1]);
      }
    }

    int get(int i) {
      return a[i];
    }

    int size() {
      return n;
    }

    int[] toArray() {
      return java.util.Arrays.copyOf(a, n);
    }
  }
}
