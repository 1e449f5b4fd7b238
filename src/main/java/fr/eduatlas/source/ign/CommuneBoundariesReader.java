package fr.eduatlas.source.ign;

import static fr.eduatlas.source.Column.blob;
import static fr.eduatlas.source.Column.varchar;

import com.fasterxml.jackson.databind.JsonNode;
import fr.eduatlas.geo.GeoJson;
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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.locationtech.jts.geom.Geometry;
import org.locationtech.jts.geom.GeometryFactory;

/**
 * IGN ADMIN EXPRESS commune polygons: a directory of files, in any of the formats IGN publishes
 * ADMIN EXPRESS in: GeoJSON (one FeatureCollection per département here), ESRI Shapefile ({@code
 * .shp} with its {@code .dbf}, {@code .prj}, {@code .cpg}) or GeoPackage (table {@code commune}).
 * Each feature gives its commune code of the edition's year ({@code code}, or IGN's {@code
 * INSEE_COM}) and name ({@code nom} or {@code NOM_COM}); geometries are read or reprojected to
 * WGS84. A file of any other format stops the source: nothing in the directory is skipped silently.
 */
public final class CommuneBoundariesReader implements SourceReader {
  /** Files that accompany a Shapefile's {@code .shp} and are read with it. */
  static final Set<String> SHAPEFILE_PARTS =
      Set.of("shx", "dbf", "prj", "cpg", "qix", "sbn", "sbx");

  private static final GeometryFactory GF = new GeometryFactory();

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
      String ext =
          name.contains(".")
              ? name.substring(name.lastIndexOf('.') + 1).toLowerCase(Locale.ROOT)
              : "";
      sink.file(name);
      switch (ext) {
        case "geojson", "json" ->
            JsonInput.eachFeature(
                f,
                sink,
                (number, feature) -> handle(name, fromGeoJson(number, feature), sink, seen));
        case "shp" ->
            ShapefileFeatures.each(f, feature -> handleOrQuarantine(name, feature, sink, seen));
        case "gpkg" ->
            GeoPackageFeatures.each(
                f, "commune", feature -> handleOrQuarantine(name, feature, sink, seen));
        default -> {
          if (!SHAPEFILE_PARTS.contains(ext)) {
            throw new SourceException(
                f, "format non pris en charge (GeoJSON, Shapefile ou GeoPackage attendu)");
          }
        }
      }
    }
  }

  private static BoundaryFeature fromGeoJson(long number, JsonNode feature) {
    JsonNode p = JsonInput.properties(feature);
    Map<String, String> attrs = new LinkedHashMap<>();
    p.fields()
        .forEachRemaining(
            e -> attrs.put(e.getKey().toLowerCase(Locale.ROOT), e.getValue().asText()));
    Geometry g;
    try {
      g = GeoJson.read(feature.get("geometry"), GF);
    } catch (IllegalArgumentException e) {
      throw new RowException("geometry", e.getMessage());
    }
    return new BoundaryFeature(number, attrs, g);
  }

  private static void handleOrQuarantine(
      String file, BoundaryFeature f, RowSink sink, Map<String, String> seen) {
    try {
      handle(file, f, sink, seen);
    } catch (RowException e) {
      sink.quarantine(f.number(), e.field(), e.reason(), f.raw());
    }
  }

  private static void handle(
      String file, BoundaryFeature f, RowSink sink, Map<String, String> seen) {
    String raw = f.attribute("code", "insee_com");
    String code;
    try {
      code = Codes.commune(raw);
    } catch (Codes.InvalidCodeException e) {
      throw new RowException("code", e.getMessage());
    }
    if (f.geometry() == null) {
      throw new RowException("geometry", "géométrie absente");
    }
    byte[] wkb = Features.polygonalWkb(f.geometry(), f.number(), sink, f.raw());
    String first = seen.putIfAbsent(code, file + ":" + f.number());
    if (first != null) {
      throw new RowException("code", "commune " + code + " déjà lue (" + first + ")");
    }
    sink.load(f.number(), file, code, f.attribute("nom", "nom_com"), wkb);
  }
}
