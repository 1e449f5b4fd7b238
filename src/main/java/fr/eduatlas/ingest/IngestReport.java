package fr.eduatlas.ingest;

import fr.eduatlas.warehouse.BoundaryBuilder;
import fr.eduatlas.warehouse.ModelBuilder;
import java.util.List;

/**
 * What an ingest did: per source, rows read, loaded, quarantined and mapped from older commune
 * codes; per stage, its duration; the consistency checks; totals. Written as JSON with {@code
 * --report} and stored in the warehouse ({@code ingest_source}, {@code ingest_stage}, {@code
 * ingest_check}). {@code boundaries} says how many communes have a geometry, how many simplified
 * geometries had to be repaired, and each official territory against its dissolved counterpart.
 *
 * @param status {@code ok}, {@code partial} (some sources failed, swapped on request) or {@code
 *     failed} (nothing swapped)
 */
public record IngestReport(
    String status,
    String warehouse,
    String dataDirectory,
    String checksum,
    List<Source> sources,
    List<Stage> stages,
    List<ModelBuilder.Check> checks,
    BoundaryBuilder.Summary boundaries,
    Totals totals,
    List<Gate> gates) {

  /**
   * A sanity gate a source did not pass (docs/BENCHMARKS.md has none of these; README's ingest
   * section lists them): the build is not installed unless {@code --allow-partial}.
   *
   * @param gate {@code lignes-attendues}, {@code baisse-par-rapport-a-l-entrepot-servi}, {@code
   *     part-en-quarantaine} or {@code fin-de-fichier}
   */
  public record Gate(String source, String gate, String detail) {}

  /**
   * One source's accounting: {@code read = loaded + quarantined} always holds.
   *
   * @param remapped loaded rows whose commune code was mapped from an older, delegated, associated
   *     or arrondissement code onto a current COG 2026 commune
   * @param warnings problems in part of a loaded row (kept in the quarantine table, not rejected)
   */
  public record Source(
      String id,
      String path,
      String status,
      String error,
      long read,
      long loaded,
      long quarantined,
      long remapped,
      long warnings) {
    public boolean balanced() {
      return read == loaded + quarantined;
    }
  }

  public record Stage(String name, double seconds) {}

  public record Totals(
      long communes,
      long epci,
      long departements,
      long academies,
      long regions,
      long schools,
      long quarantined) {}
}
