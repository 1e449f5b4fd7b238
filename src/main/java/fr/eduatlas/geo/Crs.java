package fr.eduatlas.geo;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.geotools.api.referencing.FactoryException;
import org.geotools.api.referencing.operation.MathTransform;
import org.geotools.api.referencing.operation.TransformException;
import org.geotools.referencing.CRS;
import org.geotools.referencing.crs.DefaultGeographicCRS;

/**
 * Coordinate reference systems, through GeoTools' EPSG database: the projected systems of the
 * official French sources (Lambert-93 for metropolitan France, the UTM and RGAF/RGR/RGFG systems
 * overseas) to WGS84 longitude/latitude.
 *
 * <p>The EPSG database is opened on first use (about two seconds), so a run that needs no
 * reprojection does not pay for it. Thread-safe.
 */
public final class Crs {
  /** Lambert-93, the official projection of metropolitan France. */
  public static final int LAMBERT_93 = 2154;

  private static final Map<Integer, MathTransform> TO_WGS84 = new ConcurrentHashMap<>();

  private Crs() {}

  /**
   * Reprojects one point to WGS84.
   *
   * @return {longitude, latitude} in degrees
   * @throws IllegalArgumentException when the EPSG code is unknown or the point cannot be
   *     transformed (the message is in French, for quarantine entries)
   */
  public static double[] toWgs84(int epsg, double x, double y) {
    MathTransform t =
        TO_WGS84.computeIfAbsent(
            epsg,
            code -> {
              try {
                var source = CRS.decode("EPSG:" + code, true);
                return CRS.findMathTransform(source, DefaultGeographicCRS.WGS84, true);
              } catch (FactoryException e) {
                throw new IllegalArgumentException(
                    "système de coordonnées EPSG:" + code + " inconnu", e);
              }
            });
    double[] out = new double[2];
    try {
      t.transform(new double[] {x, y}, 0, out, 0, 1);
    } catch (TransformException e) {
      throw new IllegalArgumentException(
          "point (" + x + ", " + y + ") hors du domaine de EPSG:" + epsg, e);
    }
    return out;
  }

  /** Parses "EPSG:2154" or "2154". */
  public static int parseEpsg(String text) {
    String s = text.strip();
    if (s.regionMatches(true, 0, "EPSG:", 0, 5)) {
      s = s.substring(5);
    }
    try {
      return Integer.parseInt(s);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("'" + text + "' n'est pas un code EPSG");
    }
  }
}
