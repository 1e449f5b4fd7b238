package fr.eduatlas.source.insee;

import static fr.eduatlas.source.Column.bigint;
import static fr.eduatlas.source.Column.dbl;
import static fr.eduatlas.source.Column.integer;
import static fr.eduatlas.source.Column.varchar;

import fr.eduatlas.source.Column;
import fr.eduatlas.source.RowException;
import fr.eduatlas.source.RowSink;
import fr.eduatlas.source.SourceReader;
import fr.eduatlas.source.TableSpec;
import fr.eduatlas.source.table.CsvInput;
import fr.eduatlas.source.table.TableInput;
import fr.eduatlas.source.table.XlsxInput;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;

/**
 * INSEE's communal density grid, seven levels (1 dense urban centres ... 7 very sparsely populated
 * rural; 5 to 7 are rural), with the share of each commune's population living in each level. Reads
 * the workbook as INSEE publishes it (sheet {@code Grille_Densite}, titles above the header) or the
 * same sheet saved as {@code ;}-separated CSV.
 */
public final class DensityGridReader implements SourceReader {
  static final String SHEET = "Grille_Densite";
  private static final String[] SHARES = {"P1", "P2", "P3", "P4", "P5", "P6", "P7"};

  @Override
  public List<TableSpec> tables() {
    var cols = new ArrayList<Column>();
    cols.add(varchar("commune_code"));
    cols.add(varchar("name"));
    cols.add(integer("density_level"));
    cols.add(varchar("density_label"));
    cols.add(bigint("population"));
    for (String p : SHARES) {
      cols.add(dbl("share_" + p.toLowerCase(Locale.ROOT)));
    }
    return List.of(TableSpec.primary(cols, "commune_code", "CODGEO"));
  }

  static TableInput open(Path file) throws IOException {
    return file.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".xlsx")
        ? XlsxInput.open(file, SHEET, "CODGEO")
        : CsvInput.open(file, ';');
  }

  @Override
  public void read(Path file, RowSink sink) throws IOException {
    var seen = new HashMap<String, Long>();
    try (TableInput in = open(file)) {
      in.require("CODGEO", "LIBGEO", "DENS", "LIBDENS", "PMUN21");
      in.require(SHARES);
      in.forEach(
          sink,
          row -> {
            String code = row.communeCode("CODGEO");
            Integer level = row.count("DENS");
            if (level == null || level < 1 || level > 7) {
              throw new RowException(
                  "DENS", "niveau de densité hors de 1 à 7 : " + row.text("DENS"));
            }
            Integer pop = row.count("PMUN21");
            var values = new ArrayList<Object>();
            values.add(code);
            values.add(row.required("LIBGEO"));
            values.add(level);
            values.add(row.required("LIBDENS"));
            values.add(pop == null ? null : pop.longValue());
            for (String p : SHARES) {
              values.add(row.decimal(p, 0, 100));
            }
            // Checked last, so that an invalid row does not claim the code.
            Long first = seen.putIfAbsent(code, row.line());
            if (first != null) {
              throw new RowException("CODGEO", "commune " + code + " déjà lue ligne " + first);
            }
            sink.load(row.line(), values.toArray());
          });
    }
  }
}
