package fr.eduatlas.tiles;

import java.util.Arrays;
import java.util.List;

/**
 * A fast, allocation-light validity test for polygons whose vertices are on the integer grid of a
 * tile (exact integer arithmetic, no noding graph). It answers {@code true} only when it can prove
 * the polygons valid: every ring simple, no two rings meeting, no spike, every hole inside its
 * shell and outside the other holes, no shell inside another polygon. Anything it cannot settle
 * (rings that touch or cross, many holes or parts) answers {@code false}, and the caller asks JTS'
 * full validity test. Snapping a valid coverage to the grid rarely breaks it, so the full test runs
 * on a small share of the polygons.
 */
final class GridRings {
  private GridRings() {}

  /** Holes or parts beyond which the pairwise containment tests are left to JTS. */
  private static final int MAX_PAIRWISE = 24;

  /**
   * @param polygons each polygon's rings, shell first; a ring is {x0, y0, ..., xn, yn}, closed
   *     (last point = first), without consecutive repeated points, at least four points
   */
  static boolean provablyValid(List<int[][]> polygons) {
    int rings = 0;
    int segments = 0;
    for (int[][] p : polygons) {
      rings += p.length;
      if (p.length - 1 > MAX_PAIRWISE) {
        return false;
      }
      for (int[] r : p) {
        segments += r.length / 2 - 1;
      }
    }
    if (polygons.size() > MAX_PAIRWISE) {
      return false;
    }
    // Segment table: ring of each segment, its index in the ring and the ring's segment count.
    int[][] ringOf = new int[rings][];
    int[] segRing = new int[segments];
    int[] segIdx = new int[segments];
    long[] order = new long[segments];
    int k = 0;
    int ri = 0;
    for (int[][] p : polygons) {
      for (int[] r : p) {
        ringOf[ri] = r;
        int n = r.length / 2 - 1;
        for (int i = 0; i < n; i++) {
          int minX = Math.min(r[2 * i], r[2 * i + 2]);
          // Sort key: min x (offset to stay positive), then the segment's number.
          order[k] = ((long) (minX + (1 << 30)) << 32) | k;
          segRing[k] = ri;
          segIdx[k] = i;
          k++;
        }
        ri++;
      }
    }
    Arrays.sort(order);
    for (int a = 0; a < segments; a++) {
      int sa = (int) order[a];
      int[] ra = ringOf[segRing[sa]];
      int ia = segIdx[sa];
      int ax1 = ra[2 * ia];
      int ay1 = ra[2 * ia + 1];
      int ax2 = ra[2 * ia + 2];
      int ay2 = ra[2 * ia + 3];
      int aMaxX = Math.max(ax1, ax2);
      int aMinY = Math.min(ay1, ay2);
      int aMaxY = Math.max(ay1, ay2);
      for (int b = a + 1; b < segments; b++) {
        int sb = (int) order[b];
        int[] rb = ringOf[segRing[sb]];
        int ib = segIdx[sb];
        int bx1 = rb[2 * ib];
        int by1 = rb[2 * ib + 1];
        int bx2 = rb[2 * ib + 2];
        int by2 = rb[2 * ib + 3];
        if (Math.min(bx1, bx2) > aMaxX) {
          break;
        }
        if (Math.max(by1, by2) < aMinY || Math.min(by1, by2) > aMaxY) {
          continue;
        }
        if (segRing[sa] == segRing[sb]) {
          int n = ra.length / 2 - 1;
          int lo = Math.min(ia, ib);
          int hi = Math.max(ia, ib);
          if (hi - lo == 1 || (lo == 0 && hi == n - 1)) {
            // Consecutive segments share a vertex; they must not fold back over each other.
            if (hi - lo == 1 ? foldsBack(ra, lo, hi) : foldsBack(ra, hi, lo)) {
              return false;
            }
            continue;
          }
        }
        if (intersect(ax1, ay1, ax2, ay2, bx1, by1, bx2, by2)) {
          return false;
        }
      }
    }
    // No two rings meet: each hole is wholly inside or outside its shell, one vertex tells.
    for (int[][] p : polygons) {
      for (int h = 1; h < p.length; h++) {
        if (!inside(p[0], p[h][0], p[h][1])) {
          return false;
        }
        for (int g = 1; g < h; g++) {
          if (inside(p[g], p[h][0], p[h][1]) || inside(p[h], p[g][0], p[g][1])) {
            return false;
          }
        }
      }
    }
    // Parts must not nest (a part inside another's hole would be valid, but is left to JTS).
    for (int i = 0; i < polygons.size(); i++) {
      for (int j = 0; j < polygons.size(); j++) {
        if (i != j && inside(polygons.get(i)[0], polygons.get(j)[0][0], polygons.get(j)[0][1])) {
          return false;
        }
      }
    }
    return true;
  }

  /**
   * Whether segment {@code second} of a ring (starting where {@code first} ends) runs back along
   * it.
   */
  private static boolean foldsBack(int[] r, int first, int second) {
    long dx1 = r[2 * first + 2] - r[2 * first];
    long dy1 = r[2 * first + 3] - r[2 * first + 1];
    long dx2 = r[2 * second + 2] - r[2 * second];
    long dy2 = r[2 * second + 3] - r[2 * second + 1];
    return dx1 * dy2 - dy1 * dx2 == 0 && dx1 * dx2 + dy1 * dy2 < 0;
  }

  private static long orient(long ax, long ay, long bx, long by, long cx, long cy) {
    return Long.signum((bx - ax) * (cy - ay) - (by - ay) * (cx - ax));
  }

  private static boolean onSegment(long ax, long ay, long bx, long by, long px, long py) {
    return Math.min(ax, bx) <= px
        && px <= Math.max(ax, bx)
        && Math.min(ay, by) <= py
        && py <= Math.max(ay, by);
  }

  /** Whether two closed segments share any point (crossing or touching). */
  static boolean intersect(
      long ax1, long ay1, long ax2, long ay2, long bx1, long by1, long bx2, long by2) {
    long d1 = orient(bx1, by1, bx2, by2, ax1, ay1);
    long d2 = orient(bx1, by1, bx2, by2, ax2, ay2);
    long d3 = orient(ax1, ay1, ax2, ay2, bx1, by1);
    long d4 = orient(ax1, ay1, ax2, ay2, bx2, by2);
    if (d1 * d2 < 0 && d3 * d4 < 0) {
      return true;
    }
    return (d1 == 0 && onSegment(bx1, by1, bx2, by2, ax1, ay1))
        || (d2 == 0 && onSegment(bx1, by1, bx2, by2, ax2, ay2))
        || (d3 == 0 && onSegment(ax1, ay1, ax2, ay2, bx1, by1))
        || (d4 == 0 && onSegment(ax1, ay1, ax2, ay2, bx2, by2));
  }

  /** Whether a point is strictly inside a closed ring (even-odd rule; on the ring: false). */
  static boolean inside(int[] ring, int px, int py) {
    boolean in = false;
    int n = ring.length / 2 - 1;
    for (int i = 0; i < n; i++) {
      long x1 = ring[2 * i];
      long y1 = ring[2 * i + 1];
      long x2 = ring[2 * i + 2];
      long y2 = ring[2 * i + 3];
      if (orient(x1, y1, x2, y2, px, py) == 0 && onSegment(x1, y1, x2, y2, px, py)) {
        return false;
      }
      if ((y1 > py) != (y2 > py)) {
        // x of the edge at py, compared exactly: px < x1 + (py - y1) * (x2 - x1) / (y2 - y1)
        long num = (py - y1) * (x2 - x1);
        long den = y2 - y1;
        boolean left = den > 0 ? (px - x1) * den < num : (px - x1) * den > num;
        if (left) {
          in = !in;
        }
      }
    }
    return in;
  }
}
