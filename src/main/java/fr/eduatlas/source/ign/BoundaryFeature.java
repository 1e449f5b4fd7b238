package fr.eduatlas.source.ign;

import java.util.Locale;
import java.util.Map;
import org.locationtech.jts.geom.Geometry;

/**
 * One feature of a boundary file in any format, its geometry already in WGS84.
 *
 * @param number the feature's number in its file (1-based)
 * @param attributes its attributes, names in lower case
 * @param geometry its geometry, or null when the record has none
 */
record BoundaryFeature(long number, Map<String, String> attributes, Geometry geometry) {
  /** The first of {@code names} present (IGN names fields differently per format and year). */
  String attribute(String... names) {
    for (String n : names) {
      String v = attributes.get(n.toLowerCase(Locale.ROOT));
      if (v != null && !v.isBlank()) {
        return v.strip();
      }
    }
    return null;
  }

  /** The raw text kept in the quarantine: attributes and geometry type, not the coordinates. */
  String raw() {
    return attributes + (geometry == null ? " (sans géométrie)" : " " + geometry.getGeometryType());
  }
}
