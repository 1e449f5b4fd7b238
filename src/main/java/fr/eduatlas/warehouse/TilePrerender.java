package fr.eduatlas.warehouse;

import fr.eduatlas.tiles.Tiles;
import java.sql.SQLException;
import org.duckdb.DuckDBAppender;
import org.duckdb.DuckDBConnection;

/**
 * {@code school_point}, the schools as tiles draw them; and the low zooms of the territory layers
 * rendered at ingest into {@code tile_prerendered} (layer, z, x, y, data; empty tiles absent), so
 * that the server answers them with a lookup: they cover the most ground and cost the most to clip.
 */
final class TilePrerender {
  private final DuckDBConnection conn;

  TilePrerender(DuckDBConnection conn) {
    this.conn = conn;
  }

  /** Renders every non-empty tile of the pyramid; returns how many were stored. */
  long run() throws SQLException {
    // The schools as the tiles draw them: Web Mercator position and the bandwidth class of their
    // latest connectivity fact, computed once rather than per tile.
    Jdbc.exec(
        conn,
        """
        CREATE TABLE school_point AS
        SELECT s.uai, s.name, s.type, s.sector, s.pupils, s.location_method,
          6378137.0 * radians(s.lon) AS mx,
          6378137.0 * ln(tan(pi() / 4 + radians(s.lat) / 2)) AS my,
          CASE WHEN k.uai IS NULL OR (k.down_measured IS NULL AND k.technology <> 'aucune')
                 THEN NULL
               WHEN k.technology = 'aucune' OR k.down_measured < 2 THEN 0
               WHEN k.down_measured < 8 THEN 1 WHEN k.down_measured < 30 THEN 2
               WHEN k.down_measured < 100 THEN 3 ELSE 4 END AS bandwidth_class,
          k.year AS bandwidth_year, coalesce(k.simulated, false) AS simulated,
          k.contribution_id
        FROM school s
        LEFT JOIN (SELECT * FROM school_connectivity
                   QUALIFY row_number() OVER (PARTITION BY uai ORDER BY year DESC) = 1) k
          USING (uai)
        ORDER BY mx, my, s.uai
        """);
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
