package fr.eduatlas.source.cog;

import static fr.eduatlas.source.Column.varchar;
import static fr.eduatlas.source.json.JsonInput.required;
import static fr.eduatlas.source.json.JsonInput.text;

import fr.eduatlas.source.RowException;
import fr.eduatlas.source.RowSink;
import fr.eduatlas.source.SourceReader;
import fr.eduatlas.source.TableSpec;
import fr.eduatlas.source.json.JsonInput;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;

/** The COG régions, including the overseas collectivities (zone {@code com}). */
public final class CogRegionsReader implements SourceReader {
  @Override
  public List<TableSpec> tables() {
    return List.of(
        TableSpec.primary(
            List.of(varchar("code"), varchar("name"), varchar("chef_lieu"), varchar("zone"))));
  }

  @Override
  public void read(Path file, RowSink sink) throws IOException {
    var seen = new HashMap<String, Long>();
    JsonInput.eachElement(
        file,
        sink,
        (line, r) -> {
          String code = required(r, "code");
          if (!code.matches("\\d{2,3}")) {
            throw new RowException("code", "'" + code + "' n'est pas un code de région");
          }
          String name = required(r, "nom");
          String zone = required(r, "zone");
          Long first = seen.putIfAbsent(code, line);
          if (first != null) {
            throw new RowException("code", "région " + code + " déjà lue ligne " + first);
          }
          sink.load(line, code, name, text(r, "chefLieu"), zone);
        });
  }
}
