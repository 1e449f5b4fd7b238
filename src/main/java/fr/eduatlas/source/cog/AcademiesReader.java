package fr.eduatlas.source.cog;

import static fr.eduatlas.source.Column.blob;
import static fr.eduatlas.source.Column.varchar;
import static fr.eduatlas.source.json.JsonInput.required;

import com.fasterxml.jackson.databind.JsonNode;
import fr.eduatlas.source.RowException;
import fr.eduatlas.source.RowSink;
import fr.eduatlas.source.SourceReader;
import fr.eduatlas.source.TableSpec;
import fr.eduatlas.source.ign.Features;
import fr.eduatlas.source.json.JsonInput;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;

/**
 * The académies of the education ministry's contour file (2020): code, name, région, and the
 * contour, used to cross-check the académies dissolved from the communes.
 */
public final class AcademiesReader implements SourceReader {
  @Override
  public List<TableSpec> tables() {
    return List.of(
        TableSpec.primary(
            List.of(
                varchar("code"),
                varchar("name"),
                varchar("region_code"),
                varchar("region_name"),
                blob("wkb"))));
  }

  @Override
  public void read(Path file, RowSink sink) throws IOException {
    var seen = new HashMap<String, Long>();
    JsonInput.eachFeature(
        file,
        sink,
        (line, feature) -> {
          var p = JsonInput.properties(feature);
          String code = required(p, "code_academie");
          if (!code.matches("\\d{2}")) {
            throw new RowException("code_academie", "'" + code + "' n'est pas un code d'académie");
          }
          String name = required(p, "name");
          String region = required(p, "code_region_2016");
          JsonNode geometry = feature.get("geometry");
          // The geometry serves to cross-check the académies dissolved from the communes; a
          // feature without one still gives the académie's code, name and région.
          byte[] wkb =
              geometry == null || geometry.isNull()
                  ? null
                  : Features.polygonalWkb(geometry, line, sink);
          Long first = seen.putIfAbsent(code, line);
          if (first != null) {
            throw new RowException(
                "code_academie", "académie " + code + " déjà lue ligne " + first);
          }
          sink.load(line, code, name, region, JsonInput.text(p, "libelle_region_2016"), wkb);
        });
  }
}
