package fr.eduatlas.source.ign;

import com.esri.core.geometry.OperatorExportToWkb;
import com.esri.core.geometry.OperatorImportFromESRIShape;
import com.esri.core.geometry.ShapeImportFlags;
import com.esri.core.geometry.WkbExportFlags;
import fr.eduatlas.geo.Crs;
import fr.eduatlas.source.SourceException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
import org.locationtech.jts.geom.Geometry;
import org.locationtech.jts.io.ParseException;
import org.locationtech.jts.io.WKBReader;

/**
 * An ESRI Shapefile as IGN publishes ADMIN EXPRESS in it: the {@code .shp} geometry records, the
 * {@code .dbf} attributes (encoding from the {@code .cpg}, else dBASE's ISO-8859-1), and the {@code
 * .prj} coordinate system, from which geometries are reprojected to WGS84. Shape records are
 * decoded by Esri's geometry library, which assigns polygon holes to their shells.
 */
final class ShapefileFeatures {
  private static final int FILE_CODE = 9994;
  private static final int VERSION = 1000;

  private ShapefileFeatures() {}

  static void each(Path shp, Consumer<BoundaryFeature> handler) throws IOException {
    Path dbf = companion(shp, "dbf");
    Path prj = companion(shp, "prj");
    if (!Files.isRegularFile(dbf)) {
      throw new SourceException(shp, "fichier d'attributs .dbf absent");
    }
    if (!Files.isRegularFile(prj)) {
      throw new SourceException(shp, "système de coordonnées .prj absent");
    }
    String wkt = Files.readString(prj, StandardCharsets.ISO_8859_1).strip();
    List<Map<String, String>> attributes = readDbf(dbf, charset(shp));
    ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(shp));
    if (b.limit() < 100 || b.order(ByteOrder.BIG_ENDIAN).getInt(0) != FILE_CODE) {
      throw new SourceException(shp, "en-tête de Shapefile invalide");
    }
    if (b.order(ByteOrder.LITTLE_ENDIAN).getInt(28) != VERSION) {
      throw new SourceException(shp, "version de Shapefile non prise en charge");
    }
    var wkb = new WKBReader();
    int pos = 100;
    long n = 0;
    while (pos + 8 <= b.limit()) {
      b.order(ByteOrder.BIG_ENDIAN);
      int length = b.getInt(pos + 4) * 2;
      if (pos + 8 + length > b.limit()) {
        throw new SourceException(shp, "enregistrement " + (n + 1) + " tronqué");
      }
      ByteBuffer content = b.slice(pos + 8, length).order(ByteOrder.LITTLE_ENDIAN);
      pos += 8 + length;
      n++;
      Map<String, String> attrs = n <= attributes.size() ? attributes.get((int) n - 1) : Map.of();
      handler.accept(new BoundaryFeature(n, attrs, geometry(content, wkt, wkb, shp, n)));
    }
    if (n != attributes.size()) {
      throw new SourceException(
          shp, n + " géométries pour " + attributes.size() + " enregistrements d'attributs");
    }
  }

  private static Geometry geometry(
      ByteBuffer content, String wkt, WKBReader wkb, Path shp, long n) {
    if (content.limit() < 4 || content.getInt(0) == 0) {
      return null; // a null shape
    }
    try {
      var esri =
          OperatorImportFromESRIShape.local()
              .execute(
                  ShapeImportFlags.ShapeImportDefaults,
                  com.esri.core.geometry.Geometry.Type.Unknown,
                  content);
      ByteBuffer out =
          OperatorExportToWkb.local().execute(WkbExportFlags.wkbExportDefaults, esri, null);
      byte[] bytes = new byte[out.remaining()];
      out.get(bytes);
      return Crs.toWgs84(wkb.read(bytes), wkt);
    } catch (ParseException | RuntimeException e) {
      throw new SourceException(shp, "enregistrement " + n + " illisible : " + e.getMessage(), e);
    }
  }

  private static Path companion(Path shp, String ext) {
    String name = shp.getFileName().toString();
    String base = name.substring(0, name.length() - 4);
    Path lower = shp.resolveSibling(base + "." + ext);
    return Files.exists(lower)
        ? lower
        : shp.resolveSibling(base + "." + ext.toUpperCase(Locale.ROOT));
  }

  private static Charset charset(Path shp) throws IOException {
    Path cpg = companion(shp, "cpg");
    if (!Files.isRegularFile(cpg)) {
      return StandardCharsets.ISO_8859_1;
    }
    String name = Files.readString(cpg, StandardCharsets.US_ASCII).strip();
    try {
      return Charset.forName(name.equals("1252") ? "windows-1252" : name);
    } catch (IllegalArgumentException e) {
      throw new SourceException(cpg, "encodage inconnu : '" + name + "'");
    }
  }

  /** The dBASE table: one map of field name (lower case) to trimmed text per record. */
  static List<Map<String, String>> readDbf(Path dbf, Charset charset) throws IOException {
    ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(dbf)).order(ByteOrder.LITTLE_ENDIAN);
    if (b.limit() < 32) {
      throw new SourceException(dbf, "en-tête dBASE invalide");
    }
    int records = b.getInt(4);
    int headerLength = Short.toUnsignedInt(b.getShort(8));
    int recordLength = Short.toUnsignedInt(b.getShort(10));
    List<String> names = new ArrayList<>();
    List<Integer> widths = new ArrayList<>();
    for (int p = 32; p + 32 <= headerLength && b.get(p) != 0x0D; p += 32) {
      int end = 0;
      while (end < 11 && b.get(p + end) != 0) {
        end++;
      }
      names.add(new String(b.array(), p, end, StandardCharsets.US_ASCII).toLowerCase(Locale.ROOT));
      widths.add(Byte.toUnsignedInt(b.get(p + 16)));
    }
    if ((long) headerLength + (long) records * recordLength > b.limit()) {
      throw new SourceException(dbf, "table dBASE tronquée");
    }
    List<Map<String, String>> out = new ArrayList<>(records);
    for (int r = 0; r < records; r++) {
      int p = headerLength + r * recordLength + 1; // after the deletion flag
      Map<String, String> row = new LinkedHashMap<>();
      for (int f = 0; f < names.size(); f++) {
        row.put(names.get(f), new String(b.array(), p, widths.get(f), charset).strip());
        p += widths.get(f);
      }
      out.add(row);
    }
    return out;
  }
}
