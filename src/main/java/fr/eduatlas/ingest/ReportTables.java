package fr.eduatlas.ingest;

import fr.eduatlas.warehouse.ModelBuilder;
import fr.eduatlas.warehouse.WarehouseBuild;
import java.time.Instant;
import java.util.List;

/** The ingest report, stored in the warehouse it describes. */
final class ReportTables {
  private ReportTables() {}

  /** Content tables: part of the checksum. */
  static void write(
      WarehouseBuild build, List<IngestReport.Source> sources, List<ModelBuilder.Check> checks) {
    build.execute(
        """
        CREATE TABLE ingest_source (
          id VARCHAR PRIMARY KEY, path VARCHAR, status VARCHAR, error VARCHAR, read BIGINT,
          loaded BIGINT, quarantined BIGINT, remapped BIGINT, warnings BIGINT)
        """);
    for (var s : sources) {
      build.execute(
          "INSERT INTO ingest_source VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
          s.id(),
          s.path(),
          s.status(),
          s.error(),
          s.read(),
          s.loaded(),
          s.quarantined(),
          s.remapped(),
          s.warnings());
    }
    build.execute(
        "CREATE TABLE ingest_check (name VARCHAR PRIMARY KEY, ok BOOLEAN, count BIGINT,"
            + " detail VARCHAR)");
    for (var c : checks) {
      build.execute(
          "INSERT INTO ingest_check VALUES (?, ?, ?, ?)", c.name(), c.ok(), c.count(), c.detail());
    }
  }

  /** When and how fast: left out of the checksum. */
  static void writeRun(
      WarehouseBuild build,
      List<IngestReport.Stage> stages,
      String checksum,
      String status,
      List<IngestReport.Source> sources,
      List<IngestReport.Gate> gates) {
    build.execute("CREATE TABLE ingest_stage (name VARCHAR, seconds DOUBLE)");
    for (var s : stages) {
      build.execute("INSERT INTO ingest_stage VALUES (?, ?)", s.name(), s.seconds());
    }
    build.execute("CREATE TABLE ingest_meta (key VARCHAR PRIMARY KEY, value VARCHAR)");
    build.execute("INSERT INTO ingest_meta VALUES ('checksum', ?)", checksum);
    build.execute("INSERT INTO ingest_meta VALUES ('data_version', ?)", checksum.substring(0, 16));
    build.execute("INSERT INTO ingest_meta VALUES ('built_at', ?)", Instant.now().toString());
    build.execute("INSERT INTO ingest_meta VALUES ('schema_version', '1')");
    // 'partial' when installed with --allow-partial: the server says so in /api/health.
    build.execute("INSERT INTO ingest_meta VALUES ('status', ?)", status);
    var problems = new java.util.ArrayList<String>();
    sources.stream()
        .filter(x -> !x.status().equals("ok"))
        .forEach(x -> problems.add(x.id() + " : " + x.error()));
    gates.forEach(g -> problems.add(g.source() + " : " + g.detail()));
    build.execute("INSERT INTO ingest_meta VALUES ('problems', ?)", String.join("\n", problems));
  }
}
