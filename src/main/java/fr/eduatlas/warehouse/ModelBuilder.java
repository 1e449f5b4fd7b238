package fr.eduatlas.warehouse;

import fr.eduatlas.source.SourceEntry;
import fr.eduatlas.source.TableSpec;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns the staging tables into the warehouse's model: the COG 2026 code map, every commune code
 * mapped onto it, the territories of every level with their hierarchy, the schools, and the commune
 * facts per year. Every row that cannot be placed goes to the quarantine with its reason.
 *
 * <p>The model knows its sources by manifest id; identifiers in its SQL are constants or validated
 * table specs, and every value is bound.
 */
public final class ModelBuilder {
  /** Manifest ids the model is built from. */
  static final String COG_COMMUNES = "cog-communes";

  static final String COG_DEPARTEMENTS = "cog-departements";
  static final String COG_REGIONS = "cog-regions";
  static final String COG_EPCI = "cog-epci";
  static final String ACADEMIES = "academies";
  static final String DENSITY = "insee-density-grid";
  static final String POPULATIONS = "insee-populations";
  static final String BPE = "insee-bpe-primary";
  static final String ECOLES = "depp-ips-ecoles";
  static final String COLLEGES = "depp-ips-colleges";
  static final String LYCEES = "depp-ips-lycees";
  static final String COLLEGES_GEOLOC = "depp-colleges-geoloc";
  static final String ANNUAIRE = "education-annuaire";
  static final String COVERAGE = "arcep-coverage";
  static final String FTTH = "arcep-ftth";
  static final String IGN_COMMUNES = "ign-communes";
  static final String IGN_DEPARTEMENTS = "ign-departements";
  static final String IGN_REGIONS = "ign-regions";

  static final List<String> REQUIRED =
      List.of(
          COG_COMMUNES,
          COG_DEPARTEMENTS,
          COG_REGIONS,
          COG_EPCI,
          ACADEMIES,
          DENSITY,
          POPULATIONS,
          BPE,
          ECOLES,
          COLLEGES,
          LYCEES,
          COLLEGES_GEOLOC,
          ANNUAIRE,
          COVERAGE,
          FTTH,
          IGN_COMMUNES,
          IGN_DEPARTEMENTS,
          IGN_REGIONS);

  private final Connection conn;
  private final Map<String, SourceEntry> sources;

  ModelBuilder(Connection conn, List<SourceEntry> entries) {
    this.conn = conn;
    this.sources = new LinkedHashMap<>();
    entries.forEach(e -> sources.put(e.id(), e));
    for (String id : REQUIRED) {
      if (!sources.containsKey(id)) {
        throw new WarehouseException("the source manifest has no entry '" + id + "'");
      }
    }
  }

  private static String t(String id) {
    return "src_" + id.replace('-', '_');
  }

  /** Counts of one source's rows moved by the model stages. */
  public record Remap(long unmapped, long remapped) {}

  /**
   * {@code fold(s)}: a name folded as {@link fr.eduatlas.territory.Names#fold} folds a search query
   * (accents, ligatures, case, punctuation), for the {@code name_folded} columns.
   */
  static final String FOLD_MACRO =
      """
      CREATE TEMP MACRO fold(s) AS
        trim(lower(regexp_replace(
          replace(replace(replace(replace(strip_accents(s), 'œ', 'oe'), 'Œ', 'OE'), 'æ', 'ae'),
            'Æ', 'AE'),
          '[^A-Za-z0-9]+', ' ', 'g')))
      """;

  /** The COG 2026 map from every known commune code to the current commune it now belongs to. */
  public void buildCodeMap() throws SQLException {
    exec(FOLD_MACRO);
    exec(
        """
        CREATE TABLE commune_code_map AS
        WITH cur AS (SELECT code FROM src_cog_communes WHERE type = 'commune-actuelle'),
        links AS (
          SELECT code, code AS current_code, 'actuelle' AS link, 1 AS prio
            FROM src_cog_communes WHERE type = 'commune-actuelle'
          UNION ALL SELECT code, parent, 'arrondissement', 2
            FROM src_cog_communes WHERE type = 'arrondissement-municipal'
          UNION ALL SELECT code, parent,
              CASE type WHEN 'commune-deleguee' THEN 'deleguee' ELSE 'associee' END, 3
            FROM src_cog_communes WHERE type IN ('commune-deleguee', 'commune-associee')
          UNION ALL SELECT former_code, code, 'ancienne', 4 FROM src_cog_communes_former)
        SELECT code, current_code, link FROM (
          SELECT *, row_number() OVER (PARTITION BY code ORDER BY prio, current_code) AS rn
          FROM links WHERE current_code IN (SELECT code FROM cur))
        WHERE rn = 1
        """);
  }

  /**
   * Maps a staging table's commune codes onto COG 2026 ({@code _commune}, with the kind of link in
   * {@code _commune_link}); rows whose code is unknown are moved to the quarantine.
   */
  public Remap remap(SourceEntry source, TableSpec spec) throws SQLException {
    String table = spec.tableName(source.tablePrefix());
    String col = spec.communeColumn();
    exec(
        "CREATE OR REPLACE TABLE "
            + table
            + " AS SELECT s.*, m.current_code AS _commune, m.link AS _commune_link FROM "
            + table
            + " AS s LEFT JOIN commune_code_map AS m ON s."
            + col
            + " = m.code ORDER BY s._line");
    // A source made of several files stages each row's file: name it in the quarantine.
    boolean multiFile = spec.columns().stream().anyMatch(c -> c.name().equals("file"));
    long unmapped =
        update(
            "INSERT INTO quarantine SELECT ?, ?"
                + (multiFile ? " || '/' || file" : "")
                + ", _line, ?, 'code commune inconnu : ' || "
                + col
                + " || ' n''est ni une commune du COG 2026, ni un arrondissement, ni une commune"
                + " déléguée, associée ou ancienne', to_json(s)::VARCHAR, true, 'remap' FROM "
                + table
                + " AS s WHERE _commune IS NULL",
            source.id(),
            source.path(),
            spec.communeField());
    exec("DELETE FROM " + table + " WHERE _commune IS NULL");
    long remapped = scalar("SELECT count(*) FROM " + table + " WHERE _commune_link <> 'actuelle'");
    return new Remap(unmapped, remapped);
  }

  /**
   * A school present in two DEPP files is kept from the first; the later rows are quarantined.
   *
   * @return per source id, the rows moved to the quarantine
   */
  public Map<String, Long> dropDuplicateSchools() throws SQLException {
    var moved = new LinkedHashMap<String, Long>();
    var earlier = new ArrayList<String>();
    for (String id : List.of(ECOLES, COLLEGES, LYCEES)) {
      long n = 0;
      for (String before : earlier) {
        n +=
            update(
                "INSERT INTO quarantine SELECT ?, ?, _line, 'uai', 'UAI ' || uai || ' déjà présent"
                    + " dans ' || ?, to_json(s)::VARCHAR, true, 'schools' FROM "
                    + t(id)
                    + " AS s WHERE uai IN (SELECT uai FROM "
                    + t(before)
                    + ")",
                id,
                sources.get(id).path(),
                sources.get(before).path());
        exec("DELETE FROM " + t(id) + " WHERE uai IN (SELECT uai FROM " + t(before) + ")");
      }
      moved.put(id, n);
      earlier.add(id);
    }
    return moved;
  }

  /** Régions, académies, départements, EPCI, communes, and the territory index of all levels. */
  public void buildTerritories() throws SQLException {
    exec(
        """
        CREATE TABLE region AS
        SELECT code, name, chef_lieu, zone FROM src_cog_regions WHERE zone <> 'com' ORDER BY code
        """);
    exec(
        """
        CREATE TABLE academie AS
        SELECT code, name, region_code FROM src_academies ORDER BY code
        """);
    // Each département's académie, by majority of the schools the DEPP files place in it; the
    // number of académies named for it is kept to report any conflict.
    exec(
        """
        CREATE TABLE departement_academie AS
        WITH s AS (
          SELECT departement_code, academie_name FROM src_depp_ips_ecoles
          UNION ALL SELECT departement_code, academie_name FROM src_depp_ips_colleges
          UNION ALL SELECT departement_code, academie_name FROM src_depp_ips_lycees),
        votes AS (
          SELECT departement_code, fold(academie_name) AS folded, count(*) AS n FROM s GROUP BY ALL),
        ranked AS (
          SELECT *, row_number() OVER (PARTITION BY departement_code ORDER BY n DESC, folded) AS rn,
                 count(*) OVER (PARTITION BY departement_code) AS candidates
          FROM votes)
        SELECT r.departement_code, a.code AS academie_code, r.folded AS academie_name_folded,
               r.candidates
        FROM ranked r LEFT JOIN src_academies a ON fold(a.name) = r.folded
        WHERE rn = 1
        """);
    exec(
        """
        CREATE TABLE departement AS
        SELECT d.code, d.name, d.region AS region_code, da.academie_code, d.chef_lieu, d.zone
        FROM src_cog_departements d
        LEFT JOIN departement_academie da ON da.departement_code = d.code
        WHERE d.zone <> 'com' ORDER BY d.code
        """);
    exec(
        """
        CREATE TABLE epci AS
        SELECT code, name, type, financing, population_total, population_municipale
        FROM src_cog_epci ORDER BY code
        """);
    update(
        """
        INSERT INTO quarantine
        SELECT ?, ?, m._line, 'membres.code',
               'commune membre ' || m.commune_code || ' absente du COG 2026 : ignorée',
               to_json(m)::VARCHAR, false, 'territories'
        FROM src_cog_epci_members m
        WHERE m.commune_code NOT IN
          (SELECT code FROM src_cog_communes WHERE type = 'commune-actuelle')
        """,
        COG_EPCI,
        sources.get(COG_EPCI).path());
    // The collectivités d'outre-mer belong to no département nor région, but their schools
    // belong to an académie (Saint-Barthélemy's and Saint-Martin's to Guadeloupe's): the one the
    // DEPP lists name for the commune's schools, by majority.
    exec(
        """
        CREATE TABLE collectivite_academie AS
        WITH s AS (
          SELECT _commune AS commune_code, academie_name FROM src_depp_ips_ecoles
          UNION ALL SELECT _commune, academie_name FROM src_depp_ips_colleges
          UNION ALL SELECT _commune, academie_name FROM src_depp_ips_lycees),
        votes AS (
          SELECT commune_code, fold(academie_name) AS folded, count(*) AS n FROM s
          WHERE commune_code IN (SELECT code FROM src_cog_communes WHERE zone = 'com')
          GROUP BY ALL),
        ranked AS (
          SELECT *, row_number() OVER (PARTITION BY commune_code ORDER BY n DESC, folded) AS rn
          FROM votes)
        SELECT r.commune_code, a.code AS academie_code
        FROM ranked r JOIN src_academies a ON fold(a.name) = r.folded WHERE rn = 1
        """);
    exec(
        """
        CREATE TABLE commune AS
        SELECT c.code, c.name, c.zone,
               CASE WHEN c.zone <> 'com' THEN c.departement END AS departement_code,
               CASE WHEN c.zone <> 'com' THEN c.region END AS region_code,
               CASE WHEN c.zone <> 'com' THEN d.academie_code ELSE ca.academie_code END
                 AS academie_code,
               m.epci_code,
               CASE WHEN c.zone = 'com' THEN c.departement END AS collectivite_code,
               c.arrondissement, c.population AS population_cog, c.siren, c.postal_codes
        FROM src_cog_communes c
        LEFT JOIN departement d ON d.code = c.departement
        LEFT JOIN collectivite_academie ca ON ca.commune_code = c.code
        LEFT JOIN src_cog_epci_members m ON m.commune_code = c.code
        WHERE c.type = 'commune-actuelle' ORDER BY c.code
        """);
    exec("DROP TABLE collectivite_academie");
    exec(
        """
        CREATE TABLE territory AS
        SELECT * FROM (
          SELECT 'france' AS level, 'FR' AS code, 'France' AS name,
                 NULL AS parent_level, NULL AS parent_code, NULL AS zone
          UNION ALL SELECT 'region', code, name, 'france', 'FR', zone FROM region
          UNION ALL SELECT 'academie', code, name, 'region', region_code, NULL FROM academie
          UNION ALL SELECT 'departement', code, name, 'academie', academie_code, zone
            FROM departement
          UNION ALL SELECT 'epci', code, name, 'france', 'FR', NULL FROM epci
          UNION ALL SELECT 'commune', code, name,
                 CASE WHEN departement_code IS NULL THEN 'france' ELSE 'departement' END,
                 coalesce(departement_code, 'FR'), zone FROM commune)
        ORDER BY level, code
        """);
    exec("ALTER TABLE territory ADD COLUMN name_folded VARCHAR");
    exec("UPDATE territory SET name_folded = fold(name)");
  }

  /**
   * The schools of the DEPP lists, each in its current commune, with its position from the national
   * directory or the geolocated collèges, else placed at its commune's label point and flagged so
   * ({@code location_method = 'commune'}). Runs after the boundaries stage.
   */
  public void buildSchools() throws SQLException {
    exec(
        """
        CREATE TABLE school AS
        WITH depp AS (
          SELECT 'ecole' AS type, 'depp-ips-ecoles' AS source_id, * FROM src_depp_ips_ecoles
          UNION ALL BY NAME
          SELECT 'college' AS type, 'depp-ips-colleges' AS source_id, * FROM src_depp_ips_colleges
          UNION ALL BY NAME
          SELECT 'lycee' AS type, 'depp-ips-lycees' AS source_id, * FROM src_depp_ips_lycees)
        SELECT d.uai, d.name, d.type, d.lycee_type, d.sector, d.pupils, d.pupils_gt, d.pupils_pro,
               d.ips, d.ips_gt, d.ips_pro, d.ips_sd, d.ips_sd_gt, d.ips_sd_pro, d.school_year,
               d._commune AS commune_code, d.commune_code AS commune_code_source,
               d._commune_link AS commune_link,
               c.departement_code, c.academie_code, c.region_code,
               d.departement_code AS departement_code_source,
               coalesce(a.lon, g.lon, tg.label_lon) AS lon,
               coalesce(a.lat, g.lat, tg.label_lat) AS lat,
               CASE WHEN a.lat IS NOT NULL OR g.lat IS NOT NULL THEN 'etablissement'
                    ELSE 'commune' END AS location_method,
               CASE WHEN a.lat IS NOT NULL THEN 'education-annuaire'
                    WHEN g.lat IS NOT NULL THEN 'depp-colleges-geoloc' END AS location_source,
               coalesce(a.coord_origin, g.coord_origin) AS location_origin,
               d.source_id
        FROM depp d
        JOIN commune c ON c.code = d._commune
        LEFT JOIN src_education_annuaire a ON a.uai = d.uai AND a.lat IS NOT NULL
        -- A collège the DEPP geocodes to its town only (localisation "Ville" or "COMMUNE") is
        -- placed, and said to be placed, at its commune's point like any school without a
        -- position of its own.
        LEFT JOIN src_depp_colleges_geoloc g ON g.uai = d.uai AND g.lat IS NOT NULL
          AND coalesce(g.geocoding_precision, '') NOT IN ('Ville', 'COMMUNE')
        LEFT JOIN territory_geometry tg ON tg.level = 'commune' AND tg.code = d._commune
        ORDER BY d.uai
        """);
    // Folded once here, as territory names are, for the search by name (territory.Names.fold).
    exec("ALTER TABLE school ADD COLUMN name_folded VARCHAR");
    exec("UPDATE school SET name_folded = fold(name)");
  }

  /** Commune facts per year, summed onto current communes (ratios are computed from sums later). */
  public void buildCommuneFacts() throws SQLException {
    update(
        """
        CREATE TABLE commune_population AS
        SELECT _commune AS commune_code, ?::INTEGER AS year,
               sum(population_municipale) AS population_municipale,
               sum(population_comptee_a_part) AS population_comptee_a_part,
               sum(population_totale) AS population_totale,
               count(*) AS source_rows
        FROM src_insee_populations GROUP BY _commune ORDER BY _commune
        """,
        year(POPULATIONS));
    // A merged commune takes the density level of its most populous former commune (INSEE's own
    // classification of the merged commune is not yet published; ties go to the lowest code); its
    // population shares are the population-weighted mean of its parts', rounded so that the
    // result does not depend on the order in which parallel aggregation adds them.
    StringBuilder shares = new StringBuilder();
    for (int i = 1; i <= 7; i++) {
      shares.append(
          String.format(
              ", round(CASE WHEN count(*) = 1 THEN any_value(share_p%1$d)"
                  + " ELSE sum(share_p%1$d * population) / nullif(sum(population), 0)"
                  + " END, 4) AS share_p%1$d",
              i));
    }
    update(
        "CREATE TABLE commune_density AS"
            + " WITH ranked AS (SELECT *, row_number() OVER (PARTITION BY _commune"
            + " ORDER BY population DESC NULLS LAST, commune_code) AS rank"
            + " FROM src_insee_density_grid)"
            + " SELECT _commune AS commune_code, ?::INTEGER AS year,"
            + " max(CASE WHEN rank = 1 THEN density_level END) AS density_level,"
            + " max(CASE WHEN rank = 1 THEN density_label END) AS density_label,"
            + " max(CASE WHEN rank = 1 THEN density_level END) >= 5 AS rural,"
            + " sum(population) AS population"
            + shares
            + ", count(*) AS source_rows FROM ranked GROUP BY _commune ORDER BY _commune",
        year(DENSITY));
    update(
        """
        CREATE TABLE commune_bpe AS
        SELECT s._commune AS commune_code, ?::INTEGER AS year, c.variable, sum(c.value) AS value
        FROM src_insee_bpe_primary s JOIN src_insee_bpe_primary_counts c USING (_line)
        GROUP BY ALL ORDER BY ALL
        """,
        year(BPE));
    update(
        """
        CREATE TABLE commune_coverage AS
        SELECT _commune AS commune_code, ?::INTEGER AS year,
               sum(premises) AS premises, sum(premises_fibre) AS premises_fibre,
               sum(premises_cable) AS premises_cable, sum(premises_dsl) AS premises_dsl,
               sum(premises_thd_radio) AS premises_thd_radio,
               sum(premises_4g_fixe) AS premises_4g_fixe,
               sum(premises_hd_radio) AS premises_hd_radio,
               sum(premises_satellite) AS premises_satellite,
               count(*) AS source_rows
        FROM src_arcep_coverage GROUP BY _commune ORDER BY _commune
        """,
        year(COVERAGE));
    // ARCEP's deployment category is a band of the share of premises connectable; it cannot be
    // combined across merged communes, so it is kept only for communes that were not merged.
    exec(
        """
        CREATE TABLE commune_ftth AS
        SELECT s._commune AS commune_code, q.quarter,
               sum(CASE WHEN s.measure = 'premises_connectable' THEN q.value END)
                 AS premises_connectable,
               CASE WHEN count(DISTINCT s.commune_code) = 1
                    THEN max(CASE WHEN s.measure = 'category' THEN q.value END) END AS category,
               count(DISTINCT s.commune_code) AS source_communes
        FROM src_arcep_ftth s JOIN src_arcep_ftth_quarters q USING (_line)
        GROUP BY ALL ORDER BY ALL
        """);
    apportionRecreated();
  }

  /**
   * Communes re-created after a source's vintage (a commune nouvelle split again: L'Oie and
   * Sainte-Florence out of Essarts-en-Bocage): the sources count them in their former commune
   * nouvelle, and the 2018 polygons draw them inside it. Such a commune is recognised by having
   * neither a legal population nor a 2018 polygon; its former commune is the one of its département
   * sharing one of its postal codes whose source population most exceeds its current one (COG). The
   * former commune's legal population and coverage counts are then apportioned between it and the
   * re-created communes by their populations in the COG (totals conserved, the parts rounded, the
   * former commune taking the remainder), and recorded in {@code commune_recreated} so that the
   * values say they are estimates ({@code estime}) or, for a source not apportioned, that the
   * former commune's value is not split ({@code non-ventile}).
   */
  private void apportionRecreated() throws SQLException {
    exec(
        """
        CREATE TABLE commune_recreated AS
        WITH orphan AS (
          SELECT c.code, c.departement_code, c.population_cog FROM commune c
          WHERE c.zone <> 'com' AND c.population_cog IS NOT NULL
            AND c.code NOT IN (SELECT commune_code FROM commune_population)
            AND c.code NOT IN (SELECT code FROM territory_geometry WHERE level = 'commune')),
        candidate AS (
          SELECT o.code, p.code AS parent_code,
                 (pp.population_municipale - p.population_cog)::DOUBLE / p.population_cog
                   AS relative_excess
          FROM orphan o
          JOIN commune p ON p.departement_code = o.departement_code AND p.code <> o.code
          JOIN commune_population pp ON pp.commune_code = p.code
          WHERE p.population_cog > 0
            AND pp.population_municipale - p.population_cog >= 0.5 * o.population_cog)
        SELECT code, arg_max(parent_code, relative_excess) AS parent_code FROM candidate
        GROUP BY code
        ORDER BY code
        """);
    // Each part's share of its group (the former commune and the communes re-created from it).
    exec(
        """
        CREATE TEMP TABLE recreated_share AS
        WITH g AS (SELECT parent_code, code FROM commune_recreated
                   UNION ALL SELECT DISTINCT parent_code, parent_code FROM commune_recreated)
        SELECT g.parent_code, g.code, g.code = g.parent_code AS is_parent,
               c.population_cog::DOUBLE / sum(c.population_cog) OVER (PARTITION BY g.parent_code)
                 AS share
        FROM g JOIN commune c ON c.code = g.code
        """);
    for (String[] t :
        new String[][] {
          {
            "commune_population",
            "population_municipale, population_comptee_a_part," + " population_totale"
          },
          {
            "commune_coverage",
            "premises, premises_fibre, premises_cable, premises_dsl,"
                + " premises_thd_radio, premises_4g_fixe, premises_hd_radio, premises_satellite"
          }
        }) {
      String table = t[0];
      String[] cols = t[1].split(",\\s*");
      var parts = new StringBuilder();
      var sums = new StringBuilder();
      var remainders = new StringBuilder();
      for (String col : cols) {
        parts.append(", round(f.").append(col).append(" * s.share)::BIGINT");
        sums.append(", sum(o.").append(col).append(") AS ").append(col);
        remainders
            .append(remainders.length() == 0 ? "" : ", ")
            .append(col)
            .append(" = ")
            .append(table)
            .append('.')
            .append(col)
            .append(" - x.")
            .append(col);
      }
      // The re-created communes' parts first, then the former commune keeps the remainder.
      exec(
          "INSERT INTO "
              + table
              + " (commune_code, year, "
              + t[1]
              + ", source_rows) SELECT s.code, f.year"
              + parts
              + ", 0 FROM "
              + table
              + " f JOIN recreated_share s ON s.parent_code = f.commune_code AND NOT s.is_parent");
      exec(
          "UPDATE "
              + table
              + " SET "
              + remainders
              + " FROM (SELECT r.parent_code, o.year"
              + sums
              + " FROM "
              + table
              + " o JOIN commune_recreated r ON r.code = o.commune_code GROUP BY 1, 2) x WHERE "
              + table
              + ".commune_code = x.parent_code AND "
              + table
              + ".year = x.year");
    }
    exec("DROP TABLE recreated_share");
    placeSchoolsOfCommunesWithoutOutline();
  }

  /**
   * A school of a commune without a 2018 outline (re-created since) is placed at the label point of
   * the former commune whose 2018 polygon holds its land, and says so ({@code location_method =
   * 'commune-ancienne'}). That former commune is the one {@link #apportionRecreated} found or, for
   * a commune that already had its own legal population (Sannerville, out of Saline), the only
   * commune of its département and EPCI whose 2018 polygon, under the code the commune keeps today,
   * bears the name of a commune nouvelle since dissolved: a name no commune of the COG 2026 bears,
   * articles aside (Saline, now Troarn). Where no single such commune exists the school keeps no
   * position and says why; Saint-Barthélemy and Saint-Martin have no outline in any source.
   */
  private void placeSchoolsOfCommunesWithoutOutline() throws SQLException {
    exec(
        """
        CREATE TEMP TABLE school_former_commune AS
        WITH orphan AS (
          SELECT c.code, c.departement_code, c.epci_code FROM commune c
          WHERE c.zone <> 'com'
            AND c.code NOT IN (SELECT code FROM territory_geometry WHERE level = 'commune')),
        dissolved AS (
          SELECT i.code FROM src_ign_communes i JOIN commune p ON p.code = i.code
          WHERE regexp_replace(fold(i.name), '^(le|la|les|l) ', '')
                  <> regexp_replace(fold(p.name), '^(le|la|les|l) ', '')
            AND fold(i.name) NOT IN (SELECT fold(name) FROM src_cog_communes)),
        by_name AS (
          SELECT o.code, min(p.code) AS parent_code FROM orphan o
          JOIN commune p ON p.departement_code = o.departement_code AND p.epci_code = o.epci_code
          JOIN dissolved d ON d.code = p.code
          GROUP BY o.code HAVING count(DISTINCT p.code) = 1)
        SELECT o.code, coalesce(r.parent_code, n.parent_code) AS parent_code FROM orphan o
        LEFT JOIN commune_recreated r USING (code) LEFT JOIN by_name n USING (code)
        WHERE coalesce(r.parent_code, n.parent_code) IS NOT NULL
        """);
    exec(
        """
        UPDATE school SET lon = tg.label_lon, lat = tg.label_lat,
               location_method = 'commune-ancienne', location_source = 'contours-2018'
        FROM school_former_commune f
        JOIN territory_geometry tg ON tg.level = 'commune' AND tg.code = f.parent_code
        WHERE school.commune_code = f.code AND school.location_method = 'commune'
          AND (school.lon IS NULL OR isnan(school.lon))
        """);
    exec("DROP TABLE school_former_commune");
  }

  /** Consistency checks whose outcome goes in the report (they do not stop the build). */
  public List<Check> checks() throws SQLException {
    var out = new ArrayList<Check>();
    out.add(
        check(
            "departements-sans-academie",
            "SELECT string_agg(code, ', ' ORDER BY code) FROM departement WHERE academie_code IS"
                + " NULL"));
    out.add(
        check(
            "departements-plusieurs-academies",
            "SELECT string_agg(departement_code, ', ' ORDER BY departement_code)"
                + " FROM departement_academie WHERE candidates > 1"));
    out.add(
        check(
            "academies-sans-departement",
            "SELECT string_agg(code, ', ' ORDER BY code) FROM academie"
                + " WHERE code NOT IN (SELECT academie_code FROM departement"
                + " WHERE academie_code IS NOT NULL)"));
    out.add(
        check(
            "ecoles-hors-departement-declare",
            "SELECT string_agg(uai, ', ' ORDER BY uai) FROM school"
                + " WHERE departement_code <> departement_code_source"));
    out.add(
        check(
            "communes-sans-grille-densite",
            "SELECT string_agg(code, ', ' ORDER BY code) FROM commune WHERE zone <> 'com'"
                + " AND code NOT IN (SELECT commune_code FROM commune_density)"));
    out.add(
        check(
            "communes-sans-population",
            "SELECT string_agg(code, ', ' ORDER BY code) FROM commune WHERE zone <> 'com'"
                + " AND code NOT IN (SELECT commune_code FROM commune_population)"));
    out.add(
        check(
            "communes-sans-geometrie",
            "SELECT string_agg(code, ', ' ORDER BY code) FROM commune WHERE zone <> 'com'"
                + " AND code NOT IN (SELECT code FROM territory_geometry WHERE level = 'commune')"));
    out.add(
        check(
            "communes-sans-couverture",
            "SELECT string_agg(code, ', ' ORDER BY code) FROM commune WHERE zone <> 'com'"
                + " AND code NOT IN (SELECT commune_code FROM commune_coverage)"));
    // Values built on an implausible source count (IndicatorBuilder#plausibility): kept, flagged.
    out.add(
        check(
            "valeurs-douteuses",
            "SELECT string_agg(indicator_id || ' ' || code || ' ' || period || ' : ' || note, ', '"
                + " ORDER BY indicator_id, code, period) FROM indicator_value WHERE status ="
                + " 'douteux'"));
    // Real rows set aside by the precedence among contributions (ContributionModel): reported,
    // never silent; the full list with both values is the contribution_conflict table.
    out.add(
        check(
            "conflits-entre-contributions",
            "SELECT string_agg(dataset || ' ' || uai || ' ' || year || ' : ' || kept_contribution"
                + " || ' retenue sur ' || overridden_contribution || ' (' || rule || ')', ', '"
                + " ORDER BY dataset, uai, year, overridden_contribution) FROM"
                + " contribution_conflict"));
    return out;
  }

  /**
   * One consistency check: passed when its query finds nothing, else the offending codes.
   *
   * @param detail the codes found (at most a few hundred characters), or null
   */
  public record Check(String name, boolean ok, long count, String detail) {}

  private Check check(String name, String listSql) throws SQLException {
    try (Statement st = conn.createStatement();
        ResultSet rs = st.executeQuery(listSql)) {
      rs.next();
      String list = rs.getString(1);
      if (list == null || list.isEmpty()) {
        return new Check(name, true, 0, null);
      }
      long n = list.split(", ").length;
      String detail = list.length() > 300 ? list.substring(0, 300) + "…" : list;
      return new Check(name, false, n, detail);
    }
  }

  private int year(String id) {
    Integer y = sources.get(id).year();
    if (y == null) {
      throw new WarehouseException("source '" + id + "' has no reference year in the manifest");
    }
    return y;
  }

  private void exec(String sql) throws SQLException {
    Jdbc.exec(conn, sql);
  }

  private long update(String sql, Object... params) throws SQLException {
    return Jdbc.update(conn, sql, params);
  }

  private long scalar(String sql) throws SQLException {
    try (Statement st = conn.createStatement();
        ResultSet rs = st.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }
}
