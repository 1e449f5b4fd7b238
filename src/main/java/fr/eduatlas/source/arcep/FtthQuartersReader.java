package fr.eduatlas.source.arcep;

import static fr.eduatlas.source.Column.bigint;
import static fr.eduatlas.source.Column.varchar;

import fr.eduatlas.source.RowException;
import fr.eduatlas.source.RowSink;
import fr.eduatlas.source.SourceException;
import fr.eduatlas.source.SourceReader;
import fr.eduatlas.source.TableSpec;
import fr.eduatlas.source.table.CsvInput;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * ARCEP's FttH deployment per commune and quarter, as published: title lines, then two rows per
 * commune, one for the premises that can be connected ({@code Locaux Raccordables}) and one for
 * ARCEP's deployment category ({@code Catégorie}), with a column per quarter ({@code T3 2017}).
 * Codes are those of the publication's year; quarters are kept in long form.
 */
public final class FtthQuartersReader implements SourceReader {
  static final int TITLE_LINES = 4;
  private static final Pattern QUARTER = Pattern.compile("T([1-4]) (\\d{4})");
  private static final Map<String, String> MEASURES =
      Map.of("Locaux Raccordables", "premises_connectable", "Catégorie", "category");

  @Override
  public List<TableSpec> tables() {
    return List.of(
        TableSpec.primary(
            List.of(varchar("commune_code"), varchar("measure")), "commune_code", "Code commune"),
        TableSpec.secondary("quarters", List.of(varchar("quarter"), bigint("value"))));
  }

  @Override
  public void read(Path file, RowSink sink) throws IOException {
    var seen = new HashMap<String, Long>();
    try (var in = CsvInput.open(file, ',', TITLE_LINES)) {
      in.require("Code commune", "Champ");
      var quarters = new LinkedHashMap<String, String>();
      for (String h : in.header()) {
        Matcher m = QUARTER.matcher(h);
        if (m.matches()) {
          quarters.put(h, m.group(2) + "-T" + m.group(1));
        }
      }
      if (quarters.isEmpty()) {
        throw new SourceException(
            file, "aucune colonne de trimestre (« T3 2017 »…) dans l'en-tête");
      }
      in.forEach(
          sink,
          row -> {
            String code = row.communeCode("Code commune");
            String measure = MEASURES.get(row.required("Champ"));
            if (measure == null) {
              throw new RowException("Champ", "champ inconnu : '" + row.text("Champ") + "'");
            }
            var values = new HashMap<String, Long>();
            for (var q : quarters.entrySet()) {
              Integer v = row.count(q.getKey());
              if (v != null) {
                values.put(q.getValue(), v.longValue());
              }
            }
            Long first = seen.putIfAbsent(code + "/" + measure, row.line());
            if (first != null) {
              throw new RowException(
                  "Code commune", "commune " + code + " (" + measure + ") déjà lue ligne " + first);
            }
            sink.load(row.line(), code, measure);
            for (var q : quarters.values()) {
              if (values.containsKey(q)) {
                sink.attach(1, q, values.get(q));
              }
            }
          });
    }
  }
}
