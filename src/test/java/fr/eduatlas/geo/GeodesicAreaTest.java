package fr.eduatlas.geo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import org.junit.jupiter.api.Test;
import org.locationtech.jts.geom.Coordinate;
import org.locationtech.jts.geom.GeometryFactory;
import org.locationtech.jts.geom.Polygon;

/**
 * Geodesic areas against the closed form of an ellipsoidal quadrangle (the area between two
 * parallels and two meridians on WGS84): a check independent of the library that computes them.
 */
class GeodesicAreaTest {
  static final double A = 6378137.0;
  static final double F = 1 / 298.257223563;

  /** The WGS84 area, km², between latitudes phi1, phi2 and longitudes 0 and dLon (degrees). */
  static double quadrangle(double phi1, double phi2, double dLon) {
    double e2 = F * (2 - F);
    double e = Math.sqrt(e2);
    double b2 = A * A * (1 - e2);
    java.util.function.DoubleUnaryOperator q =
        phi -> {
          double s = Math.sin(Math.toRadians(phi));
          return s / (1 - e2 * s * s) + Math.log((1 + e * s) / (1 - e * s)) / (2 * e);
        };
    return Math.toRadians(dLon) * b2 / 2 * (q.applyAsDouble(phi2) - q.applyAsDouble(phi1)) / 1e6;
  }

  /** The quadrangle as a polygon whose parallels are followed every 0.0005 degree. */
  static Polygon cell(double lon0, double lat0, double dLon, double dLat, GeometryFactory gf) {
    var cs = new ArrayList<Coordinate>();
    int n = (int) Math.round(dLon / 0.0005);
    for (int i = 0; i <= n; i++) {
      cs.add(new Coordinate(lon0 + dLon * i / n, lat0));
    }
    for (int i = n; i >= 0; i--) {
      cs.add(new Coordinate(lon0 + dLon * i / n, lat0 + dLat));
    }
    cs.add(cs.get(0));
    return gf.createPolygon(cs.toArray(new Coordinate[0]));
  }

  @Test
  void aQuadrangleHasItsEllipsoidalArea() {
    var gf = new GeometryFactory();
    // At the equator, in Corsica's latitudes, and in Lille's: metres of precision on km².
    for (double[] c : new double[][] {{0, 0, 1, 1}, {8.5, 41.3, 0.5, 0.5}, {3, 50.5, 0.2, 0.1}}) {
      double expected = quadrangle(c[1], c[1] + c[3], c[2]);
      assertThat(GeodesicArea.km2(cell(c[0], c[1], c[2], c[3], gf)))
          .as(java.util.Arrays.toString(c))
          .isCloseTo(expected, within(expected * 1e-6));
    }
  }

  @Test
  void holesAreTakenAwayAndOrientationDoesNotMatter() {
    var gf = new GeometryFactory();
    Polygon outer = cell(2, 48, 0.2, 0.2, gf);
    Polygon inner = cell(2.05, 48.05, 0.1, 0.1, gf);
    Polygon withHole =
        gf.createPolygon(
            outer.getExteriorRing(),
            new org.locationtech.jts.geom.LinearRing[] {inner.getExteriorRing()});
    assertThat(GeodesicArea.km2(withHole))
        .isCloseTo(GeodesicArea.km2(outer) - GeodesicArea.km2(inner), within(1e-9));
    assertThat(GeodesicArea.km2(outer.reverse())).isCloseTo(GeodesicArea.km2(outer), within(1e-9));
  }
}
