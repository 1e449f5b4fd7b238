package fr.eduatlas.observatory;

import fr.eduatlas.cql2.Expr;
import fr.eduatlas.geo.ZoomBand;
import fr.eduatlas.indicator.Catalog;
import fr.eduatlas.territory.Codes;
import fr.eduatlas.territory.Level;
import fr.eduatlas.territory.Names;
import fr.eduatlas.territory.Programmes;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.locationtech.jts.geom.Coordinate;
import org.locationtech.jts.geom.CoordinateFilter;
import org.locationtech.jts.geom.Envelope;
import org.locationtech.jts.geom.Geometry;
import org.locationtech.jts.geom.GeometryFactory;
import org.locationtech.jts.io.ParseException;
import org.locationtech.jts.io.WKBReader;

/**
 * The read model: typed queries over the served warehouse, for the API, the OGC collections, the
 * tiles' values and the map. Every check of a request value that is about the data is here (an
 * unknown level, territory, indicator, school or period is a {@link QueryException} naming what
 * exists or the nearest matches); every value is bound, the SQL text is fixed. No HTTP, no JSON.
 *
 * <p>Each query takes the connection of a lease on the served warehouse, so that one request reads
 * one data version.
 */
public final class Observatory {
  /** The most items one page holds. */
  public static final int MAX_LIMIT = 1000;

  /** The longest text a search accepts: the longest territory or school name is under 100. */
  public static final int MAX_QUERY_TEXT = 100;

  private final Catalog catalog;
  private final GeometryFactory gf = new GeometryFactory();

  public Observatory(Catalog catalog) {
    this.catalog = catalog;
  }

  public Catalog catalog() {
    return catalog;
  }

  // ---- levels and territories ---------------------------------------------------------------

  /** Every level with its number of territories. */
  public List<LevelCount> levels(Connection c) throws SQLException {
    var counts = new LinkedHashMap<String, Long>();
    try (var ps = c.prepareStatement("SELECT level, count(*) FROM territory GROUP BY 1");
        ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        counts.put(rs.getString(1), rs.getLong(2));
      }
    }
    return Level.all().stream()
        .map(l -> new LevelCount(l.id(), l.label(), counts.getOrDefault(l.id(), 0L)))
        .toList();
  }

  /**
   * A territory's name at its label point (as published: 5 decimals, about a metre), and how much
   * it matters (for collision priority).
   */
  public record Label(String code, String name, double lon, double lat, double weight) {}

  /**
   * The label points of a level's territories (inside {@code bbox} when given: lon/lat min, max),
   * the most important first: communes by population, other levels by area.
   */
  public List<Label> labels(Connection c, String level, double[] bbox, int limit)
      throws SQLException {
    Level l = level(level);
    if (l.id().equals("france")) {
      throw QueryException.invalid(
          "paramètre 'level' : pas de nom à placer pour la France entière");
    }
    String weight =
        l.id().equals("commune")
            ? "coalesce((SELECT max_by(p.population_municipale, p.year) FROM commune_population p"
                + " WHERE p.commune_code = t.code), 0)"
            : "g.area_km2";
    // The points rounded here, where they are published from (5 decimals, half up), and the view
    // filtered on those: a static release filters its file's rounded points in the browser,
    // and a point within a metre of a view's edge was kept by one and not the other.
    String sql =
        "SELECT code, name, lon, lat, w FROM (SELECT t.code, t.name, floor(g.label_lon * 100000 +"
            + " 0.5) / 100000 AS lon, floor(g.label_lat * 100000 + 0.5) / 100000 AS lat, CAST("
            + weight
            + " AS DOUBLE) AS w FROM territory t JOIN territory_geometry g ON g.level = t.level AND"
            + " g.code = t.code WHERE t.level = ? AND g.label_lon IS NOT NULL) WHERE ? IS NULL OR"
            + " (lon BETWEEN ? AND ? AND lat BETWEEN ? AND ?) ORDER BY w DESC, code LIMIT ?";
    var out = new ArrayList<Label>();
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setString(1, l.id());
      ps.setObject(2, bbox == null ? null : 1);
      for (int k = 0; k < 4; k++) {
        ps.setDouble(3 + k, bbox == null ? 0 : bbox[k == 0 ? 0 : k == 1 ? 2 : k == 2 ? 1 : 3]);
      }
      ps.setInt(7, limit);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(
              new Label(
                  rs.getString(1),
                  rs.getString(2),
                  rs.getDouble(3),
                  rs.getDouble(4),
                  rs.getDouble(5)));
        }
      }
    }
    return out;
  }

  /** The level of an identifier, or a 404-kind error listing the levels. */
  public static Level level(String id) {
    return Level.of(id)
        .orElseThrow(
            () ->
                QueryException.notFound(
                    "Niveau inconnu",
                    "niveau '"
                        + id
                        + "' inconnu ; niveaux possibles : "
                        + String.join(", ", Level.ids())));
  }

  /** Checks the code's shape for its level; an invalid-kind error naming the expected shape. */
  public static String code(String level, String code) {
    Level l = Level.of(level).orElse(null);
    if (l == null || !l.hasCodeShape(code)) {
      String shown = code == null ? "" : code.length() > 20 ? code.substring(0, 20) + "…" : code;
      throw QueryException.invalid(
          "code de niveau '"
              + level
              + "' mal formé : '"
              + shown
              + "' ("
              + (l == null ? "?" : l.codeShapeText())
              + ")");
    }
    return code;
  }

  /**
   * Territories by name or code, accent- and case-insensitive, ranked: code, whole name, prefix,
   * part; coarser levels first.
   *
   * @param level a level id, or null for every level
   */
  public List<SearchHit> search(Connection c, String q, String level, int limit)
      throws SQLException {
    if (q == null || q.isBlank()) {
      throw QueryException.invalid("paramètre 'q' manquant : un nom ou un code à chercher");
    }
    checkText(q);
    String folded = Names.fold(q);
    String code = q.strip().toUpperCase(Locale.ROOT);
    String sql =
        "SELECT t.level, t.code, t.name, t.parent_level, t.parent_code, p.name,"
            + " CASE WHEN t.code = ? THEN 0 WHEN t.name_folded = ? THEN 1 WHEN"
            + " starts_with(t.name_folded, ?) THEN 2 ELSE 3 END AS rank"
            + " FROM territory t LEFT JOIN territory p ON p.level = t.parent_level AND p.code ="
            + " t.parent_code WHERE (t.code = ? OR contains(t.name_folded, ?))"
            + (level == null ? " AND ? IS NULL" : " AND t.level = ?")
            + " ORDER BY rank, list_position(['france', 'region', 'academie', 'departement',"
            + " 'epci', 'commune'], t.level), length(t.name), t.name, t.code LIMIT ?";
    var out = new ArrayList<SearchHit>();
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
          out.add(hit(rs));
        }
      }
    }
    return out;
  }

  /** A territory and its parent from columns level, code, name, parent's level, code, name. */
  private static SearchHit hit(ResultSet rs) throws SQLException {
    var t = new Territory(rs.getString(1), rs.getString(2), rs.getString(3));
    var p =
        rs.getString(4) == null
            ? null
            : new Territory(rs.getString(4), rs.getString(5), rs.getString(6));
    return new SearchHit(t, p);
  }

  private static void checkText(String q) {
    if (q.length() > MAX_QUERY_TEXT) {
      throw QueryException.invalid(
          "paramètre 'q' : " + MAX_QUERY_TEXT + " caractères au plus (reçu " + q.length() + ")");
    }
  }

  /** The territory, or a 404-kind error listing the nearest names or codes at that level. */
  public Territory territory(Connection c, String level, String code) throws SQLException {
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
    throw QueryException.notFound(
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
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT p.level, p.code, p.name FROM territory t JOIN territory p ON p.level ="
                + " t.parent_level AND p.code = t.parent_code WHERE t.level = ? AND t.code = ?")) {
      for (int guard = 0; guard < 8; guard++) {
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
    out.add(Territory.FRANCE);
    return out;
  }

  /**
   * A territory's profile: parents, comparisons, schools, every indicator's series appraised
   * against France, and its outline when {@code outline} (at {@code zoom}'s band, or full).
   */
  public TerritoryProfile profile(
      Connection c, String level, String code, boolean outline, Integer zoom) throws SQLException {
    Territory t = territory(c, level, code);
    List<Territory> chain = new ArrayList<>(ancestors(c, t));
    java.util.Collections.reverse(chain);
    List<Territory> compared = comparisons(c, t);
    long schools;
    long pupils;
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT count(*), sum(pupils) FROM school WHERE commune_code IN (SELECT commune_code"
                + " FROM territory_commune WHERE level = ? AND code = ?)")) {
      ps.setString(1, level);
      ps.setString(2, code);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        schools = rs.getLong(1);
        pupils = rs.getLong(2);
      }
    }
    // indicator → "level/code" → period → value; one zone-map lookup per territory.
    var values = new LinkedHashMap<String, Map<String, Map<String, Value>>>();
    var keys = new ArrayList<Territory>();
    keys.add(t);
    keys.addAll(compared);
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT indicator_id, level, code, "
                + VALUE_COLUMNS
                + " FROM indicator_value WHERE level = ? AND code = ? ORDER BY indicator_id,"
                + " period")) {
      for (Territory x : keys) {
        ps.setString(1, x.level());
        ps.setString(2, x.code());
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            values
                .computeIfAbsent(rs.getString(1), k -> new LinkedHashMap<>())
                .computeIfAbsent(
                    rs.getString(2) + "/" + rs.getString(3), k -> new LinkedHashMap<>())
                .put(rs.getString(4), value(rs, 4));
          }
        }
      }
    }
    var indicators = series(t, compared, values);
    Geometry g = outline ? outline(c, level, code, zoom) : null;
    return new TerritoryProfile(t, chain, compared, schools, pupils, indicators, outline, g);
  }

  /**
   * Every indicator's series for {@code t}, appraised against France, with the compared
   * territories' values at its latest period.
   *
   * @param values indicator → "level/code" → period → value, for t and the compared territories
   */
  private List<TerritoryProfile.IndicatorSeries> series(
      Territory t, List<Territory> compared, Map<String, Map<String, Map<String, Value>>> values) {
    var indicators = new ArrayList<TerritoryProfile.IndicatorSeries>();
    String self = t.level() + "/" + t.code();
    for (Catalog.Indicator i : catalog.all()) {
      var byTerritory = values.getOrDefault(i.id(), Map.of());
      Map<String, Value> own = byTerritory.getOrDefault(self, Map.of());
      if (own.isEmpty()) {
        indicators.add(new TerritoryProfile.IndicatorSeries(i, List.of(), null, List.of()));
        continue;
      }
      Map<String, Value> fr = byTerritory.getOrDefault("france/FR", Map.of());
      var series = new ArrayList<Value>();
      for (Value v : own.values()) {
        if (!t.level().equals("france")) {
          Value f = fr.get(v.period());
          v = v.withAppraisal(catalog.appraise(i, v.value(), f == null ? null : f.value()));
        }
        series.add(v);
      }
      Value latest = series.stream().max(Comparator.comparing(Value::period)).orElseThrow();
      var cmp = new ArrayList<TerritoryProfile.Compared>();
      for (Territory x : compared) {
        Value v =
            byTerritory.getOrDefault(x.level() + "/" + x.code(), Map.of()).get(latest.period());
        cmp.add(new TerritoryProfile.Compared(x, v == null ? null : v.value(), latest.period()));
      }
      indicators.add(new TerritoryProfile.IndicatorSeries(i, series, latest, cmp));
    }
    return indicators;
  }

  /**
   * Every profile of a level, in code order, without outlines: the same profiles as {@link
   * #profile}, read in a few set queries instead of a dozen per territory (a static release writes
   * all 35,000 communes' in seconds). France's is {@link #profile}'s.
   */
  public <E extends Exception> void profiles(Connection c, String level, ProfileSink<E> sink)
      throws SQLException, E {
    level(level);
    if (level.equals("france")) {
      sink.accept(profile(c, "france", "FR", false, null));
      return;
    }
    // Every territory with its parent: the breadcrumbs, and the names of compared territories.
    var names = new HashMap<String, Territory>();
    var parents = new HashMap<String, String>();
    for (SearchHit h : territories(c)) {
      Territory t = h.territory();
      names.put(t.level() + "/" + t.code(), t);
      if (h.parent() != null) {
        parents.put(t.level() + "/" + t.code(), h.parent().level() + "/" + h.parent().code());
      }
    }
    names.put("france/FR", Territory.FRANCE);
    var comparedOf = new java.util.HashMap<String, List<Territory>>();
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT code, compared_level, compared_code FROM territory_comparison WHERE level = ?"
                + " ORDER BY code, list_position(['departement', 'academie', 'region'],"
                + " compared_level)")) {
      ps.setString(1, level);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          Territory x = names.get(rs.getString(2) + "/" + rs.getString(3));
          if (x != null) {
            comparedOf.computeIfAbsent(rs.getString(1), k -> new ArrayList<>()).add(x);
          }
        }
      }
    }
    var schools = new java.util.HashMap<String, long[]>();
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT tc.code, count(*), sum(s.pupils) FROM territory_commune tc JOIN school s ON"
                + " s.commune_code = tc.commune_code WHERE tc.level = ? GROUP BY tc.code")) {
      ps.setString(1, level);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          schools.put(rs.getString(1), new long[] {rs.getLong(2), rs.getLong(3)});
        }
      }
    }
    // The values of every territory a profile is compared with (départements and above, France).
    var comparedValues = new java.util.HashMap<String, Map<String, Map<String, Value>>>();
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT indicator_id, level, code, "
                + VALUE_COLUMNS
                + " FROM indicator_value WHERE level IN ('france', 'region', 'academie',"
                + " 'departement') ORDER BY indicator_id, level, code, period")) {
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          comparedValues
              .computeIfAbsent(rs.getString(2) + "/" + rs.getString(3), k -> new HashMap<>())
              .computeIfAbsent(rs.getString(1), k -> new LinkedHashMap<>())
              .put(rs.getString(4), value(rs, 4));
        }
      }
    }
    var territories = new ArrayList<Territory>();
    for (Territory t : names.values()) {
      if (t.level().equals(level)) {
        territories.add(t);
      }
    }
    territories.sort(Comparator.comparing(Territory::code));
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT code, indicator_id, "
                + VALUE_COLUMNS
                + " FROM indicator_value WHERE level = ? ORDER BY code, indicator_id, period")) {
      ps.setString(1, level);
      try (ResultSet rs = ps.executeQuery()) {
        boolean more = rs.next();
        for (Territory t : territories) {
          // Own values: the rows of this code (codes without values get empty series).
          var own = new HashMap<String, Map<String, Value>>();
          while (more && rs.getString(1).compareTo(t.code()) < 0) {
            more = rs.next(); // values of a code that is not a territory (none expected)
          }
          while (more && rs.getString(1).equals(t.code())) {
            own.computeIfAbsent(rs.getString(2), k -> new LinkedHashMap<>())
                .put(rs.getString(3), value(rs, 3));
            more = rs.next();
          }
          String self = t.level() + "/" + t.code();
          var chain = new ArrayList<Territory>();
          chain.add(t);
          String key = parents.get(self);
          for (int guard = 0; guard < 8 && key != null && names.containsKey(key); guard++) {
            chain.add(names.get(key));
            key = parents.get(key);
          }
          java.util.Collections.reverse(chain);
          var compared = new ArrayList<>(comparedOf.getOrDefault(t.code(), List.of()));
          compared.add(Territory.FRANCE);
          var values = new LinkedHashMap<String, Map<String, Map<String, Value>>>();
          for (var e : own.entrySet()) {
            values.computeIfAbsent(e.getKey(), k -> new LinkedHashMap<>()).put(self, e.getValue());
          }
          for (Territory x : compared) {
            String xk = x.level() + "/" + x.code();
            for (var e : comparedValues.getOrDefault(xk, Map.of()).entrySet()) {
              values.computeIfAbsent(e.getKey(), k -> new LinkedHashMap<>()).put(xk, e.getValue());
            }
          }
          long[] sp = schools.getOrDefault(t.code(), new long[2]);
          sink.accept(
              new TerritoryProfile(
                  t, chain, compared, sp[0], sp[1], series(t, compared, values), false, null));
        }
      }
    }
  }

  /** Every territory's bounding box in WGS84: "level/code" → {west, south, east, north}. */
  public Map<String, double[]> envelopes(Connection c) throws SQLException {
    var out = new HashMap<String, double[]>();
    try (PreparedStatement ps =
            c.prepareStatement(
                "SELECT level, code, xmin, ymin, xmax, ymax FROM territory_geometry");
        ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        out.put(
            rs.getString(1) + "/" + rs.getString(2),
            new double[] {rs.getDouble(3), rs.getDouble(4), rs.getDouble(5), rs.getDouble(6)});
      }
    }
    return out;
  }

  /** Every territory with its parent, coarsest level first, then by code. */
  public List<SearchHit> territories(Connection c) throws SQLException {
    var out = new ArrayList<SearchHit>();
    try (PreparedStatement ps =
            c.prepareStatement(
                "SELECT t.level, t.code, t.name, t.parent_level, t.parent_code, p.name FROM"
                    + " territory t LEFT JOIN territory p ON p.level = t.parent_level AND p.code"
                    + " = t.parent_code ORDER BY list_position(['france', 'region', 'academie',"
                    + " 'departement', 'epci', 'commune'], t.level), t.code");
        ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        out.add(hit(rs));
      }
    }
    return out;
  }

  /** Where {@link #profiles} hands each profile (a writer may fail with its own exception). */
  @FunctionalInterface
  public interface ProfileSink<E extends Exception> {
    void accept(TerritoryProfile p) throws E;
  }

  /** The columns {@link #value} reads, in its order. */
  private static final String VALUE_COLUMNS =
      "period, value, status, simulated, schools_covered, schools_total, pupils_covered,"
          + " pupils_total, schools_real, note";

  /** One value from columns period, value, status, simulated and the five coverage counts. */
  private static Value value(ResultSet rs, int first) throws SQLException {
    String period = rs.getString(first);
    double d = rs.getDouble(first + 1);
    Double v = rs.wasNull() ? null : Figures.round(d);
    String status = rs.getString(first + 2);
    boolean simulated = rs.getBoolean(first + 3);
    long covered = rs.getLong(first + 4);
    Value.Coverage cov = null;
    if (!rs.wasNull()) {
      cov =
          new Value.Coverage(
              covered,
              rs.getLong(first + 5),
              rs.getLong(first + 6),
              rs.getLong(first + 7),
              rs.getLong(first + 8));
    }
    return new Value(period, v, status, simulated, cov, null, rs.getString(first + 9));
  }

  // ---- outlines -----------------------------------------------------------------------------

  /**
   * The territory's outline in WGS84, or null: full precision without {@code zoom}; else the
   * coverage simplified for that zoom band (communes: from zoom 8), back from Web Mercator.
   */
  public Geometry outline(Connection c, String level, String code, Integer zoom)
      throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(outlineSql(zoom))) {
      return outline(ps, level, code, zoom);
    }
  }

  private static String outlineSql(Integer zoom) {
    return zoom == null
        ? "SELECT ST_AsWKB(geom) FROM territory_geometry WHERE level = ? AND code = ?"
        : "SELECT ST_AsWKB(geom_3857) FROM territory_geometry_zoom WHERE level = ? AND code = ?"
            + " AND ? BETWEEN min_zoom AND max_zoom";
  }

  /** One outline through a statement of {@link #outlineSql}, prepared once for many. */
  private Geometry outline(PreparedStatement ps, String level, String code, Integer zoom)
      throws SQLException {
    ps.setString(1, level);
    ps.setString(2, code);
    if (zoom != null) {
      ps.setInt(3, level.equals("commune") ? Math.max(zoom, ZoomBand.COMMUNE_MIN_ZOOM) : zoom);
    }
    try (ResultSet rs = ps.executeQuery()) {
      if (!rs.next()) {
        return null;
      }
      Geometry g = new WKBReader(gf).read(rs.getBytes(1));
      return zoom == null ? g : fromWebMercator(g);
    } catch (ParseException e) {
      throw new SQLException("unreadable geometry for " + level + " " + code, e);
    }
  }

  private static Geometry fromWebMercator(Geometry g) {
    Geometry out = g.copy();
    double r = 6378137.0;
    out.apply(
        (CoordinateFilter)
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

  /** The indicator, or a 404-kind error naming the nearest identifiers. */
  public Catalog.Indicator indicator(String id) {
    return catalog
        .find(id)
        .orElseThrow(
            () ->
                QueryException.notFound(
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
  public List<String> periods(Connection c, String id) throws SQLException {
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

  /** The period asked for, checked to have values; the latest one when {@code year} is null. */
  public String period(Connection c, Catalog.Indicator i, String year) throws SQLException {
    List<String> periods = periods(c, i.id());
    if (periods.isEmpty()) {
      throw QueryException.notFound(
          "Aucune valeur", "l'indicateur '" + i.id() + "' n'a aucune valeur");
    }
    if (year == null) {
      return periods.get(periods.size() - 1);
    }
    if (!periods.contains(year)) {
      throw QueryException.invalid(
          "paramètre 'year' : '"
              + year
              + "' n'est pas une période de l'indicateur '"
              + i.id()
              + "' ; périodes disponibles : "
              + String.join(", ", periods));
    }
    return year;
  }

  /** France's value of an indicator for a period, or null. */
  public Double franceValue(Connection c, String id, String period) throws SQLException {
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

  /**
   * One indicator's values at a level and period (checked), optionally within a territory
   * (checked), each appraised against France.
   */
  public IndicatorValues values(Connection c, ValuesQuery q) throws SQLException {
    Catalog.Indicator i = indicator(q.indicator());
    String level = level(q.level()).id();
    String period = period(c, i, q.year());
    boolean programme = "programme".equals(q.withinLevel());
    Territory within =
        q.withinLevel() == null
            ? null
            : programme
                ? new Territory("programme", q.withinCode(), programmeName(q.withinCode()))
                : territory(c, level(q.withinLevel()).id(), q.withinCode());
    Double france = franceValue(c, i.id(), period);
    String sql =
        programme
            ? "SELECT code, name, value, status, simulated, schools_covered, schools_total,"
                + " pupils_covered, pupils_total, schools_real, note FROM"
                + " indicator_value_by_indicator WHERE indicator_id = ? AND level = ? AND period"
                + " = ? AND code IN (SELECT DISTINCT a.code FROM territory_commune a JOIN"
                + " territory_commune b USING (commune_code) WHERE a.level = ? AND"
                + " list_contains(string_split(?, ','), b.level || ':' || b.code)) AND ? IS NOT"
                + " NULL ORDER BY code"
            : valuesSql(within);
    var rows = new ArrayList<IndicatorValues.Row>();
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setString(1, i.id());
      ps.setString(2, level);
      ps.setString(3, period);
      ps.setString(4, within == null ? null : level);
      ps.setString(
          5,
          within == null ? null : programme ? programmePerimeter(within.code()) : within.level());
      ps.setString(6, within == null ? null : within.code());
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          rows.add(valueRow(rs, i, period, france));
        }
      }
    }
    return new IndicatorValues(i, level, period, within, france, rows);
  }

  /**
   * The territories of a level in a programme's perimeter: those sharing a commune with one of its
   * départements (as {@code within=programme:…}).
   *
   * @throws QueryException (not found) for an unknown programme
   */
  public java.util.Set<String> programmeTerritories(Connection c, String id, String level)
      throws SQLException {
    String deps = programmePerimeter(id);
    var out = new java.util.HashSet<String>();
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT DISTINCT a.code FROM territory_commune a JOIN territory_commune b USING"
                + " (commune_code) WHERE a.level = ? AND"
                + " list_contains(string_split(?, ','), b.level || ':' || b.code)")) {
      ps.setString(1, level);
      ps.setString(2, deps);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(rs.getString(1));
        }
      }
    }
    return out;
  }

  /** A programme's name, or a 404 naming the known ones. */
  private static String programmeName(String id) {
    String name = id == null ? null : Programmes.name(id);
    if (name == null) {
      throw QueryException.notFound(
          "Programme introuvable",
          "programme inconnu « " + id + " » ; programmes : " + String.join(", ", Programmes.ids()));
    }
    return name;
  }

  /**
   * A programme's perimeter as "level:code" keys, comma-separated (bound as one value): its
   * départements and the territories of other levels its waves name.
   *
   * @throws QueryException (not found) for an unknown programme
   */
  public static String programmePerimeter(String id) {
    programmeName(id);
    return String.join(",", Programmes.perimeter(id));
  }

  private static String valuesSql(Territory within) {
    return "SELECT code, name, value, status, simulated, schools_covered, schools_total,"
        + " pupils_covered, pupils_total, schools_real, note FROM indicator_value_by_indicator"
        + " WHERE"
        + " indicator_id = ? AND level = ? AND period = ?"
        + (within == null
            ? " AND ? IS NULL AND ? IS NULL AND ? IS NULL"
            : " AND code IN (SELECT DISTINCT a.code FROM territory_commune a JOIN"
                + " territory_commune b USING (commune_code) WHERE a.level = ? AND b.level = ?"
                + " AND b.code = ?)")
        + " ORDER BY code";
  }

  /** One row of an indicator's values, appraised against France. */
  private IndicatorValues.Row valueRow(
      ResultSet rs, Catalog.Indicator i, String period, Double france) throws SQLException {
    Double v = (Double) rs.getObject(3);
    Long total = (Long) rs.getObject(7);
    Value.Coverage cov =
        total == null
            ? null
            : new Value.Coverage(
                orZero(rs.getObject(6)),
                total,
                orZero(rs.getObject(8)),
                orZero(rs.getObject(9)),
                orZero(rs.getObject(10)));
    var value =
        new Value(
            period,
            v == null ? null : Figures.round(v),
            rs.getString(4),
            rs.getBoolean(5),
            cov,
            catalog.appraise(i, v, france),
            rs.getString(11));
    return new IndicatorValues.Row(rs.getString(1), rs.getString(2), value, null);
  }

  /** The same values with each territory's outline at {@code zoom}'s band. */
  public IndicatorValues withOutlines(Connection c, IndicatorValues v, int zoom)
      throws SQLException {
    var codes = new ArrayList<String>(v.rows().size());
    for (IndicatorValues.Row r : v.rows()) {
      codes.add(r.code());
    }
    Map<String, Geometry> outlines = outlines(c, v.level(), zoom, codes);
    var rows = new ArrayList<IndicatorValues.Row>(v.rows().size());
    for (IndicatorValues.Row r : v.rows()) {
      rows.add(new IndicatorValues.Row(r.code(), r.name(), r.value(), outlines.get(r.code())));
    }
    return new IndicatorValues(v.indicator(), v.level(), v.period(), v.within(), v.france(), rows);
  }

  /**
   * The outlines of a level simplified for {@code zoom} (WGS84), by code: of {@code codes}, or of
   * every territory of the level when {@code codes} is null. One set query (a query per territory
   * cost 100 s for all communes).
   */
  public Map<String, Geometry> outlines(
      Connection c, String level, int zoom, java.util.Collection<String> codes)
      throws SQLException {
    var outlines = new java.util.HashMap<String, Geometry>();
    if (codes != null && codes.isEmpty()) {
      return outlines;
    }
    int band = level.equals("commune") ? Math.max(zoom, ZoomBand.COMMUNE_MIN_ZOOM) : zoom;
    String sql =
        "SELECT code, ST_AsWKB(geom_3857) FROM territory_geometry_zoom WHERE level = ? AND ?"
            + " BETWEEN min_zoom AND max_zoom"
            + (codes == null ? "" : " AND code IN (SELECT unnest(string_split(?, ',')))");
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setString(1, level);
      ps.setInt(2, band);
      if (codes != null) {
        // Codes come from the warehouse's own rows (validated codes, no comma).
        ps.setString(3, String.join(",", codes));
      }
      var reader = new WKBReader(gf);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          outlines.put(rs.getString(1), fromWebMercator(reader.read(rs.getBytes(2))));
        }
      } catch (ParseException e) {
        throw new SQLException("unreadable geometry at level " + level, e);
      }
    }
    return outlines;
  }

  private static long orZero(Object o) {
    return o == null ? 0 : ((Number) o).longValue();
  }

  // ---- schools ------------------------------------------------------------------------------

  /** A school's columns as {@link #school(ResultSet)} reads them; the commune joined as c. */
  private static final String SCHOOL_COLUMNS =
      "s.uai, s.name, s.type, s.sector, s.pupils, s.ips, s.commune_code, c.name, s.lon, s.lat,"
          + " s.location_method, p.bandwidth_class, p.bandwidth_year, p.simulated,"
          + " d.density_level, p.contribution_id, cv.hub_id, cv.version, cv.published_at";

  /**
   * The tables of {@link #SCHOOL_COLUMNS}: the school, its commune, its latest bandwidth class (as
   * the tiles draw it) and its commune's density grid level.
   */
  private static final String SCHOOL_FROM =
      " FROM school s JOIN commune c ON c.code = s.commune_code"
          + " LEFT JOIN school_point p ON p.uai = s.uai"
          + " LEFT JOIN commune_density d ON d.commune_code = s.commune_code"
          + " LEFT JOIN contribution_version cv ON cv.contribution_id = p.contribution_id"
          + " AND cv.dataset = 'connectivite'";

  private static final Set<String> TYPES = Set.of("ecole", "college", "lycee");
  private static final Set<String> SECTORS = Set.of("public", "prive");

  /** A page of schools matching every filter of the query (each checked), ordered by UAI. */
  public Page<School> schools(Connection c, SchoolQuery q) throws SQLException {
    var where = new ArrayList<String>();
    var args = new ArrayList<Object>();
    if (q.territories() != null) {
      for (var e : new TreeMap<>(q.territories()).entrySet()) {
        if (e.getKey().equals("programme")) {
          // A programme's schools: those of the communes of its perimeter.
          where.add(
              "s.commune_code IN (SELECT commune_code FROM territory_commune WHERE"
                  + " list_contains(string_split(?, ','), level || ':' || code))");
          args.add(programmePerimeter(e.getValue()));
          continue;
        }
        territory(c, e.getKey(), e.getValue());
        where.add(
            "s.commune_code IN (SELECT commune_code FROM territory_commune WHERE level = ? AND"
                + " code = ?)");
        args.add(e.getKey());
        args.add(e.getValue());
      }
    }
    if (q.type() != null) {
      where.add("s.type = ?");
      args.add(oneOf("type", q.type(), TYPES, "'ecole', 'college' ou 'lycee'"));
    }
    if (q.sector() != null) {
      where.add("s.sector = ?");
      args.add(oneOf("sector", q.sector(), SECTORS, "'public' ou 'prive'"));
    }
    if (q.text() != null) {
      checkText(q.text());
      String folded = Names.fold(q.text());
      if (folded.length() < 2) {
        throw QueryException.invalid(
            "paramètre 'q' : au moins deux lettres ou chiffres attendus, reçu '" + q.text() + "'");
      }
      // The UAI itself, or part of the name folded at ingest as Names.fold folds the query.
      where.add("(s.uai = upper(?) OR contains(s.name_folded, ?))");
      args.add(q.text().strip());
      args.add(folded);
    }
    double[] b = q.bbox();
    if (b != null) {
      where.add(
          b[0] <= b[2]
              ? "s.lon BETWEEN ? AND ? AND s.lat BETWEEN ? AND ?"
              : "(s.lon >= ? OR s.lon <= ?) AND s.lat BETWEEN ? AND ?");
      args.add(b[0]);
      args.add(b[2]);
      args.add(b[1]);
      args.add(b[3]);
    }
    if (q.filter() != null) {
      FilterSql.Frag f = Filters.schools(c, q.filter());
      where.add(f.sql());
      args.addAll(f.args());
    }
    String cond = where.isEmpty() ? "" : " WHERE " + String.join(" AND ", where);
    long matched =
        count(
            c,
            "SELECT count(*)" + (q.filter() == null ? " FROM school s" : SCHOOL_FROM) + cond,
            args);
    var out = new ArrayList<School>();
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT " + SCHOOL_COLUMNS + SCHOOL_FROM + cond + " ORDER BY s.uai LIMIT ? OFFSET ?")) {
      bind(ps, args);
      ps.setInt(args.size() + 1, q.limit());
      ps.setInt(args.size() + 2, q.offset());
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(school(rs));
        }
      }
    }
    return new Page<>(matched, out);
  }

  private static String oneOf(String param, String value, Set<String> allowed, String expected) {
    if (!allowed.contains(value)) {
      throw QueryException.invalid(
          "paramètre '" + param + "' : " + expected + " attendu, reçu '" + value + "'");
    }
    return value;
  }

  /** The count a {@code SELECT count(*)} query answers with {@code args} bound. */
  private static long count(Connection c, String sql, List<Object> args) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      bind(ps, args);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    }
  }

  private static void bind(PreparedStatement ps, List<Object> args) throws SQLException {
    for (int i = 0; i < args.size(); i++) {
      ps.setObject(i + 1, args.get(i));
    }
  }

  /** The school of this UAI (its shape and check letter verified first), or a 404-kind error. */
  public SchoolDetail schoolDetail(Connection c, String raw) throws SQLException {
    String uai;
    try {
      uai = Codes.uai(raw);
    } catch (Codes.InvalidCodeException e) {
      throw QueryException.invalid("UAI : " + e.getMessage());
    }
    School s =
        findSchool(c, uai)
            .orElseThrow(
                () ->
                    QueryException.notFound(
                        "Établissement inconnu",
                        "aucun établissement des listes de la DEPP n'a l'UAI " + uai));
    return new SchoolDetail(
        s,
        rows(
            c,
            "SELECT year AS annee, technology AS technologie, down_contracted AS"
                + " debit_descendant_souscrit, down_measured AS debit_descendant_mesure,"
                + " up_measured AS debit_montant_mesure, latency_ms AS latence_ms, wifi_share AS"
                + " part_salles_wifi, simulated AS simule, f.contribution_id AS contribution,"
                + " cv.hub_id AS pole, cv.version AS version_pole, cv.published_at AS publie_le"
                + " FROM school_connectivity f LEFT JOIN contribution_version cv ON"
                + " cv.contribution_id = f.contribution_id AND cv.dataset = 'connectivite' WHERE"
                + " uai = ? ORDER BY year",
            uai),
        rows(
            c,
            "SELECT year AS annee, desktops AS ordinateurs_fixes, laptops AS portables, tablets AS"
                + " tablettes, interactive_displays AS ecrans_interactifs, lent_devices AS"
                + " equipements_pretes, average_age_years AS age_moyen, simulated AS simule,"
                + " f.contribution_id AS contribution, cv.hub_id AS pole, cv.version AS"
                + " version_pole, cv.published_at AS publie_le FROM school_equipment f LEFT JOIN"
                + " contribution_version cv ON cv.contribution_id = f.contribution_id AND"
                + " cv.dataset = 'equipement' WHERE uai = ? ORDER BY year",
            uai),
        rows(
            c,
            "SELECT year AS annee, days AS jours, tests, median_down AS debit_descendant_median,"
                + " p10_down AS debit_descendant_p10, median_latency_ms AS latence_mediane_ms,"
                + " share_under_8 AS part_sous_8, simulated AS simule, f.contribution_id AS"
                + " contribution, cv.hub_id AS pole, cv.version AS version_pole, cv.published_at"
                + " AS publie_le FROM school_speedtest_yearly f LEFT JOIN contribution_version cv"
                + " ON cv.contribution_id = f.contribution_id AND cv.dataset = 'tests_debit' WHERE"
                + " uai = ? ORDER BY year",
            uai));
  }

  /** The school of exactly this identifier, if any (no shape check: a feature id lookup). */
  public java.util.Optional<School> findSchool(Connection c, String uai) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement("SELECT " + SCHOOL_COLUMNS + SCHOOL_FROM + " WHERE s.uai = ?")) {
      ps.setString(1, uai);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? java.util.Optional.of(school(rs)) : java.util.Optional.empty();
      }
    }
  }

  /** Rows named by their column labels, numbers rounded (constant SQL, bound UAI). */
  private static List<Map<String, Object>> rows(Connection c, String sql, String uai)
      throws SQLException {
    var out = new ArrayList<Map<String, Object>>();
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setString(1, uai);
      try (ResultSet rs = ps.executeQuery()) {
        var md = rs.getMetaData();
        while (rs.next()) {
          var o = new LinkedHashMap<String, Object>();
          for (int k = 1; k <= md.getColumnCount(); k++) {
            Object v = rs.getObject(k);
            String name = md.getColumnLabel(k).toLowerCase(Locale.ROOT);
            if (v instanceof Double || v instanceof Float) {
              double d = ((Number) v).doubleValue();
              v = Double.isFinite(d) ? Figures.round(d) : null;
            } else if (v instanceof Number n && !(v instanceof Boolean)) {
              v = n.longValue();
            } else if (v != null && !(v instanceof Boolean)) {
              v = v.toString();
            }
            o.put(name, v);
          }
          out.add(o);
        }
      }
    }
    return out;
  }

  private static School school(ResultSet rs) throws SQLException {
    Integer pupils = (Integer) nullable(rs.getInt(5), rs);
    Double ips = (Double) nullable(rs.getDouble(6), rs);
    double lon = rs.getDouble(9);
    boolean noLon = rs.wasNull() || !Double.isFinite(lon);
    double lat = rs.getDouble(10);
    boolean noLat = rs.wasNull() || !Double.isFinite(lat);
    // Never NaN: a school whose commune has no outline (a commune re-created after the 2018
    // polygons, Saint-Barthélemy, Saint-Martin) has no position, and says why.
    boolean located = !noLon && !noLat;
    Integer bandwidth = (Integer) nullable(rs.getInt(12), rs);
    Integer year = bandwidth == null ? null : rs.getInt(13);
    Boolean simulated = bandwidth == null ? null : rs.getBoolean(14);
    Integer density = (Integer) nullable(rs.getInt(15), rs);
    School.Provenance provenance = null;
    String contribution = rs.getString(16);
    if (contribution != null) {
      String hub = rs.getString(17);
      provenance =
          new School.Provenance(
              contribution,
              rs.getBoolean(14),
              hub,
              hub == null ? null : rs.getInt(18),
              hub == null ? null : rs.getString(19));
    }
    return new School(
        rs.getString(1),
        rs.getString(2),
        rs.getString(3),
        rs.getString(4),
        pupils,
        ips,
        rs.getString(7),
        rs.getString(8),
        located ? lon : null,
        located ? lat : null,
        located ? rs.getString(11) : "inconnue",
        bandwidth,
        year,
        simulated,
        density,
        provenance);
  }

  private static Object nullable(int v, ResultSet rs) throws SQLException {
    return rs.wasNull() ? null : v;
  }

  private static Object nullable(double v, ResultSet rs) throws SQLException {
    return rs.wasNull() ? null : v;
  }

  // ---- territories as features (OGC) --------------------------------------------------------

  /**
   * A page of a level's territories with their outlines, in code order; with a box, only those
   * whose outline intersects it, and with a CQL2 filter only those it selects ({@code matched}
   * counts the same). The box is the filter's {@code S_INTERSECTS(geometry, box)}: the envelope
   * index finds the candidates, then each candidate whose envelope is not wholly in the box is
   * tested on its outline.
   *
   * @param bbox {west, south, east, north}, west > east across the antimeridian; or null
   * @param filter over {@link Filters#territoryQueryables}, or null
   * @param indicator the indicator whose value each feature carries and the filter may name, or
   *     null
   */
  public Page<TerritoryFeature> territoryFeatures(
      Connection c,
      String level,
      double[] bbox,
      Expr filter,
      IndicatorPeriod indicator,
      int limit,
      int offset)
      throws SQLException {
    Expr e = filter;
    if (bbox != null) {
      Expr box =
          new Expr.Spatial("s_intersects", new Expr.Property("geometry"), new Expr.Geom(box(bbox)));
      e = e == null ? box : new Expr.Logical("and", List.of(box, e));
    }
    var from =
        new StringBuilder(
            " FROM territory t JOIN territory_geometry g ON g.level = t.level AND g.code = t.code");
    var args = new ArrayList<Object>();
    if (indicator != null) {
      from.append(
          " LEFT JOIN indicator_value_by_indicator v ON v.indicator_id = ? AND v.level = t.level"
              + " AND v.period = ? AND v.code = t.code");
      args.add(indicator.indicator().id());
      args.add(indicator.period());
    }
    from.append(" WHERE t.level = ?");
    args.add(level);
    if (e != null) {
      FilterSql.Frag f = Filters.territories(c, level, e, indicator);
      from.append(" AND ").append(f.sql());
      args.addAll(f.args());
    }
    long matched = count(c, "SELECT count(*)" + from, args);
    var out = new ArrayList<TerritoryFeature>();
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT t.code, t.name, t.parent_level, t.parent_code, g.area_km2, ST_AsWKB(g.geom)"
                + (indicator == null ? "" : ", v.value, v.status, v.simulated, v.note")
                + from
                + " ORDER BY t.code LIMIT ? OFFSET ?")) {
      bind(ps, args);
      ps.setInt(args.size() + 1, limit);
      ps.setInt(args.size() + 2, offset);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(feature(rs, level, indicator));
        }
      }
    }
    return new Page<>(matched, out);
  }

  /** A box {west, south, east, north} as a polygon, in two parts across the antimeridian. */
  private Geometry box(double[] b) {
    return b[0] <= b[2]
        ? gf.toGeometry(new Envelope(b[0], b[2], b[1], b[3]))
        : gf.toGeometry(new Envelope(b[0], 180, b[1], b[3]))
            .union(gf.toGeometry(new Envelope(-180, b[2], b[1], b[3])));
  }

  private static final String FEATURE_SELECT =
      "SELECT t.code, t.name, t.parent_level, t.parent_code, g.area_km2, ST_AsWKB(g.geom) FROM"
          + " territory t JOIN territory_geometry g ON g.level = t.level AND g.code = t.code";

  /** One territory with its outline, if it exists and has one. */
  public java.util.Optional<TerritoryFeature> territoryFeature(
      Connection c, String level, String code) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(FEATURE_SELECT + " WHERE t.level = ? AND t.code = ?")) {
      ps.setString(1, level);
      ps.setString(2, code);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next()
            ? java.util.Optional.of(feature(rs, level, null))
            : java.util.Optional.empty();
      }
    }
  }

  /** A feature from {@link #FEATURE_SELECT}'s columns, then the value's when {@code ip} is set. */
  private TerritoryFeature feature(ResultSet rs, String level, IndicatorPeriod ip)
      throws SQLException {
    Geometry g;
    try {
      g = new WKBReader(gf).read(rs.getBytes(6));
    } catch (ParseException e) {
      throw new SQLException("unreadable geometry of " + rs.getString(1), e);
    }
    return new TerritoryFeature(
        level,
        rs.getString(1),
        rs.getString(2),
        rs.getString(3),
        rs.getString(4),
        Figures.round(rs.getDouble(5)),
        g,
        ip == null ? null : featureValue(rs, ip.period()));
  }

  /** A feature's value: columns 7-10 of the page query, {@code sans-donnees} without a row. */
  private static Value featureValue(ResultSet rs, String period) throws SQLException {
    String status = rs.getString(8);
    if (status == null) {
      return new Value(period, null, "sans-donnees", false, null, null, null);
    }
    Double v = (Double) rs.getObject(7);
    return new Value(
        period,
        v == null ? null : Figures.round(v),
        status,
        rs.getBoolean(9),
        null,
        null,
        rs.getString(10));
  }

  /**
   * The extent {west, south, east, north} of a level's outlines, or of the schools' positions when
   * {@code level} is null.
   */
  public double[] extent(Connection c, String level) throws SQLException {
    String sql =
        level == null
            ? "SELECT min(lon), min(lat), max(lon), max(lat) FROM school"
            : "SELECT min(xmin), min(ymin), max(xmax), max(ymax) FROM territory_geometry WHERE"
                + " level = ?";
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      if (level != null) {
        ps.setString(1, level);
      }
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return new double[] {rs.getDouble(1), rs.getDouble(2), rs.getDouble(3), rs.getDouble(4)};
      }
    }
  }

  // ---- programmes ---------------------------------------------------------------------------

  /** National programmes and their départements (the file data/programmes.json). */
  public List<Programme> programmes(Connection c) throws SQLException {
    var out = new ArrayList<Programme>();
    for (String id : Programmes.ids()) {
      out.add(programme(c, id));
    }
    return out;
  }

  /**
   * One programme.
   *
   * @throws QueryException (not found) for an unknown id
   */
  public Programme programme(Connection c, String id) throws SQLException {
    String name = Programmes.name(id);
    if (name == null) {
      throw QueryException.notFound(
          "Programme introuvable",
          "programme inconnu « " + id + " » ; programmes : " + String.join(", ", Programmes.ids()));
    }
    var members = new ArrayList<Programme.Member>();
    try (PreparedStatement ps = c.prepareStatement("SELECT name FROM departement WHERE code = ?")) {
      for (var e : Programmes.members(id).entrySet()) {
        ps.setString(1, e.getKey());
        try (ResultSet rs = ps.executeQuery()) {
          members.add(
              new Programme.Member(
                  e.getKey(),
                  rs.next() ? rs.getString(1) : null,
                  (e.getValue() - 1) + "-" + e.getValue(),
                  Programmes.wave(id, e.getKey())));
        }
      }
    }
    return new Programme(
        id,
        name,
        "data/programmes.json (version " + Programmes.version() + "), sources de chaque fait",
        members);
  }

  /**
   * A programme's monitoring (its levers' indicators for its départements, the others and France;
   * its targets' progress), from the départements' values in the warehouse; {@code comparable}: per
   * indicator, the départements shown as a fourth group (the evaluation's matches).
   */
  public ProgrammeMonitoring monitoring(
      Connection c, String id, Map<String, java.util.Set<String>> comparable) throws SQLException {
    programme(c, id); // 404 for an unknown programme
    var members = new java.util.TreeSet<>(Programmes.members(id).keySet());
    var out = new ArrayList<ProgrammeMonitoring.Lever>();
    for (Programmes.Lever l : Programmes.levers(id)) {
      var series = new ArrayList<ProgrammeMonitoring.Series>();
      for (String indicatorId : l.indicators()) {
        Catalog.Indicator i = indicator(indicatorId);
        var points = new ArrayList<ProgrammeMonitoring.Point>();
        var byPeriod = groups(c, i, members);
        var matched = comparable.getOrDefault(i.id(), java.util.Set.of());
        var byPeriodMatched =
            matched.isEmpty() ? null : groups(c, i, new java.util.TreeSet<>(matched));
        for (var e : byPeriod.entrySet()) {
          var g = e.getValue();
          var m = byPeriodMatched == null ? null : byPeriodMatched.get(e.getKey());
          points.add(
              new ProgrammeMonitoring.Point(
                  e.getKey(),
                  g[0],
                  g[1],
                  g[2],
                  m == null
                      ? new ProgrammeMonitoring.Aggregate(
                          null, null, null, null, null, null, false, null, 0)
                      : m[0]));
        }
        series.add(
            new ProgrammeMonitoring.Series(i.id(), i.label(), i.unit(), i.isCount(), points));
      }
      out.add(new ProgrammeMonitoring.Lever(l.id(), l.label(), series));
    }
    var progress = new ArrayList<ProgrammeMonitoring.Progress>();
    for (Programmes.Target t : Programmes.targets(id)) {
      String indicatorId = t.indicator();
      String wave = t.wave();
      Double target = t.value();
      if (indicatorId == null) {
        progress.add(
            new ProgrammeMonitoring.Progress(
                t.id(),
                t.label(),
                wave,
                target,
                t.unit(),
                null,
                null,
                null,
                null,
                null,
                null,
                "aucun indicateur d'EduAtlas ne mesure cette cible"));
        continue;
      }
      Catalog.Indicator i = indicator(indicatorId);
      var waveMembers = new java.util.TreeSet<String>();
      for (var m : Programmes.members(id).keySet()) {
        if (wave == null || wave.equals(Programmes.wave(id, m))) {
          waveMembers.add(m);
        }
      }
      ProgrammeMonitoring.Aggregate last = null;
      String period = null;
      for (var e : groups(c, i, waveMembers).entrySet()) {
        if (e.getValue()[0].value() != null) {
          last = e.getValue()[0];
          period = e.getKey();
        }
      }
      Double reached = last == null ? null : last.value();
      progress.add(
          new ProgrammeMonitoring.Progress(
              t.id(),
              t.label(),
              wave,
              target,
              t.unit(),
              i.id(),
              period,
              reached,
              reached == null || target == null || target == 0 ? null : reached / target,
              last == null ? null : last.coverage(),
              last == null ? null : last.simulated(),
              reached == null
                  ? "aucune valeur publiée pour les départements de la vague"
                  : i.isCount() && last.coverage() != null && last.coverage() < 1
                      ? "total sur les seuls établissements couverts"
                      : null));
    }
    return new ProgrammeMonitoring(id, out, progress);
  }

  /**
   * Per period: {programme's départements, the other départements, France}, each the aggregate of
   * the départements' (France's) published numerators and denominators.
   */
  private java.util.SortedMap<String, ProgrammeMonitoring.Aggregate[]> groups(
      Connection c, Catalog.Indicator i, java.util.Set<String> members) throws SQLException {
    var out = new TreeMap<String, ProgrammeMonitoring.Aggregate[]>();
    if (i.median()) {
      return out;
    }
    String in = String.join(", ", java.util.Collections.nCopies(members.size(), "?"));
    String sql =
        "SELECT period, CASE WHEN level = 'france' THEN 2 WHEN code IN ("
            + in
            + ") THEN 0 ELSE 1 END AS g, sum(numerator), sum(denominator),"
            + " sum(schools_covered), sum(schools_total), bool_or(simulated), sum(schools_real),"
            + " count(*) FROM indicator_value WHERE indicator_id = ? AND level IN ('departement',"
            + " 'france') AND status <> 'secret' AND numerator IS NOT NULL GROUP BY 1, 2 ORDER BY"
            + " 1, 2";
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      int k = 1;
      for (String m : members) {
        ps.setString(k++, m);
      }
      ps.setString(k, i.id());
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          var row = out.computeIfAbsent(rs.getString(1), p -> new ProgrammeMonitoring.Aggregate[3]);
          double num = rs.getDouble(3);
          Double den = rs.getObject(4) == null ? null : rs.getDouble(4);
          Double value =
              i.denominator() == null
                  ? num * i.scale()
                  : den == null || den == 0 ? null : num / den * i.scale();
          Long covered = rs.getObject(5) == null ? null : rs.getLong(5);
          Long total = rs.getObject(6) == null ? null : rs.getLong(6);
          Long real = rs.getObject(8) == null ? null : rs.getLong(8);
          row[rs.getInt(2)] =
              new ProgrammeMonitoring.Aggregate(
                  finite(value),
                  num,
                  den,
                  covered,
                  total,
                  covered == null || total == null || total == 0 ? null : (double) covered / total,
                  rs.getBoolean(7),
                  real == null || covered == null || covered == 0 ? null : (double) real / covered,
                  rs.getInt(9));
        }
      }
    }
    for (var row : out.values()) {
      for (int g = 0; g < 3; g++) {
        if (row[g] == null) {
          row[g] =
              new ProgrammeMonitoring.Aggregate(null, null, null, null, null, null, false, null, 0);
        }
      }
    }
    return out;
  }

  /** The pre-programme covariates of the evaluation's matching, with the year they are read at. */
  public static final List<String> MATCHING =
      List.of(
          "part-population-rurale",
          "ips-moyen",
          "debit-mesure-moyen",
          "ordinateurs-pour-100-eleves");

  /** The last school year (by its end) before any wave of a programme: the matching's baseline. */
  static int baseline(String id) {
    return Programmes.members(id).values().stream().mapToInt(Integer::intValue).min().orElse(2021)
        - 1;
  }

  /**
   * A programme's evaluation: for each lever's outcome (ratios only: a count grows with the
   * département), the difference-in-differences estimate against matched départements.
   */
  public ProgrammeEvaluation evaluation(Connection c, String id, int k) throws SQLException {
    programme(c, id);
    int base = baseline(id);
    var members = Programmes.members(id);
    // Covariates: each at its latest period up to the baseline, else its earliest.
    var covariates = new TreeMap<String, double[]>();
    var perCovariate = new ArrayList<Map<String, Double>>();
    for (String cov : MATCHING) {
      perCovariate.add(baselineValues(c, indicator(cov), base));
    }
    var outcomes = new ArrayList<ProgrammeEvaluation.Outcome>();
    boolean simulated = false;
    for (Programmes.Lever l : Programmes.levers(id)) {
      for (String indicatorId : l.indicators()) {
        Catalog.Indicator i = indicator(indicatorId);
        if (i.isCount() || i.median()) {
          continue;
        }
        var values = new TreeMap<String, Map<Integer, Double>>();
        try (PreparedStatement ps =
            c.prepareStatement(
                "SELECT code, period, value, simulated FROM indicator_value WHERE indicator_id = ?"
                    + " AND level = 'departement' AND status <> 'secret' AND value IS NOT NULL")) {
          ps.setString(1, i.id());
          try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
              Integer year = year(rs.getString(2));
              if (year != null && Double.isFinite(rs.getDouble(3))) {
                values
                    .computeIfAbsent(rs.getString(1), x -> new TreeMap<>())
                    .put(year, rs.getDouble(3));
                simulated |= rs.getBoolean(4);
              }
            }
          }
        }
        covariates.clear();
        for (String d : values.keySet()) {
          double[] x = new double[MATCHING.size() + 1];
          boolean ok = true;
          for (int m = 0; m < MATCHING.size(); m++) {
            Double v = perCovariate.get(m).get(d);
            ok &= v != null;
            x[m] = v == null ? 0 : v;
          }
          // The outcome's own pre-programme level.
          double pre = 0;
          int n = 0;
          for (var e : values.get(d).entrySet()) {
            if (e.getKey() <= base) {
              pre += e.getValue();
              n++;
            }
          }
          ok &= n > 0;
          x[MATCHING.size()] = n == 0 ? 0 : pre / n;
          if (ok) {
            covariates.put(d, x);
          }
        }
        var first = new TreeMap<String, Integer>();
        members.forEach(
            (d, y) -> {
              if (covariates.containsKey(d)) {
                first.put(d, y);
              }
            });
        var r =
            Evaluation.estimate(
                new Evaluation.Panel(values, first, new TreeMap<>(covariates), k, 20261206L));
        outcomes.add(new ProgrammeEvaluation.Outcome(l.id(), i.id(), i.label(), i.unit(), base, r));
      }
    }
    return new ProgrammeEvaluation(id, base, MATCHING, k, simulated, outcomes);
  }

  private static Integer year(String period) {
    return period != null && period.matches("[0-9]{4}") ? Integer.valueOf(period) : null;
  }

  /**
   * Each département's value of an indicator at its latest year up to {@code base}, else earliest.
   */
  private Map<String, Double> baselineValues(Connection c, Catalog.Indicator i, int base)
      throws SQLException {
    var best = new java.util.HashMap<String, double[]>(); // code -> {year, value}
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT code, period, value FROM indicator_value WHERE indicator_id = ? AND level ="
                + " 'departement' AND status <> 'secret' AND value IS NOT NULL")) {
      ps.setString(1, i.id());
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          Integer y = year(rs.getString(2));
          double v = rs.getDouble(3);
          if (y == null || !Double.isFinite(v)) {
            continue;
          }
          double[] b = best.get(rs.getString(1));
          // Rank: years up to the baseline, latest first; then later years, earliest first.
          double rank = y <= base ? base - y : 1000 + y;
          double bestRank = b == null ? Double.MAX_VALUE : b[0] <= base ? base - b[0] : 1000 + b[0];
          if (rank < bestRank) {
            best.put(rs.getString(1), new double[] {y, v});
          }
        }
      }
    }
    var out = new java.util.HashMap<String, Double>();
    best.forEach((d, b) -> out.put(d, b[1]));
    return out;
  }

  private static Double finite(Double d) {
    return d == null || !Double.isFinite(d) ? null : d;
  }
}
