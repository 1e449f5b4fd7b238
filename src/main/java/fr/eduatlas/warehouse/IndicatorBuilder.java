package fr.eduatlas.warehouse;

import fr.eduatlas.indicator.Catalog;
import fr.eduatlas.indicator.Facts;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.duckdb.DuckDBAppender;
import org.duckdb.DuckDBConnection;

/**
 * Every indicator of the catalog, at every level and period, precomputed: an API query is then a
 * lookup in {@code indicator_value}.
 *
 * <ol>
 *   <li>{@code commune_fact}: the additive {@link Facts} per commune and period, from the commune
 *       sources and from the schools' facts summed over their commune;
 *   <li>summed over the communes of each territory (commune, EPCI, département, académie, région,
 *       France): a value is always a ratio of sums, never an average of ratios;
 *   <li>each value with its coverage: the schools and pupils of the territory that have data for
 *       the indicator's dataset, against all of them;
 *   <li>secret: values resting on fewer respondents than the indicator's {@code suppressBelow} are
 *       not published, nor any value that would let them be recovered by subtraction (see {@link
 *       #secondarySuppression}).
 * </ol>
 *
 * <p>{@code territory_commune} (level, code, commune_code) stays: the API finds a territory's
 * communes and schools through it; and {@code territory_comparison}, the territories a profile
 * compares with. The facts per commune and territory hold the respondent counts under the
 * threshold: they are dropped once the values are built.
 */
public final class IndicatorBuilder {
  /** The levels, from the finest; a territory's communes are found through {@code commune}. */
  public static final List<String> LEVELS = fr.eduatlas.territory.Level.ids();

  private final DuckDBConnection conn;
  private final Catalog catalog;

  IndicatorBuilder(DuckDBConnection conn, Catalog catalog) {
    this.conn = conn;
    this.catalog = catalog;
  }

  /** Builds {@code indicator_value}; returns the number of values kept secret. */
  public long build() throws SQLException {
    communeFacts();
    exec(
        """
        CREATE TABLE territory_commune AS
        SELECT 'commune' AS level, code, code AS commune_code FROM commune
        UNION ALL SELECT 'epci', epci_code, code FROM commune WHERE epci_code IS NOT NULL
        UNION ALL SELECT 'departement', departement_code, code FROM commune
          WHERE departement_code IS NOT NULL
        UNION ALL SELECT 'academie', academie_code, code FROM commune WHERE academie_code IS NOT NULL
        UNION ALL SELECT 'region', region_code, code FROM commune WHERE region_code IS NOT NULL
        UNION ALL SELECT 'france', 'FR', code FROM commune
        """);
    // What a territory's values are compared with: the département, académie and région it
    // lies wholly in (a territory spanning several départements is compared with none of them).
    exec(
        """
        CREATE TABLE territory_comparison AS
        SELECT a.level, a.code, p.level AS compared_level, min(p.code) AS compared_code
        FROM territory_commune a JOIN territory_commune p USING (commune_code)
        WHERE p.level IN ('departement', 'academie', 'region') AND p.level <> a.level
        GROUP BY 1, 2, 3 HAVING count(DISTINCT p.code) = 1
        ORDER BY 1, 2, list_position(['departement', 'academie', 'region'], compared_level)
        """);
    // Summed exactly, then each sum converted to DOUBLE once here: the values read every row once
    // per indicator, and converting the 128-bit decimals there (36 times over, 4.4 M values per
    // column) took most of the values' time. Counts are whole and far below 2^53: exact as
    // doubles.
    String sums =
        Facts.NAMES.stream()
            .map(f -> "sum(f." + f + ")::DOUBLE AS " + f)
            .collect(Collectors.joining(", "));
    String flags =
        Facts.DATASETS.stream()
            .map(d -> "bool_or(f." + d + "_simulated) AS " + d + "_simulated")
            .collect(Collectors.joining(", "));
    exec(
        "CREATE TEMP TABLE territory_fact AS SELECT m.level, m.code, f.period, "
            + sums
            + ", "
            + flags
            + " FROM commune_fact f JOIN territory_commune m USING (commune_code) GROUP BY 1, 2, 3");
    schoolMedians();
    // All indicators in one statement creating the table: DuckDB reads territory_fact for each
    // in parallel and writes the rows once (36 INSERTs into the warehouse took about 8 s).
    var selects = new ArrayList<String>();
    var params = new ArrayList<Object>();
    for (Catalog.Indicator i : catalog.all()) {
      selects.add(selectValues(i));
      params.addAll(List.of(i.id(), i.scale(), i.scale()));
    }
    // Each branch gives the table's column types itself (selectValues): a cast projection over
    // the union made DuckDB run it about three times slower (9 s against 2.4 on the real data).
    Jdbc.update(
        conn,
        "CREATE TEMP TABLE value_work AS " + String.join(" UNION ALL ", selects),
        params.toArray());
    exec("DROP TABLE school_median");
    plausibility();
    gaps();
    recreated();
    long secret = suppress();
    exec("DROP TABLE territory_fact");
    exec("DROP TABLE commune_fact");
    sortedCopies();
    exec("DROP TABLE value_work");
    return secret;
  }

  /**
   * The two copies of the values the API reads, each written once into the warehouse file from the
   * temporary (in-memory) {@code value_work}.
   *
   * <p>By territory ({@code indicator_value}): a profile reads one territory's rows, which its row
   * groups' zone maps then find without a scan (an ART index did not help DuckDB here: 30 ms
   * against under 1). By indicator, with the territories' names ({@code
   * indicator_value_by_indicator}): one indicator at one level and period (35k communes) is one
   * contiguous range, read without a join.
   *
   * <p>Both are sorted on integer ranks of the territory, indicator and period, given in the order
   * of their text, so the rows come out in the same order as sorting by the text itself: sorting
   * 3.95 M rows on four text keys was more than half of each copy's time (about 7 s against 5 on
   * the real data). Every value's territory must be one row of {@code territory} (the by-indicator
   * copy takes its name from there) and its keys non-null: a value that is not is a defect of the
   * build, which fails here rather than being dropped or doubled.
   */
  private void sortedCopies() throws SQLException {
    exec(
        "CREATE TEMP TABLE value_rank_territory AS SELECT level, code, name, (dense_rank() OVER"
            + " (ORDER BY level))::INTEGER AS l, (row_number() OVER (ORDER BY level, code))::INTEGER"
            + " AS t FROM territory");
    exec(
        "CREATE TEMP TABLE value_rank_indicator AS SELECT indicator_id, (row_number() OVER (ORDER"
            + " BY indicator_id))::INTEGER AS i FROM (SELECT DISTINCT indicator_id FROM value_work)");
    exec(
        "CREATE TEMP TABLE value_rank_period AS SELECT period, (row_number() OVER (ORDER BY"
            + " period))::INTEGER AS p FROM (SELECT DISTINCT period FROM value_work)");
    String ranked =
        " FROM value_work v JOIN value_rank_territory r USING (level, code) JOIN"
            + " value_rank_indicator i USING (indicator_id) JOIN value_rank_period p USING"
            + " (period)";
    // Same order as ORDER BY level, code, indicator_id, period.
    exec("CREATE TABLE indicator_value AS SELECT v.*" + ranked + " ORDER BY r.t, i.i, p.p");
    // Same order as ORDER BY indicator_id, level, period, code.
    exec(
        "CREATE TABLE indicator_value_by_indicator AS SELECT v.indicator_id, v.level, v.period,"
            + " v.code, r.name, v.value, v.status, v.simulated, v.schools_covered,"
            + " v.schools_total, v.pupils_covered, v.pupils_total, v.schools_real, v.note"
            + ranked
            + " ORDER BY i.i, r.l, p.p, r.t");
    long built = Jdbc.count(conn, "value_work");
    long kept = Jdbc.count(conn, "indicator_value");
    if (built != kept) {
      throw new IllegalStateException(
          "the sorted copy holds "
              + kept
              + " indicator values for "
              + built
              + " built: a value's territory missing from (or twice in) territory, or a null key");
    }
    exec("DROP TABLE value_rank_territory");
    exec("DROP TABLE value_rank_indicator");
    exec("DROP TABLE value_rank_period");
  }

  /** One source's facts per commune and period; the columns it does not give are null. */
  private static final List<String> SOURCES =
      List.of(
          "SELECT commune_code, year::VARCHAR AS period, premises, premises_fibre FROM"
              + " commune_coverage",
          "SELECT commune_code, quarter AS period, premises_connectable AS ftth_connectable FROM"
              + " commune_ftth",
          "SELECT commune_code, year::VARCHAR AS period, population_municipale AS population FROM"
              + " commune_population",
          "SELECT commune_code, year::VARCHAR AS period, population AS population_grid, CASE WHEN"
              + " rural THEN population ELSE 0 END AS population_rural FROM commune_density",
          // The DEPP lists' school year, named by its end year as every school-level fact.
          "SELECT commune_code, right(school_year, 4) AS period, sum(pupils) AS pupils,"
              + " sum((ips * pupils)::DECIMAL(38, 6)) FILTER (WHERE ips IS NOT NULL) AS ips_pupils,"
              + " sum(pupils)"
              + " FILTER (WHERE ips IS NOT NULL) AS pupils_with_ips FROM school GROUP BY 1, 2",
          "SELECT s.commune_code, y.year::VARCHAR AS period, count(*) AS schools_total,"
              + " sum(s.pupils) AS pupils_total FROM school s, (SELECT year FROM"
              + " school_connectivity UNION SELECT year FROM school_equipment UNION SELECT year"
              + " FROM school_usage) y GROUP BY 1, 2",
          // No connection counts as a measured and contracted 0 Mbit/s.
          """
          SELECT s.commune_code, c.year::VARCHAR AS period, count(*) AS connectivity_schools,
            count(*) FILTER (WHERE NOT c.simulated) AS connectivity_real_schools,
            sum(s.pupils) AS connectivity_pupils,
            count(*) FILTER (WHERE c.technology = 'aucune') AS schools_no_connection,
            count(c.m) AS schools_measured, sum(s.pupils) FILTER (WHERE c.m IS NOT NULL)
              AS pupils_measured,
            sum(c.m::DECIMAL(38, 6)) AS down_measured,
            count(*) FILTER (WHERE c.m < 2) AS schools_measured_lt2,
            count(*) FILTER (WHERE c.m < 8 AND cov.fibre_share >= 0.8) AS schools_weak_fibred,
            count(*) FILTER (WHERE c.m >= 2 AND c.m < 8) AS schools_measured_2_8,
            count(*) FILTER (WHERE c.m >= 8 AND c.m < 30) AS schools_measured_8_30,
            count(*) FILTER (WHERE c.m >= 30 AND c.m < 100) AS schools_measured_30_100,
            count(*) FILTER (WHERE c.m >= 100) AS schools_measured_ge100,
            count(c.k) AS schools_contracted,
            count(*) FILTER (WHERE c.k < 2) AS schools_contracted_lt2,
            count(*) FILTER (WHERE c.k >= 2 AND c.k < 8) AS schools_contracted_2_8,
            count(*) FILTER (WHERE c.k >= 8 AND c.k < 30) AS schools_contracted_8_30,
            count(*) FILTER (WHERE c.k >= 30 AND c.k < 100) AS schools_contracted_30_100,
            count(*) FILTER (WHERE c.k < 8) AS schools_contracted_lt8,
            count(*) FILTER (WHERE c.k >= 100) AS schools_contracted_ge100,
            bool_or(c.simulated) AS connectivity_simulated
          FROM (SELECT *,
                  CASE WHEN technology = 'aucune' THEN coalesce(down_measured, 0)
                       ELSE down_measured END AS m,
                  CASE WHEN technology = 'aucune' THEN coalesce(down_contracted, 0)
                       ELSE down_contracted END AS k
                FROM school_connectivity) c
          JOIN school s USING (uai)
          -- The communes' FttH share of the latest coverage year (one vintage is published).
          LEFT JOIN (SELECT commune_code, premises_fibre / nullif(premises, 0) AS fibre_share
                     FROM commune_coverage
                     WHERE year = (SELECT max(year) FROM commune_coverage)) cov
            ON cov.commune_code = s.commune_code
          GROUP BY 1, 2
          """,
          """
          SELECT s.commune_code, e.year::VARCHAR AS period, count(*) AS equipment_schools,
            count(*) FILTER (WHERE NOT e.simulated) AS equipment_real_schools,
            sum(s.pupils) AS equipment_pupils, sum(e.desktops) AS desktops,
            sum(e.laptops) AS laptops, sum(e.tablets) AS tablets,
            sum(e.interactive_displays) AS interactive_displays,
            sum(e.lent_devices) AS lent_devices, sum(e.video_walls) AS video_walls,
            sum(e.hybrid_kits) AS hybrid_kits, sum(e.robotics_kits) AS robotics_kits,
            bool_or(e.simulated) AS equipment_simulated
          FROM school_equipment e JOIN school s USING (uai) GROUP BY 1, 2
          """,
          """
          SELECT s.commune_code, u.year::VARCHAR AS period, count(*) AS usage_schools,
            count(*) FILTER (WHERE NOT u.simulated) AS usage_real_schools,
            sum(s.pupils) AS usage_pupils, sum(u.teachers) AS teachers,
            sum(u.respondents) AS respondents, sum(u.teachers_weekly_use) AS teachers_weekly_use,
            sum(u.teachers_ent) AS teachers_ent, sum(u.teachers_resources) AS teachers_resources,
            sum(u.teachers_trained) AS teachers_trained,
            sum(u.teachers_foreign_platforms) AS teachers_foreign_platforms,
            sum(u.families_reached) AS families_reached, bool_or(u.simulated) AS usage_simulated
          FROM school_usage u JOIN school s USING (uai) GROUP BY 1, 2
          """);

  /**
   * Facts are exact decimals, summed exactly: sums of doubles depend on the order a parallel
   * aggregation adds them in, and the same inputs must give the same bytes (content checksum).
   */
  private void communeFacts() throws SQLException {
    // Every fact is given by some source, and every column a source gives is a fact.
    var given = new HashSet<String>();
    try (var st = conn.createStatement();
        ResultSet rs =
            st.executeQuery(
                "SELECT * FROM ("
                    + String.join(
                        " UNION ALL BY NAME ", SOURCES.stream().map(x -> "(" + x + ")").toList())
                    + ") LIMIT 0")) {
      for (int k = 1; k <= rs.getMetaData().getColumnCount(); k++) {
        given.add(rs.getMetaData().getColumnLabel(k));
      }
    }
    var expected = new HashSet<String>(Facts.NAMES);
    expected.add("commune_code");
    expected.add("period");
    Facts.DATASETS.forEach(d -> expected.add(d + "_simulated"));
    if (!given.equals(expected)) {
      var missing = new HashSet<>(expected);
      missing.removeAll(given);
      given.removeAll(expected);
      throw new IllegalStateException(
          "facts and their sources disagree: not given " + missing + ", not declared " + given);
    }
    String sums =
        Facts.NAMES.stream()
            .map(f -> "sum(" + f + ")::DECIMAL(38, 6) AS " + f)
            .collect(Collectors.joining(", "));
    String flags =
        Facts.DATASETS.stream()
            .map(d -> "coalesce(bool_or(" + d + "_simulated), false) AS " + d + "_simulated")
            .collect(Collectors.joining(", "));
    // Every fact and flag column exists in the union, even if no source gives it.
    String skeleton =
        "SELECT NULL::VARCHAR AS commune_code, NULL::VARCHAR AS period, "
            + Facts.NAMES.stream()
                .map(f -> "NULL::DECIMAL(38, 6) AS " + f)
                .collect(Collectors.joining(", "))
            + ", "
            + Facts.DATASETS.stream()
                .map(d -> "NULL::BOOLEAN AS " + d + "_simulated")
                .collect(Collectors.joining(", "))
            + " WHERE false";
    String union =
        skeleton
            + SOURCES.stream()
                .map(s -> " UNION ALL BY NAME (" + s + ")")
                .collect(Collectors.joining());
    exec(
        "CREATE TEMP TABLE commune_fact AS SELECT commune_code, period, "
            + sums
            + ", "
            + flags
            + " FROM ("
            + union
            + ") GROUP BY 1, 2");
  }

  /**
   * The median per territory and period of each school's measured download (no connection counts as
   * 0), computed over the schools themselves: a median of medians is not a median.
   */
  private void schoolMedians() throws SQLException {
    exec(
        """
        CREATE TEMP TABLE school_median AS
        SELECT m.level, m.code, c.year::VARCHAR AS period, 'down_measured' AS measure,
          median(CASE WHEN c.technology = 'aucune' THEN coalesce(c.down_measured, 0)
                      ELSE c.down_measured END) AS value
        FROM school_connectivity c JOIN school s USING (uai)
        JOIN territory_commune m ON m.commune_code = s.commune_code
        GROUP BY 1, 2, 3
        """);
  }

  /**
   * The values of one indicator as a SELECT over {@code territory_fact} with three parameters, its
   * id then its scale twice: fact names come from the catalog, checked against {@link Facts} when
   * it loaded, so they are safe as column names; the id and scale are bound.
   */
  private static String selectValues(Catalog.Indicator i) {
    // territory_fact's facts are DOUBLE already.
    String num = "t." + i.numerator();
    String den = i.denominator() == null ? null : "t." + i.denominator();
    String value =
        i.median()
            ? "(SELECT md.value FROM school_median md WHERE md.level = t.level AND md.code ="
                + " t.code AND md.period = t.period AND md.measure = '"
                + i.numerator()
                + "') * ?"
            : den == null
                ? num + " * ?"
                : "CASE WHEN " + den + " > 0 THEN " + num + " / " + den + " * ? END";
    String cov = i.coverage();
    // Coverage of a school-level indicator: zero rather than null where no school has data.
    String covered = cov == null ? "NULL" : "coalesce(t." + cov + "_schools, 0)";
    String coveredPupils = cov == null ? "NULL" : "coalesce(t." + cov + "_pupils, 0)";
    String total = cov == null ? "NULL" : "coalesce(t.schools_total, 0)";
    String totalPupils = cov == null ? "NULL" : "coalesce(t.pupils_total, 0)";
    String simulated = cov == null ? "false" : "coalesce(t." + cov + "_simulated, false)";
    // Of the covered schools, those whose fact comes from a real (not simulated) source.
    String real = cov == null ? "NULL" : "coalesce(t." + cov + "_real_schools, 0)";
    String has =
        cov == null
            ? num + " IS NOT NULL"
            : "(" + covered + " > 0 OR coalesce(t.schools_total, 0) > 0)";
    // The columns of indicator_value, each of its type in every branch of the union.
    return "SELECT "
        + String.join(
            ", ",
            "?::VARCHAR AS indicator_id",
            "t.level",
            "t.code",
            "t.period",
            "(" + value + ")::DOUBLE AS value",
            num + " AS numerator",
            (den == null ? "NULL::DOUBLE" : den) + " AS denominator",
            covered + "::BIGINT AS schools_covered",
            total + "::BIGINT AS schools_total",
            coveredPupils + "::BIGINT AS pupils_covered",
            totalPupils + "::BIGINT AS pupils_total",
            "CASE WHEN (" + value + ") IS NULL THEN 'sans-donnees' ELSE 'publie' END AS status",
            simulated + "::BOOLEAN AS simulated",
            real + "::BIGINT AS schools_real",
            "NULL::VARCHAR AS note")
        + " FROM territory_fact t WHERE "
        + has;
  }

  /**
   * A commune's coverage file count is implausible under one premise for this many inhabitants (a
   * dwelling houses about two people): Kalhausen's 1 premise for 788 inhabitants, hence 0 % fibre.
   */
  static final int MAX_INHABITANTS_PER_PREMISE = 20;

  /**
   * Flags the commune values built on an implausible premises count ({@link
   * #MAX_INHABITANTS_PER_PREMISE}): the value stays, with status {@code douteux} and a note saying
   * why; the report lists them (check {@code valeurs-douteuses}).
   */
  private void plausibility() throws SQLException {
    var ids = new ArrayList<String>();
    for (Catalog.Indicator i : catalog.all()) {
      var counts = List.of("premises", "premises_fibre");
      if (counts.contains(i.numerator())
          || (i.denominator() != null && counts.contains(i.denominator()))) {
        ids.add(i.id());
      }
    }
    for (String id : ids) {
      Jdbc.update(
          conn,
          "UPDATE value_work v SET status = 'douteux', note = 'valeur douteuse : la source"
              + " compte ' || c.premises || ' local(aux) pour ' || p.population || ' habitants"
              + " (moins d''un local pour ' || ? || ' habitants)' FROM commune_coverage c, (SELECT"
              + " commune_code, arg_max(population_municipale, year) AS population FROM"
              + " commune_population GROUP BY 1) p WHERE v.indicator_id = ? AND v.level ="
              + " 'commune' AND v.code = c.commune_code AND v.period = c.year::VARCHAR AND"
              + " p.commune_code = c.commune_code AND c.premises * ? < p.population AND v.status"
              + " = 'publie'",
          MAX_INHABITANTS_PER_PREMISE,
          id,
          MAX_INHABITANTS_PER_PREMISE);
    }
  }

  /**
   * For the indicators given per commune: in each period a source covers, every territory none of
   * whose communes has a value gets a {@code sans-donnees} value saying why (the catalog's known
   * gap for its département, else that the source gives nothing for it), and a value summed over
   * only part of a territory's communes says how many are missing.
   */
  private void gaps() throws SQLException {
    for (Catalog.Indicator i : catalog.all()) {
      if (!i.grain().equals("commune")) {
        continue;
      }
      Jdbc.update(
          conn,
          "CREATE OR REPLACE TEMP TABLE gap AS WITH p AS (SELECT DISTINCT period FROM"
              + " value_work WHERE indicator_id = ? AND level = 'commune'), have AS (SELECT"
              + " code, period FROM value_work WHERE indicator_id = ? AND level = 'commune'),"
              + " dep AS (SELECT commune_code, code AS departement FROM territory_commune WHERE"
              + " level = 'departement') SELECT tc.level, tc.code, p.period, count(*) AS"
              + " communes, count(h.code) AS given, min(dep.departement) FILTER (WHERE h.code IS"
              + " NULL) AS first_missing_dep, count(DISTINCT dep.departement) FILTER (WHERE h.code"
              + " IS NULL) AS missing_deps FROM territory_commune tc CROSS JOIN p LEFT JOIN have h"
              + " ON h.code = tc.commune_code AND h.period = p.period LEFT JOIN dep ON"
              + " dep.commune_code = tc.commune_code GROUP BY 1, 2, 3 HAVING count(h.code) <"
              + " count(*)",
          i.id(),
          i.id());
      exec("CREATE OR REPLACE TEMP TABLE gap_reason (departement VARCHAR, reason VARCHAR)");
      if (i.knownGaps() != null) {
        for (Catalog.Gap g : i.knownGaps()) {
          Jdbc.update(conn, "INSERT INTO gap_reason VALUES (?, ?)", g.departement(), g.reason());
        }
      }
      // The reason: the known gap when every missing commune lies in its département.
      String reason =
          "coalesce((SELECT r.reason FROM gap_reason r WHERE g.missing_deps = 1 AND r.departement"
              + " = g.first_missing_dep), 'la source ne donne aucune valeur pour ' || CASE WHEN"
              + " g.communes = 1 THEN 'cette commune' ELSE 'les communes de ce territoire' END || '"
              + " pour cette période')";
      Jdbc.update(
          conn,
          "INSERT INTO value_work SELECT ?, g.level, g.code, g.period, NULL, NULL, NULL, NULL,"
              + " NULL, NULL, NULL, 'sans-donnees', false, NULL, "
              + reason
              + " FROM gap g WHERE g.given = 0 AND NOT EXISTS (SELECT 1 FROM value_work v"
              + " WHERE v.indicator_id = ? AND v.level = g.level AND v.code = g.code AND v.period"
              + " = g.period)",
          i.id(),
          i.id());
      Jdbc.update(
          conn,
          "UPDATE value_work v SET note = 'valeur partielle : ' || (g.communes - g.given) ||"
              + " ' commune(s) sur ' || g.communes || ' sans valeur dans la source' || coalesce(' ("
              + "' || (SELECT r.reason FROM gap_reason r WHERE g.missing_deps = 1 AND"
              + " r.departement = g.first_missing_dep) || ')', '') FROM gap g WHERE v.indicator_id"
              + " = ? AND v.level = g.level AND v.code = g.code AND v.period = g.period AND g.given"
              + " > 0 AND v.note IS NULL",
          i.id());
    }
    exec("DROP TABLE IF EXISTS gap");
    exec("DROP TABLE IF EXISTS gap_reason");
  }

  /** The facts {@code ModelBuilder#apportionRecreated} apportions. */
  private static final List<String> APPORTIONED_FACTS =
      List.of("population", "premises", "premises_fibre");

  /**
   * The commune values that rest on the apportionment of a former commune nouvelle's source figure
   * between it and the communes re-created from it ({@code commune_recreated}) say they are
   * estimates ({@code estime}); a former commune's value that a source gives for the whole of it,
   * re-created communes included, says it is not split ({@code non-ventile}).
   */
  private void recreated() throws SQLException {
    exec(
        """
        CREATE OR REPLACE TEMP TABLE recreated_note AS
        SELECT r.parent_code, p.name AS parent_name,
               string_agg(r.code || ' ' || c.name, ', ' ORDER BY r.code) AS parts
        FROM commune_recreated r JOIN commune c ON c.code = r.code
        JOIN commune p ON p.code = r.parent_code GROUP BY 1, 2
        """);
    for (Catalog.Indicator i : catalog.all()) {
      if (!i.grain().equals("commune")) {
        continue;
      }
      boolean apportioned =
          APPORTIONED_FACTS.contains(i.numerator())
              || (i.denominator() != null && APPORTIONED_FACTS.contains(i.denominator()));
      if (apportioned) {
        Jdbc.update(
            conn,
            "UPDATE value_work v SET status = 'estime', note = 'estimation : part de la"
                + " valeur que la source donne pour ' || n.parent_name || ' (' || n.parent_code ||"
                + " '), commune nouvelle à son millésime, au prorata des populations du COG' FROM"
                + " commune_recreated r JOIN recreated_note n USING (parent_code) WHERE"
                + " v.indicator_id = ? AND v.level = 'commune' AND v.code = r.code AND v.status ="
                + " 'publie'",
            i.id());
        Jdbc.update(
            conn,
            "UPDATE value_work v SET status = 'estime', note = 'estimation : valeur que la"
                + " source donne pour la commune nouvelle de son millésime, moins la part des"
                + " communes rétablies depuis (' || n.parts || '), au prorata des populations du"
                + " COG' FROM recreated_note n WHERE v.indicator_id = ? AND v.level = 'commune'"
                + " AND v.code = n.parent_code AND v.status = 'publie'",
            i.id());
      } else {
        Jdbc.update(
            conn,
            "UPDATE value_work v SET status = 'non-ventile', note = 'valeur que la source"
                + " donne pour la commune nouvelle de son millésime, qui comprend aussi ' ||"
                + " n.parts || ' (rétablies depuis) : non ventilée' FROM recreated_note n WHERE"
                + " v.indicator_id = ? AND v.level = 'commune' AND v.code = n.parent_code AND"
                + " v.status = 'publie' AND EXISTS (SELECT 1 FROM commune_recreated r WHERE"
                + " r.parent_code = n.parent_code AND NOT EXISTS (SELECT 1 FROM value_work o"
                + " WHERE o.indicator_id = v.indicator_id AND o.level = 'commune' AND o.code ="
                + " r.code AND o.period = v.period AND o.value IS NOT NULL))",
            i.id());
      }
    }
    exec("DROP TABLE recreated_note");
  }

  /**
   * Primary then secondary suppression of the indicators that declare a threshold.
   *
   * <p>The cells are read coded as integers (indicator, period, territory: each an index into a
   * small table read once): the DuckDB driver makes a Java string of every text cell of a result,
   * and reading the 600k cells' three names took most of this step's 5 s. Each indicator and period
   * is then worked out on its own, in parallel; every one is deterministic by itself (its cells are
   * put in the same fixed order as before), so the result does not depend on the threads.
   */
  private long suppress() throws SQLException {
    var suppressed = catalog.all().stream().filter(i -> i.suppressBelow() != null).toList();
    if (suppressed.isEmpty()) {
      return 0;
    }
    exec("CREATE OR REPLACE TEMP TABLE suppress_indicator (id VARCHAR, ord INTEGER)");
    try (DuckDBAppender a =
        conn.createAppender("temp", DuckDBConnection.DEFAULT_SCHEMA, "suppress_indicator")) {
      for (int k = 0; k < suppressed.size(); k++) {
        a.beginRow();
        a.append(suppressed.get(k).id());
        a.append(k);
        a.endRow();
      }
    }
    // Every territory a cell or a nesting names, numbered in (level, code) order: the order the
    // cells are put in each map below.
    exec(
        "CREATE OR REPLACE TEMP TABLE suppress_territory AS SELECT level, code, (row_number()"
            + " OVER (ORDER BY level, code) - 1)::INTEGER AS id FROM (SELECT level, code FROM"
            + " territory_commune UNION SELECT v.level, v.code FROM value_work v JOIN"
            + " suppress_indicator i ON i.id = v.indicator_id)");
    exec(
        "CREATE OR REPLACE TEMP TABLE suppress_period AS SELECT period, (row_number() OVER (ORDER"
            + " BY period) - 1)::INTEGER AS id FROM (SELECT DISTINCT v.period FROM value_work v"
            + " JOIN suppress_indicator i ON i.id = v.indicator_id)");
    var keys = new ArrayList<String>();
    var levels = new ArrayList<String>();
    var codes = new ArrayList<String>();
    Jdbc.query(
        conn,
        "SELECT level, code FROM suppress_territory ORDER BY id",
        rs -> {
          levels.add(rs.getString(1));
          codes.add(rs.getString(2));
          keys.add(rs.getString(1) + "/" + rs.getString(2));
        });
    var periods = new ArrayList<String>();
    Jdbc.query(
        conn, "SELECT period FROM suppress_period ORDER BY id", rs -> periods.add(rs.getString(1)));
    var nested = nestedPairs(levels, codes);
    // (indicator, period) -> "level/code" -> respondents, each map filled in (level, code) order.
    var cells = new ArrayList<Map<String, Double>>();
    for (int k = 0; k < suppressed.size() * periods.size(); k++) {
      cells.add(new HashMap<>());
    }
    Jdbc.query(
        conn,
        "SELECT i.ord, p.id, t.id, coalesce(v.denominator, 0) FROM value_work v JOIN"
            + " suppress_indicator i ON i.id = v.indicator_id JOIN suppress_period p USING"
            + " (period) JOIN suppress_territory t USING (level, code) ORDER BY 1, 2, 3",
        rs ->
            cells
                .get(rs.getInt(1) * periods.size() + rs.getInt(2))
                .put(keys.get(rs.getInt(3)), rs.getDouble(4)));
    List<Set<String>> hidden =
        java.util.stream.IntStream.range(0, cells.size())
            .parallel()
            .mapToObj(
                k ->
                    cells.get(k).isEmpty()
                        ? Set.<String>of()
                        : secondarySuppression(
                            cells.get(k),
                            suppressed.get(k / periods.size()).suppressBelow(),
                            nested))
            .toList();
    long secret = 0;
    exec(
        "CREATE TEMP TABLE secret_value (indicator_id VARCHAR, level VARCHAR, code VARCHAR,"
            + " period VARCHAR)");
    try (DuckDBAppender a =
        conn.createAppender("temp", DuckDBConnection.DEFAULT_SCHEMA, "secret_value")) {
      for (int k = 0; k < hidden.size(); k++) {
        for (String key : hidden.get(k)) {
          int slash = key.indexOf('/');
          a.beginRow();
          a.append(suppressed.get(k / periods.size()).id());
          a.append(key.substring(0, slash));
          a.append(key.substring(slash + 1));
          a.append(periods.get(k % periods.size()));
          a.endRow();
          secret++;
        }
      }
    }
    exec(
        "UPDATE value_work v SET status = 'secret', value = NULL, numerator = NULL,"
            + " denominator = NULL FROM secret_value s WHERE v.indicator_id = s.indicator_id AND"
            + " v.level = s.level AND v.code = s.code AND v.period = s.period");
    exec("DROP TABLE secret_value");
    exec("DROP TABLE suppress_indicator");
    exec("DROP TABLE suppress_period");
    exec("DROP TABLE suppress_territory");
    return secret;
  }

  /** A child level nested in a parent level: each child's communes all lie in one parent. */
  record Nesting(String child, String parent, Map<String, String> parentOf) {}

  /**
   * Every pair of levels, the finer first, whose territories nest; {@code levels} and {@code codes}
   * name the territories of {@code suppress_territory} by id (one query over ids: one per pair,
   * with the codes as text, took 0.7 s).
   */
  private List<Nesting> nestedPairs(List<String> levels, List<String> codes) throws SQLException {
    exec("CREATE OR REPLACE TEMP TABLE suppress_level (level VARCHAR, ord INTEGER)");
    try (DuckDBAppender a =
        conn.createAppender("temp", DuckDBConnection.DEFAULT_SCHEMA, "suppress_level")) {
      for (int k = 0; k < LEVELS.size(); k++) {
        a.beginRow();
        a.append(LEVELS.get(k));
        a.append(k);
        a.endRow();
      }
    }
    // Per territory and coarser level: the first of the parents its communes lie in, and how many.
    var parentOf = new HashMap<String, Map<String, String>>();
    var notNested = new HashSet<String>();
    Jdbc.query(
        conn,
        "SELECT c.id, pl.ord, min(p.id), count(DISTINCT p.id) FROM territory_commune cc JOIN"
            + " territory_commune pc USING (commune_code) JOIN suppress_level cl ON cl.level ="
            + " cc.level JOIN suppress_level pl ON pl.level = pc.level JOIN suppress_territory c"
            + " ON c.level = cc.level AND c.code = cc.code JOIN suppress_territory p ON p.level ="
            + " pc.level AND p.code = pc.code WHERE pl.ord > cl.ord GROUP BY 1, 2 ORDER BY 1, 2",
        rs -> {
          int child = rs.getInt(1);
          String pair = levels.get(child) + ">" + LEVELS.get(rs.getInt(2));
          parentOf
              .computeIfAbsent(pair, k -> new HashMap<>())
              .put(codes.get(child), codes.get(rs.getInt(3)));
          if (rs.getLong(4) != 1) {
            notNested.add(pair);
          }
        });
    exec("DROP TABLE suppress_level");
    var out = new ArrayList<Nesting>();
    for (int c = 0; c < LEVELS.size(); c++) {
      for (int p = c + 1; p < LEVELS.size(); p++) {
        String pair = LEVELS.get(c) + ">" + LEVELS.get(p);
        if (!notNested.contains(pair)) {
          out.add(new Nesting(LEVELS.get(c), LEVELS.get(p), parentOf.getOrDefault(pair, Map.of())));
        }
      }
    }
    return out;
  }

  /**
   * The values to keep secret for one indicator and period. {@code respondents} maps "level/code"
   * to the value's respondents. Primary: fewer than {@code threshold}. Secondary, until nothing
   * changes: wherever a published parent has exactly one secret child among children with
   * respondents, the published sibling with the fewest respondents is hidden too, so that no secret
   * value equals a parent minus its published children.
   */
  static Set<String> secondarySuppression(
      Map<String, Double> respondents, int threshold, List<Nesting> nested) {
    var secret = new HashSet<String>();
    respondents.forEach(
        (k, v) -> {
          if (v < threshold) {
            secret.add(k);
          }
        });
    // Per nesting, each parent's children with respondents: fixed through the passes (only the
    // secret set grows), so grouped once. Keyed and filled as the passes read them, in the same
    // order. Each group counts its secret children as they become secret: a pass then looks at a
    // group in constant time instead of counting its children anew.
    var groups = new ArrayList<Map<String, Group>>(nested.size());
    var byChild = new HashMap<String, List<Integer>>();
    for (int g = 0; g < nested.size(); g++) {
      groups.add(new HashMap<>());
      byChild.computeIfAbsent(nested.get(g).child(), x -> new ArrayList<>()).add(g);
    }
    // One pass over the cells (not one per nesting), each put in its groups in the cells' order:
    // a group map's iteration order, hence the passes' choices, depends on it.
    var groupsOf = new HashMap<String, List<Group>>();
    respondents.forEach(
        (k, v) -> {
          int slash = k.indexOf('/');
          List<Integer> ofLevel = v > 0 && slash > 0 ? byChild.get(k.substring(0, slash)) : null;
          if (ofLevel == null) {
            return;
          }
          String code = k.substring(slash + 1);
          for (int g : ofLevel) {
            Nesting n = nested.get(g);
            String p = n.parentOf().get(code);
            if (p != null) {
              Group group = groups.get(g).computeIfAbsent(p, x -> new Group(n.parent() + "/" + x));
              group.kids.add(k);
              groupsOf.computeIfAbsent(k, x -> new ArrayList<>(4)).add(group);
              if (secret.contains(k)) {
                group.hidden++;
              }
            }
          }
        });
    boolean changed = true;
    while (changed) {
      changed = false;
      for (Map<String, Group> nesting : groups) {
        for (Group g : nesting.values()) {
          if (g.hidden != 1
              || secret.contains(g.parentKey)
              || !respondents.containsKey(g.parentKey)) {
            continue;
          }
          // Its published sibling with the fewest respondents; with none, the parent itself,
          // which would otherwise equal its only child.
          String next =
              g.kids.stream()
                  .filter(k -> !secret.contains(k))
                  .min(
                      java.util.Comparator.<String>comparingDouble(respondents::get)
                          .thenComparing(k -> k))
                  .orElse(g.parentKey);
          secret.add(next);
          for (Group member : groupsOf.getOrDefault(next, List.of())) {
            member.hidden++;
          }
          changed = true;
        }
      }
    }
    return secret;
  }

  /** A parent's children with respondents in one nesting, and how many of them are secret. */
  private static final class Group {
    final String parentKey;
    final List<String> kids = new ArrayList<>();
    int hidden;

    Group(String parentKey) {
      this.parentKey = parentKey;
    }
  }

  private void exec(String sql) throws SQLException {
    Jdbc.exec(conn, sql);
  }
}
