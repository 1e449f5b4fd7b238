package fr.eduatlas.source.insee;

import static fr.eduatlas.source.Column.integer;
import static fr.eduatlas.source.Column.varchar;

import fr.eduatlas.source.RowException;
import fr.eduatlas.source.RowSink;
import fr.eduatlas.source.SourceReader;
import fr.eduatlas.source.TableSpec;
import fr.eduatlas.source.table.CsvInput;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;

/**
 * INSEE's permanent facilities base (BPE), primary education, per commune: counts of schools by
 * kind (C101 maternelles, C102 maternelles in dispersed RPI, C104 élémentaires, C105 élémentaires
 * in dispersed RPI), with breakdowns ({@code _PU} public, {@code _PR} private, canteens...). Every
 * {@code NB_} column of the header is kept, in long form (commune, variable, count; a count absent
 * from the long form is zero), so that a later vintage with other columns loads unchanged.
 */
public final class BpePrimaryReader implements SourceReader {
  static final String[] REQUIRED = {"CODGEO", "NB_C101", "NB_C102", "NB_C104", "NB_C105"};

  @Override
  public List<TableSpec> tables() {
    return List.of(
        TableSpec.primary(List.of(varchar("commune_code")), "commune_code", "CODGEO"),
        TableSpec.secondary("counts", List.of(varchar("variable"), integer("value"))));
  }

  @Override
  public void read(Path file, RowSink sink) throws IOException {
    var seen = new HashMap<String, Long>();
    try (var in = CsvInput.open(file, ';')) {
      in.require(REQUIRED);
      List<String> variables = in.header().stream().filter(h -> h.startsWith("NB_")).toList();
      in.forEach(
          sink,
          row -> {
            String code = row.communeCode("CODGEO");
            var values = new Integer[variables.size()];
            for (int i = 0; i < values.length; i++) {
              values[i] = row.count(variables.get(i));
            }
            Long first = seen.putIfAbsent(code, row.line());
            if (first != null) {
              throw new RowException("CODGEO", "commune " + code + " déjà lue ligne " + first);
            }
            sink.load(row.line(), code);
            for (int i = 0; i < values.length; i++) {
              if (values[i] != null && values[i] != 0) {
                sink.attach(1, variables.get(i), values[i]);
              }
            }
          });
    }
  }
}
