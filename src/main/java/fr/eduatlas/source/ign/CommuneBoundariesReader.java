package fr.eduatlas.source.ign;

import static fr.eduatlas.source.Column.blob;
import static fr.eduatlas.source.Column.varchar;

import fr.eduatlas.source.RowException;
import fr.eduatlas.source.RowSink;
import fr.eduatlas.source.SourceException;
import fr.eduatlas.source.SourceReader;
import fr.eduatlas.source.TableSpec;
import fr.eduatlas.source.json.JsonInput;
import fr.eduatlas.territory.Codes;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * IGN ADMIN EXPRESS commune polygons: a directory of files (one per département), each feature with
 * its commune {@code code} of the edition's year and its {@code nom}. GeoJSON files are read here;
 * every other file in the directory is reported, not skipped silently.
 */
public final class CommuneBoundariesReader implements SourceReader {
  @Override
  public List<TableSpec> tables() {
    return List.of(
        TableSpec.primary(
            List.of(varchar("file"), varchar("code"), varchar("name"), blob("wkb")),
            "code",
            "code"));
  }

  @Override
  public void read(Path dir, RowSink sink) throws IOException {
    if (!Files.isDirectory(dir)) {
      throw new SourceException(dir, "un répertoire de fichiers de communes est attendu");
    }
    List<Path> files;
    try (Stream<Path> s = Files.list(dir)) {
      files = s.filter(Files::isRegularFile).sorted().toList();
    }
    if (files.isEmpty()) {
      throw new SourceException(dir, "aucun fichier de communes");
    }
    var seen = new HashMap<String, String>();
    for (Path f : files) {
      String name = f.getFileName().toString();
      String lower = name.toLowerCase(Locale.ROOT);
      sink.file(name);
      if (lower.endsWith(".geojson") || lower.endsWith(".json")) {
        JsonInput.eachFeature(
            f,
            sink,
            (line, feature) -> {
              var p = feature.get("properties");
              if (p == null || !p.isObject()) {
                throw new RowException("properties", "entité sans propriétés");
              }
              String code;
              try {
                code = Codes.commune(JsonInput.required(p, "code"));
              } catch (Codes.InvalidCodeException e) {
                throw new RowException("code", e.getMessage());
              }
              byte[] wkb = Features.polygonalWkb(feature.get("geometry"), line, sink);
              String first = seen.putIfAbsent(code, name + ":" + line);
              if (first != null) {
                throw new RowException("code", "commune " + code + " déjà lue (" + first + ")");
              }
              sink.load(line, name, code, JsonInput.text(p, "nom"), wkb);
            });
      } else {
        throw new SourceException(f, "format de fichier non pris en charge (GeoJSON attendu)");
      }
    }
  }
}
