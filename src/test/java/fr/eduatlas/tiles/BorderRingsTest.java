package fr.eduatlas.tiles;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.locationtech.jts.geom.Coordinate;
import org.locationtech.jts.geom.Envelope;
import org.locationtech.jts.geom.Geometry;
import org.locationtech.jts.geom.GeometryFactory;
import org.locationtech.jts.geom.Polygon;
import org.locationtech.jts.io.WKTReader;

/**
 * Polygons leaving the buffered tile and coming back: the clipped rings rebuilt on the grid are
 * valid and cover what the exact intersection with the buffered tile covers, up to snapping.
 */
class BorderRingsTest {
  static final GeometryFactory GF = new GeometryFactory();
  // Tile units: tile [0, 4096]², buffered [-64, 4160]²; world = tile units with y up.
  static final Envelope TILE = new Envelope(0, 4096, -4096, 0);
  static final Envelope CLIP = new Envelope(-64, 4160, -4160, 64);

  /** The geometry in tile units (y down) from "world" units where y = -tile y. */
  static Geometry toTile(Geometry g) {
    return TileGeometry.toTile(g, g.getEnvelopeInternal(), TILE, CLIP, GF);
  }

  /** The exact clip, in tile units. */
  static Geometry exact(Geometry g) {
    Geometry clipped = g.intersection(GF.toGeometry(CLIP));
    Geometry t = clipped.copy();
    t.apply(
        (org.locationtech.jts.geom.CoordinateFilter)
            c -> {
              c.y = -c.y;
            });
    t.geometryChanged();
    return t;
  }

  @Test
  void aHorseshoeCrossingTheBorderTwiceBecomesTwoValidPolygons() throws Exception {
    // A U opening downwards whose legs cross the tile's bottom buffer line (world y = -4160).
    Geometry u =
        new WKTReader(GF)
            .read(
                "POLYGON ((1000 -3000, 3000 -3000, 3000 -5000, 2500 -5000, 2500 -3500, 1500 -3500,"
                    + " 1500 -5000, 1000 -5000, 1000 -3000))");
    Geometry t = toTile(u);
    assertThat(t.isValid()).isTrue();
    assertThat(t.getNumGeometries())
        .as("the U is cut into its two legs and bridge: one piece")
        .isEqualTo(1);
    assertThat(t.getArea()).isCloseTo(exact(u).getArea(), org.assertj.core.data.Offset.offset(1.0));
    // A U opening upwards, legs leaving the tile at the bottom: two separate pieces.
    Geometry n =
        new WKTReader(GF)
            .read(
                "POLYGON ((1000 -5000, 3000 -5000, 3000 -3000, 2500 -3000, 2500 -4500, 1500 -4500,"
                    + " 1500 -3000, 1000 -3000, 1000 -5000))");
    Geometry m = toTile(n);
    assertThat(m.isValid()).isTrue();
    assertThat(m.getNumGeometries()).isEqualTo(2);
    assertThat(m.getArea()).isCloseTo(exact(n).getArea(), org.assertj.core.data.Offset.offset(1.0));
  }

  @Test
  void randomPolygonsAcrossTheBorderKeepTheirExactClip() {
    Random r = new Random(42);
    int rebuilt = 0;
    for (int trial = 0; trial < 3000; trial++) {
      // A random star-shaped polygon (often with deep notches) around a point near the border.
      double cx = r.nextDouble() * 5000 - 450;
      double cy = -(r.nextDouble() * 5000 - 450);
      int n = 5 + r.nextInt(40);
      var cs = new Coordinate[n + 1];
      for (int i = 0; i < n; i++) {
        double a = 2 * Math.PI * i / n;
        double rad = 100 + r.nextDouble() * (r.nextBoolean() ? 300 : 1500);
        cs[i] = new Coordinate(cx + rad * Math.cos(a), cy + rad * Math.sin(a));
      }
      cs[n] = cs[0];
      Polygon p = GF.createPolygon(cs);
      if (!p.isValid()) {
        continue;
      }
      Geometry t = toTile(p);
      Geometry e = exact(p);
      if (t == null) {
        assertThat(e.getArea()).as("trial %d", trial).isLessThan(2 * (e.getLength() + 4));
        continue;
      }
      assertThat(t.isValid()).as("trial %d: %s", trial, t).isTrue();
      double tolerance = 0.75 * (e.getLength() + t.getLength()) + 4;
      assertThat(t.symDifference(e).getArea()).as("trial %d", trial).isLessThan(tolerance);
      var snapped = new java.util.ArrayList<int[][]>();
      Geometry cut = new org.geotools.geometry.jts.GeometryClipper(CLIP).clip(p, false);
      if (cut != null && !CLIP.contains(p.getEnvelopeInternal())) {
        for (int i = 0; i < cut.getNumGeometries(); i++) {
          var ring = cut.getGeometryN(i).getCoordinates();
          int[] xy = new int[2 * ring.length];
          for (int k = 0; k < ring.length; k++) {
            xy[2 * k] = (int) Math.round(ring[k].x);
            xy[2 * k + 1] = (int) Math.round(-ring[k].y);
          }
          snapped.add(new int[][] {xy});
        }
        for (int[][] q : snapped) {
          if (BorderRings.rebuild(q, -64, 4160) != null) {
            rebuilt++;
          }
        }
      }
    }
    assertThat(rebuilt).as("polygons the rebuild handled").isGreaterThan(300);
  }
}
