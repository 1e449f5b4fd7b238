package fr.eduatlas.observatory;

import fr.eduatlas.cql2.Expr;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.locationtech.jts.geom.Coordinate;
import org.locationtech.jts.geom.Envelope;
import org.locationtech.jts.geom.Geometry;
import org.locationtech.jts.geom.GeometryFactory;
import org.locationtech.jts.geom.prep.PreparedGeometry;
import org.locationtech.jts.geom.prep.PreparedGeometryFactory;
import org.locationtech.jts.io.ParseException;
import org.locationtech.jts.io.WKBReader;

/**
 * The queryables of the OGC collections and the resolution of their spatial functions: a territory
 * level's (its outline, names, codes, area and, with an indicator, the indicator's value, status
 * and period) and the schools' (the properties of a school feature).
 */
public final class Filters {
  private static final GeometryFactory GF = new GeometryFactory();
  private static final Pattern QUARTER = Pattern.compile("(\\d{4})-T([1-4])");
  private static final Pattern YEAR = Pattern.compile("\\d{4}");
  private static final String UNLOCATED =
      "s.lon IS NULL OR isnan(s.lon) OR s.lat IS NULL OR isnan(s.lat)";

  private Filters() {}

  /** The schools' queryables: the properties of a school feature, by the same names. */
  public static List<Queryable> schoolQueryables() {
    return List.of(
        Queryable.of("uai", Queryable.Type.STRING, "UAI", "s.uai"),
        Queryable.of("name", Queryable.Type.STRING, "Nom", "s.name"),
        Queryable.of("type", Queryable.Type.STRING, "Type", "s.type")
            .withValues(List.of("ecole", "college", "lycee")),
        Queryable.of("sector", Queryable.Type.STRING, "Secteur", "s.sector")
            .withValues(List.of("public", "prive")),
        Queryable.of("pupils", Queryable.Type.INTEGER, "Élèves", "s.pupils"),
        Queryable.of("ips", Queryable.Type.NUMBER, "Indice de position sociale", "s.ips"),
        Queryable.of("commune", Queryable.Type.STRING, "Code de la commune", "s.commune_code"),
        Queryable.of("communeName", Queryable.Type.STRING, "Nom de la commune", "c.name"),
        Queryable.of(
                "location",
                Queryable.Type.STRING,
                "Localisation",
                "(CASE WHEN " + UNLOCATED + " THEN 'inconnue' ELSE s.location_method END)")
            .withValues(List.of("etablissement", "commune", "commune-ancienne", "inconnue")),
        Queryable.of(
            "bandwidthClass",
            Queryable.Type.INTEGER,
            "Classe de débit mesuré (0 : moins de 2 Mbit/s … 4 : 100 Mbit/s et plus)",
            "p.bandwidth_class"),
        Queryable.of(
            "bandwidthYear",
            Queryable.Type.INTEGER,
            "Année de la classe de débit",
            "(CASE WHEN p.bandwidth_class IS NULL THEN NULL ELSE p.bandwidth_year END)"),
        Queryable.of(
            "simulated",
            Queryable.Type.BOOLEAN,
            "Classe de débit simulée",
            "(CASE WHEN p.bandwidth_class IS NULL THEN NULL ELSE p.simulated END)"),
        Queryable.of(
            "communeDensityLevel",
            Queryable.Type.INTEGER,
            "Niveau de densité de la commune (grille INSEE, 1 à 7)",
            "d.density_level"),
        Queryable.of(
                "publishedAt",
                Queryable.Type.INSTANT,
                "Publication de la version du pôle de données (provenance.publishedAt)",
                FilterSql.utcSql("cv.published_at"))
            .withFormat("date-time"),
        Queryable.of(
                "geometry",
                Queryable.Type.GEOMETRY,
                "Position",
                "(CASE WHEN " + UNLOCATED + " THEN NULL ELSE s.uai END)")
            .withFormat("geometry-point"));
  }

  /**
   * A territory level's queryables; with an indicator, also its own (indicateur, periode, valeur,
   * unite, statut, simule, remarque), read from the join {@code v}.
   */
  public static List<Queryable> territoryQueryables(IndicatorPeriod indicator) {
    var q = new ArrayList<Queryable>();
    q.add(Queryable.of("code", Queryable.Type.STRING, "Code", "t.code"));
    q.add(Queryable.of("nom", Queryable.Type.STRING, "Nom", "t.name"));
    q.add(Queryable.of("niveau", Queryable.Type.STRING, "Niveau", "t.level"));
    q.add(Queryable.of("niveau_parent", Queryable.Type.STRING, "Niveau parent", "t.parent_level"));
    q.add(Queryable.of("code_parent", Queryable.Type.STRING, "Code du parent", "t.parent_code"));
    q.add(
        Queryable.of(
            "superficie_km2",
            Queryable.Type.NUMBER,
            "Superficie géodésique (km²)",
            "round(g.area_km2, 4)"));
    q.add(
        Queryable.of("geometry", Queryable.Type.GEOMETRY, "Contour", "g.geom")
            .withFormat("geometry-multipolygon"));
    if (indicator != null) {
      q.addAll(
          indicatorQueryables(
              indicator.indicator().id(), indicator.indicator().unit(), indicator.period()));
    }
    return q;
  }

  /**
   * A territory level's queryables as the queryables resource describes them: with those of an
   * indicator, available when the request names one ({@code indicator}).
   */
  public static List<Queryable> territoryQueryablesDescribed() {
    var q = new ArrayList<>(territoryQueryables(null));
    q.addAll(indicatorQueryables(null, null, null));
    return q;
  }

  private static List<Queryable> indicatorQueryables(String id, String unit, String period) {
    String[] bounds = period == null ? new String[2] : periodBounds(period);
    return List.of(
        new Queryable(
            "indicateur",
            Queryable.Type.STRING,
            "Indicateur (paramètre indicator)",
            null,
            null,
            FilterSql.Frag.of("CAST(? AS VARCHAR)", id),
            null),
        new Queryable(
            "periode",
            Queryable.Type.INTERVAL,
            "Période de la valeur (année ou trimestre), comme intervalle",
            null,
            null,
            FilterSql.Frag.of("CAST(? AS VARCHAR)", bounds[0]),
            FilterSql.Frag.of("CAST(? AS VARCHAR)", bounds[1])),
        Queryable.of(
            "valeur",
            Queryable.Type.NUMBER,
            "Valeur de l'indicateur" + (unit == null ? "" : " (" + unit + ")"),
            "round(v.value, 4)"),
        new Queryable(
            "unite",
            Queryable.Type.STRING,
            "Unité",
            null,
            null,
            FilterSql.Frag.of("CAST(? AS VARCHAR)", unit),
            null),
        Queryable.of(
                "statut", Queryable.Type.STRING, "Statut", "coalesce(v.status, 'sans-donnees')")
            .withValues(Value.STATUSES),
        Queryable.of(
            "simule", Queryable.Type.BOOLEAN, "Valeur simulée", "coalesce(v.simulated, false)"),
        Queryable.of("remarque", Queryable.Type.STRING, "Remarque", "v.note"));
  }

  /** A period ({@code 2024}, {@code 2017-T3}) as its first and last instants, normalised. */
  static String[] periodBounds(String period) {
    Matcher m = QUARTER.matcher(period);
    if (m.matches()) {
      int y = Integer.parseInt(m.group(1));
      int q = Integer.parseInt(m.group(2));
      var start = java.time.LocalDate.of(y, 3 * q - 2, 1);
      var end = start.plusMonths(3).minusDays(1);
      return new String[] {start + "T00:00:00.000000Z", end + "T23:59:59.999999Z"};
    }
    if (YEAR.matcher(period).matches()) {
      return new String[] {period + "-01-01T00:00:00.000000Z", period + "-12-31T23:59:59.999999Z"};
    }
    throw new IllegalStateException("period of unknown shape: " + period);
  }

  /** The condition {@code filter} stands for over a level's territories. */
  static FilterSql.Frag territories(
      Connection c, String level, Expr filter, IndicatorPeriod indicator) throws SQLException {
    return FilterSql.compile(
        filter,
        territoryQueryables(indicator),
        (op, q, literal) -> territoriesWhere(c, level, op, literal));
  }

  /** The condition {@code filter} stands for over the schools. */
  static FilterSql.Frag schools(Connection c, Expr filter) throws SQLException {
    return FilterSql.compile(
        filter, schoolQueryables(), (op, q, literal) -> schoolsWhere(c, op, literal));
  }

  /**
   * The territories of the level for which {@code op(outline, literal)} holds: the envelopes first
   * (an envelope apart from the literal's, or wholly inside the literal, decides intersects,
   * disjoint and within without the outline), then the outlines of the others, read in one query
   * and tested with JTS.
   */
  private static FilterSql.Frag territoriesWhere(
      Connection c, String level, String op, Geometry literal) throws SQLException {
    Envelope env = literal.getEnvelopeInternal();
    boolean meet = Geometries.impliesIntersection(op);
    boolean decidable =
        op.equals("s_intersects") || op.equals("s_disjoint") || op.equals("s_within");
    PreparedGeometry prepared = PreparedGeometryFactory.prepare(literal);
    var matched = new ArrayList<String>();
    var toTest = new ArrayList<String>();
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT code, xmin, ymin, xmax, ymax FROM territory_geometry WHERE level = ?"
                + (meet ? " AND xmax >= ? AND xmin <= ? AND ymax >= ? AND ymin <= ?" : ""))) {
      ps.setString(1, level);
      if (meet) {
        bindEnvelope(ps, 2, env);
      }
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          var e = new Envelope(rs.getDouble(2), rs.getDouble(4), rs.getDouble(3), rs.getDouble(5));
          String code = rs.getString(1);
          if (!e.intersects(env)) {
            if (op.equals("s_disjoint")) {
              matched.add(code);
            }
          } else if (decidable && env.contains(e) && prepared.covers(GF.toGeometry(e))) {
            // Inside the literal: it meets it and lies within it (the outline is not empty).
            if (!op.equals("s_disjoint")) {
              matched.add(code);
            }
          } else {
            toTest.add(code);
          }
        }
      }
    }
    if (!toTest.isEmpty()) {
      try (PreparedStatement ps =
          c.prepareStatement(
              "SELECT code, ST_AsWKB(geom) FROM territory_geometry WHERE level = ? AND code IN"
                  + " (SELECT unnest(string_split(?, ',')))")) {
        ps.setString(1, level);
        ps.setString(2, String.join(",", toTest));
        var reader = new WKBReader(GF);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            if (Geometries.relate(op, reader.read(rs.getBytes(2)), prepared)) {
              matched.add(rs.getString(1));
            }
          }
        } catch (ParseException e) {
          throw new SQLException("unreadable outline in level " + level, e);
        }
      }
    }
    return matched.isEmpty()
        ? FilterSql.Frag.of("FALSE")
        : FilterSql.Frag.of(
            "t.code IN (SELECT unnest(string_split(?, ',')))", String.join(",", matched));
  }

  /** Binds west, east, south, north from parameter {@code first} on. */
  private static void bindEnvelope(PreparedStatement ps, int first, Envelope env)
      throws SQLException {
    ps.setDouble(first, env.getMinX());
    ps.setDouble(first + 1, env.getMaxX());
    ps.setDouble(first + 2, env.getMinY());
    ps.setDouble(first + 3, env.getMaxY());
  }

  /** The located schools for which {@code op(position, literal)} holds; unknown without one. */
  private static FilterSql.Frag schoolsWhere(Connection c, String op, Geometry literal)
      throws SQLException {
    Envelope env = literal.getEnvelopeInternal();
    boolean meet = Geometries.impliesIntersection(op);
    PreparedGeometry prepared = PreparedGeometryFactory.prepare(literal);
    var matched = new ArrayList<String>();
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT uai, lon, lat FROM school s WHERE NOT ("
                + UNLOCATED
                + ")"
                + (meet ? " AND lon BETWEEN ? AND ? AND lat BETWEEN ? AND ?" : ""))) {
      if (meet) {
        bindEnvelope(ps, 1, env);
      }
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          var point = GF.createPoint(new Coordinate(rs.getDouble(2), rs.getDouble(3)));
          if (Geometries.relate(op, point, prepared)) {
            matched.add(rs.getString(1));
          }
        }
      }
    }
    return FilterSql.Frag.of(
        "(CASE WHEN "
            + UNLOCATED
            + " THEN NULL ELSE s.uai IN (SELECT unnest(string_split(?, ','))) END)",
        String.join(",", matched));
  }
}
