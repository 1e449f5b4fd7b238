package fr.eduatlas.hub;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import fr.eduatlas.source.RowSink;
import fr.eduatlas.source.SourceException;
import fr.eduatlas.source.SourceReader;
import fr.eduatlas.source.SourceReaders;
import fr.eduatlas.source.contrib.ContributionColumns;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Validates an upload through the very readers (and so the very row checks) the ingest uses, then
 * checks each loaded row against the served schools and the hub's scope. A row is accepted, or
 * rejected with its line, field, reason and raw text; a row outside the scope is rejected with the
 * reason "hors périmètre" and its text is not kept.
 */
public final class UploadValidator {
  /** A file of an upload: its name as sent, its dataset, where it was written. */
  public record IncomingFile(String name, String dataset, Path path) {}

  /** A rejected row. {@code raw} is null for a row outside the scope (never stored). */
  public record Rejection(long line, String field, String reason, String raw, boolean outOfScope) {}

  /** One file's outcome. {@code error}: the file could not be read as a whole. */
  public record FileReport(
      String file,
      String dataset,
      long read,
      long accepted,
      long rejected,
      long outOfScope,
      String error,
      List<Rejection> rejections) {}

  /** The whole upload's outcome: per file, and the accepted rows per dataset. */
  public record Validation(
      List<FileReport> files,
      Map<String, List<HubStore.StoredRow>> rows,
      Map<String, String> latestObservation) {
    public long read() {
      return files.stream().mapToLong(FileReport::read).sum();
    }

    public long accepted() {
      return files.stream().mapToLong(FileReport::accepted).sum();
    }

    public long rejected() {
      return files.stream().mapToLong(FileReport::rejected).sum();
    }

    public long outOfScope() {
      return files.stream().mapToLong(FileReport::outOfScope).sum();
    }
  }

  static final String OUT_OF_SCOPE = "hors périmètre";
  private static final ObjectMapper JSON = new ObjectMapper();

  private final SchoolDirectory schools;

  public UploadValidator(SchoolDirectory schools) {
    this.schools = schools;
  }

  public Validation validate(Hub hub, List<IncomingFile> files) {
    var reports = new ArrayList<FileReport>();
    var rows = new LinkedHashMap<String, List<HubStore.StoredRow>>();
    var latest = new HashMap<String, String>();
    for (IncomingFile f : files) {
      if (rows.containsKey(f.dataset())) {
        reports.add(
            new FileReport(
                f.name(),
                f.dataset(),
                0,
                0,
                0,
                0,
                "un seul fichier par jeu de données dans un envoi : « "
                    + f.dataset()
                    + " » est déjà lu d'un autre fichier",
                List.of()));
        continue;
      }
      var accepted = new ArrayList<HubStore.StoredRow>();
      FileReport r = validate(hub, f, accepted, latest);
      reports.add(r);
      if (r.error() == null) {
        rows.put(f.dataset(), accepted);
      }
    }
    return new Validation(reports, rows, latest);
  }

  private FileReport validate(
      Hub hub, IncomingFile f, List<HubStore.StoredRow> accepted, Map<String, String> latest) {
    SourceReader reader = SourceReaders.create("contrib-" + f.dataset());
    var columns = ContributionColumns.of(f.dataset());
    var sink = new Collecting();
    try {
      reader.read(f.path(), sink);
    } catch (SourceException e) {
      return new FileReport(f.name(), f.dataset(), 0, 0, 0, 0, e.getMessage(), List.of());
    } catch (IOException | RuntimeException e) {
      return new FileReport(
          f.name(),
          f.dataset(),
          0,
          0,
          0,
          0,
          "fichier illisible : " + e.getClass().getSimpleName() + " : " + e.getMessage(),
          List.of());
    }
    var rejections = new ArrayList<Rejection>(sink.quarantined);
    boolean datasetGranted = hub.scope().datasets().contains(f.dataset());
    boolean tests = f.dataset().equals("tests_debit");
    var seenTests = new HashMap<String, Long>();
    long outOfScope = 0;
    String max = null;
    for (Loaded row : sink.loaded) {
      String uai = (String) row.values[0];
      SchoolDirectory.School s = schools.get(uai);
      String reason = null;
      if (!datasetGranted) {
        reason =
            OUT_OF_SCOPE
                + " : le jeu « "
                + f.dataset()
                + " » n'est pas accordé à ce pôle ("
                + String.join(", ", hub.scope().datasets())
                + ")";
      } else if (s == null) {
        rejections.add(
            new Rejection(
                row.line,
                "uai",
                "établissement inconnu des listes de la DEPP : " + uai,
                row.raw(columns),
                false));
        continue;
      } else if (!hub.scope().types().contains(s.type())) {
        reason =
            OUT_OF_SCOPE
                + " : "
                + uai
                + " est un établissement de type « "
                + s.type()
                + " », non accordé à ce pôle ("
                + String.join(", ", hub.scope().types())
                + ")";
      } else if (!s.inTerritory(hub.scope())) {
        reason =
            OUT_OF_SCOPE
                + " : "
                + uai
                + " ("
                + s.communeName()
                + ", "
                + s.commune()
                + ") est hors du territoire du pôle ("
                + hub.scope().level()
                + " "
                + hub.scope().code()
                + ")";
      }
      if (reason != null) {
        outOfScope++;
        rejections.add(new Rejection(row.line, "uai", reason, null, true));
        continue;
      }
      String key;
      String observed;
      if (tests) {
        String at = (String) row.values[1];
        Long first = seenTests.putIfAbsent(uai + "|" + at, row.line);
        if (first != null) {
          rejections.add(
              new Rejection(
                  row.line,
                  "horodatage",
                  "test en double : même établissement et même horodatage que la ligne " + first,
                  row.raw(columns),
                  false));
          continue;
        }
        key = uai + "|" + at;
        observed = at.substring(0, 10);
      } else {
        int year = (Integer) row.values[1];
        key = uai + "|" + year;
        observed = f.dataset().equals("connectivite") ? (String) row.values[2] : year + "-08-31";
      }
      if (max == null || observed.compareTo(max) > 0) {
        max = observed;
      }
      accepted.add(new HubStore.StoredRow(key, uai, row.payload(columns)));
    }
    if (max != null) {
      latest.put(f.dataset(), max);
    }
    rejections.sort(java.util.Comparator.comparingLong(Rejection::line));
    return new FileReport(
        f.name(),
        f.dataset(),
        sink.read,
        accepted.size(),
        rejections.size(),
        outOfScope,
        null,
        rejections);
  }

  /** A loaded row as the reader typed it. */
  private record Loaded(long line, Object[] values) {
    String payload(List<ContributionColumns.Pair> columns) {
      ObjectNode n = JSON.createObjectNode();
      for (int k = 0; k < columns.size(); k++) {
        n.set(columns.get(k).staging(), JSON.valueToTree(values[k]));
      }
      return n.toString();
    }

    /** The row as a file line (for rejections found after the reader loaded it). */
    String raw(List<ContributionColumns.Pair> columns) {
      var parts = new ArrayList<String>();
      for (int k = 0; k < columns.size(); k++) {
        parts.add(ContributionColumns.fileValue(columns.get(k), values[k]));
      }
      return String.join(";", parts);
    }
  }

  /** Keeps what the reader loads and quarantines, in memory (uploads are bounded in size). */
  private static final class Collecting implements RowSink {
    final List<Loaded> loaded = new ArrayList<>();
    final List<Rejection> quarantined = new ArrayList<>();
    long read;

    @Override
    public void load(long line, Object... values) {
      read++;
      loaded.add(new Loaded(line, values.clone()));
    }

    @Override
    public void attach(int table, Object... values) {}

    @Override
    public void quarantine(long line, String field, String reason, String raw) {
      read++;
      quarantined.add(new Rejection(line, field, reason, raw, false));
    }

    @Override
    public void warn(long line, String field, String reason, String raw) {}
  }
}
