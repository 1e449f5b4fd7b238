package fr.eduatlas.tiles;

import static org.assertj.core.api.Assertions.assertThat;

import io.tileverse.pmtiles.PMTilesReader;
import io.tileverse.tiling.pyramid.TileIndex;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The PMTiles writer against the specification's tile ids and against an independent reader
 * (tileverse): every tile read back, leaf directories, runs and deduplicated contents.
 */
class PmTilesWriterTest {
  @TempDir Path tmp;

  @Test
  void tileIdsFollowTheSpecificationsHilbertOrder() {
    assertThat(PmTilesWriter.tileId(0, 0, 0)).isZero();
    assertThat(PmTilesWriter.tileId(1, 0, 0)).isEqualTo(1);
    assertThat(PmTilesWriter.tileId(1, 0, 1)).isEqualTo(2);
    assertThat(PmTilesWriter.tileId(1, 1, 1)).isEqualTo(3);
    assertThat(PmTilesWriter.tileId(1, 1, 0)).isEqualTo(4);
    assertThat(PmTilesWriter.tileId(2, 0, 0)).isEqualTo(5);
    // Each zoom is a bijection onto its id range along which consecutive tiles are neighbours.
    for (int z = 0; z <= 7; z++) {
      int n = 1 << z;
      long first = ((1L << (2 * z)) - 1) / 3;
      int[][] at = new int[n * n][];
      for (int x = 0; x < n; x++) {
        for (int y = 0; y < n; y++) {
          long id = PmTilesWriter.tileId(z, x, y);
          assertThat(id).isBetween(first, first + (long) n * n - 1);
          assertThat(at[(int) (id - first)]).as("id " + id + " given twice").isNull();
          at[(int) (id - first)] = new int[] {x, y};
        }
      }
      for (int i = 1; i < at.length; i++) {
        int d = Math.abs(at[i][0] - at[i - 1][0]) + Math.abs(at[i][1] - at[i - 1][1]);
        assertThat(d).as("zoom " + z + " step " + i).isEqualTo(1);
      }
    }
  }

  @Test
  void anIndependentReaderFindsEveryTileThroughLeafDirectories() throws Exception {
    Path file = tmp.resolve("t.pmtiles");
    var rnd = new Random(7);
    var written = new LinkedHashMap<String, byte[]>();
    try (var w = new PmTilesWriter(file)) {
      // Zooms 0 to 9 over a box, ~ 60,000 tiles: the root directory cannot hold them all. One
      // tile in four shares its content with others (the sea), as real pyramids do.
      for (int z = 0; z <= 9; z++) {
        int n = 1 << z;
        for (int x = n / 4; x < Math.max(1, n * 3 / 4); x++) {
          for (int y = n / 8; y < Math.max(1, n * 7 / 8); y++) {
            byte[] b =
                rnd.nextInt(4) == 0
                    ? "mer".getBytes(StandardCharsets.UTF_8)
                    : (z + "/" + x + "/" + y + "/" + rnd.nextInt())
                        .getBytes(StandardCharsets.UTF_8);
            w.add(z, x, y, b);
            written.put(z + "/" + x + "/" + y, b);
          }
        }
      }
      w.finish(
          new PmTilesWriter.Info(0, 9, -5, 41, 10, 51, 5, 2.35, 46.6, (byte) 1, (byte) 1),
          "{\"name\":\"essai\"}");
    }
    try (var r = new PMTilesReader(file)) {
      var h = r.getHeader();
      assertThat(h.addressedTilesCount()).isEqualTo(written.size());
      assertThat(h.tileContentsCount()).isLessThan(written.size());
      assertThat(h.leafDirsBytes()).as("leaf directories were needed").isPositive();
      assertThat(h.rootDirBytes()).isLessThanOrEqualTo(16_384 - 127);
      assertThat(h.minZoom()).isEqualTo((byte) 0);
      assertThat(h.maxZoom()).isEqualTo((byte) 9);
      assertThat(h.clustered()).isTrue();
      assertThat(r.getMetadataAsString()).contains("essai");
      var seen = new HashSet<String>();
      for (Map.Entry<String, byte[]> e : written.entrySet()) {
        String[] zxy = e.getKey().split("/");
        TileIndex t =
            TileIndex.zxy(Integer.parseInt(zxy[0]), Long.parseLong(zxy[1]), Long.parseLong(zxy[2]));
        assertThat(r.getTileId(t))
            .isEqualTo(
                PmTilesWriter.tileId(
                    Integer.parseInt(zxy[0]), Integer.parseInt(zxy[1]), Integer.parseInt(zxy[2])));
        ByteBuffer got = r.getTile(t).orElseThrow(() -> new AssertionError(e.getKey()));
        byte[] b = new byte[got.remaining()];
        got.get(b);
        assertThat(b).as(e.getKey()).isEqualTo(e.getValue());
        seen.add(e.getKey());
      }
      assertThat(seen).hasSize(written.size());
      assertThat(r.getTile(TileIndex.zxy(9, 0, 0))).isEmpty();
    }
  }
}
