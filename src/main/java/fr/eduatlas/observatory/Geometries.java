package fr.eduatlas.observatory;

import org.locationtech.jts.geom.Geometry;
import org.locationtech.jts.geom.prep.PreparedGeometry;

/** The CQL2 spatial functions on JTS geometries, a feature's against a literal. */
final class Geometries {
  private Geometries() {}

  /** {@code op(feature, literal)}, the literal prepared (reused across features). */
  static boolean relate(String op, Geometry feature, PreparedGeometry literal) {
    return switch (op) {
      case "s_intersects" -> literal.intersects(feature);
      case "s_disjoint" -> literal.disjoint(feature);
      case "s_touches" -> literal.touches(feature);
      case "s_within" -> literal.contains(feature);
      case "s_contains" -> literal.within(feature);
      case "s_crosses" -> feature.crosses(literal.getGeometry());
      case "s_overlaps" -> feature.overlaps(literal.getGeometry());
      case "s_equals" -> feature.equalsTopo(literal.getGeometry());
      default -> throw QueryException.invalid("fonction spatiale inconnue " + op);
    };
  }

  /** {@code op(a, b)} on two literals. */
  static boolean relate(String op, Geometry a, Geometry b) {
    return relate(op, a, org.locationtech.jts.geom.prep.PreparedGeometryFactory.prepare(b));
  }

  /** The function that, with its arguments swapped, says the same: {@code op(b, a)}. */
  static String converse(String op) {
    return switch (op) {
      case "s_within" -> "s_contains";
      case "s_contains" -> "s_within";
      default -> op;
    };
  }

  /** Whether {@code op(f, l)} implies that f and l meet (so envelopes may select candidates). */
  static boolean impliesIntersection(String op) {
    return !op.equals("s_disjoint");
  }
}
