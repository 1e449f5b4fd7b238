package fr.eduatlas.source.contrib;

import static fr.eduatlas.source.Column.dbl;
import static fr.eduatlas.source.Column.integer;
import static fr.eduatlas.source.Column.varchar;

import fr.eduatlas.source.Column;
import fr.eduatlas.source.RowSink;
import fr.eduatlas.source.SourceReader;
import fr.eduatlas.source.TableSpec;
import fr.eduatlas.source.table.CsvInput;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;

/** {@code equipement.csv} of a contribution: one row per school and school year. */
public final class EquipmentReader implements SourceReader {
  /** File column → staging column, the counts. */
  static final String[][] COUNTS = {
    {"ordinateurs_fixes", "desktops"},
    {"ordinateurs_portables", "laptops"},
    {"tablettes", "tablets"},
    {"ecrans_interactifs", "interactive_displays"},
    {"murs_pedagogiques", "video_walls"},
    {"kits_hybridation", "hybrid_kits"},
    {"kits_robotique", "robotics_kits"},
    {"equipements_pretes_eleves", "lent_devices"}
  };

  @Override
  public List<TableSpec> tables() {
    var cols = new ArrayList<Column>(List.of(varchar("uai"), integer("year")));
    for (String[] c : COUNTS) {
      cols.add(integer(c[1]));
    }
    cols.add(dbl("average_age_years"));
    return List.of(TableSpec.primary(cols));
  }

  @Override
  public void read(Path file, RowSink sink) throws IOException {
    var seen = new HashMap<String, Long>();
    try (var in = CsvInput.openDetecting(file)) {
      in.require("uai", "annee_scolaire");
      in.forEach(
          sink,
          row -> {
            var values = new ArrayList<Object>();
            String uai = row.uai("uai");
            int year = SchoolYear.endYear(row);
            values.add(uai);
            values.add(year);
            for (String[] c : COUNTS) {
              values.add(row.hasColumn(c[0]) ? row.count(c[0]) : null);
            }
            values.add(ConnectivityReader.optional(row, "age_moyen_equipements", 0, 30));
            SchoolYear.claim(seen, uai, year, row.line());
            sink.load(row.line(), values.toArray());
          });
    }
  }
}
