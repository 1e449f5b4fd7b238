package fr.eduatlas.tiles;

import static org.assertj.core.api.Assertions.assertThat;

import fr.eduatlas.testing.Fixtures;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * While a band is loading on another thread, a tile is drawn from the warehouse's rows of its own
 * window: byte for byte the tile the loaded index gives, for every territory layer and tile of the
 * mini warehouse's pyramid at zooms 8 and 9.
 */
class TilesWindowTest {
  @TempDir Path tmp;

  @Test
  void aTileReadThroughItsWindowIsTheTileOfTheIndex() throws Exception {
    Path wh = Fixtures.miniWarehouse(tmp);
    var props = new Properties();
    props.setProperty("duckdb.read_only", "true");
    try (var c = DriverManager.getConnection("jdbc:duckdb:" + wh, props)) {
      var indexed = new Tiles();
      var windowed = new Tiles();
      List<Tiles.Layer> layers =
          Tiles.LAYERS.values().stream().filter(l -> l.level() != null).toList();
      // Every band of every layer "being loaded" by another thread: the window path throughout.
      for (var l : layers) {
        for (int z = 8; z <= 9; z++) {
          windowed.markLoadingForTest(l.level(), z);
        }
      }
      int nonEmpty = 0;
      int compared = 0;
      for (int[] t : Tiles.pyramid(c, 8, 9)) {
        for (var l : layers) {
          if (t[0] < l.minZoom()) {
            continue;
          }
          byte[] a = indexed.tile(c, l, t[0], t[1], t[2], null);
          byte[] b = windowed.tile(c, l, t[0], t[1], t[2], null);
          assertThat(b).as(l.id() + " " + t[0] + "/" + t[1] + "/" + t[2]).isEqualTo(a);
          compared++;
          if (a.length > 0) {
            nonEmpty++;
          }
        }
      }
      assertThat(compared).isGreaterThan(100);
      assertThat(nonEmpty).isPositive();
      // The window path did not load the bands behind the loader's back.
      assertThat(windowed.loadedBandsForTest()).isZero();
    }
  }
}
