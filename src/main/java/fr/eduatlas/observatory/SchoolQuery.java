package fr.eduatlas.observatory;

import fr.eduatlas.cql2.Expr;
import java.util.Map;

/**
 * A filtered page of schools. Each filter is null when absent.
 *
 * @param territories level id → code: the schools of each (all must hold)
 * @param type {@code ecole}, {@code college} or {@code lycee}
 * @param sector {@code public} or {@code prive}
 * @param text the UAI, or part of the name (at least two letters or digits once folded)
 * @param bbox {west, south, east, north} in WGS84; west > east crosses the antimeridian
 * @param filter a CQL2 filter over {@link Filters#schoolQueryables()}
 */
public record SchoolQuery(
    Map<String, String> territories,
    String type,
    String sector,
    String text,
    double[] bbox,
    int limit,
    int offset,
    Expr filter) {

  public SchoolQuery(
      Map<String, String> territories,
      String type,
      String sector,
      String text,
      double[] bbox,
      int limit,
      int offset) {
    this(territories, type, sector, text, bbox, limit, offset, null);
  }
}
