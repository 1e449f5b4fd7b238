package fr.eduatlas.geo;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.geotools.api.referencing.FactoryException;
import org.geotools.api.referencing.operation.MathTransform;
import org.geotools.api.referencing.operation.TransformException;
import org.geotools.geometry.jts.JTS;
import org.geotools.referencing.CRS;
import org.geotools.referencing.crs.DefaultGeographicCRS;
import org.locationtech.jts.geom.Geometry;

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

  /** WGS84 longitude/latitude, the storage and GeoJSON system. */
  public static final int WGS84 = 4326;

  /** Web Mercator, the tiles' system. */
  public static final int WEB_MERCATOR = 3857;

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

  /**
   * The official projected system in which areas and distances of a département are measured:
   * Lambert-93 in metropolitan France, RGAF09 UTM 20N for Guadeloupe and Martinique, RGFG95 UTM 22N
   * for Guyane, RGR92 UTM 40S for La Réunion, RGM04 UTM 38S for Mayotte.
   */
  public static int projectedFor(String departementCode) {
    return switch (departementCode) {
      case "971", "972" -> 5490;
      case "973" -> 2972;
      case "974" -> 2975;
      case "976" -> 4471;
      default -> LAMBERT_93;
    };
  }

  /** A JTS geometry transformed between two EPSG systems (longitude first for geographic ones). */
  public static Geometry transform(Geometry g, int fromEpsg, int toEpsg) {
    try {
      return JTS.transform(g, transform(fromEpsg, toEpsg));
    } catch (TransformException e) {
      throw new IllegalArgumentException(
          "géométrie hors du domaine de EPSG:" + fromEpsg + " → EPSG:" + toEpsg, e);
    }
  }

  /**
   * A JTS geometry from the system described by {@code wkt} (a Shapefile's .prj) to WGS84.
   *
   * @throws IllegalArgumentException in French when the description cannot be read
   */
  public static Geometry toWgs84(Geometry g, String wkt) {
    try {
      var source = CRS.parseWKT(wkt);
      Integer epsg = CRS.lookupEpsgCode(source, true);
      if (epsg != null) {
        return epsg == WGS84 ? g : transform(g, epsg, WGS84);
      }
      return JTS.transform(g, CRS.findMathTransform(source, DefaultGeographicCRS.WGS84, true));
    } catch (FactoryException | TransformException e) {
      throw new IllegalArgumentException(
          "système de coordonnées illisible ou non transformable : " + e.getMessage(), e);
    }
  }

  private static final Map<Long, MathTransform> TRANSFORMS = new ConcurrentHashMap<>();

  private static MathTransform transform(int from, int to) {
    return TRANSFORMS.computeIfAbsent(
        ((long) from << 32) | to,
        k -> {
          try {
            return CRS.findMathTransform(
                CRS.decode("EPSG:" + from, true), CRS.decode("EPSG:" + to, true), true);
          } catch (FactoryException e) {
            throw new IllegalArgumentException(
                "transformation EPSG:" + from + " → EPSG:" + to + " introuvable", e);
          }
        });
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
