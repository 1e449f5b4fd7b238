package fr.eduatlas.selection;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Reads every commune's {@link CommuneNeeds} from a warehouse; every value is bound. */
public final class NeedsQuery {
  private NeedsQuery() {}

  /** What the criteria were computed from. */
  public record Facts(
      int year,
      List<Integer> years,
      Integer densityYear,
      Integer populationYear,
      Integer coverageYear,
      String dataVersion,
      List<CommuneNeeds> communes,
      Map<String, Territory> territories) {}

  /** A territory of the quota tree: level, code, name, parent's key ("level:code"), or null. */
  public record Territory(String level, String code, String name, String parent) {
    public String key() {
      return level + ":" + code;
    }
  }

  /** The connectivity school years the warehouse holds, by their end year, oldest first. */
  public static List<Integer> years(Connection c) throws SQLException {
    var out = new ArrayList<Integer>();
    try (var st = c.createStatement();
        ResultSet rs =
            st.executeQuery("SELECT DISTINCT year FROM school_connectivity ORDER BY year")) {
      while (rs.next()) {
        out.add(rs.getInt(1));
      }
    }
    return out;
  }

  private static final String SQL =
      """
      WITH s AS (
        SELECT uai, commune_code, coalesce(pupils, 0) AS pupils, ips FROM school
        WHERE (type = 'ecole' AND ?) OR (type = 'college' AND ?) OR (type = 'lycee' AND ?)),
      k AS (
        SELECT uai, year, down_measured, simulated,
               CASE WHEN technology = 'aucune' THEN 0
                    ELSE coalesce(down_measured, down_contracted) END AS down
        FROM school_connectivity WHERE year IN (?, ?)),
      per_school AS (
        SELECT s.commune_code, s.uai, s.pupils, s.ips, now.down, now.simulated,
               CASE WHEN now.down_measured IS NOT NULL AND past.down_measured IS NOT NULL
                    THEN now.down_measured END AS now_measured,
               CASE WHEN now.down_measured IS NOT NULL AND past.down_measured IS NOT NULL
                    THEN past.down_measured END AS past_measured
        FROM s
        LEFT JOIN k now ON now.uai = s.uai AND now.year = ?
        LEFT JOIN k past ON past.uai = s.uai AND past.year = ?),
      agg AS (
        SELECT commune_code, count(*) AS schools, count(down) AS known,
               count(*) FILTER (WHERE down < ?) AS weak, sum(pupils) AS pupils,
               coalesce(sum(pupils) FILTER (WHERE down < ?), 0) AS affected,
               sum(ips * pupils) FILTER (WHERE ips IS NOT NULL AND pupils > 0)
                 / sum(pupils) FILTER (WHERE ips IS NOT NULL AND pupils > 0) AS ips,
               (avg(now_measured) - avg(past_measured)) / ? AS trend,
               coalesce(bool_or(simulated), false) AS simulated
        FROM per_school GROUP BY commune_code),
      dens AS (SELECT commune_code, arg_max(density_level, year) AS level FROM commune_density
               GROUP BY commune_code),
      pop AS (SELECT commune_code, arg_max(population_municipale, year) AS population
              FROM commune_population GROUP BY commune_code),
      cov AS (SELECT commune_code, arg_max(CASE WHEN premises > 0
                                           THEN 100.0 * premises_fibre / premises END, year) AS f
              FROM commune_coverage GROUP BY commune_code)
      SELECT c.code, c.name, c.departement_code, d.academie_code, c.region_code,
             dens.level, pop.population, coalesce(a.schools, 0), coalesce(a.known, 0),
             coalesce(a.weak, 0), coalesce(a.pupils, 0), coalesce(a.affected, 0), cov.f,
             a.trend, a.ips, coalesce(a.simulated, false), c.epci_code
      FROM commune c
      LEFT JOIN departement d ON d.code = c.departement_code
      LEFT JOIN agg a ON a.commune_code = c.code
      LEFT JOIN dens ON dens.commune_code = c.code
      LEFT JOIN pop ON pop.commune_code = c.code
      LEFT JOIN cov ON cov.commune_code = c.code
      ORDER BY c.code
      """;

  /**
   * Every commune's needs for the criteria's year (the latest connectivity year if none).
   *
   * @throws InvalidCriteriaException if the year has no connectivity data
   */
  public static Facts load(Connection c, Criteria criteria, String dataVersion)
      throws SQLException {
    List<Integer> years = years(c);
    if (years.isEmpty()) {
      throw new InvalidCriteriaException(
          List.of("l'entrepôt ne contient aucune donnée de connectivité des établissements"));
    }
    int year = criteria.year() == null ? years.get(years.size() - 1) : criteria.year();
    if (!years.contains(year)) {
      throw new InvalidCriteriaException(
          List.of(
              "year : aucune donnée de connectivité pour l'année scolaire "
                  + (year - 1)
                  + "-"
                  + year
                  + " ; années disponibles : "
                  + years));
    }
    int past = year - criteria.trendYears();
    var types = criteria.eligibility().schoolTypes();
    var communes = new ArrayList<CommuneNeeds>();
    try (PreparedStatement ps = c.prepareStatement(SQL)) {
      int i = 1;
      ps.setBoolean(i++, types.contains("ecole"));
      ps.setBoolean(i++, types.contains("college"));
      ps.setBoolean(i++, types.contains("lycee"));
      ps.setInt(i++, year);
      ps.setInt(i++, past);
      ps.setInt(i++, year);
      ps.setInt(i++, past);
      ps.setDouble(i++, criteria.bandwidthThreshold());
      ps.setDouble(i++, criteria.bandwidthThreshold());
      ps.setDouble(i++, criteria.trendYears());
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          communes.add(
              new CommuneNeeds(
                  rs.getString(1),
                  rs.getString(2),
                  rs.getString(3),
                  rs.getString(4),
                  rs.getString(5),
                  (Integer) rs.getObject(6, Integer.class),
                  rs.getObject(7) == null ? null : ((Number) rs.getObject(7)).intValue(),
                  rs.getInt(8),
                  rs.getInt(9),
                  rs.getInt(10),
                  rs.getLong(11),
                  rs.getLong(12),
                  nan(rs, 13),
                  nan(rs, 14),
                  nan(rs, 15),
                  rs.getBoolean(16),
                  rs.getString(17)));
        }
      }
    }
    return new Facts(
        year,
        years,
        maxYear(c, "commune_density"),
        maxYear(c, "commune_population"),
        maxYear(c, "commune_coverage"),
        dataVersion,
        communes,
        territories(c));
  }

  private static double nan(ResultSet rs, int col) throws SQLException {
    double d = rs.getDouble(col);
    return rs.wasNull() ? Double.NaN : d;
  }

  private static Integer maxYear(Connection c, String table) throws SQLException {
    // The table name is one of this class's constants, never user input.
    try (var st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT max(year) FROM " + table)) {
      rs.next();
      int y = rs.getInt(1);
      return rs.wasNull() ? null : y;
    }
  }

  /**
   * Régions, académies and départements, each with its parent in the quota tree; EPCI too (for
   * perimeters and the grouping of a list), outside the tree.
   */
  private static Map<String, Territory> territories(Connection c) throws SQLException {
    var out = new LinkedHashMap<String, Territory>();
    try (var st = c.createStatement();
        ResultSet rs =
            st.executeQuery(
                """
                SELECT 'region', code, name, NULL FROM region
                UNION ALL SELECT 'academie', code, name, 'region:' || region_code FROM academie
                UNION ALL SELECT 'departement', d.code, d.name,
                  CASE WHEN d.academie_code IS NOT NULL THEN 'academie:' || d.academie_code
                       ELSE 'region:' || d.region_code END
                FROM departement d
                UNION ALL SELECT 'epci', code, name, NULL FROM epci
                ORDER BY 1 DESC, 2
                """)) {
      while (rs.next()) {
        var t = new Territory(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4));
        out.put(t.key(), t);
      }
    }
    return out;
  }
}
