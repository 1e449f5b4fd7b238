package fr.eduatlas.source.contrib;

import static fr.eduatlas.source.Column.dbl;
import static fr.eduatlas.source.Column.varchar;

import fr.eduatlas.source.RowException;
import fr.eduatlas.source.RowSink;
import fr.eduatlas.source.SourceReader;
import fr.eduatlas.source.TableSpec;
import fr.eduatlas.source.table.CsvInput;
import java.io.IOException;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.List;

/**
 * {@code tests_debit.csv} of a contribution: raw speed tests, many per school. Streams: memory does
 * not grow with the file. Duplicates and outliers, which need every test of a school, are found at
 * the model stage.
 */
public final class SpeedTestReader implements SourceReader {
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
            try {
              OffsetDateTime.parse(ts);
            } catch (DateTimeParseException e) {
              throw new RowException(
                  "horodatage", "'" + ts + "' n'est pas une date et heure ISO 8601 avec fuseau");
            }
            Double down = row.decimal("debit_descendant", 0, 10_000);
            if (down == null) {
              throw new RowException("debit_descendant", "valeur obligatoire manquante");
            }
            sink.load(
                row.line(),
                uai,
                ts,
                down,
                up ? row.decimal("debit_montant", 0, 10_000) : null,
                latency ? row.decimal("latence", 0, 10_000) : null,
                jitter ? row.decimal("gigue", 0, 10_000) : null,
                loss ? row.decimal("perte_paquets", 0, 100) : null);
          });
    }
  }
}
