package fr.eduatlas.warehouse;

import fr.eduatlas.source.Column;
import fr.eduatlas.source.TableSpec;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
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
 *   <li>per school and school year, a real contribution prevails over a simulated one;
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
      String dataset) {}

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
    for (Staged s : staged) {
      long n =
          update(
              "INSERT INTO quarantine SELECT ?, ?, _line, 'uai', 'établissement inconnu des listes"
                  + " de la DEPP : ' || uai, to_json(t)::VARCHAR, true, 'contributions' FROM "
                  + Identifiers.table(s.table())
                  + " AS t WHERE uai NOT IN (SELECT uai FROM school)",
              s.sourceId(),
              s.path());
      exec("DELETE FROM " + s.table() + " WHERE uai NOT IN (SELECT uai FROM school)");
      if (s.dataset().equals("tests_debit")) {
        n += quarantineSpeedTestProblems(s);
      }
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

  /**
   * Duplicate tests of a school at the same time, then outliers against the school's median. Both
   * through grouped joins: a window over tens of millions of rows costs several times more.
   */
  private long quarantineSpeedTestProblems(Staged s) throws SQLException {
    String t = Identifiers.table(s.table());
    exec(
        "CREATE TEMP TABLE dup_tests AS SELECT d._line, f.first_line FROM "
            + t
            + " d JOIN (SELECT uai, tested_at, min(_line) AS first_line FROM "
            + t
            + " GROUP BY uai, tested_at HAVING count(*) > 1) f USING (uai, tested_at)"
            + " WHERE d._line > f.first_line");
    long n =
        update(
            "INSERT INTO quarantine SELECT ?, ?, d._line, 'horodatage', 'test en double : même"
                + " établissement et même horodatage que la ligne ' || k.first_line,"
                + " to_json(d)::VARCHAR, true, 'contributions' FROM "
                + t
                + " d JOIN dup_tests k USING (_line)",
            s.sourceId(),
            s.path());
    exec("DELETE FROM " + t + " WHERE _line IN (SELECT _line FROM dup_tests)");
    exec("DROP TABLE dup_tests");
    exec(
        "CREATE TEMP TABLE outlier_tests AS SELECT o._line, m.m FROM "
            + t
            + " o JOIN (SELECT uai, median(down) AS m FROM "
            + t
            + " GROUP BY uai) m USING (uai) WHERE o.down > "
            + OUTLIER_FACTOR
            + " * m.m AND o.down > 100");
    n +=
        update(
            "INSERT INTO quarantine SELECT ?, ?, o._line, 'debit_descendant', 'valeur aberrante : '"
                + " || o.down || ' Mbit/s pour une médiane de ' || round(k.m, 2) || ' Mbit/s dans"
                + " l''établissement (kbit/s au lieu de Mbit/s ?)', to_json(o)::VARCHAR, true,"
                + " 'contributions' FROM "
                + t
                + " o JOIN outlier_tests k USING (_line)",
            s.sourceId(),
            s.path());
    exec("DELETE FROM " + t + " WHERE _line IN (SELECT _line FROM outlier_tests)");
    exec("DROP TABLE outlier_tests");
    return n;
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
    exec(
        "CREATE TABLE "
            + factTable
            + " AS SELECT * EXCLUDE (rank) FROM (SELECT *, row_number() OVER (PARTITION BY uai,"
            + " year ORDER BY simulated, contribution_id) AS rank FROM "
            + all
            + ") WHERE rank = 1 ORDER BY uai, year");
    exec("DROP TABLE " + all);
  }

  private void speedTests(List<Staged> staged, Path dir) throws SQLException {
    exec(
        "CREATE TABLE speedtests_all (contribution_id VARCHAR, simulated BOOLEAN, uai VARCHAR,"
            + " tested_at VARCHAR, down DOUBLE, up DOUBLE, latency_ms DOUBLE, jitter_ms DOUBLE,"
            + " packet_loss_pct DOUBLE)");
    for (Staged s : staged) {
      if (s.dataset().equals("tests_debit")) {
        update(
            "INSERT INTO speedtests_all SELECT ?, ?, uai, tested_at, down, up, latency_ms,"
                + " jitter_ms, packet_loss_pct FROM "
                + Identifiers.table(s.table()),
            s.contributionId(),
            s.simulated());
        // The raw tests leave the warehouse: they go to Parquet below.
        exec("DROP TABLE " + s.table());
      }
    }
    // The school's local day and school year, as the timestamp was written; real tests prevail
    // over simulated ones for a school and school year.
    exec(
        """
        CREATE TABLE speedtests AS
        SELECT * EXCLUDE (best) FROM (
          SELECT *, min(simulated::INT) OVER (PARTITION BY uai, year) AS best FROM (
            SELECT t.*, substr(tested_at, 1, 10)::DATE AS day,
                   CASE WHEN month(substr(tested_at, 1, 10)::DATE) >= 9
                        THEN year(substr(tested_at, 1, 10)::DATE) + 1
                        ELSE year(substr(tested_at, 1, 10)::DATE) END AS year
            FROM speedtests_all t) AS y
          ) WHERE simulated::INT = best
        """);
    exec("DROP TABLE speedtests_all");
    String stats =
        "count(*) AS tests, median(down) AS median_down, quantile_cont(down, 0.1) AS p10_down,"
            + " median(up) AS median_up, median(latency_ms) AS median_latency_ms,"
            + " avg((down < 2)::INT) AS share_under_2, avg((down < 8)::INT) AS share_under_8,"
            + " avg((down < 30)::INT) AS share_under_30, bool_and(simulated) AS simulated,"
            + " min(contribution_id) AS contribution_id";
    exec(
        "CREATE TABLE school_speedtest_daily AS SELECT uai, year, day, "
            + stats
            + " FROM speedtests GROUP BY uai, year, day ORDER BY uai, day");
    exec(
        "CREATE TABLE school_speedtest_yearly AS SELECT uai, year, count(DISTINCT day) AS days, "
            + stats
            + " FROM speedtests GROUP BY uai, year ORDER BY uai, year");
    long n;
    try (Statement st = conn.createStatement();
        ResultSet rs = st.executeQuery("SELECT count(*) FROM speedtests")) {
      rs.next();
      n = rs.getLong(1);
    }
    if (n > 0) {
      // COPY takes no bound file name: the directory is the build's own (WarehouseBuild), its
      // quotes escaped.
      String target = dir.toAbsolutePath().toString().replace("'", "''");
      exec(
          "COPY (SELECT t.uai, (t.year - 1) || '-' || t.year AS annee_scolaire,"
              + " coalesce(s.academie_code, 'hors-academie') AS academie, t.tested_at, t.down,"
              + " t.up, t.latency_ms, t.jitter_ms, t.packet_loss_pct, t.simulated,"
              + " t.contribution_id FROM speedtests t JOIN school s USING (uai)) TO '"
              + target
              + "' (FORMAT PARQUET, PARTITION_BY (annee_scolaire, academie))");
    }
    exec("DROP TABLE speedtests");
  }

  private void exec(String sql) throws SQLException {
    Jdbc.exec(conn, sql);
  }

  private long update(String sql, Object... params) throws SQLException {
    return Jdbc.update(conn, sql, params);
  }
}
