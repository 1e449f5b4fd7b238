package fr.eduatlas.geo;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.locationtech.jts.coverage.CoverageUnion;
import org.locationtech.jts.geom.Geometry;
import org.locationtech.jts.geom.GeometryFactory;
import org.locationtech.jts.geom.util.GeometryFixer;
import org.locationtech.jts.operation.overlayng.OverlayNGRobust;

/**
 * Unions of polygons that form a coverage (neighbours share their edges exactly, as in IGN's ADMIN
 * EXPRESS): {@link CoverageUnion}, which only removes shared edges and so keeps every vertex, with
 * {@link OverlayNGRobust} as the fallback when the parts are not a clean coverage. Because no
 * vertex is moved, a dissolved territory nests exactly in its parts.
 */
public final class Dissolve {
  private Dissolve() {}

  /** The union of {@code parts}, valid (repaired if it had to be). */
  public static Geometry union(Collection<Geometry> parts, GeometryFactory gf) {
    return union(parts, gf, true);
  }

  /**
   * The union of {@code parts}. With {@code validate}, the result is checked and the robust overlay
   * used when the coverage union's result is invalid; without, the coverage union is trusted unless
   * it fails outright (for parts known to be a valid coverage, such as the output of a coverage
   * simplification: validating would cost more than the union).
   */
  public static Geometry union(Collection<Geometry> parts, GeometryFactory gf, boolean validate) {
    if (parts.isEmpty()) {
      return gf.createMultiPolygon();
    }
    if (parts.size() == 1) {
      Geometry only = parts.iterator().next();
      return only.isValid() ? only : GeometryFixer.fix(only);
    }
    Geometry[] arr = parts.toArray(new Geometry[0]);
    Geometry u;
    try {
      u = CoverageUnion.union(arr);
    } catch (RuntimeException notACoverage) {
      u = null;
    }
    if (u == null || (validate && !u.isValid())) {
      u = OverlayNGRobust.union(gf.createGeometryCollection(arr));
      return u.isValid() ? u : GeometryFixer.fix(u);
    }
    return u;
  }

  /**
   * Dissolves {@code parts} by group: the result maps each group to the union of its parts. Parts
   * with no group are left out.
   */
  public static Map<String, Geometry> byGroup(
      Map<String, Geometry> parts, Map<String, String> groupOf, GeometryFactory gf) {
    return byGroup(parts, groupOf, gf, true);
  }

  /** As {@link #byGroup(Map, Map, GeometryFactory)}, validating the unions or not. */
  public static Map<String, Geometry> byGroup(
      Map<String, Geometry> parts,
      Map<String, String> groupOf,
      GeometryFactory gf,
      boolean validate) {
    Map<String, List<Geometry>> groups = new TreeMap<>();
    parts.forEach(
        (code, g) -> {
          String group = groupOf.get(code);
          if (group != null) {
            groups.computeIfAbsent(group, k -> new ArrayList<>()).add(g);
          }
        });
    Map<String, Geometry> out = new TreeMap<>();
    groups.entrySet().parallelStream()
        .map(e -> Map.entry(e.getKey(), union(e.getValue(), gf, validate)))
        .toList()
        .forEach(e -> out.put(e.getKey(), e.getValue()));
    return out;
  }
}
