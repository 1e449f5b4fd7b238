package fr.eduatlas.api;

import com.fasterxml.jackson.databind.util.RawValue;
import fr.eduatlas.geo.GeoJson;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import org.locationtech.jts.geom.Geometry;

/**
 * Every outline of a level, simplified for a zoom, as GeoJSON text ready to be written: built once
 * per data version, level and zoom, then shared by every indicator's GeoJSON of that level (the
 * all-communes GeoJSON of a new indicator no longer reads, reprojects and writes 35,000 outlines).
 * Holds the two most recently used levels and zooms (the commune outlines at zoom 8 are about 40 MB
 * of text).
 */
final class OutlineJson {
  private static final int KEPT = 2;
  private final Map<String, Map<String, RawValue>> byKey = new LinkedHashMap<>(4, 0.75f, true);

  private static String key(String version, String level, int zoom) {
    return version + " " + level + " " + zoom;
  }

  private static String text(Geometry g) {
    return GeoJson.text(g, 5);
  }

  /** The outlines of a level if they are built already, else null. */
  synchronized Map<String, RawValue> peek(String version, String level, int zoom) {
    return byKey.get(key(version, level, zoom));
  }

  /** The outlines of a level, built from {@code load} if they are not yet. */
  Map<String, RawValue> get(
      String version, String level, int zoom, Callable<Map<String, Geometry>> load)
      throws Exception {
    Map<String, RawValue> built = peek(version, level, zoom);
    if (built != null) {
      return built;
    }
    Map<String, Geometry> outlines = load.call();
    // Written on every core: the outlines are independent.
    Map<String, RawValue> out =
        outlines.entrySet().parallelStream()
            .collect(
                java.util.stream.Collectors.toConcurrentMap(
                    Map.Entry::getKey, e -> new RawValue(text(e.getValue()))));
    synchronized (this) {
      byKey.put(key(version, level, zoom), out);
      var it = byKey.entrySet().iterator();
      while (byKey.size() > KEPT && it.hasNext()) {
        it.next();
        it.remove();
      }
    }
    return out;
  }
}
