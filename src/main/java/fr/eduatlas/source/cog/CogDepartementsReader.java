package fr.eduatlas.source.cog;

import static fr.eduatlas.source.Column.varchar;
import static fr.eduatlas.source.json.JsonInput.required;
import static fr.eduatlas.source.json.JsonInput.text;

import fr.eduatlas.source.RowException;
import fr.eduatlas.source.RowSink;
import fr.eduatlas.source.SourceReader;
import fr.eduatlas.source.TableSpec;
import fr.eduatlas.source.json.JsonInput;
import fr.eduatlas.territory.Codes;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;

/**
 * The COG départements, including the overseas collectivities (zone {@code com}), which the
 * warehouse keeps out of the département level.
 */
public final class CogDepartementsReader implements SourceReader {
  @Override
  public List<TableSpec> tables() {
    return List.of(
        TableSpec.primary(
            List.of(
                varchar("code"),
                varchar("name"),
                varchar("region"),
                varchar("chef_lieu"),
                varchar("zone"))));
  }

  @Override
  public void read(Path file, RowSink sink) throws IOException {
    var seen = new HashMap<String, Long>();
    JsonInput.eachElement(
        file,
        sink,
        (line, d) -> {
          String code;
          try {
            code = Codes.departement(required(d, "code"));
          } catch (Codes.InvalidCodeException e) {
            throw new RowException("code", e.getMessage());
          }
          String name = required(d, "nom");
          String region = required(d, "region");
          String zone = required(d, "zone");
          Long first = seen.putIfAbsent(code, line);
          if (first != null) {
            throw new RowException("code", "département " + code + " déjà lu ligne " + first);
          }
          sink.load(line, code, name, region, text(d, "chefLieu"), zone);
        });
  }
}
