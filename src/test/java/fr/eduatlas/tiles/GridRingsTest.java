package fr.eduatlas.tiles;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.locationtech.jts.geom.Coordinate;
import org.locationtech.jts.geom.Geometry;
import org.locationtech.jts.geom.GeometryFactory;
import org.locationtech.jts.geom.LinearRing;
import org.locationtech.jts.geom.Polygon;

class GridRingsTest {
  private final GeometryFactory gf = new GeometryFactory();

  private static int[] ring(int... xy) {
    return xy;
  }

  private static List<int[][]> polys(int[][]... p) {
    return List.of(p);
  }

  private static final int[] SQUARE = ring(0, 0, 10, 0, 10, 10, 0, 10, 0, 0);

  @Test
  void provesSimplePolygonsHolesAndDisjointParts() {
    assertThat(GridRings.provablyValid(polys(new int[][] {SQUARE}))).isTrue();
    int[] hole = ring(2, 2, 2, 4, 4, 4, 4, 2, 2, 2);
    assertThat(GridRings.provablyValid(polys(new int[][] {SQUARE, hole}))).isTrue();
    int[] far = ring(20, 0, 30, 0, 30, 10, 20, 10, 20, 0);
    assertThat(GridRings.provablyValid(polys(new int[][] {SQUARE}, new int[][] {far}))).isTrue();
  }

  @Test
  void refusesWhatJtsWouldFindInvalidOrCannotBeSettledCheaply() {
    // Bow-tie.
    assertThat(GridRings.provablyValid(polys(new int[][] {ring(0, 0, 10, 10, 10, 0, 0, 10, 0, 0)})))
        .isFalse();
    // Spike folding back along its own edge.
    assertThat(
            GridRings.provablyValid(
                polys(new int[][] {ring(0, 0, 10, 0, 10, 10, 10, 20, 10, 10, 0, 10, 0, 0)})))
        .isFalse();
    // The same spike where the ring closes (last segment, then the first).
    assertThat(
            GridRings.provablyValid(
                polys(new int[][] {ring(10, 20, 10, 10, 0, 10, 0, 0, 10, 0, 10, 10, 10, 20)})))
        .isFalse();
    // Hole outside its shell; hole touching the shell (valid, but left to JTS).
    int[] outside = ring(20, 2, 20, 4, 22, 4, 22, 2, 20, 2);
    assertThat(GridRings.provablyValid(polys(new int[][] {SQUARE, outside}))).isFalse();
    int[] touching = ring(0, 2, 2, 4, 2, 2, 0, 2);
    assertThat(GridRings.provablyValid(polys(new int[][] {SQUARE, touching}))).isFalse();
    // One part inside another; two parts sharing an edge.
    int[] inner = ring(2, 2, 4, 2, 4, 4, 2, 4, 2, 2);
    assertThat(GridRings.provablyValid(polys(new int[][] {SQUARE}, new int[][] {inner}))).isFalse();
    int[] adjacent = ring(10, 0, 20, 0, 20, 10, 10, 10, 10, 0);
    assertThat(GridRings.provablyValid(polys(new int[][] {SQUARE}, new int[][] {adjacent})))
        .isFalse();
    // Nested holes.
    int[] big = ring(1, 1, 1, 9, 9, 9, 9, 1, 1, 1);
    int[] small = ring(3, 3, 3, 5, 5, 5, 5, 3, 3, 3);
    assertThat(GridRings.provablyValid(polys(new int[][] {SQUARE, big, small}))).isFalse();
  }

  /**
   * Random star-shaped rings snapped to a coarse grid (so that many self-intersect): whenever the
   * fast test proves a polygon valid, JTS agrees; and it proves most of the valid ones.
   */
  @Test
  void neverCallsValidWhatJtsFindsInvalid() {
    var rnd = new Random(42);
    int proved = 0;
    int jtsValid = 0;
    for (int n = 0; n < 5000; n++) {
      int pts = 4 + rnd.nextInt(30);
      var xy = new ArrayList<Integer>();
      int cx = rnd.nextInt(50);
      int cy = rnd.nextInt(50);
      for (int i = 0; i < pts; i++) {
        double a = 2 * Math.PI * i / pts + rnd.nextGaussian() * 0.3;
        double r = 2 + rnd.nextDouble() * 15;
        int x = (int) Math.round(cx + r * Math.cos(a));
        int y = (int) Math.round(cy + r * Math.sin(a));
        if (xy.isEmpty() || x != xy.get(xy.size() - 2) || y != xy.get(xy.size() - 1)) {
          xy.add(x);
          xy.add(y);
        }
      }
      xy.add(xy.get(0));
      xy.add(xy.get(1));
      if (xy.size() < 8
          || (xy.get(xy.size() - 4).equals(xy.get(0)) && xy.get(xy.size() - 3).equals(xy.get(1)))) {
        continue;
      }
      int[] r = xy.stream().mapToInt(Integer::intValue).toArray();
      boolean fast = GridRings.provablyValid(polys(new int[][] {r}));
      boolean jts = polygon(r).isValid();
      assertThat(!fast || jts).as("ring %s", java.util.Arrays.toString(r)).isTrue();
      proved += fast ? 1 : 0;
      jtsValid += jts ? 1 : 0;
    }
    assertThat(jtsValid).isGreaterThan(500);
    assertThat(proved).isGreaterThan(jtsValid * 9 / 10);
  }

  private Geometry polygon(int[] r) {
    var cs = new Coordinate[r.length / 2];
    for (int i = 0; i < cs.length; i++) {
      cs[i] = new Coordinate(r[2 * i], r[2 * i + 1]);
    }
    LinearRing shell = gf.createLinearRing(cs);
    Polygon p = gf.createPolygon(shell);
    return p;
  }

  @Test
  void insideIsStrictAndExact() {
    assertThat(GridRings.inside(SQUARE, 5, 5)).isTrue();
    assertThat(GridRings.inside(SQUARE, 10, 5)).isFalse();
    assertThat(GridRings.inside(SQUARE, 11, 5)).isFalse();
    assertThat(GridRings.inside(ring(0, 0, 3, 0, 0, 3, 0, 0), 1, 1)).isTrue();
    assertThat(GridRings.inside(ring(0, 0, 3, 0, 0, 3, 0, 0), 2, 2)).isFalse();
  }
}
