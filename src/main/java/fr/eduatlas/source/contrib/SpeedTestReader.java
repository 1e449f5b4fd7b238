package fr.eduatlas.source.contrib;

import static fr.eduatlas.source.Column.dbl;
import static fr.eduatlas.source.Column.varchar;

import fr.eduatlas.source.BulkCsv;
import fr.eduatlas.source.RowException;
import fr.eduatlas.source.RowSink;
import fr.eduatlas.source.TableSpec;
import fr.eduatlas.source.table.CsvInput;
import fr.eduatlas.territory.Codes;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * {@code tests_debit.csv} of a contribution: raw speed tests, many per school. Streams: memory does
 * not grow with the file. Duplicates and outliers, which need every test of a school, are found at
 * the model stage. Large files are loaded in bulk by the warehouse ({@link BulkCsv}), this reader
 * judging every row the bulk path doubts.
 */
public final class SpeedTestReader implements BulkCsv {
  private static final double MAX_MBITS = 10_000;
  private static final double MAX_MS = 10_000;

  /**
   * Whether {@code s} is an ISO 8601 date-time with offset, {@code 2024-03-12T09:15[:00[.5]]} then
   * {@code Z} or {@code ±hh:mm}, with valid field ranges: the form the model reads the school's
   * local day from. Checked by hand: the java.time parser costs more than reading the rest of the
   * row, on files of tens of millions of rows.
   */
  static boolean isoOffsetDateTime(String s) {
    int n = s.length();
    if (n < 17
        || s.charAt(4) != '-'
        || s.charAt(7) != '-'
        || s.charAt(10) != 'T'
        || s.charAt(13) != ':') {
      return false;
    }
    int year = Codes.digits(s, 0, 4);
    int month = Codes.digits(s, 5, 2);
    int day = Codes.digits(s, 8, 2);
    int hour = Codes.digits(s, 11, 2);
    int minute = Codes.digits(s, 14, 2);
    if (year < 0 || month < 1 || month > 12 || hour < 0 || hour > 23 || minute < 0 || minute > 59) {
      return false;
    }
    if (day < 1 || day > java.time.YearMonth.of(year, month).lengthOfMonth()) {
      return false;
    }
    int i = 16;
    if (i < n && s.charAt(i) == ':') {
      if (i + 3 > n) {
        return false;
      }
      int second = Codes.digits(s, i + 1, 2);
      if (second < 0 || second > 59) {
        return false;
      }
      i += 3;
      if (i < n && s.charAt(i) == '.') {
        i++;
        int start = i;
        while (i < n && Character.isDigit(s.charAt(i))) {
          i++;
        }
        if (i == start) {
          return false;
        }
      }
    }
    if (i == n - 1) {
      return s.charAt(i) == 'Z';
    }
    if (i != n - 6 || (s.charAt(i) != '+' && s.charAt(i) != '-') || s.charAt(i + 3) != ':') {
      return false;
    }
    int oh = Codes.digits(s, i + 1, 2);
    int om = Codes.digits(s, i + 4, 2);
    return oh >= 0 && oh <= 18 && om >= 0 && om <= 59;
  }

  @Override
  public List<TableSpec> tables() {
    return List.of(
        TableSpec.primary(
            List.of(
                varchar("uai"),
                varchar("tested_at"),
                dbl("down"),
                dbl("up"),
                dbl("latency_ms"),
                dbl("jitter_ms"),
                dbl("packet_loss_pct"))));
  }

  @Override
  public List<Field> bulkFields() {
    return List.of(
        Field.uai("uai"),
        Field.isoOffsetDateTime("horodatage"),
        Field.decimal("debit_descendant", true, 0, MAX_MBITS),
        Field.decimal("debit_montant", false, 0, MAX_MBITS),
        Field.decimal("latence", false, 0, MAX_MS),
        Field.decimal("gigue", false, 0, MAX_MS),
        Field.decimal("perte_paquets", false, 0, 100));
  }

  @Override
  public void read(Path file, RowSink sink) throws IOException {
    try (var in = CsvInput.openDetecting(file)) {
      in.require("uai", "horodatage", "debit_descendant");
      boolean up = in.header().contains("debit_montant");
      boolean latency = in.header().contains("latence");
      boolean jitter = in.header().contains("gigue");
      boolean loss = in.header().contains("perte_paquets");
      in.forEach(
          sink,
          row -> {
            String uai = row.uai("uai");
            String ts = row.required("horodatage");
            if (!isoOffsetDateTime(ts)) {
              throw new RowException(
                  "horodatage", "'" + ts + "' n'est pas une date et heure ISO 8601 avec fuseau");
            }
            Double down = row.decimal("debit_descendant", 0, MAX_MBITS);
            if (down == null) {
              throw new RowException("debit_descendant", "valeur obligatoire manquante");
            }
            sink.load(
                row.line(),
                uai,
                ts,
                down,
                up ? row.decimal("debit_montant", 0, MAX_MBITS) : null,
                latency ? row.decimal("latence", 0, MAX_MS) : null,
                jitter ? row.decimal("gigue", 0, MAX_MS) : null,
                loss ? row.decimal("perte_paquets", 0, 100) : null);
          });
    }
  }
}
