package fr.eduatlas.warehouse;

import fr.eduatlas.source.Column;
import fr.eduatlas.source.TableSpec;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * School-level facts from the contributions, simulated or real, all through the same path:
 *
 * <ol>
 *   <li>rows of schools absent from the DEPP lists, duplicate speed tests, and speed tests that are
 *       outliers for their school (a value in kbit/s given as Mbit/s) go to the quarantine;
 *   <li>per school and school year, one fact is kept, by an explicit precedence: real over
 *       simulated; among real sources, the hub whose legal competence covers the school and the
 *       dataset first, then the most recent observation (the connectivity's observation date, else
 *       the version's publication), then the contribution identifier in alphabetical order; every
 *       real row set aside is listed in {@code contribution_conflict} with the rule that decided;
 *   <li>{@code school_connectivity}, {@code school_equipment}, {@code school_usage} keep each
 *       fact's contribution and its {@code simulated} flag;
 *   <li>speed tests become {@code school_speedtest_daily} and {@code school_speedtest_yearly}
 *       (median, 10th percentile, shares under 2, 8 and 30 Mbit/s); the raw tests are written as
 *       Parquet partitions by school year and académie in a directory beside the warehouse, and
 *       left out of it.
 * </ol>
 */
public final class ContributionModel {
  /** One staged contribution file. */
  public record Staged(
      String sourceId,
      String path,
      String table,
      TableSpec spec,
      String contributionId,
      boolean simulated,
      String dataset,
      fr.eduatlas.source.contrib.ContributionManifest contribution) {}

  /**
   * A speed test above this many times its school's median, and above 100 Mbit/s, is an outlier.
   */
  static final double OUTLIER_FACTOR = 20;

  private final Connection conn;

  ContributionModel(Connection conn) {
    this.conn = conn;
  }

  /**
   * Builds the facts; returns, per source id, the rows moved to the quarantine.
   *
   * @param speedTestDir where the raw speed tests' Parquet partitions go
   */
  public Map<String, Long> build(List<Staged> staged, Path speedTestDir) throws SQLException {
    Map<String, Long> moved = new LinkedHashMap<>();
    sources(staged);
    for (Staged s : staged) {
      if (s.dataset().equals("tests_debit")) {
        moved.put(s.sourceId(), quarantineSpeedTests(s));
        continue;
      }
      long n =
          update(
              "INSERT INTO quarantine SELECT ?, ?, _line, 'uai', '"
                  + UNKNOWN_SCHOOL
                  + "' || uai, to_json(t)::VARCHAR, true, 'contributions' FROM "
                  + Identifiers.table(s.table())
                  + " AS t WHERE uai NOT IN (SELECT uai FROM school)",
              s.sourceId(),
              s.path());
      exec("DELETE FROM " + s.table() + " WHERE uai NOT IN (SELECT uai FROM school)");
      moved.put(s.sourceId(), n);
    }
    for (String[] d :
        new String[][] {
          {"connectivite", "school_connectivity"},
          {"equipement", "school_equipment"},
          {"usages", "school_usage"}
        }) {
      yearlyFacts(staged, d[0], d[1]);
    }
    speedTests(staged, speedTestDir);
    return moved;
  }

  private static final String UNKNOWN_SCHOOL = "établissement inconnu des listes de la DEPP : ";

  /**
   * Speed tests of unknown schools, duplicates (same school, same timestamp: the first line is
   * kept), then outliers against the school's median, into {@code <table>_bad}; then into the
   * quarantine with their lines. Nothing is deleted from the staged table: rows staged in bulk are
   * known by their position ({@link BulkCsvLoader}), which a delete could renumber.
   */
  private long quarantineSpeedTests(Staged s) throws SQLException {
    String t = Identifiers.table(s.table());
    String sup = BulkCsvLoader.superseded(t);
    String lines = BulkCsvLoader.lines(t);
    String bad = t + "_bad";
    // Temporary, as the bulk loader's (row-by-row staging has none: they are then empty).
    exec("CREATE TEMP TABLE IF NOT EXISTS " + sup + " (r BIGINT NOT NULL)");
    exec(
        "CREATE TEMP TABLE IF NOT EXISTS "
            + lines
            + " (from_row BIGINT NOT NULL, shift BIGINT NOT NULL)");
    exec("CREATE TEMP TABLE " + bad + " (r BIGINT NOT NULL, field VARCHAR, reason VARCHAR)");
    String kept = " rowid NOT IN (SELECT r FROM " + sup + " UNION ALL SELECT r FROM " + bad + ")";
    exec(
        "INSERT INTO "
            + bad
            + " SELECT rowid, 'uai', '"
            + UNKNOWN_SCHOOL
            + "' || uai FROM "
            + t
            + " WHERE rowid NOT IN (SELECT r FROM "
            + sup
            + ") AND uai NOT IN (SELECT uai FROM school)");
    // Duplicates: days holding a repeated timestamp first, on per-day lists (a grouping on 30 M
    // timestamps costs twice as much), then lines within those days only.
    exec(
        "CREATE TEMP TABLE dup_days AS SELECT uai, substr(tested_at, 1, 10) AS day FROM "
            + t
            + " WHERE"
            + kept
            + " GROUP BY 1, 2 HAVING count(*) > len(list_distinct(list(tested_at)))");
    exec(
        "INSERT INTO "
            + bad
            + " SELECT r, 'horodatage', 'test en double : même établissement et même horodatage"
            + " que la ligne ' || first_line FROM (SELECT r, line, min(line) OVER (PARTITION BY"
            + " uai, tested_at) AS first_line FROM (SELECT x.r, x.uai, x.tested_at, "
            + BulkCsvLoader.lineOf("x")
            + " AS line FROM (SELECT t.rowid AS r, t._line, t.uai, t.tested_at FROM "
            + t
            + " t JOIN dup_days d ON d.uai = t.uai AND d.day = substr(t.tested_at, 1, 10) WHERE"
            + kept.replace("rowid", "t.rowid")
            + ") x ASOF LEFT JOIN "
            + lines
            + " l ON x.r >= l.from_row)) WHERE line > first_line");
    exec("DROP TABLE dup_days");
    exec(
        "CREATE TEMP TABLE school_median AS SELECT uai, median(down) AS m FROM "
            + t
            + " WHERE"
            + kept
            + " GROUP BY uai");
    exec(
        "INSERT INTO "
            + bad
            + " SELECT t.rowid, 'debit_descendant', 'valeur aberrante : ' || t.down || ' Mbit/s"
            + " pour une médiane de ' || round(m.m, 2) || ' Mbit/s dans l''établissement (kbit/s"
            + " au lieu de Mbit/s ?)' FROM "
            + t
            + " t JOIN school_median m USING (uai) WHERE t.down > "
            + OUTLIER_FACTOR
            + " * m.m AND t.down > 100 AND"
            + kept.replace("rowid", "t.rowid"));
    exec("DROP TABLE school_median");
    String row =
        s.spec().columns().stream()
            .map(c -> c.name() + " := x." + c.name())
            .collect(Collectors.joining(", "));
    return update(
        "INSERT INTO quarantine SELECT ?, ?, "
            + BulkCsvLoader.lineOf("x")
            + ", x.field, x.reason, to_json(struct_pack("
            + row
            + "))::VARCHAR, true, 'contributions' FROM (SELECT t.rowid AS r, t.*, b.field,"
            + " b.reason FROM "
            + t
            + " t JOIN "
            + bad
            + " b ON t.rowid = b.r) x ASOF LEFT JOIN "
            + lines
            + " l ON x.r >= l.from_row ORDER BY 3",
        s.sourceId(),
        s.path());
  }

  /** One fact table from every contribution's file of a dataset; real rows prevail. */
  private void yearlyFacts(List<Staged> staged, String dataset, String factTable)
      throws SQLException {
    List<Staged> files = staged.stream().filter(s -> s.dataset().equals(dataset)).toList();
    TableSpec spec = files.isEmpty() ? null : files.get(0).spec();
    if (spec == null) {
      spec = fr.eduatlas.source.SourceReaders.create("contrib-" + dataset).tables().get(0);
    }
    String cols = spec.columns().stream().map(Column::name).collect(Collectors.joining(", "));
    String types =
        spec.columns().stream()
            .map(c -> c.name() + " " + c.type().name())
            .collect(Collectors.joining(", "));
    String all = factTable + "_all";
    exec(
        "CREATE TABLE "
            + all
            + " (contribution_id VARCHAR, simulated BOOLEAN, source_id VARCHAR, source_line"
            + " BIGINT, "
            + types
            + ")");
    for (Staged s : files) {
      update(
          "INSERT INTO "
              + all
              + " SELECT ?, ?, ?, _line, "
              + cols
              + " FROM "
              + Identifiers.table(s.table()),
          s.contributionId(),
          s.simulated(),
          s.sourceId());
    }
    String observed =
        dataset.equals("connectivite")
            ? "coalesce(a.observed_on, v.published_at)"
            : "v.published_at";
    String ranked = factTable + "_ranked";
    update(
        "CREATE TEMP TABLE "
            + ranked
            + " AS SELECT *, row_number() OVER (PARTITION BY uai, year ORDER BY simulated,"
            + " competent DESC, observed DESC NULLS LAST, contribution_id) AS rank FROM (SELECT a.*, "
            + COMPETENT
            + " AS competent, "
            + observed
            + " AS observed FROM "
            + all
            + " a JOIN school s USING (uai) JOIN commune m ON m.code = s.commune_code LEFT JOIN"
            + " contribution_source cs USING (contribution_id) LEFT JOIN contribution_version v ON"
            + " v.contribution_id = a.contribution_id AND v.dataset = ?)",
        dataset,
        dataset);
    exec(
        "CREATE TABLE "
            + factTable
            + " AS SELECT * EXCLUDE (rank, competent, observed) FROM "
            + ranked
            + " WHERE rank = 1 ORDER BY uai, year");
    String values =
        spec.columns().stream()
            .map(Column::name)
            .filter(c -> !c.equals("uai") && !c.equals("year"))
            .map(c -> c + " := %s." + c)
            .collect(Collectors.joining(", "));
    update(
        "INSERT INTO contribution_conflict SELECT ?, o.uai, o.year, k.contribution_id,"
            + " k.competent, k.observed, o.contribution_id, o.competent, o.observed, CASE WHEN"
            + " k.competent AND NOT o.competent THEN 'competence' WHEN k.observed IS DISTINCT FROM"
            + " o.observed THEN 'observation-plus-recente' ELSE 'identifiant' END,"
            + " to_json(struct_pack("
            + values.replace("%s", "k")
            + "))::VARCHAR, to_json(struct_pack("
            + values.replace("%s", "o")
            + "))::VARCHAR FROM "
            + ranked
            + " o JOIN "
            + ranked
            + " k ON k.uai = o.uai AND k.year = o.year AND k.rank = 1 WHERE o.rank > 1 AND NOT"
            + " o.simulated",
        dataset);
    exec("DROP TABLE " + ranked);
    exec("DROP TABLE " + all);
  }

  /**
   * Whether a row's contribution comes from a hub whose legal competence covers the row's school
   * (its territory and type) and dataset; {@code a} the row with its dataset bound where used,
   * {@code s} its school, {@code m} its commune, {@code cs} its contribution.
   */
  private static final String COMPETENT =
      "coalesce(cs.hub_id IS NOT NULL AND list_contains(cs.competence_datasets, ?) AND"
          + " list_contains(cs.competence_types, s.type) AND CASE cs.competence_level WHEN"
          + " 'commune' THEN s.commune_code WHEN 'epci' THEN m.epci_code WHEN 'departement' THEN"
          + " s.departement_code WHEN 'academie' THEN s.academie_code WHEN 'region' THEN"
          + " s.region_code WHEN 'france' THEN 'FR' END = cs.competence_code, false)";

  /**
   * {@code contribution_source} (each contribution: producer, licence, simulated, its hub and the
   * hub's competence), {@code contribution_version} (each hub dataset's published version and date:
   * the provenance of the figures), and the empty {@code contribution_conflict}.
   */
  private void sources(List<Staged> staged) throws SQLException {
    exec(
        "CREATE TABLE contribution_source (contribution_id VARCHAR PRIMARY KEY, producer VARCHAR,"
            + " licence VARCHAR, simulated BOOLEAN, hub_id VARCHAR, competence_level VARCHAR,"
            + " competence_code VARCHAR, competence_types VARCHAR[], competence_datasets"
            + " VARCHAR[])");
    exec(
        "CREATE TABLE contribution_version (contribution_id VARCHAR, hub_id VARCHAR, dataset"
            + " VARCHAR, version INTEGER, published_at VARCHAR)");
    exec(
        "CREATE TABLE contribution_conflict (dataset VARCHAR, uai VARCHAR, year INTEGER,"
            + " kept_contribution VARCHAR, kept_competent BOOLEAN, kept_observed VARCHAR,"
            + " overridden_contribution VARCHAR, overridden_competent BOOLEAN,"
            + " overridden_observed VARCHAR, rule VARCHAR, kept_values VARCHAR, overridden_values"
            + " VARCHAR)");
    var seen = new java.util.HashSet<String>();
    for (Staged s : staged) {
      var c = s.contribution();
      if (c == null || !seen.add(c.id())) {
        continue;
      }
      var p = c.pole();
      update(
          "INSERT INTO contribution_source VALUES (?, ?, ?, ?, ?, ?, ?, string_split(?, ','),"
              + " string_split(?, ','))",
          c.id(),
          c.producer(),
          c.licence(),
          c.simulated(),
          p == null ? null : p.id(),
          p == null ? null : p.level(),
          p == null ? null : p.code(),
          p == null ? "" : String.join(",", p.types()),
          p == null ? "" : String.join(",", p.datasets()));
      if (p != null) {
        for (var v : p.versions().entrySet()) {
          update(
              "INSERT INTO contribution_version VALUES (?, ?, ?, ?, ?)",
              c.id(),
              p.id(),
              v.getKey(),
              v.getValue(),
              p.publishedAt().get(v.getKey()));
        }
      }
    }
  }

  /**
   * The kept tests of every contribution as one query: real tests prevail over simulated ones for a
   * school and school year.
   */
  private String keptTests(List<Staged> files) throws SQLException {
    exec(
        "CREATE OR REPLACE TEMP TABLE speedtest_files (k INTEGER, contribution_id VARCHAR,"
            + " simulated BOOLEAN)");
    var parts = new java.util.ArrayList<String>();
    for (int k = 0; k < files.size(); k++) {
      Staged s = files.get(k);
      update("INSERT INTO speedtest_files VALUES (?, ?, ?)", k, s.contributionId(), s.simulated());
      String t = Identifiers.table(s.table());
      parts.add(
          "SELECT c.contribution_id, c.simulated, t.uai, t.tested_at, t.down, t.up, t.latency_ms,"
              + " t.jitter_ms, t.packet_loss_pct FROM "
              + t
              + " t, (SELECT * FROM speedtest_files WHERE k = "
              + k
              + ") c WHERE t.rowid NOT IN (SELECT r FROM "
              + BulkCsvLoader.superseded(t)
              + " UNION ALL SELECT r FROM "
              + t
              + "_bad)");
    }
    String all = String.join(" UNION ALL ", parts);
    String year = SCHOOL_YEAR;
    boolean several = files.stream().map(Staged::contributionId).distinct().count() > 1;
    if (!several) {
      return all;
    }
    // Per school and school year, the tests of one contribution are kept, by the same precedence
    // as the yearly facts (the latest test standing for the observation date).
    exec(
        "CREATE OR REPLACE TEMP TABLE test_source AS SELECT uai, "
            + year
            + " AS year, contribution_id, bool_and(simulated) AS simulated, max(tested_at) AS"
            + " latest, count(*) AS tests FROM ("
            + all
            + ") GROUP BY 1, 2, 3");
    update(
        "CREATE OR REPLACE TEMP TABLE test_ranked AS SELECT *, row_number() OVER (PARTITION BY"
            + " uai, year ORDER BY simulated, competent DESC, latest DESC, contribution_id) AS rank"
            + " FROM (SELECT t.*, "
            + COMPETENT
            + " AS competent FROM test_source t JOIN school s USING (uai) JOIN commune m ON m.code"
            + " = s.commune_code LEFT JOIN contribution_source cs USING (contribution_id))",
        "tests_debit");
    exec(
        "INSERT INTO contribution_conflict SELECT 'tests_debit', o.uai, o.year, k.contribution_id,"
            + " k.competent, k.latest, o.contribution_id, o.competent, o.latest, CASE WHEN"
            + " k.competent AND NOT o.competent THEN 'competence' WHEN k.latest IS DISTINCT FROM"
            + " o.latest THEN 'observation-plus-recente' ELSE 'identifiant' END,"
            + " to_json(struct_pack(tests := k.tests))::VARCHAR, to_json(struct_pack(tests :="
            + " o.tests))::VARCHAR FROM test_ranked o JOIN test_ranked k ON k.uai = o.uai AND"
            + " k.year = o.year AND k.rank = 1 WHERE o.rank > 1 AND NOT o.simulated");
    return "SELECT a.* FROM ("
        + all
        + ") a JOIN (SELECT contribution_id AS kept_id, uai AS kept_uai, year AS kept_year FROM"
        + " test_ranked WHERE rank = 1) r ON r.kept_id = a.contribution_id AND r.kept_uai = a.uai"
        + " AND r.kept_year = "
        + year.replace("tested_at", "a.tested_at");
  }

  /** The school year (its end year) of a test, from its local date as written. */
  private static final String SCHOOL_YEAR =
      "(substr(tested_at, 1, 4)::INTEGER + (substr(tested_at, 6, 2) >= '09')::INTEGER)";

  private static final String SHARES =
      "avg((down < 2)::INTEGER) AS share_under_2, avg((down < 8)::INTEGER) AS share_under_8,"
          + " avg((down < 30)::INTEGER) AS share_under_30, bool_and(simulated) AS simulated,"
          + " min(contribution_id) AS contribution_id";

  private void speedTests(List<Staged> staged, Path dir) throws SQLException {
    List<Staged> files = staged.stream().filter(s -> s.dataset().equals("tests_debit")).toList();
    String kept =
        files.isEmpty()
            ? "SELECT NULL::VARCHAR AS contribution_id, NULL::BOOLEAN AS simulated, NULL::VARCHAR"
                + " AS uai, NULL::VARCHAR AS tested_at, NULL::DOUBLE AS down, NULL::DOUBLE AS up,"
                + " NULL::DOUBLE AS latency_ms WHERE false"
            : keptTests(files);
    // Per school and day, the day's few values as lists, their medians list functions: several
    // times cheaper than holistic aggregates over 7 M groups.
    exec(
        "CREATE TABLE school_speedtest_daily AS SELECT uai, year(day) + (month(day) >= 9)::INTEGER"
            + " AS year, day, tests, list_median(d) AS median_down, list_aggregate(d,"
            + " 'quantile_cont', 0.1) AS p10_down, list_median(u) AS median_up, list_median(l) AS"
            + " median_latency_ms, share_under_2, share_under_8, share_under_30, simulated,"
            + " contribution_id FROM (SELECT uai, substr(tested_at, 1, 10)::DATE AS day, count(*)"
            + " AS tests, list(down) AS d, list(up) AS u, list(latency_ms) AS l, "
            + SHARES
            + " FROM ("
            + kept
            + ") GROUP BY 1, 2)");
    // Per school and year, over 40 k groups of hundreds of tests: plain aggregates.
    exec(
        "CREATE TABLE school_speedtest_yearly AS SELECT uai, year, d.days, tests, median_down,"
            + " p10_down, median_up, median_latency_ms, share_under_2, share_under_8,"
            + " share_under_30, simulated, contribution_id FROM (SELECT uai, "
            + SCHOOL_YEAR
            + " AS year, count(*) AS tests, median(down) AS median_down, quantile_cont(down, 0.1)"
            + " AS p10_down, median(up) AS median_up, median(latency_ms) AS median_latency_ms, "
            + SHARES
            + " FROM ("
            + kept
            + ") GROUP BY 1, 2) JOIN (SELECT uai, year, count(*) AS days FROM"
            + " school_speedtest_daily GROUP BY 1, 2) d USING (uai, year)");
    if (!files.isEmpty()) {
      // COPY takes no bound file name: the directory is the build's own (WarehouseBuild), its
      // quotes escaped.
      String target = dir.toAbsolutePath().toString().replace("'", "''");
      exec(
          "COPY (SELECT t.uai, (t.year - 1) || '-' || t.year AS annee_scolaire,"
              + " coalesce(s.academie_code, 'hors-academie') AS academie, t.tested_at, t.down,"
              + " t.up, t.latency_ms, t.jitter_ms, t.packet_loss_pct, t.simulated,"
              + " t.contribution_id FROM (SELECT *, "
              + SCHOOL_YEAR
              + " AS year FROM ("
              + kept
              + ")) t JOIN school s USING (uai)) TO '"
              + target
              + "' (FORMAT PARQUET, PARTITION_BY (annee_scolaire, academie))");
    }
    for (Staged s : files) {
      String t = Identifiers.table(s.table());
      // The raw tests leave the warehouse: they are in the Parquet files now.
      for (String x : List.of(t, BulkCsvLoader.superseded(t), BulkCsvLoader.lines(t), t + "_bad")) {
        exec("DROP TABLE " + x);
      }
    }
    exec("DROP TABLE IF EXISTS test_ranked");
    exec("DROP TABLE IF EXISTS test_source");
    exec("DROP TABLE IF EXISTS speedtest_files");
  }

  private void exec(String sql) throws SQLException {
    Jdbc.exec(conn, sql);
  }

  private long update(String sql, Object... params) throws SQLException {
    return Jdbc.update(conn, sql, params);
  }
}
