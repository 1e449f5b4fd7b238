package fr.eduatlas.tiles;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.geotools.geometry.jts.GeometryClipper;
import org.locationtech.jts.geom.Coordinate;
import org.locationtech.jts.geom.CoordinateSequence;
import org.locationtech.jts.geom.Envelope;
import org.locationtech.jts.geom.Geometry;
import org.locationtech.jts.geom.GeometryFactory;
import org.locationtech.jts.geom.LinearRing;
import org.locationtech.jts.geom.Point;
import org.locationtech.jts.geom.Polygon;
import org.locationtech.jts.geom.Polygonal;
import org.locationtech.jts.geom.util.GeometryFixer;

/**
 * A Web Mercator geometry as it goes into a tile (MVT 2.1): clipped to the buffered tile, in tile
 * units (y down, {@link Tiles#EXTENT} across), snapped to the integer grid, with no repeated
 * points, no ring under three distinct points or one tile unit of area, and valid (repaired when
 * snapping made it self-touch or self-intersect). Winding is the encoder's business.
 *
 * <p>Speed: a geometry inside the buffered tile is not clipped at all; one that crosses it is cut
 * by GeoTools' rectangle clipper (linear in its vertices, not a general overlay); after snapping,
 * validity is proved on the integer grid by {@link GridRings} and only what it cannot prove goes to
 * JTS' full test, and to {@link GeometryFixer} when that fails.
 */
final class TileGeometry {
  private TileGeometry() {}

  /** The tile's integer grid. */
  private static final org.locationtech.jts.geom.PrecisionModel GRID =
      new org.locationtech.jts.geom.PrecisionModel(1.0);

  /**
   * @param g the geometry, Web Mercator
   * @param env its envelope
   * @param tile the tile's envelope
   * @param clip the tile's envelope grown by the buffer
   * @return the geometry in tile units, or null when nothing of it is left in the tile
   */
  static Geometry toTile(
      Geometry g, Envelope env, Envelope tile, Envelope clip, GeometryFactory gf) {
    if (!env.intersects(clip)) {
      return null;
    }
    double scale = Tiles.EXTENT / tile.getWidth();
    double x0 = tile.getMinX();
    double y0 = tile.getMaxY();
    if (g instanceof Point p) {
      return gf.createPoint(
          new Coordinate(Math.round((p.getX() - x0) * scale), Math.round((y0 - p.getY()) * scale)));
    }
    if (!(g instanceof Polygonal)) {
      return null;
    }
    Geometry cut = clip.contains(env) ? g : new GeometryClipper(clip).clip(g, false);
    if (cut == null || cut.isEmpty()) {
      return null;
    }
    var snapped = new ArrayList<int[][]>();
    for (int i = 0; i < cut.getNumGeometries(); i++) {
      if (cut.getGeometryN(i) instanceof Polygon p) {
        int[][] q = snap(p, x0, y0, scale);
        if (q != null) {
          snapped.add(q);
        }
      }
    }
    if (snapped.isEmpty()) {
      return null;
    }
    if (GridRings.provablyValid(snapped)) {
      return geometry(snapped, gf);
    }
    // Most invalid cases are a clipped polygon running back and forth along the clip border:
    // rebuilt on the grid, they are proved valid without JTS' repair.
    if (cut != g) {
      var rebuilt = new ArrayList<int[][]>();
      boolean changed = false;
      for (int[][] p : snapped) {
        List<int[][]> r = BorderRings.rebuild(p, -Tiles.BUFFER, Tiles.EXTENT + Tiles.BUFFER);
        if (r == null) {
          rebuilt.add(p);
        } else {
          rebuilt.addAll(r);
          changed = true;
        }
      }
      if (changed && !rebuilt.isEmpty() && GridRings.provablyValid(rebuilt)) {
        return geometry(rebuilt, gf);
      }
    }
    Geometry t = geometry(snapped, gf);
    if (t.isValid()) {
      return t;
    }
    // The repair adds nodes off the grid; the encoder would round them, which can turn a sliver
    // inside out, and a ring turned inside out decodes as a hole outside its shell (La Porta,
    // 2B246, at 9/269/189). Reduced to the tile grid here, the repaired geometry stays valid.
    Geometry onGrid =
        org.locationtech.jts.precision.GeometryPrecisionReducer.reduce(GeometryFixer.fix(t), GRID);
    return keepAreas(onGrid, gf);
  }

  private static Geometry geometry(List<int[][]> snapped, GeometryFactory gf) {
    var polygons = new Polygon[snapped.size()];
    for (int i = 0; i < polygons.length; i++) {
      polygons[i] = polygon(snapped.get(i), gf);
    }
    return polygons.length == 1 ? polygons[0] : gf.createMultiPolygon(polygons);
  }

  /** The polygon's rings in tile units on the integer grid; null when its shell collapses. */
  private static int[][] snap(Polygon p, double x0, double y0, double scale) {
    int[] shell = ring(p.getExteriorRing().getCoordinateSequence(), x0, y0, scale);
    if (shell == null) {
      return null;
    }
    var rings = new ArrayList<int[]>(1 + p.getNumInteriorRing());
    rings.add(shell);
    for (int i = 0; i < p.getNumInteriorRing(); i++) {
      int[] h = ring(p.getInteriorRingN(i).getCoordinateSequence(), x0, y0, scale);
      if (h != null) {
        rings.add(h);
      }
    }
    return rings.toArray(new int[0][]);
  }

  /** A ring {x0, y0, ...} without repeated points; null under three points or one unit of area. */
  private static int[] ring(CoordinateSequence cs, double x0, double y0, double scale) {
    int[] out = new int[2 * cs.size()];
    int n = 0;
    for (int i = 0; i < cs.size(); i++) {
      int x = (int) Math.round((cs.getX(i) - x0) * scale);
      int y = (int) Math.round((y0 - cs.getY(i)) * scale);
      if (n == 0 || x != out[2 * n - 2] || y != out[2 * n - 1]) {
        out[2 * n] = x;
        out[2 * n + 1] = y;
        n++;
      }
    }
    if (n < 4 || out[0] != out[2 * n - 2] || out[1] != out[2 * n - 1]) {
      return null;
    }
    // Twice the signed area (shoelace): under one tile unit the ring is a sliver.
    long twice = 0;
    for (int i = 0; i < n - 1; i++) {
      twice += (long) out[2 * i] * out[2 * i + 3] - (long) out[2 * i + 2] * out[2 * i + 1];
    }
    if (Math.abs(twice) < 2) {
      return null;
    }
    return n == cs.size() ? out : Arrays.copyOf(out, 2 * n);
  }

  private static Polygon polygon(int[][] rings, GeometryFactory gf) {
    LinearRing shell = gf.createLinearRing(coordinates(rings[0]));
    var holes = new LinearRing[rings.length - 1];
    for (int i = 1; i < rings.length; i++) {
      holes[i - 1] = gf.createLinearRing(coordinates(rings[i]));
    }
    return gf.createPolygon(shell, holes);
  }

  private static Coordinate[] coordinates(int[] r) {
    var cs = new Coordinate[r.length / 2];
    for (int i = 0; i < cs.length; i++) {
      cs[i] = new Coordinate(r[2 * i], r[2 * i + 1]);
    }
    return cs;
  }

  /** The polygonal parts of a repaired geometry that keep at least one tile unit of area. */
  private static Geometry keepAreas(Geometry fixed, GeometryFactory gf) {
    List<Polygon> parts = new ArrayList<>();
    for (int i = 0; i < fixed.getNumGeometries(); i++) {
      if (fixed.getGeometryN(i) instanceof Polygon p && p.getArea() >= 1) {
        parts.add(p);
      }
    }
    if (parts.isEmpty()) {
      return null;
    }
    return parts.size() == 1 ? parts.get(0) : gf.createMultiPolygon(parts.toArray(new Polygon[0]));
  }
}
