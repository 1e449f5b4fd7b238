package fr.eduatlas.source.insee;

import static fr.eduatlas.source.Column.bigint;
import static fr.eduatlas.source.Column.varchar;

import fr.eduatlas.source.RowException;
import fr.eduatlas.source.RowSink;
import fr.eduatlas.source.SourceReader;
import fr.eduatlas.source.TableSpec;
import fr.eduatlas.source.table.CsvInput;
import fr.eduatlas.territory.Codes;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;

/**
 * INSEE legal populations: municipal population, population counted apart, total. The file drops
 * leading zeros from codes ({@code DEP=1}, {@code COM=1001}): codes are padded back to the COG
 * form, Corsica's {@code 2A}/{@code 2B} being already complete.
 */
public final class LegalPopulationsReader implements SourceReader {
  @Override
  public List<TableSpec> tables() {
    return List.of(
        TableSpec.primary(
            List.of(
                varchar("commune_code"),
                varchar("name"),
                varchar("departement_code"),
                bigint("population_municipale"),
                bigint("population_comptee_a_part"),
                bigint("population_totale")),
            "commune_code",
            "COM"));
  }

  @Override
  public void read(Path file, RowSink sink) throws IOException {
    var seen = new HashMap<String, Long>();
    try (var in = CsvInput.open(file, ';')) {
      in.require("DEP", "COM", "Commune", "PMUN", "PCAP", "PTOT");
      in.forEach(
          sink,
          row -> {
            String code;
            String dep;
            try {
              code = Codes.communeFromUnpadded(row.required("COM"));
            } catch (Codes.InvalidCodeException e) {
              throw new RowException("COM", e.getMessage());
            }
            try {
              dep = Codes.departement(row.required("DEP"));
            } catch (Codes.InvalidCodeException e) {
              throw new RowException("DEP", e.getMessage());
            }
            if (!Codes.departementOfCommune(code).equals(dep)) {
              throw new RowException(
                  "COM", "commune " + code + " hors de son département déclaré " + dep);
            }
            String name = row.required("Commune");
            Long pmun = asLong(row.count("PMUN"));
            Long pcap = asLong(row.count("PCAP"));
            Long ptot = asLong(row.count("PTOT"));
            // Checked last, so that an invalid row does not claim the code.
            Long first = seen.putIfAbsent(code, row.line());
            if (first != null) {
              throw new RowException("COM", "commune " + code + " déjà lue ligne " + first);
            }
            sink.load(row.line(), code, name, dep, pmun, pcap, ptot);
          });
    }
  }

  private static Long asLong(Integer i) {
    return i == null ? null : i.longValue();
  }
}
