package fr.eduatlas.source.contrib;

import static fr.eduatlas.source.Column.dbl;
import static fr.eduatlas.source.Column.integer;
import static fr.eduatlas.source.Column.varchar;

import fr.eduatlas.source.RowException;
import fr.eduatlas.source.RowSink;
import fr.eduatlas.source.SourceReader;
import fr.eduatlas.source.TableSpec;
import fr.eduatlas.source.table.CsvInput;
import fr.eduatlas.source.table.TableRow;
import fr.eduatlas.territory.Codes;
import java.io.IOException;
import java.nio.file.Path;
import java.time.DateTimeException;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** {@code connectivite.csv} of a contribution: one row per school and school year. */
public final class ConnectivityReader implements SourceReader {
  static final Set<String> METHODS =
      Set.of("mesure_automatique", "mesure_ponctuelle", "declaratif");

  /**
   * The highest download a technology can carry, Mbit/s: above it, the usual cause is a value in
   * kbit/s given as Mbit/s.
   */
  static final Map<String, Double> MAX_DOWN =
      Map.of(
          "fibre", 10_000.0,
          "cable", 2_000.0,
          "dsl", 100.0,
          "4g5g_fixe", 1_000.0,
          "thd_radio", 1_000.0,
          "satellite", 500.0,
          "aucune", 0.0);

  @Override
  public List<TableSpec> tables() {
    return List.of(
        TableSpec.primary(
            List.of(
                varchar("uai"),
                integer("year"),
                varchar("observed_on"),
                varchar("technology"),
                dbl("down_contracted"),
                dbl("up_contracted"),
                dbl("down_measured"),
                dbl("up_measured"),
                dbl("latency_ms"),
                dbl("wifi_share"),
                varchar("method"))));
  }

  @Override
  public void read(Path file, RowSink sink) throws IOException {
    var seen = new HashMap<String, Long>();
    try (var in = CsvInput.openDetecting(file)) {
      in.require("uai", "annee_scolaire", "date_observation", "technologie");
      in.forEach(
          sink,
          row -> {
            String uai = row.uai("uai");
            int year = SchoolYear.endYear(row);
            LocalDate date;
            try {
              date = isoDate(row.required("date_observation"));
            } catch (DateTimeException e) {
              throw new RowException(
                  "date_observation",
                  "'" + row.text("date_observation") + "' n'est pas une date AAAA-MM-JJ");
            }
            if (!SchoolYear.contains(year, date)) {
              throw new RowException(
                  "date_observation", date + " hors de l'année scolaire " + SchoolYear.name(year));
            }
            String tech = row.required("technologie");
            if (!MAX_DOWN.containsKey(tech)) {
              throw new RowException("technologie", "technologie inconnue : '" + tech + "'");
            }
            Double downC = speed(row, "debit_descendant_souscrit", tech);
            Double upC = speed(row, "debit_montant_souscrit", tech);
            Double downM = speed(row, "debit_descendant_mesure", tech);
            Double upM = speed(row, "debit_montant_mesure", tech);
            Double latency = optional(row, "latence", 0, 10_000);
            Double wifi = optional(row, "part_salles_wifi", 0, 100);
            String method = optionalText(row, "methode");
            if (method != null && !METHODS.contains(method)) {
              throw new RowException("methode", "méthode inconnue : '" + method + "'");
            }
            SchoolYear.claim(seen, uai, year, row.line());
            sink.load(
                row.line(),
                uai,
                year,
                date.toString(),
                tech,
                downC,
                upC,
                downM,
                upM,
                latency,
                wifi,
                method);
          });
    }
  }

  /**
   * An ISO date AAAA-MM-JJ, as {@link LocalDate#parse} reads it: its usual form read by hand,
   * cheaper per row than the formatter (docs/BENCHMARKS.md, session 16), anything else left to the
   * formatter.
   */
  static LocalDate isoDate(String v) {
    if (v.length() == 10 && v.charAt(4) == '-' && v.charAt(7) == '-') {
      int y = Codes.digits(v, 0, 4);
      int m = Codes.digits(v, 5, 2);
      int d = Codes.digits(v, 8, 2);
      if (y >= 0 && m >= 0 && d >= 0) {
        return LocalDate.of(y, m, d);
      }
    }
    return LocalDate.parse(v);
  }

  private static Double speed(TableRow row, String column, String tech) {
    Double v = optional(row, column, 0, 10_000);
    if (v == null) {
      return null;
    }
    double max = MAX_DOWN.get(tech);
    if (tech.equals("aucune") && v > 0) {
      throw new RowException(column, "débit " + v + " Mbit/s pour un établissement sans connexion");
    }
    if (v > max) {
      throw new RowException(
          column, v + " Mbit/s en " + tech + " (au plus " + max + ") : kbit/s au lieu de Mbit/s ?");
    }
    return v;
  }

  static Double optional(TableRow row, String column, double min, double max) {
    return row.hasColumn(column) ? row.decimal(column, min, max) : null;
  }

  static String optionalText(TableRow row, String column) {
    return row.hasColumn(column) ? row.text(column) : null;
  }
}
