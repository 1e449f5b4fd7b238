package fr.eduatlas.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import fr.eduatlas.geo.GeoJson;
import fr.eduatlas.geo.ZoomBand;
import fr.eduatlas.indicator.Catalog;
import fr.eduatlas.source.SourceEntry;
import fr.eduatlas.source.SourceManifest;
import fr.eduatlas.territory.Names;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.locationtech.jts.geom.Coordinate;
import org.locationtech.jts.geom.Geometry;
import org.locationtech.jts.geom.GeometryFactory;
import org.locationtech.jts.io.ParseException;
import org.locationtech.jts.io.WKBReader;

/**
 * The analysts' API under {@code /api/v1}: read-only lookups in the precomputed indicator values,
 * the territories and the schools. Every request value is checked here and bound in SQL; an unknown
 * level, indicator, territory or school is a 404 naming what exists or the nearest matches; a
 * malformed parameter a 400 naming it.
 */
final class V1 {
  static final Map<String, String> LEVEL_LABELS = new LinkedHashMap<>();

  static {
    LEVEL_LABELS.put("commune", "Commune");
    LEVEL_LABELS.put("epci", "Intercommunalité (EPCI)");
    LEVEL_LABELS.put("departement", "Département");
    LEVEL_LABELS.put("academie", "Académie");
    LEVEL_LABELS.put("region", "Région");
    LEVEL_LABELS.put("france", "France");
  }

  static final int MAX_LIMIT = 1000;
  static final String SIMULATED_NOTE =
      "données simulées : chiffres d'établissement produits par le simulateur d'EduAtlas,"
          + " calibrés sur les agrégats publiés";

  private final Catalog catalog;

  private static final Map<String, SourceEntry> SOURCES =
      SourceManifest.bundled().entries().stream()
          .collect(java.util.stream.Collectors.toMap(SourceEntry::id, e -> e));
  private final ObjectMapper json = new ObjectMapper();

  V1(Catalog catalog) {
    this.catalog = catalog;
  }

  // ---- levels -------------------------------------------------------------------------------

  ArrayNode levels(Connection c) throws SQLException {
    var counts = new LinkedHashMap<String, Long>();
    try (var ps = c.prepareStatement("SELECT level, count(*) FROM territory GROUP BY 1");
        ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        counts.put(rs.getString(1), rs.getLong(2));
      }
    }
    ArrayNode out = json.createArrayNode();
    LEVEL_LABELS.forEach(
        (id, label) ->
            out.addObject()
                .put("id", id)
                .put("label", label)
                .put("territories", counts.getOrDefault(id, 0L)));
    return out;
  }

  static String level(String raw, String param) {
    if (raw == null || raw.isBlank()) {
      throw ApiException.badRequest("paramètre '" + param + "' manquant");
    }
    if (!LEVEL_LABELS.containsKey(raw)) {
      throw new ApiException(
          404,
          "Niveau inconnu",
          "niveau '"
              + raw
              + "' inconnu ; niveaux possibles : "
              + String.join(", ", LEVEL_LABELS.keySet()));
    }
    return raw;
  }

  // ---- territories --------------------------------------------------------------------------

  /** The longest text a search accepts: the longest territory or school name is under 100. */
  static final int MAX_QUERY_TEXT = 100;

  /** Name or code search, accent- and case-insensitive, ranked: code, whole name, prefix, part. */
  ObjectNode search(Connection c, String q, String level, int limit) throws SQLException {
    if (q == null || q.isBlank()) {
      throw ApiException.badRequest("paramètre 'q' manquant : un nom ou un code à chercher");
    }
    if (q.length() > MAX_QUERY_TEXT) {
      throw ApiException.badRequest(
          "paramètre 'q' : " + MAX_QUERY_TEXT + " caractères au plus (reçu " + q.length() + ")");
    }
    String folded = Names.fold(q);
    String code = q.strip().toUpperCase(Locale.ROOT);
    ObjectNode out = json.createObjectNode();
    out.put("q", q);
    ArrayNode items = out.putArray("territories");
    String sql =
        "SELECT t.level, t.code, t.name, t.parent_level, t.parent_code, p.name,"
            + " CASE WHEN t.code = ? THEN 0 WHEN t.name_folded = ? THEN 1 WHEN"
            + " starts_with(t.name_folded, ?) THEN 2 ELSE 3 END AS rank"
            + " FROM territory t LEFT JOIN territory p ON p.level = t.parent_level AND p.code ="
            + " t.parent_code WHERE (t.code = ? OR contains(t.name_folded, ?))"
            + (level == null ? " AND ? IS NULL" : " AND t.level = ?")
            + " ORDER BY rank, list_position(['france', 'region', 'academie', 'departement',"
            + " 'epci', 'commune'], t.level), length(t.name), t.name, t.code LIMIT ?";
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setString(1, code);
      ps.setString(2, folded);
      ps.setString(3, folded);
      ps.setString(4, code);
      ps.setString(5, folded);
      ps.setString(6, level);
      ps.setInt(7, limit);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          ObjectNode t = items.addObject();
          t.put("level", rs.getString(1)).put("code", rs.getString(2)).put("name", rs.getString(3));
          if (rs.getString(4) != null) {
            t.putObject("parent")
                .put("level", rs.getString(4))
                .put("code", rs.getString(5))
                .put("name", rs.getString(6));
          }
          t.put("href", "/api/v1/territories/" + rs.getString(1) + "/" + rs.getString(2));
        }
      }
    }
    return out;
  }

  record Territory(String level, String code, String name) {}

  /** The territory, or a 404 listing the nearest names or codes at that level. */
  /**
   * The shape of a territory code per level (COG 2026: communes 01001…2A004…97101…98735, EPCI by
   * their SIREN, départements 01…2A/2B…976, académies and régions on two digits): checked before
   * any lookup, so that a malformed code costs nothing and gets no suggestion.
   */
  static final Map<String, java.util.regex.Pattern> CODE_SHAPES =
      Map.of(
          "commune", java.util.regex.Pattern.compile("[0-9][0-9AB][0-9]{3}"),
          "epci", java.util.regex.Pattern.compile("[0-9]{9}"),
          "departement", java.util.regex.Pattern.compile("[0-9]{2}|2[AB]|97[0-9]"),
          "academie", java.util.regex.Pattern.compile("[0-9]{2}"),
          "region", java.util.regex.Pattern.compile("[0-9]{2}"),
          "france", java.util.regex.Pattern.compile("FR"));

  private static final Map<String, String> CODE_SHAPE_TEXT =
      Map.of(
          "commune", "5 caractères, ex. 02408 ou 2A004",
          "epci", "9 chiffres (SIREN), ex. 200071983",
          "departement", "2 ou 3 caractères, ex. 02, 2A ou 971",
          "academie", "2 chiffres, ex. 20",
          "region", "2 chiffres, ex. 32",
          "france", "FR");

  /** Checks the code's shape for its level; a 400 naming the expected shape otherwise. */
  static String code(String level, String code) {
    var shape = CODE_SHAPES.get(level);
    if (code == null || shape == null || !shape.matcher(code).matches()) {
      String shown = code == null ? "" : code.length() > 20 ? code.substring(0, 20) + "…" : code;
      throw ApiException.badRequest(
          "code de niveau '"
              + level
              + "' mal formé : '"
              + shown
              + "' ("
              + CODE_SHAPE_TEXT.getOrDefault(level, "?")
              + ")");
    }
    return code;
  }

  Territory territory(Connection c, String level, String code) throws SQLException {
    code(level, code);
    try (PreparedStatement ps =
        c.prepareStatement("SELECT name FROM territory WHERE level = ? AND code = ?")) {
      ps.setString(1, level);
      ps.setString(2, code);
      try (ResultSet rs = ps.executeQuery()) {
        if (rs.next()) {
          return new Territory(level, code, rs.getString(1));
        }
      }
    }
    var near = new ArrayList<String>();
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT code, name FROM territory WHERE level = ? ORDER BY"
                + " least(levenshtein(code, ?), levenshtein(name_folded, ?)), code LIMIT 5")) {
      ps.setString(1, level);
      ps.setString(2, code);
      ps.setString(3, Names.fold(code));
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          near.add(rs.getString(1) + " (" + rs.getString(2) + ")");
        }
      }
    }
    throw new ApiException(
        404,
        "Territoire inconnu",
        "aucun territoire de niveau '"
            + level
            + "' n'a le code '"
            + code
            + "' ; les plus proches : "
            + String.join(", ", near));
  }

  /** The territory's chain of parents, from itself up to France. */
  List<Territory> ancestors(Connection c, Territory t) throws SQLException {
    var out = new ArrayList<Territory>();
    out.add(t);
    String level = t.level();
    String code = t.code();
    for (int guard = 0; guard < 8; guard++) {
      try (PreparedStatement ps =
          c.prepareStatement(
              "SELECT p.level, p.code, p.name FROM territory t JOIN territory p ON p.level ="
                  + " t.parent_level AND p.code = t.parent_code WHERE t.level = ? AND t.code = ?")) {
        ps.setString(1, level);
        ps.setString(2, code);
        try (ResultSet rs = ps.executeQuery()) {
          if (!rs.next()) {
            break;
          }
          var p = new Territory(rs.getString(1), rs.getString(2), rs.getString(3));
          out.add(p);
          level = p.level();
          code = p.code();
        }
      }
    }
    return out;
  }

  /**
   * The territories a value is compared with: the commune's or territory's département, académie,
   * région (as the communes lying in it show) and France.
   */
  List<Territory> comparisons(Connection c, Territory t) throws SQLException {
    var out = new ArrayList<Territory>();
    if (t.level().equals("france")) {
      return out;
    }
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT c.compared_level, c.compared_code, t.name FROM territory_comparison c JOIN"
                + " territory t ON t.level = c.compared_level AND t.code = c.compared_code WHERE"
                + " c.level = ? AND c.code = ? ORDER BY list_position(['departement', 'academie',"
                + " 'region'], c.compared_level)")) {
      ps.setString(1, t.level());
      ps.setString(2, t.code());
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(new Territory(rs.getString(1), rs.getString(2), rs.getString(3)));
        }
      }
    }
    out.add(new Territory("france", "FR", "France"));
    return out;
  }

  ObjectNode profile(Connection c, String level, String code, boolean geometry, Integer zoom)
      throws SQLException {
    Territory t = territory(c, level, code);
    ObjectNode out = json.createObjectNode();
    out.put("level", t.level()).put("code", t.code()).put("name", t.name());
    ArrayNode crumbs = out.putArray("breadcrumb");
    List<Territory> chain = ancestors(c, t);
    for (int i = chain.size() - 1; i >= 0; i--) {
      Territory a = chain.get(i);
      crumbs
          .addObject()
          .put("level", a.level())
          .put("code", a.code())
          .put("name", a.name())
          .put("href", "/api/v1/territories/" + a.level() + "/" + a.code());
    }
    List<Territory> compared = comparisons(c, t);
    ArrayNode cmp = out.putArray("comparedWith");
    for (Territory x : compared) {
      cmp.addObject().put("level", x.level()).put("code", x.code()).put("name", x.name());
    }
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT count(*), sum(pupils) FROM school WHERE commune_code IN (SELECT commune_code"
                + " FROM territory_commune WHERE level = ? AND code = ?)")) {
      ps.setString(1, level);
      ps.setString(2, code);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        out.putObject("schools")
            .put("count", rs.getLong(1))
            .put("pupils", rs.getLong(2))
            // France's schools are all of them: the schools route has no "france" filter.
            .put(
                "href",
                level.equals("france")
                    ? "/api/v1/schools"
                    : "/api/v1/schools?" + level + "=" + code);
      }
    }
    // Every value of the territory and of the compared ones, in one query.
    var keys = new ArrayList<Territory>();
    keys.add(t);
    keys.addAll(compared);
    var values = new LinkedHashMap<String, Map<String, Map<String, ObjectNode>>>();
    // One query per territory: each is a zone-map lookup in the table sorted by territory.
    for (Territory x : keys) {
      try (PreparedStatement ps =
          c.prepareStatement(
              "SELECT indicator_id, level, code, period, value, status, simulated,"
                  + " schools_covered, schools_total, pupils_covered, pupils_total, schools_real"
                  + " FROM indicator_value WHERE level = ? AND code = ? ORDER BY indicator_id,"
                  + " period")) {
        ps.setString(1, x.level());
        ps.setString(2, x.code());
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            values
                .computeIfAbsent(rs.getString(1), k -> new LinkedHashMap<>())
                .computeIfAbsent(
                    rs.getString(2) + "/" + rs.getString(3), k -> new LinkedHashMap<>())
                .put(rs.getString(4), valueNode(rs, 4));
          }
        }
      }
    }
    ArrayNode indicators = out.putArray("indicators");
    String self = t.level() + "/" + t.code();
    for (Catalog.Indicator i : catalog.all()) {
      var byTerritory = values.getOrDefault(i.id(), Map.of());
      Map<String, ObjectNode> series = byTerritory.getOrDefault(self, Map.of());
      ObjectNode n = indicators.addObject();
      describe(n, i);
      if (series.isEmpty()) {
        n.putNull("latest");
        n.putArray("series");
        continue;
      }
      String latest = series.keySet().stream().max(Comparator.naturalOrder()).orElseThrow();
      Map<String, ObjectNode> fr = byTerritory.getOrDefault("france/FR", Map.of());
      if (!t.level().equals("france")) {
        series.forEach(
            (period, v) -> {
              ObjectNode f = fr.get(period);
              String a =
                  catalog.appraise(
                      i, number(v.get("value")), f == null ? null : number(f.get("value")));
              if (a != null) {
                v.put("appraisal", a);
              }
            });
      }
      n.set("latest", series.get(latest));
      ArrayNode s = n.putArray("series");
      series.values().forEach(s::add);
      ArrayNode parents = n.putArray("compared");
      for (Territory x : compared) {
        ObjectNode v = byTerritory.getOrDefault(x.level() + "/" + x.code(), Map.of()).get(latest);
        ObjectNode p = parents.addObject().put("level", x.level()).put("code", x.code());
        p.put("name", x.name());
        p.set("value", v == null ? null : v.get("value"));
        p.put("period", latest);
      }
    }
    if (geometry) {
      out.set("geometry", geometry(c, level, code, zoom));
    }
    return out;
  }

  private static Double number(com.fasterxml.jackson.databind.JsonNode n) {
    return n == null || n.isNull() ? null : n.asDouble();
  }

  /** France's value of an indicator for a period, or null. */
  Double franceValue(Connection c, String id, String period) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT value FROM indicator_value_by_indicator WHERE indicator_id = ? AND level ="
                + " 'france' AND period = ?")) {
      ps.setString(1, id);
      ps.setString(2, period);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? (Double) rs.getObject(1) : null;
      }
    }
  }

  Catalog catalog() {
    return catalog;
  }

  /** One value as JSON, from columns period, value, status, simulated and coverage. */
  private ObjectNode valueNode(ResultSet rs, int first) throws SQLException {
    ObjectNode v = json.createObjectNode();
    v.put("period", rs.getString(first));
    double d = rs.getDouble(first + 1);
    if (rs.wasNull()) {
      v.putNull("value");
    } else {
      v.put("value", round(d));
    }
    v.put("status", rs.getString(first + 2));
    v.put("simulated", rs.getBoolean(first + 3));
    long covered = rs.getLong(first + 4);
    if (!rs.wasNull()) {
      ObjectNode cov = v.putObject("coverage");
      long total = rs.getLong(first + 5);
      long pc = rs.getLong(first + 6);
      long pt = rs.getLong(first + 7);
      cov.put("schools", covered).put("schoolsTotal", total);
      cov.put("schoolsShare", total == 0 ? 0 : round((double) covered / total));
      cov.put("pupils", pc).put("pupilsTotal", pt);
      cov.put("pupilsShare", pt == 0 ? 0 : round((double) pc / pt));
      realCoverage(cov, covered, rs.getLong(first + 8));
    }
    return v;
  }

  /**
   * Of the covered schools, how many have real (contributed, not simulated) data, and their share:
   * what the simulation still stands in for.
   */
  static void realCoverage(ObjectNode cov, long covered, long real) {
    cov.put("realSchools", real);
    cov.put("realShare", covered == 0 ? 0 : round((double) real / covered));
    cov.put("simulatedShare", covered == 0 ? 0 : round((double) (covered - real) / covered));
  }

  static double round(double d) {
    return Math.round(d * 10_000d) / 10_000d;
  }

  // ---- geometry -----------------------------------------------------------------------------

  /**
   * The territory's outline in WGS84: full precision without {@code zoom}; else the coverage
   * simplified for that zoom band (communes: from zoom 8), back from Web Mercator.
   */
  com.fasterxml.jackson.databind.JsonNode geometry(
      Connection c, String level, String code, Integer zoom) throws SQLException {
    String sql =
        zoom == null
            ? "SELECT ST_AsWKB(geom) FROM territory_geometry WHERE level = ? AND code = ?"
            : "SELECT ST_AsWKB(geom_3857) FROM territory_geometry_zoom WHERE level = ? AND code = ?"
                + " AND ? BETWEEN min_zoom AND max_zoom";
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setString(1, level);
      ps.setString(2, code);
      if (zoom != null) {
        ps.setInt(3, level.equals("commune") ? Math.max(zoom, ZoomBand.COMMUNE_MIN_ZOOM) : zoom);
      }
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          return json.nullNode();
        }
        Geometry g = new WKBReader(new GeometryFactory()).read(rs.getBytes(1));
        if (zoom != null) {
          g = fromWebMercator(g);
        }
        return GeoJson.write(g, zoom == null ? 6 : 5);
      } catch (ParseException e) {
        throw new SQLException("unreadable geometry for " + level + " " + code, e);
      }
    }
  }

  private static Geometry fromWebMercator(Geometry g) {
    Geometry out = g.copy();
    double r = 6378137.0;
    out.apply(
        (org.locationtech.jts.geom.CoordinateFilter)
            (Coordinate p) -> {
              double lon = Math.toDegrees(p.x / r);
              double lat = Math.toDegrees(2 * Math.atan(Math.exp(p.y / r)) - Math.PI / 2);
              p.x = lon;
              p.y = lat;
            });
    out.geometryChanged();
    return out;
  }

  // ---- indicators ---------------------------------------------------------------------------

  void describe(ObjectNode n, Catalog.Indicator i) {
    n.put("id", i.id());
    n.put("label", i.label());
    n.put("description", i.description());
    n.put("theme", i.theme());
    n.put("unit", i.unit());
    n.put("direction", i.direction());
    n.put("grain", i.grain());
    ArrayNode s = n.putArray("sources");
    i.sources().forEach(s::add);
    // What a legend or a footnote cites: each source's title, publisher and vintage.
    ArrayNode sd = n.putArray("sourceDetails");
    for (String id : i.sources()) {
      ObjectNode d = sd.addObject().put("id", id);
      SourceEntry e = SOURCES.get(id);
      if (e != null) {
        d.put("title", e.title()).put("publisher", e.publisher()).put("vintage", e.vintage());
      } else if (id.startsWith("contributions:")) {
        d.put("title", "Contributions des établissements (" + id.substring(14) + ")");
        d.put("publisher", "académies et collectivités ; ici simulées par EduAtlas");
      }
    }
    ArrayNode cl = n.putArray("classes");
    i.classes().forEach(cl::add);
    n.put(
        "aggregation",
        i.denominator() == null
            ? "somme de « " + i.numerator() + " »" + (i.scale() == 1 ? "" : " × " + i.scale())
            : "somme de « "
                + i.numerator()
                + " » / somme de « "
                + i.denominator()
                + " »"
                + (i.scale() == 1 ? "" : " × " + fmt(i.scale())));
    if (!i.direction().equals("neutral")) {
      n.put("appraisal", catalog.benchmark().description());
    }
    n.put("simulated", i.fromContributions());
    if (i.fromContributions()) {
      n.put("simulatedNote", SIMULATED_NOTE);
    }
    if (i.suppressBelow() != null) {
      n.put(
          "secret",
          "valeur non publiée en dessous de "
              + i.suppressBelow()
              + " enseignants répondants, ou si elle pouvait s'en déduire");
    }
    n.put("href", "/api/v1/indicators/" + i.id());
  }

  private static String fmt(double d) {
    return d == Math.rint(d) ? String.valueOf((long) d) : String.valueOf(d);
  }

  Catalog.Indicator indicator(String id) {
    return catalog
        .find(id)
        .orElseThrow(
            () ->
                new ApiException(
                    404,
                    "Indicateur inconnu",
                    "indicateur '"
                        + id
                        + "' inconnu ; les plus proches : "
                        + String.join(", ", nearest(id, catalog.ids(), 5))));
  }

  static List<String> nearest(String x, Set<String> candidates, int n) {
    return candidates.stream()
        .sorted(
            Comparator.<String>comparingInt(c -> levenshtein(x, c))
                .thenComparing(Comparator.naturalOrder()))
        .limit(n)
        .toList();
  }

  static int levenshtein(String a, String b) {
    int[] prev = new int[b.length() + 1];
    int[] cur = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      prev[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      cur[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
      }
      int[] t = prev;
      prev = cur;
      cur = t;
    }
    return prev[b.length()];
  }

  /** The periods an indicator has values for, oldest first. */
  List<String> periods(Connection c, String id) throws SQLException {
    var out = new ArrayList<String>();
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT DISTINCT period FROM indicator_value WHERE indicator_id = ? AND level ="
                + " 'france' ORDER BY 1")) {
      ps.setString(1, id);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(rs.getString(1));
        }
      }
    }
    return out;
  }

  ObjectNode indicatorNode(Connection c, Catalog.Indicator i) throws SQLException {
    ObjectNode n = json.createObjectNode();
    describe(n, i);
    ArrayNode p = n.putArray("periods");
    periods(c, i.id()).forEach(p::add);
    n.put("values", "/api/v1/indicators/" + i.id() + "/values");
    return n;
  }

  ArrayNode indicators(Connection c) throws SQLException {
    ArrayNode out = json.createArrayNode();
    for (Catalog.Indicator i : catalog.all()) {
      out.add(indicatorNode(c, i));
    }
    return out;
  }

  /** Rows of one indicator's values at a level and period, optionally within a territory. */
  record ValueRow(
      String code,
      String name,
      Double value,
      String status,
      boolean simulated,
      Long schoolsCovered,
      Long schoolsTotal,
      Long pupilsCovered,
      Long pupilsTotal,
      Long schoolsReal) {}

  /** The default period: the latest one with values. */
  String period(Connection c, Catalog.Indicator i, String year) throws SQLException {
    List<String> periods = periods(c, i.id());
    if (periods.isEmpty()) {
      throw new ApiException(
          404, "Aucune valeur", "l'indicateur '" + i.id() + "' n'a aucune valeur");
    }
    if (year == null) {
      return periods.get(periods.size() - 1);
    }
    if (!periods.contains(year)) {
      throw ApiException.badRequest(
          "paramètre 'year' : '"
              + year
              + "' n'est pas une période de l'indicateur '"
              + i.id()
              + "' ; périodes disponibles : "
              + String.join(", ", periods));
    }
    return year;
  }

  List<ValueRow> values(
      Connection c, Catalog.Indicator i, String level, String period, Territory within)
      throws SQLException {
    String sql =
        "SELECT code, name, value, status, simulated, schools_covered, schools_total,"
            + " pupils_covered, pupils_total, schools_real FROM indicator_value_by_indicator WHERE"
            + " indicator_id"
            + " = ? AND level = ? AND period = ?"
            + (within == null
                ? " AND ? IS NULL AND ? IS NULL AND ? IS NULL"
                : " AND code IN (SELECT DISTINCT a.code FROM territory_commune a JOIN"
                    + " territory_commune b USING (commune_code) WHERE a.level = ? AND b.level = ?"
                    + " AND b.code = ?)")
            + " ORDER BY code";
    var out = new ArrayList<ValueRow>();
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setString(1, i.id());
      ps.setString(2, level);
      ps.setString(3, period);
      ps.setString(4, within == null ? null : level);
      ps.setString(5, within == null ? null : within.level());
      ps.setString(6, within == null ? null : within.code());
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(
              new ValueRow(
                  rs.getString(1),
                  rs.getString(2),
                  (Double) rs.getObject(3),
                  rs.getString(4),
                  rs.getBoolean(5),
                  (Long) rs.getObject(6),
                  (Long) rs.getObject(7),
                  (Long) rs.getObject(8),
                  (Long) rs.getObject(9),
                  (Long) rs.getObject(10)));
        }
      }
    }
    return out;
  }
}
