package fr.eduatlas.source.contrib;

import static fr.eduatlas.source.Column.integer;
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

/** {@code usages.csv} of a contribution: teachers' practices and families, per school and year. */
public final class UsageReader implements SourceReader {
  /** File column → staging column: counts of responding teachers. */
  static final String[][] PRACTICES = {
    {"ens_usage_hebdomadaire", "teachers_weekly_use"},
    {"ens_usage_ent", "teachers_ent"},
    {"ens_ressources_numeriques", "teachers_resources"},
    {"ens_formes_3_ans", "teachers_trained"},
    {"ens_plateformes_etrangeres", "teachers_foreign_platforms"}
  };

  @Override
  public List<TableSpec> tables() {
    var cols =
        new ArrayList<Column>(
            List.of(varchar("uai"), integer("year"), integer("teachers"), integer("respondents")));
    for (String[] c : PRACTICES) {
      cols.add(integer(c[1]));
    }
    cols.add(integer("families_reached"));
    return List.of(TableSpec.primary(cols));
  }

  @Override
  public void read(Path file, RowSink sink) throws IOException {
    var seen = new HashMap<String, Long>();
    try (var in = CsvInput.openDetecting(file)) {
      in.require("uai", "annee_scolaire", "enseignants", "enseignants_repondants");
      in.forEach(
          sink,
          row -> {
            String uai = row.uai("uai");
            int year = SchoolYear.endYear(row);
            Integer teachers = row.count("enseignants");
            Integer respondents = row.count("enseignants_repondants");
            if (teachers == null || respondents == null) {
              throw new RowException(
                  teachers == null ? "enseignants" : "enseignants_repondants",
                  "valeur obligatoire manquante");
            }
            if (respondents > teachers) {
              throw new RowException(
                  "enseignants_repondants",
                  "plus d'enseignants répondants ("
                      + respondents
                      + ") que d'enseignants ("
                      + teachers
                      + ")");
            }
            var values = new ArrayList<Object>(List.of(uai, year, teachers, respondents));
            for (String[] c : PRACTICES) {
              Integer v = row.hasColumn(c[0]) ? row.count(c[0]) : null;
              if (v != null && v > respondents) {
                throw new RowException(
                    c[0], v + " enseignants pour " + respondents + " répondants : impossible");
              }
              values.add(v);
            }
            values.add(row.hasColumn("familles_touchees") ? row.count("familles_touchees") : null);
            SchoolYear.claim(seen, uai, year, row.line());
            sink.load(row.line(), values.toArray());
          });
    }
  }
}
