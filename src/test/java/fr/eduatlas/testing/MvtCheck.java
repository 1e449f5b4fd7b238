package fr.eduatlas.testing;

import io.github.sebasbaumh.mapbox.vectortile.VectorTile;
import io.github.sebasbaumh.mapbox.vectortile.adapt.jts.MvtReader;
import io.github.sebasbaumh.mapbox.vectortile.adapt.jts.TagKeyValueMapConverter;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.locationtech.jts.geom.Geometry;
import org.locationtech.jts.geom.GeometryFactory;

/**
 * Checks a vector tile against the MVT 2.1 geometry rules, reading its command stream itself (not
 * through the encoder that wrote it): commands well formed, no zero-length LineTo, every ring of a
 * polygon with at least three points and a non-zero area, each polygon feature starting with an
 * exterior ring (positive surveyor's area in tile coordinates); then every geometry the reference
 * decoder builds is valid (no self-intersection).
 */
public final class MvtCheck {
  private MvtCheck() {}

  /**
   * The rule violations found, each naming layer, feature and reason; empty when the tile is good.
   */
  public static List<String> violations(byte[] tile) throws IOException {
    var out = new ArrayList<String>();
    if (tile.length == 0) {
      return out;
    }
    VectorTile.Tile t = VectorTile.Tile.parseFrom(tile);
    for (VectorTile.Tile.Layer layer : t.getLayersList()) {
      if (layer.getVersion() != 2) {
        out.add(layer.getName() + ": version " + layer.getVersion());
      }
      for (VectorTile.Tile.Feature f : layer.getFeaturesList()) {
        String where = layer.getName() + " feature " + f.getId() + " (" + f.getType() + ")";
        commands(f, where, out);
      }
    }
    var gf = new GeometryFactory();
    var mvt =
        MvtReader.loadMvt(
            new ByteArrayInputStream(tile),
            gf,
            new TagKeyValueMapConverter(),
            MvtReader.RING_CLASSIFIER_V2_1);
    for (var layer : mvt.getLayers()) {
      for (Geometry g : layer.getGeometries()) {
        if (!g.isValid()) {
          out.add(layer.getName() + " " + g.getUserData() + ": invalid after decoding");
        }
      }
    }
    return out;
  }

  private static void commands(VectorTile.Tile.Feature f, String where, List<String> out) {
    List<Integer> g = f.getGeometryList();
    long x = 0;
    long y = 0;
    boolean polygon = f.getType() == VectorTile.Tile.GeomType.POLYGON;
    var ring = new ArrayList<long[]>();
    boolean firstRing = true;
    int i = 0;
    while (i < g.size()) {
      int cmd = g.get(i) & 7;
      int count = g.get(i) >>> 3;
      i++;
      if (cmd == 7) {
        if (count != 1 || !polygon) {
          out.add(where + ": ClosePath count " + count);
        }
        if (ring.size() < 3) {
          out.add(where + ": ring of " + ring.size() + " points");
        }
        long twice = 0;
        for (int k = 0; k < ring.size(); k++) {
          long[] a = ring.get(k);
          long[] b = ring.get((k + 1) % ring.size());
          twice += a[0] * b[1] - b[0] * a[1];
        }
        if (twice == 0) {
          out.add(where + ": ring of zero area");
        } else if (firstRing && twice < 0) {
          out.add(where + ": first ring is not exterior (negative area)");
        }
        firstRing = false;
        ring.clear();
        continue;
      }
      if (cmd != 1 && cmd != 2) {
        out.add(where + ": unknown command " + cmd);
        return;
      }
      if (i + 2 * count > g.size()) {
        out.add(where + ": truncated command");
        return;
      }
      for (int k = 0; k < count; k++) {
        int dx = zigzag(g.get(i++));
        int dy = zigzag(g.get(i++));
        if (cmd == 2 && dx == 0 && dy == 0) {
          out.add(where + ": zero-length LineTo");
        }
        x += dx;
        y += dy;
        if (cmd == 1) {
          ring.clear();
        }
        ring.add(new long[] {x, y});
      }
    }
    if (polygon && !ring.isEmpty()) {
      out.add(where + ": ring not closed by ClosePath");
    }
  }

  private static int zigzag(int n) {
    return (n >>> 1) ^ -(n & 1);
  }
}
