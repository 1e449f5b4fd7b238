package fr.eduatlas.tiles;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.zip.GZIPOutputStream;

/**
 * The tile pyramid as an MBTiles 1.3 file (SQLite): every layer of the zoom policy in each tile,
 * gzip-compressed MVT, rows in the TMS scheme, for static hosting or a CDN. Written beside the
 * target and renamed over it when complete.
 */
public final class MbTiles {
  /** What was written. */
  public record Summary(long tiles, long bytes) {}

  private MbTiles() {}

  public static Summary export(Connection warehouse, Path target, int minZoom, int maxZoom)
      throws SQLException, IOException {
    Path tmp = target.resolveSibling(target.getFileName() + ".part");
    Files.deleteIfExists(tmp);
    var tiles = new Tiles();
    List<Tiles.Layer> layers = List.copyOf(Tiles.LAYERS.values());
    long n = 0;
    long bytes = 0;
    boolean done = false;
    try (Connection db = DriverManager.getConnection("jdbc:sqlite:" + tmp)) {
      try (Statement st = db.createStatement()) {
        st.execute("CREATE TABLE metadata (name TEXT, value TEXT)");
        st.execute(
            "CREATE TABLE tiles (zoom_level INTEGER, tile_column INTEGER, tile_row INTEGER,"
                + " tile_data BLOB)");
      }
      db.setAutoCommit(false);
      try (PreparedStatement ins = db.prepareStatement("INSERT INTO tiles VALUES (?, ?, ?, ?)")) {
        for (int[] t : Tiles.pyramid(warehouse, minZoom, maxZoom)) {
          byte[] mvt = tiles.tile(warehouse, layers, t[0], t[1], t[2]);
          if (mvt.length == 0) {
            continue;
          }
          byte[] gz = gzip(mvt);
          ins.setInt(1, t[0]);
          ins.setInt(2, t[1]);
          ins.setInt(3, (1 << t[0]) - 1 - t[2]);
          ins.setBytes(4, gz);
          ins.addBatch();
          n++;
          bytes += gz.length;
          if (n % 500 == 0) {
            ins.executeBatch();
          }
        }
        ins.executeBatch();
      }
      try (PreparedStatement meta = db.prepareStatement("INSERT INTO metadata VALUES (?, ?)")) {
        for (String[] kv :
            new String[][] {
              {"name", "EduAtlas"},
              {"format", "pbf"},
              {"type", "overlay"},
              {"version", "1"},
              {"description", "Territoires et établissements scolaires d'EduAtlas"},
              {"attribution", "IGN ADMIN EXPRESS, Insee COG, DEPP ; EduAtlas"},
              {"minzoom", String.valueOf(minZoom)},
              {"maxzoom", String.valueOf(maxZoom)},
              {"bounds", "-180,-85.0511,180,85.0511"},
              {"json", vectorLayers(layers)}
            }) {
          meta.setString(1, kv[0]);
          meta.setString(2, kv[1]);
          meta.executeUpdate();
        }
      }
      try (Statement st = db.createStatement()) {
        st.execute("CREATE UNIQUE INDEX tile_index ON tiles (zoom_level, tile_column, tile_row)");
      }
      db.commit();
      done = true;
    } finally {
      if (!done) {
        // A failed export leaves neither a partial file nor a changed target.
        Files.deleteIfExists(tmp);
      }
    }
    Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    return new Summary(n, bytes);
  }

  private static String vectorLayers(List<Tiles.Layer> layers) {
    ObjectMapper json = new ObjectMapper();
    ObjectNode root = json.createObjectNode();
    ArrayNode vl = root.putArray("vector_layers");
    for (Tiles.Layer l : layers) {
      ObjectNode o = vl.addObject();
      o.put("id", l.id()).put("description", l.label());
      o.put("minzoom", l.minZoom()).put("maxzoom", Tiles.MAX_ZOOM);
      ObjectNode f = o.putObject("fields");
      if (l.level() == null) {
        f.put("uai", "String").put("name", "String").put("type", "String");
        f.put("bandwidth_class", "Number").put("cluster_count", "Number");
      } else {
        f.put("code", "String").put("name", "String");
      }
    }
    return root.toString();
  }

  private static byte[] gzip(byte[] b) throws IOException {
    var out = new ByteArrayOutputStream(b.length / 2 + 64);
    try (var gz = new GZIPOutputStream(out)) {
      gz.write(b);
    }
    return out.toByteArray();
  }
}
