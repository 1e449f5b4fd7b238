package fr.eduatlas.source.ign;

import com.fasterxml.jackson.databind.JsonNode;
import fr.eduatlas.geo.GeoJson;
import fr.eduatlas.source.RowException;
import fr.eduatlas.source.RowSink;
import org.locationtech.jts.geom.Geometry;
import org.locationtech.jts.geom.GeometryFactory;
import org.locationtech.jts.geom.MultiPolygon;
import org.locationtech.jts.geom.Polygonal;
import org.locationtech.jts.geom.util.GeometryFixer;
import org.locationtech.jts.io.WKBWriter;
import org.locationtech.jts.operation.valid.IsValidOp;

/** The geometry of a boundary feature, validated, repaired when needed, as WKB (WGS84). */
public final class Features {
  private static final GeometryFactory GF = new GeometryFactory();

  private Features() {}

  /**
   * WKB of a polygonal GeoJSON geometry. An invalid polygon is repaired with JTS's {@link
   * GeometryFixer} and the repair reported as a warning; an empty or non-polygonal one is refused.
   */
  public static byte[] polygonalWkb(JsonNode geometry, long line, RowSink sink) {
    Geometry g;
    try {
      g = GeoJson.read(geometry, GF);
    } catch (IllegalArgumentException e) {
      throw new RowException("geometry", e.getMessage());
    }
    return polygonalWkb(g, line, sink, geometry == null ? null : geometry.get("type").asText());
  }

  /** WKB of a polygonal JTS geometry, after the same checks. */
  public static byte[] polygonalWkb(Geometry g, long line, RowSink sink, String description) {
    if (!(g instanceof Polygonal)) {
      throw new RowException("geometry", "géométrie non surfacique : " + g.getGeometryType());
    }
    if (g.isEmpty()) {
      throw new RowException("geometry", "géométrie vide");
    }
    // One shape, one type, whatever the format: Shapefile readers give every polygon as a
    // one-part multipolygon.
    if (g instanceof MultiPolygon mp && mp.getNumGeometries() == 1) {
      g = mp.getGeometryN(0);
    }
    var op = new IsValidOp(g);
    if (!op.isValid()) {
      Geometry fixed = GeometryFixer.fix(g);
      if (fixed.isEmpty() || !(fixed instanceof Polygonal)) {
        throw new RowException(
            "geometry", "géométrie invalide et irréparable : " + op.getValidationError());
      }
      sink.warn(
          line, "geometry", "géométrie invalide réparée : " + op.getValidationError(), description);
      g = fixed;
    }
    return new WKBWriter(2).write(g);
  }
}
