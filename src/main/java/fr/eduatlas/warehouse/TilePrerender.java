package fr.eduatlas.warehouse;

import fr.eduatlas.tiles.Tiles;
import java.sql.SQLException;
import org.duckdb.DuckDBAppender;
import org.duckdb.DuckDBConnection;

/**
 * The low zooms of the territory layers rendered at ingest into {@code tile_prerendered} (layer, z,
 * x, y, data; empty tiles absent), so that the server answers them with a lookup: they cover the
 * most ground and cost the most to clip.
 */
final class TilePrerender {
  private final DuckDBConnection conn;

  TilePrerender(DuckDBConnection conn) {
    this.conn = conn;
  }

  /** Renders every non-empty tile of the pyramid; returns how many were stored. */
  long run() throws SQLException {
    Jdbc.exec(
        conn,
        "CREATE TABLE tile_prerendered (layer VARCHAR NOT NULL, z INTEGER NOT NULL, x INTEGER NOT"
            + " NULL, y INTEGER NOT NULL, data BLOB NOT NULL)");
    var tiles = new Tiles();
    var pyramid = Tiles.pyramid(conn, 0, Tiles.PRERENDERED_MAX_ZOOM);
    long n = 0;
    try (DuckDBAppender a =
        conn.createAppender(DuckDBConnection.DEFAULT_SCHEMA, "tile_prerendered")) {
      for (Tiles.Layer layer : Tiles.LAYERS.values()) {
        if (layer.level() == null) {
          continue;
        }
        for (int[] t : pyramid) {
          if (t[0] < layer.minZoom()) {
            continue;
          }
          byte[] b = tiles.tile(conn, layer, t[0], t[1], t[2], null);
          if (b.length > 0) {
            a.beginRow();
            a.append(layer.id());
            a.append(t[0]);
            a.append(t[1]);
            a.append(t[2]);
            a.append(b);
            a.endRow();
            n++;
          }
        }
      }
    }
    return n;
  }
}
