package fr.eduatlas.geo;

import net.sf.geographiclib.Geodesic;
import net.sf.geographiclib.PolygonArea;
import org.locationtech.jts.geom.CoordinateSequence;
import org.locationtech.jts.geom.Geometry;
import org.locationtech.jts.geom.Polygon;

/**
 * The area of a WGS84 geometry on the ellipsoid (GeographicLib's geodesic polygons): what a
 * territory's {@code superficie_km2} is. A planar area in a conformal projection (Lambert-93, the
 * UTM zones) is off by up to about half a percent across France (Bonifacio: 140.91 km² in
 * Lambert-93 for 140.11 on the ellipsoid).
 */
public final class GeodesicArea {
  private GeodesicArea() {}

  /** Square kilometres; shells count, holes are taken away. Coordinates are lon, lat (x, y). */
  public static double km2(Geometry g) {
    double m2 = 0;
    for (int i = 0; i < g.getNumGeometries(); i++) {
      if (g.getGeometryN(i) instanceof Polygon p) {
        m2 += ring(p.getExteriorRing().getCoordinateSequence());
        for (int h = 0; h < p.getNumInteriorRing(); h++) {
          m2 -= ring(p.getInteriorRingN(h).getCoordinateSequence());
        }
      }
    }
    return m2 / 1e6;
  }

  /** A ring's area, m², whatever its orientation. */
  private static double ring(CoordinateSequence cs) {
    var polygon = new PolygonArea(Geodesic.WGS84, false);
    // The closing point repeats the first: the polygon closes itself.
    for (int i = 0; i < cs.size() - 1; i++) {
      polygon.AddPoint(cs.getY(i), cs.getX(i));
    }
    return Math.abs(polygon.Compute(false, true).area);
  }
}
