package fr.eduatlas.tiles;

import static org.assertj.core.api.Assertions.assertThat;

import fr.eduatlas.Main;
import fr.eduatlas.testing.Fixtures;
import io.github.sebasbaumh.mapbox.vectortile.adapt.jts.MvtReader;
import io.github.sebasbaumh.mapbox.vectortile.adapt.jts.TagKeyValueMapConverter;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.util.HashMap;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.locationtech.jts.geom.GeometryFactory;

/** `export --tiles` writes an MBTiles file a tile server or a static host can read. */
class MbTilesTest {
  @TempDir Path tmp;

  @Test
  void theExportHoldsMetadataAndGzippedTilesInTheTmsScheme() throws Exception {
    Path wh = Fixtures.miniWarehouse(tmp);
    Path out = tmp.resolve("fr.mbtiles");
    int code =
        Main.commandLine()
            .execute(
                "export",
                "--warehouse",
                wh.toString(),
                "--tiles",
                out.toString(),
                "--max-zoom",
                "8");
    assertThat(code).isZero();
    assertThat(out).isRegularFile();
    assertThat(tmp.resolve("fr.mbtiles.part")).doesNotExist();
    try (var db = DriverManager.getConnection("jdbc:sqlite:" + out)) {
      var meta = new HashMap<String, String>();
      try (var rs = db.createStatement().executeQuery("SELECT name, value FROM metadata")) {
        while (rs.next()) {
          meta.put(rs.getString(1), rs.getString(2));
        }
      }
      assertThat(meta).containsEntry("format", "pbf").containsEntry("maxzoom", "8");
      assertThat(meta.get("json")).contains("\"communes\"");
      // Laon's z8 tile, its row flipped to TMS.
      int[] t = TileMath.tileOf(3.6233, 49.5641, 8);
      try (var ps =
          db.prepareStatement(
              "SELECT tile_data FROM tiles WHERE zoom_level = 8 AND tile_column = ? AND tile_row"
                  + " = ?")) {
        ps.setInt(1, t[0]);
        ps.setInt(2, 255 - t[1]);
        try (var rs = ps.executeQuery()) {
          assertThat(rs.next()).isTrue();
          byte[] mvt = new GZIPInputStream(new ByteArrayInputStream(rs.getBytes(1))).readAllBytes();
          var decoded =
              MvtReader.loadMvt(
                  new ByteArrayInputStream(mvt),
                  new GeometryFactory(),
                  new TagKeyValueMapConverter(),
                  MvtReader.RING_CLASSIFIER_V2_1);
          assertThat(decoded.getLayersByName()).containsKeys("communes", "departements");
        }
      }
    }
    assertThat(Files.size(out)).isPositive();
    assertThat(Main.commandLine().execute("export", "--tiles", out.toString(), "--max-zoom", "20"))
        .isEqualTo(2);
    // A target that cannot be written: a clear error, the exit code says so, nothing left behind.
    Path unwritable = tmp.resolve("absent-dir").resolve("fr.mbtiles");
    assertThat(
            Main.commandLine()
                .execute("export", "--warehouse", wh.toString(), "--tiles", unwritable.toString()))
        .isEqualTo(1);
    assertThat(unwritable.getParent()).doesNotExist();
  }
}
