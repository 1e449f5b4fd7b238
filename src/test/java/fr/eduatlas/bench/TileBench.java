package fr.eduatlas.bench;

import fr.eduatlas.tiles.TileMath;
import fr.eduatlas.tiles.Tiles;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;

/**
 * The tile benchmark's generator side (run by {@code bench/tiles.sh}; method in
 * docs/BENCHMARKS.md). Writes the benchmark's tile list and times the cold generation of each tile
 * in process: no HTTP, no response cache, the in-memory geometry index built beforehand (its build
 * time reported apart).
 *
 * <p>Usage: {@code java -cp eduatlas.jar fr.eduatlas.bench.TileBench WAREHOUSE OUTDIR}. Writes
 * {@code tiles.txt} (group z x y), {@code eduatlas.csv} (group, z, x, y, layer, ms, bytes) and
 * {@code communes.tsv}: the communes' stored geometry of the zoom bands the list uses (band's first
 * zoom, code, name, hex WKB in Web Mercator), for PostGIS to be measured on the same input.
 */
public final class TileBench {
  private TileBench() {}

  /** One group of the tile list: a zoom over a WGS84 box. */
  record Group(String name, int z, double west, double south, double east, double north) {}

  /** Metropolitan France as the issue bounds it. */
  static final double[] METROPOLE = {-5.5, 41, 10, 51.5};

  /** The benchmark's tile list: z6, z8, z10 over metropolitan France; z12 over 02 and 95. */
  public static Map<String, List<int[]>> tileList(Connection c) throws SQLException {
    var groups = new ArrayList<Group>();
    for (int z : new int[] {6, 8, 10}) {
      groups.add(new Group("z" + z, z, METROPOLE[0], METROPOLE[1], METROPOLE[2], METROPOLE[3]));
    }
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT code, xmin, ymin, xmax, ymax FROM territory_geometry WHERE level ="
                + " 'departement' AND code IN ('02', '95') ORDER BY code")) {
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          groups.add(
              new Group(
                  "z12-" + rs.getString(1),
                  12,
                  rs.getDouble(2),
                  rs.getDouble(3),
                  rs.getDouble(4),
                  rs.getDouble(5)));
        }
      }
    }
    var out = new LinkedHashMap<String, List<int[]>>();
    for (Group g : groups) {
      int[] lo = TileMath.tileOf(g.west(), g.north(), g.z());
      int[] hi = TileMath.tileOf(g.east(), g.south(), g.z());
      var list = new ArrayList<int[]>();
      for (int x = lo[0]; x <= hi[0]; x++) {
        for (int y = lo[1]; y <= hi[1]; y++) {
          list.add(new int[] {g.z(), x, y});
        }
      }
      out.put(g.name(), list);
    }
    return out;
  }

  public static void main(String[] args) throws Exception {
    if (args.length != 2) {
      System.err.println("usage: TileBench WAREHOUSE OUTDIR");
      System.exit(2);
    }
    Path out = Path.of(args[1]);
    Files.createDirectories(out);
    var p = new Properties();
    p.setProperty("duckdb.read_only", "true");
    try (Connection c = DriverManager.getConnection("jdbc:duckdb:" + args[0], p)) {
      Map<String, List<int[]>> list = tileList(c);
      try (PrintWriter w = new PrintWriter(Files.newBufferedWriter(out.resolve("tiles.txt")))) {
        list.forEach(
            (g, ts) -> ts.forEach(t -> w.println(g + " " + t[0] + " " + t[1] + " " + t[2])));
      }
      try (var st = c.createStatement()) {
        // The stored bands the tiles of the list read: zooms 8-9 (also for zoom 6: communes have no
        // coarser geometry), 10-11 and the full geometry from 12.
        st.execute(
            "COPY (SELECT g.min_zoom, g.code, t.name, hex(ST_AsWKB(g.geom_3857)) FROM"
                + " territory_geometry_zoom g JOIN territory t USING (level, code) WHERE g.level ="
                + " 'commune' AND g.min_zoom IN (8, 10, 12) ORDER BY g.min_zoom, g.code)"
                + " TO '"
                + out.resolve("communes.tsv").toString().replace("'", "''")
                + "' (FORMAT csv, DELIMITER '\\t', HEADER false)");
      }
      run(c, list, out);
    }
  }

  /**
   * The communes layer at every zoom of the list (as PostGIS is measured), and the schools at z12.
   */
  private static void run(Connection c, Map<String, List<int[]>> list, Path out)
      throws SQLException, IOException {
    // The communes layer is served from zoom 8; at zoom 6 it is measured all the same (from the
    // coarsest stored commune geometry, that of zooms 8-9) to compare with PostGIS.
    Tiles.Layer communes = Tiles.LAYERS.get("communes");
    Tiles tiles = new Tiles();
    long t0 = System.nanoTime();
    for (int z : new int[] {8, 10, 12}) {
      tiles.warm(c, "commune", z);
    }
    System.err.printf(
        Locale.ROOT,
        "geometry index (communes, 3 bands): %.0f ms%n",
        (System.nanoTime() - t0) / 1e6);
    // Pass 1 warms the JIT; passes 2 to 4 are measured and each tile's median kept. No pass is
    // cached: every call generates the tile.
    var jobs = new ArrayList<Object[]>();
    for (var e : list.entrySet()) {
      var layers = new ArrayList<Tiles.Layer>(List.of(communes));
      if (e.getKey().startsWith("z12")) {
        layers.add(Tiles.LAYERS.get("schools"));
      }
      for (Tiles.Layer layer : layers) {
        for (int[] t : e.getValue()) {
          jobs.add(new Object[] {e.getKey(), layer, t});
        }
      }
    }
    double[][] ms = new double[jobs.size()][3];
    int[] bytes = new int[jobs.size()];
    for (int pass = 0; pass < 4; pass++) {
      for (int j = 0; j < jobs.size(); j++) {
        Tiles.Layer layer = (Tiles.Layer) jobs.get(j)[1];
        int[] t = (int[]) jobs.get(j)[2];
        long s = System.nanoTime();
        byte[] b = tiles.tile(c, layer, t[0], t[1], t[2], null);
        double d = (System.nanoTime() - s) / 1e6;
        if (pass > 0) {
          ms[j][pass - 1] = d;
        }
        bytes[j] = b.length;
      }
    }
    try (PrintWriter w = new PrintWriter(Files.newBufferedWriter(out.resolve("eduatlas.csv")))) {
      w.println("group,z,x,y,layer,ms,bytes");
      for (int j = 0; j < jobs.size(); j++) {
        int[] t = (int[]) jobs.get(j)[2];
        Arrays.sort(ms[j]);
        w.printf(
            Locale.ROOT,
            "%s,%d,%d,%d,%s,%.4f,%d%n",
            jobs.get(j)[0],
            t[0],
            t[1],
            t[2],
            ((Tiles.Layer) jobs.get(j)[1]).id(),
            ms[j][1],
            bytes[j]);
      }
    }
  }
}
