package fr.eduatlas.cql2;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import fr.eduatlas.geo.GeoJson;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.locationtech.jts.geom.Envelope;
import org.locationtech.jts.geom.Geometry;
import org.locationtech.jts.geom.GeometryFactory;

/**
 * The CQL2 JSON encoding (OGC 21-065 annex B): {@code {"op": …, "args": […]}}, {@code {"property":
 * …}}, {@code {"date"|"timestamp"|"interval"|"bbox": …}}, GeoJSON geometries and JSON literals; the
 * same operators as {@link Cql2Text}, parsed to the same {@link Expr}.
 */
public final class Cql2Json {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Set<String> COMPARISONS = Set.of("=", "<>", "<", ">", "<=", ">=");
  private static final Set<String> GEOJSON_TYPES =
      Set.of(
          "Point",
          "LineString",
          "Polygon",
          "MultiPoint",
          "MultiLineString",
          "MultiPolygon",
          "GeometryCollection");

  private final GeometryFactory gf = new GeometryFactory();

  private Cql2Json() {}

  /** The expression the JSON text encodes. */
  public static Expr parse(String json) {
    if (json.length() > Cql2Text.MAX_LENGTH) {
      throw new Cql2Exception(
          "filtre CQL2 trop long : "
              + json.length()
              + " caractères, au plus "
              + Cql2Text.MAX_LENGTH);
    }
    JsonNode n;
    try {
      n = JSON.readTree(json);
    } catch (Exception e) {
      throw new Cql2Exception("filtre CQL2 JSON : ce n'est pas du JSON valide");
    }
    if (n == null || n.isMissingNode()) {
      throw new Cql2Exception("filtre CQL2 JSON vide");
    }
    return new Cql2Json().bool(n, 0);
  }

  private Expr bool(JsonNode n, int depth) {
    if (depth > Cql2Text.MAX_DEPTH) {
      throw new Cql2Exception("filtre trop imbriqué (au plus " + Cql2Text.MAX_DEPTH + " niveaux)");
    }
    if (n.isBoolean()) {
      return new Expr.Bool(n.booleanValue());
    }
    if (!n.isObject() || !n.has("op")) {
      throw new Cql2Exception(
          "filtre CQL2 JSON : une expression booléenne {\"op\": …, \"args\": […]} attendue, reçu "
              + brief(n));
    }
    String op = n.get("op").asText();
    JsonNode args = n.get("args");
    if (args == null || !args.isArray()) {
      throw new Cql2Exception(
          "filtre CQL2 JSON : 'args' (un tableau) manque à l'opérateur '" + op + "'");
    }
    String lower = op.toLowerCase(java.util.Locale.ROOT);
    switch (lower) {
      case "and", "or" -> {
        if (args.size() < 2) {
          throw new Cql2Exception("filtre CQL2 JSON : '" + op + "' attend au moins deux arguments");
        }
        var list = new ArrayList<Expr>();
        for (JsonNode a : args) {
          list.add(bool(a, depth + 1));
        }
        return new Expr.Logical(lower, list);
      }
      case "not" -> {
        arity(op, args, 1);
        return new Expr.Not(bool(args.get(0), depth + 1));
      }
      case "like" -> {
        arity(op, args, 2);
        return new Expr.Like(scalar(args.get(0)), scalar(args.get(1)));
      }
      case "between" -> {
        arity(op, args, 3);
        return new Expr.Between(scalar(args.get(0)), scalar(args.get(1)), scalar(args.get(2)));
      }
      case "in" -> {
        arity(op, args, 2);
        if (!args.get(1).isArray()) {
          throw new Cql2Exception("filtre CQL2 JSON : 'in' attend une liste en second argument");
        }
        if (args.get(1).size() > Cql2Text.MAX_LIST) {
          throw new Cql2Exception(
              "filtre CQL2 : liste IN trop longue (au plus " + Cql2Text.MAX_LIST + " valeurs)");
        }
        var list = new ArrayList<Expr>();
        for (JsonNode a : args.get(1)) {
          list.add(scalar(a));
        }
        return new Expr.In(scalar(args.get(0)), list);
      }
      case "isnull" -> {
        arity(op, args, 1);
        return new Expr.IsNull(scalar(args.get(0)));
      }
      default -> {
        if (COMPARISONS.contains(op)) {
          arity(op, args, 2);
          return new Expr.Compare(op, scalar(args.get(0)), scalar(args.get(1)));
        }
        if (Cql2Text.SPATIAL.contains(lower)) {
          arity(op, args, 2);
          return new Expr.Spatial(
              lower, geometryOperand(args.get(0)), geometryOperand(args.get(1)));
        }
        if (Cql2Text.TEMPORAL.contains(lower)) {
          arity(op, args, 2);
          return new Expr.Temporal(
              lower, temporalOperand(args.get(0)), temporalOperand(args.get(1)));
        }
        throw new Cql2Exception("filtre CQL2 JSON : opérateur inconnu '" + op + "'");
      }
    }
  }

  private Expr scalar(JsonNode n) {
    if (n.isTextual()) {
      return new Expr.Text(n.textValue());
    }
    if (n.isNumber()) {
      double d = n.doubleValue();
      if (!Double.isFinite(d)) {
        throw new Cql2Exception("filtre CQL2 JSON : nombre hors limites " + n);
      }
      return new Expr.Number(d);
    }
    if (n.isBoolean()) {
      return new Expr.Bool(n.booleanValue());
    }
    if (n.isObject()) {
      if (n.has("property")) {
        String p = n.get("property").asText();
        if (p.isEmpty()) {
          throw new Cql2Exception("filtre CQL2 JSON : nom de propriété vide");
        }
        return new Expr.Property(p);
      }
      if (n.has("date")) {
        return date(n.get("date").asText());
      }
      if (n.has("timestamp")) {
        return timestamp(n.get("timestamp").asText());
      }
      if (n.has("interval")) {
        return interval(n.get("interval"));
      }
      if (n.has("op")) {
        String op = n.get("op").asText().toLowerCase(java.util.Locale.ROOT);
        if (op.equals("casei") || op.equals("accenti")) {
          JsonNode args = n.get("args");
          if (args == null || !args.isArray() || args.size() != 1) {
            throw new Cql2Exception("filtre CQL2 JSON : '" + op + "' attend un argument");
          }
          return new Expr.Fold(op, scalar(args.get(0)));
        }
      }
    }
    throw new Cql2Exception("filtre CQL2 JSON : valeur ou propriété attendue, reçu " + brief(n));
  }

  private Expr geometryOperand(JsonNode n) {
    if (n.isObject() && n.has("bbox") && !n.has("type")) {
      var v = new ArrayList<Double>();
      for (JsonNode x : n.get("bbox")) {
        if (!x.isNumber()) {
          throw new Cql2Exception("filtre CQL2 JSON : 'bbox' attend des nombres, reçu " + brief(x));
        }
        v.add(x.asDouble());
      }
      return new Expr.Geom(bbox(v, gf));
    }
    if (n.isObject() && n.has("type") && GEOJSON_TYPES.contains(n.get("type").asText())) {
      try {
        Geometry g = GeoJson.read(n, gf);
        if (g == null) {
          throw new IllegalArgumentException("géométrie vide");
        }
        return new Expr.Geom(valid(g));
      } catch (Cql2Exception e) {
        throw new Cql2Exception("filtre CQL2 JSON : " + e.getMessage());
      } catch (RuntimeException e) {
        throw new Cql2Exception(
            "filtre CQL2 JSON : géométrie GeoJSON invalide : " + e.getMessage());
      }
    }
    Expr e = scalar(n);
    if (!(e instanceof Expr.Property)) {
      throw new Cql2Exception(
          "filtre CQL2 JSON : géométrie GeoJSON, {\"bbox\": […]} ou propriété attendue, reçu "
              + brief(n));
    }
    return e;
  }

  private Expr temporalOperand(JsonNode n) {
    Expr e = scalar(n);
    if (!(e instanceof Expr.Property || e instanceof Expr.Instant || e instanceof Expr.Interval)) {
      throw new Cql2Exception(
          "filtre CQL2 JSON : {\"date\"}, {\"timestamp\"}, {\"interval\"} ou propriété attendu,"
              + " reçu "
              + brief(n));
    }
    return e;
  }

  private Expr interval(JsonNode n) {
    if (!n.isArray() || n.size() != 2) {
      throw new Cql2Exception("filtre CQL2 JSON : 'interval' attend deux bornes");
    }
    Expr[] ends = new Expr[2];
    for (int k = 0; k < 2; k++) {
      JsonNode e = n.get(k);
      if (e.isTextual()) {
        String v = e.textValue();
        ends[k] = v.equals("..") ? null : v.length() == 10 ? date(v) : timestamp(v);
      } else {
        Expr x = scalar(e);
        if (!(x instanceof Expr.Instant || x instanceof Expr.Property)) {
          throw new Cql2Exception(
              "filtre CQL2 JSON : date, instant, propriété ou '..' attendu dans 'interval'");
        }
        ends[k] = x;
      }
    }
    return new Expr.Interval(ends[0], ends[1]);
  }

  private static void arity(String op, JsonNode args, int n) {
    if (args.size() != n) {
      throw new Cql2Exception(
          "filtre CQL2 JSON : '" + op + "' attend " + n + " argument(s), reçu " + args.size());
    }
  }

  private static String brief(JsonNode n) {
    String t = n.toString();
    return t.length() > 40 ? t.substring(0, 40) + "…" : t;
  }

  /**
   * The geometry if it is valid (finite coordinates, closed rings of four points or more, no ring
   * crossing itself or another): a spatial function of an invalid literal has no defined answer.
   */
  static Geometry valid(Geometry g) {
    for (var c : g.getCoordinates()) {
      if (!Double.isFinite(c.x) || !Double.isFinite(c.y)) {
        throw new Cql2Exception("géométrie invalide : coordonnées non finies");
      }
    }
    var error = new org.locationtech.jts.operation.valid.IsValidOp(g).getValidationError();
    if (error != null) {
      String why =
          switch (error.getErrorType()) {
            case org.locationtech.jts.operation.valid.TopologyValidationError.SELF_INTERSECTION,
                org.locationtech.jts.operation.valid.TopologyValidationError
                    .RING_SELF_INTERSECTION ->
                "un anneau se recoupe";
            case org.locationtech.jts.operation.valid.TopologyValidationError.TOO_FEW_POINTS ->
                "trop peu de points";
            case org.locationtech.jts.operation.valid.TopologyValidationError.RING_NOT_CLOSED ->
                "anneau non fermé";
            case org.locationtech.jts.operation.valid.TopologyValidationError.HOLE_OUTSIDE_SHELL ->
                "trou hors du contour";
            default -> error.getMessage();
          };
      throw new Cql2Exception(
          "géométrie invalide : "
              + why
              + " (près de "
              + error.getCoordinate().x
              + " "
              + error.getCoordinate().y
              + ")");
    }
    return g;
  }

  /** A {@code DATE}: {@code YYYY-MM-DD}. */
  static Expr.Instant date(String v) {
    try {
      return new Expr.Instant(true, LocalDate.parse(v).toString());
    } catch (DateTimeParseException e) {
      throw new Cql2Exception("date invalide '" + v + "' (AAAA-MM-JJ attendu)");
    }
  }

  /** A {@code TIMESTAMP}: an RFC 3339 instant with its offset, normalised to UTC. */
  static Expr.Instant timestamp(String v) {
    try {
      return new Expr.Instant(
          false,
          OffsetDateTime.parse(v)
              .withOffsetSameInstant(ZoneOffset.UTC)
              .format(DateTimeFormatter.ISO_OFFSET_DATE_TIME));
    } catch (DateTimeParseException e) {
      throw new Cql2Exception(
          "instant invalide '" + v + "' (RFC 3339 attendu, par exemple 2024-09-01T08:00:00Z)");
    }
  }

  /**
   * A {@code BBOX}: four numbers (or six with heights, which are ignored); west > east crosses
   * 180°.
   */
  static Geometry bbox(List<Double> v, GeometryFactory gf) {
    if (v.size() != 4 && v.size() != 6) {
      throw new Cql2Exception("BBOX attend 4 ou 6 nombres, reçu " + v.size());
    }
    int d = v.size() / 2;
    double w = v.get(0);
    double s = v.get(1);
    double e = v.get(d);
    double n = v.get(d + 1);
    for (double x : List.of(w, s, e, n)) {
      if (!Double.isFinite(x)) {
        throw new Cql2Exception("BBOX : nombre invalide");
      }
    }
    if (s > n) {
      throw new Cql2Exception("BBOX : le sud (" + s + ") est au nord du nord (" + n + ")");
    }
    if (w <= e) {
      return gf.toGeometry(new Envelope(w, e, s, n));
    }
    return gf.createMultiPolygon(
        new org.locationtech.jts.geom.Polygon[] {
          (org.locationtech.jts.geom.Polygon) gf.toGeometry(new Envelope(w, 180, s, n)),
          (org.locationtech.jts.geom.Polygon) gf.toGeometry(new Envelope(-180, e, s, n))
        });
  }
}
