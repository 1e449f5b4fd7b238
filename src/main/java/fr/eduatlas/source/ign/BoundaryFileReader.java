package fr.eduatlas.source.ign;

import static fr.eduatlas.source.Column.blob;
import static fr.eduatlas.source.Column.varchar;

import fr.eduatlas.source.RowException;
import fr.eduatlas.source.RowSink;
import fr.eduatlas.source.SourceReader;
import fr.eduatlas.source.TableSpec;
import fr.eduatlas.source.json.JsonInput;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;

/**
 * An official boundary file of a level above the commune (IGN départements or régions): features
 * with {@code code} and {@code nom}. Used to cross-check the levels EduAtlas dissolves from the
 * communes.
 */
public final class BoundaryFileReader implements SourceReader {
  @Override
  public List<TableSpec> tables() {
    return List.of(TableSpec.primary(List.of(varchar("code"), varchar("name"), blob("wkb"))));
  }

  @Override
  public void read(Path file, RowSink sink) throws IOException {
    var seen = new HashMap<String, Long>();
    JsonInput.eachFeature(
        file,
        sink,
        (line, feature) -> {
          var p = JsonInput.properties(feature);
          String code = JsonInput.required(p, "code");
          byte[] wkb = Features.polygonalWkb(feature.get("geometry"), line, sink);
          Long first = seen.putIfAbsent(code, line);
          if (first != null) {
            throw new RowException("code", "code " + code + " déjà lu ligne " + first);
          }
          sink.load(line, code, JsonInput.text(p, "nom"), wkb);
        });
  }
}
