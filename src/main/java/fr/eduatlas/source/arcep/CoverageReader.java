package fr.eduatlas.source.arcep;

import static fr.eduatlas.source.Column.bigint;
import static fr.eduatlas.source.Column.varchar;

import fr.eduatlas.source.Column;
import fr.eduatlas.source.RowException;
import fr.eduatlas.source.RowSink;
import fr.eduatlas.source.SourceReader;
import fr.eduatlas.source.TableSpec;
import fr.eduatlas.source.table.CsvInput;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;

/**
 * Per-commune eligibility of premises to each fixed access technology (ARCEP "Ma connexion
 * internet" statistics): the premises count and, per technology, the eligible premises (an empty
 * count means none). The published percentages are checked against the counts but not stored: every
 * share is recomputed as a ratio of sums, so that it stays right when communes merge.
 */
public final class CoverageReader implements SourceReader {
  /** The technologies, as suffixes of the file's {@code pct_} and {@code nb_locaux_} columns. */
  public static final List<String> TECHNOLOGIES =
      List.of("fibre", "cable", "dsl", "thd_radio", "4g_fixe", "hd_radio", "satellite");

  /** Published percentages are rounded to 0.1: allow that, plus some slack. */
  static final double PCT_TOLERANCE = 0.5;

  @Override
  public List<TableSpec> tables() {
    var cols = new ArrayList<Column>();
    cols.add(varchar("commune_code"));
    cols.add(varchar("name"));
    cols.add(bigint("premises"));
    for (String t : TECHNOLOGIES) {
      cols.add(bigint("premises_" + t));
    }
    return List.of(TableSpec.primary(cols, "commune_code", "code_insee"));
  }

  @Override
  public void read(Path file, RowSink sink) throws IOException {
    var seen = new HashMap<String, Long>();
    try (var in = CsvInput.open(file, ',')) {
      in.require("code_insee", "commune", "nb_locaux");
      for (String t : TECHNOLOGIES) {
        in.require("pct_" + t, "nb_locaux_" + t);
      }
      in.forEach(
          sink,
          row -> {
            String code = row.communeCode("code_insee");
            Integer premises = row.count("nb_locaux");
            if (premises == null) {
              throw new RowException("nb_locaux", "nombre de locaux manquant");
            }
            var values = new ArrayList<Object>();
            values.add(code);
            values.add(row.text("commune"));
            values.add(premises.longValue());
            for (String t : TECHNOLOGIES) {
              int eligible = row.countOrZero("nb_locaux_" + t);
              if (eligible > premises) {
                throw new RowException(
                    "nb_locaux_" + t,
                    eligible + " locaux éligibles pour " + premises + " locaux dans la commune");
              }
              Double pct = row.decimal("pct_" + t, 0, 100);
              if (pct != null
                  && premises > 0
                  && Math.abs(pct - 100.0 * eligible / premises) > PCT_TOLERANCE) {
                throw new RowException(
                    "pct_" + t,
                    "pourcentage "
                        + pct
                        + " incohérent avec "
                        + eligible
                        + " locaux éligibles sur "
                        + premises);
              }
              values.add((long) eligible);
            }
            Long first = seen.putIfAbsent(code, row.line());
            if (first != null) {
              throw new RowException("code_insee", "commune " + code + " déjà lue ligne " + first);
            }
            sink.load(row.line(), values.toArray());
          });
    }
  }
}
