package fr.eduatlas.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.esri.core.geometry.OperatorExportToESRIShape;
import com.esri.core.geometry.OperatorImportFromWkb;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import fr.eduatlas.geo.Crs;
import fr.eduatlas.geo.GeoJson;
import fr.eduatlas.source.ign.CommuneBoundariesReader;
import fr.eduatlas.testing.Fixtures;
import fr.eduatlas.testing.Staged;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import mil.nga.geopackage.GeoPackageManager;
import mil.nga.geopackage.db.GeoPackageDataType;
import mil.nga.geopackage.db.TableColumnKey;
import mil.nga.geopackage.features.columns.GeometryColumns;
import mil.nga.geopackage.features.user.FeatureColumn;
import mil.nga.geopackage.features.user.FeatureTableMetadata;
import mil.nga.geopackage.geom.GeoPackageGeometryData;
import mil.nga.geopackage.srs.SpatialReferenceSystem;
import mil.nga.sf.GeometryType;
import mil.nga.sf.wkb.GeometryReader;
import org.geotools.referencing.CRS;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.locationtech.jts.algorithm.distance.DiscreteHausdorffDistance;
import org.locationtech.jts.geom.Geometry;
import org.locationtech.jts.geom.GeometryFactory;
import org.locationtech.jts.io.WKBReader;
import org.locationtech.jts.io.WKBWriter;

/**
 * The same communes from the three formats IGN publishes ADMIN EXPRESS in. The Shapefile and the
 * GeoPackage are written here, from the mini GeoJSON, in Lambert-93 with IGN's field names.
 */
class BoundaryFormatsTest {
  @TempDir Path tmp;
  Map<String, String> names = new LinkedHashMap<>();
  Map<String, Geometry> wgs84 = new LinkedHashMap<>();

  @BeforeEach
  void readTheGeoJson() throws Exception {
    JsonNode fc =
        new ObjectMapper()
            .readTree(Fixtures.miniDir().resolve("communes/communes-a.geojson").toFile());
    var gf = new GeometryFactory();
    for (JsonNode f : fc.get("features")) {
      String code = f.get("properties").get("code").asText();
      names.put(code, f.get("properties").get("nom").asText());
      wgs84.put(code, GeoJson.read(f.get("geometry"), gf));
    }
  }

  private Map<String, Geometry> staged(Path dir) throws Exception {
    Map<String, Geometry> out = new LinkedHashMap<>();
    try (var s = Staged.run(new CommuneBoundariesReader(), dir, tmp)) {
      assertThat(s.quarantined).isZero();
      for (var r : s.rows("SELECT code, name, wkb FROM src_fixture ORDER BY _line")) {
        assertThat(r.get("name")).isEqualTo(names.get((String) r.get("code")));
        var blob = (java.sql.Blob) r.get("wkb");
        out.put(
            (String) r.get("code"), new WKBReader().read(blob.getBytes(1, (int) blob.length())));
      }
    }
    return out;
  }

  private void assertSameAsGeoJson(Map<String, Geometry> read) {
    assertThat(read.keySet()).containsExactlyElementsOf(wgs84.keySet());
    // Through Lambert-93 and back: the same shape, every vertex within a centimetre.
    read.forEach(
        (code, g) -> {
          Geometry expected = wgs84.get(code);
          assertThat(g.getGeometryType()).as(code).isEqualTo(expected.getGeometryType());
          assertThat(g.getNumPoints()).as(code).isEqualTo(expected.getNumPoints());
          assertThat(DiscreteHausdorffDistance.distance(g, expected)).as(code).isLessThan(1e-7);
        });
  }

  @Test
  void aShapefileInLambert93ReadsAsTheGeoJson() throws Exception {
    Path dir = Files.createDirectories(tmp.resolve("shp"));
    writeShapefile(dir.resolve("COMMUNE"), Crs.LAMBERT_93);
    assertSameAsGeoJson(staged(dir));
  }

  @Test
  void aGeoPackageInLambert93ReadsAsTheGeoJson() throws Exception {
    Path dir = Files.createDirectories(tmp.resolve("gpkg"));
    writeGeoPackage(dir.resolve("ADMIN-EXPRESS.gpkg"), Crs.LAMBERT_93);
    assertSameAsGeoJson(staged(dir));
  }

  @Test
  void aShapefileWithoutItsProjectionIsRefused() throws Exception {
    Path dir = Files.createDirectories(tmp.resolve("noprj"));
    writeShapefile(dir.resolve("COMMUNE"), Crs.LAMBERT_93);
    Files.delete(dir.resolve("COMMUNE.prj"));
    assertThatThrownBy(() -> Staged.run(new CommuneBoundariesReader(), dir, tmp))
        .isInstanceOf(SourceException.class)
        .hasMessageContaining("COMMUNE.shp")
        .hasMessageContaining(".prj absent");
  }

  @Test
  void aFileOfAnotherFormatIsNotSkippedSilently() throws Exception {
    Path dir = Files.createDirectories(tmp.resolve("other"));
    Files.writeString(dir.resolve("communes.kml"), "<kml/>");
    assertThatThrownBy(() -> Staged.run(new CommuneBoundariesReader(), dir, tmp))
        .hasMessageContaining("communes.kml")
        .hasMessageContaining("format non pris en charge");
  }

  /** A polygon Shapefile with IGN's 2018 fields INSEE_COM and NOM_COM, UTF-8 (.cpg). */
  private void writeShapefile(Path base, int epsg) throws Exception {
    var records = new ByteArrayOutputStream();
    double[] box = {Double.MAX_VALUE, Double.MAX_VALUE, -Double.MAX_VALUE, -Double.MAX_VALUE};
    int n = 0;
    for (var e : wgs84.entrySet()) {
      Geometry projected = Crs.transform(e.getValue(), Crs.WGS84, epsg);
      var env = projected.getEnvelopeInternal();
      box =
          new double[] {
            Math.min(box[0], env.getMinX()), Math.min(box[1], env.getMinY()),
            Math.max(box[2], env.getMaxX()), Math.max(box[3], env.getMaxY())
          };
      var esri =
          OperatorImportFromWkb.local()
              .execute(
                  0,
                  com.esri.core.geometry.Geometry.Type.Unknown,
                  ByteBuffer.wrap(new WKBWriter(2).write(projected)),
                  null);
      ByteBuffer shape = OperatorExportToESRIShape.local().execute(0, esri);
      byte[] content = new byte[shape.remaining()];
      shape.get(content);
      ByteBuffer header = ByteBuffer.allocate(8).order(ByteOrder.BIG_ENDIAN);
      header.putInt(++n).putInt(content.length / 2);
      records.write(header.array());
      records.write(content);
    }
    ByteBuffer h = ByteBuffer.allocate(100);
    h.order(ByteOrder.BIG_ENDIAN).putInt(0, 9994).putInt(24, (100 + records.size()) / 2);
    h.order(ByteOrder.LITTLE_ENDIAN).putInt(28, 1000).putInt(32, 5);
    for (int i = 0; i < 4; i++) {
      h.putDouble(36 + 8 * i, box[i]);
    }
    var shp = new ByteArrayOutputStream();
    shp.write(h.array());
    shp.write(records.toByteArray());
    Files.write(Path.of(base + ".shp"), shp.toByteArray());
    Files.writeString(Path.of(base + ".prj"), CRS.decode("EPSG:" + epsg).toWKT());
    Files.writeString(Path.of(base + ".cpg"), "UTF-8");
    List<String[]> rows = new ArrayList<>();
    wgs84.keySet().forEach(code -> rows.add(new String[] {code, names.get(code)}));
    Files.write(
        Path.of(base + ".dbf"),
        dbf(new String[] {"INSEE_COM", "NOM_COM"}, new int[] {5, 80}, rows));
  }

  private static byte[] dbf(String[] fields, int[] widths, List<String[]> rows) {
    int headerLength = 32 + 32 * fields.length + 1;
    int recordLength = 1;
    for (int w : widths) {
      recordLength += w;
    }
    ByteBuffer b =
        ByteBuffer.allocate(headerLength + rows.size() * recordLength + 1)
            .order(ByteOrder.LITTLE_ENDIAN);
    b.put(0, (byte) 3)
        .putInt(4, rows.size())
        .putShort(8, (short) headerLength)
        .putShort(10, (short) recordLength);
    for (int f = 0; f < fields.length; f++) {
      int p = 32 + 32 * f;
      byte[] name = fields[f].getBytes(StandardCharsets.US_ASCII);
      b.put(p, name);
      b.put(p + 11, (byte) 'C');
      b.put(p + 16, (byte) widths[f]);
    }
    b.put(headerLength - 1, (byte) 0x0D);
    int p = headerLength;
    for (String[] row : rows) {
      b.put(p++, (byte) ' ');
      for (int f = 0; f < fields.length; f++) {
        byte[] v = row[f].getBytes(StandardCharsets.UTF_8);
        byte[] cell = new byte[widths[f]];
        java.util.Arrays.fill(cell, (byte) ' ');
        System.arraycopy(v, 0, cell, 0, Math.min(v.length, cell.length));
        b.put(p, cell);
        p += widths[f];
      }
    }
    b.put(p, (byte) 0x1A);
    return b.array();
  }

  /** A GeoPackage with ADMIN EXPRESS's table "commune" and fields insee_com, nom. */
  private void writeGeoPackage(Path file, int epsg) throws Exception {
    GeoPackageManager.create(file.toFile());
    try (var gp = GeoPackageManager.open(file.toFile())) {
      // NGA's library knows only a few systems by code: declare Lambert-93 from GeoTools' WKT.
      var srs = new SpatialReferenceSystem();
      srs.setSrsName("EPSG:" + epsg);
      srs.setSrsId(epsg);
      srs.setOrganization("EPSG");
      srs.setOrganizationCoordsysId(epsg);
      srs.setDefinition(CRS.decode("EPSG:" + epsg).toWKT());
      gp.getSpatialReferenceSystemDao().create(srs);
      var gc = new GeometryColumns();
      gc.setId(new TableColumnKey("commune", "geom"));
      gc.setGeometryType(GeometryType.MULTIPOLYGON);
      gc.setZ((byte) 0);
      gc.setM((byte) 0);
      gc.setSrs(srs);
      gp.createFeatureTable(
          FeatureTableMetadata.create(
              gc,
              List.of(
                  FeatureColumn.createColumn("insee_com", GeoPackageDataType.TEXT),
                  FeatureColumn.createColumn("nom", GeoPackageDataType.TEXT))));
      var dao = gp.getFeatureDao("commune");
      for (var e : wgs84.entrySet()) {
        var row = dao.newRow();
        row.setValue("insee_com", e.getKey());
        row.setValue("nom", names.get(e.getKey()));
        var data =
            GeoPackageGeometryData.create(
                srs.getSrsId(),
                GeometryReader.readGeometry(
                    new WKBWriter(2).write(Crs.transform(e.getValue(), Crs.WGS84, epsg))));
        row.setGeometry(data);
        dao.insert(row);
      }
    }
  }
}
