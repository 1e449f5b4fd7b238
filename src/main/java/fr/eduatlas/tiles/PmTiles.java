package fr.eduatlas.tiles;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.zip.GZIPOutputStream;

/**
 * One layer's tile pyramid as a PMTiles v3 archive (gzip-compressed MVT, the tiles the server
 * answers without an indicator), for a release that a static host or a CDN serves by HTTP range
 * requests ({@link PmTilesWriter}).
 */
public final class PmTiles {
  /** What was written. */
  public record Summary(String layer, long tiles, long bytes) {}

  static final byte MVT = 1;
  static final byte GZIP = 2;

  private PmTiles() {}

  /**
   * Writes {@code layer}'s tiles from its first zoom (or {@code minZoom}) to {@code maxZoom} over
   * the pyramid of France and the overseas départements into {@code target}.
   */
  public static Summary export(
      Connection warehouse, Tiles.Layer layer, Path target, int minZoom, int maxZoom)
      throws SQLException, IOException {
    var tiles = new Tiles();
    int from = Math.max(minZoom, layer.minZoom());
    List<int[]> pyramid = Tiles.pyramid(warehouse, from, maxZoom);
    if (pyramid.isEmpty()) {
      throw new IllegalArgumentException(
          "layer " + layer.id() + " has no tile from zoom " + from + " to " + maxZoom);
    }
    double[] box = bounds(pyramid);
    long n = 0;
    try (var w = new PmTilesWriter(target)) {
      for (int[] t : pyramid) {
        byte[] mvt = tiles.tile(warehouse, layer, t[0], t[1], t[2], null);
        if (mvt.length > 0) {
          w.add(t[0], t[1], t[2], gzip(mvt));
          n++;
        }
      }
      w.finish(
          new PmTilesWriter.Info(
              from,
              maxZoom,
              box[0],
              box[1],
              box[2],
              box[3],
              Math.max(from, Math.min(5, maxZoom)),
              2.35,
              46.6,
              MVT,
              GZIP),
          metadata(layer, from, maxZoom));
    }
    return new Summary(layer.id(), n, Files.size(target));
  }

  /** The TileJSON-like metadata PMTiles readers show: the layer and its fields. */
  private static String metadata(Tiles.Layer layer, int minZoom, int maxZoom) {
    ObjectMapper json = new ObjectMapper();
    ObjectNode root = json.createObjectNode();
    root.put("name", "EduAtlas : " + layer.label());
    root.put("attribution", "IGN ADMIN EXPRESS, Insee COG, DEPP ; EduAtlas");
    ObjectNode vl = root.putArray("vector_layers").addObject();
    vl.put("id", layer.id()).put("description", layer.label());
    vl.put("minzoom", minZoom).put("maxzoom", maxZoom);
    ObjectNode f = vl.putObject("fields");
    if (layer.level() == null) {
      f.put("uai", "String").put("name", "String").put("type", "String");
      f.put("bandwidth_class", "Number").put("cluster_count", "Number");
    } else {
      f.put("code", "String").put("name", "String");
    }
    return root.toString();
  }

  /** The geographic bounds of the tiles of a pyramid (lon/lat). */
  private static double[] bounds(List<int[]> pyramid) {
    int z = pyramid.get(pyramid.size() - 1)[0];
    int minX = Integer.MAX_VALUE, minY = Integer.MAX_VALUE, maxX = -1, maxY = -1;
    for (int[] t : pyramid) {
      if (t[0] == z) {
        minX = Math.min(minX, t[1]);
        maxX = Math.max(maxX, t[1]);
        minY = Math.min(minY, t[2]);
        maxY = Math.max(maxY, t[2]);
      }
    }
    double n = 1 << z;
    return new double[] {
      minX / n * 360 - 180, lat(maxY + 1, n), (maxX + 1) / n * 360 - 180, lat(minY, n)
    };
  }

  private static double lat(int y, double n) {
    return Math.toDegrees(Math.atan(Math.sinh(Math.PI * (1 - 2 * y / n))));
  }

  private static byte[] gzip(byte[] b) throws IOException {
    var out = new ByteArrayOutputStream(b.length / 2 + 64);
    try (var gz = new GZIPOutputStream(out)) {
      gz.write(b);
    }
    return out.toByteArray();
  }
}
