package fr.eduatlas.geo;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.locationtech.jts.geom.Coordinate;
import org.locationtech.jts.geom.Geometry;
import org.locationtech.jts.geom.GeometryFactory;
import org.locationtech.jts.geom.LinearRing;
import org.locationtech.jts.geom.Polygon;

/** The outlines' text writer against the tree writer: the same JSON, number for number. */
class GeoJsonTest {
  private static final GeometryFactory GF = new GeometryFactory();
  private static final ObjectMapper JSON = new ObjectMapper();

  private static LinearRing ring(Random r, double cx, double cy, double radius, boolean ccw) {
    int n = 3 + r.nextInt(30);
    var cs = new Coordinate[n + 1];
    for (int i = 0; i < n; i++) {
      double a = (ccw ? 1 : -1) * 2 * Math.PI * i / n;
      double d = radius * (0.5 + r.nextDouble() / 2);
      cs[i] = new Coordinate(cx + d * Math.cos(a), cy + d * Math.sin(a));
    }
    cs[n] = cs[0].copy();
    return GF.createLinearRing(cs);
  }

  private static Polygon polygon(Random r) {
    double cx = -180 + 360 * r.nextDouble();
    double cy = -60 + 120 * r.nextDouble();
    double radius = Math.pow(10, -4 + 5 * r.nextDouble());
    LinearRing shell = ring(r, cx, cy, radius, r.nextBoolean());
    LinearRing[] holes =
        r.nextInt(3) == 0
            ? new LinearRing[] {ring(r, cx, cy, radius / 10, r.nextBoolean())}
            : new LinearRing[0];
    return GF.createPolygon(shell, holes);
  }

  @Test
  void theTextWriterWritesTheTreeWritersNumbers() throws Exception {
    var r = new Random(3);
    for (int i = 0; i < 2_000; i++) {
      Geometry g =
          r.nextBoolean()
              ? polygon(r)
              : GF.createMultiPolygon(new Polygon[] {polygon(r), polygon(r), polygon(r)});
      int decimals = r.nextInt(8);
      assertThat(JSON.readTree(GeoJson.text(g, decimals)))
          .as(g + " " + decimals)
          .isEqualTo(JSON.readTree(GeoJson.write(g, decimals).toString()));
    }
  }

  @Test
  void numbersArePlainDecimalsWithAPoint() {
    StringBuilder b = new StringBuilder();
    long[][] cases = {{250000, 5}, {-5, 5}, {0, 5}, {123, 0}, {-100000, 5}, {1, 1}};
    for (long[] c : cases) {
      GeoJson.number(b, c[0], (long) Math.pow(10, c[1]), (int) c[1]);
      b.append(' ');
    }
    assertThat(b.toString()).isEqualTo("2.5 -0.00005 0.0 123.0 -1.0 0.1 ");
  }
}
