package fr.eduatlas.tiles;

import fr.eduatlas.geo.ZoomBand;
import fr.eduatlas.indicator.Catalog;
import fr.eduatlas.territory.Level;
import fr.eduatlas.territory.Programmes;
import io.github.sebasbaumh.mapbox.vectortile.adapt.jts.MvtEncoder;
import io.github.sebasbaumh.mapbox.vectortile.adapt.jts.UserDataKeyValueMapConverter;
import io.github.sebasbaumh.mapbox.vectortile.adapt.jts.model.JtsLayer;
import io.github.sebasbaumh.mapbox.vectortile.adapt.jts.model.JtsMvt;
import io.github.sebasbaumh.mapbox.vectortile.build.MvtLayerParams;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.locationtech.jts.geom.Envelope;
import org.locationtech.jts.geom.Geometry;
import org.locationtech.jts.geom.GeometryFactory;
import org.locationtech.jts.index.strtree.STRtree;
import org.locationtech.jts.io.ParseException;
import org.locationtech.jts.io.WKBReader;

/**
 * Mapbox Vector Tiles (MVT 2.1, extent 4096) of the territory levels and the schools, from the
 * per-zoom simplified coverage of the warehouse ({@code territory_geometry_zoom}, Web Mercator).
 *
 * <p>Layer and zoom policy: régions, académies and départements from zoom 0, EPCI from zoom 6,
 * communes from zoom {@value ZoomBand#COMMUNE_MIN_ZOOM} (their simplified geometry starts there),
 * schools from zoom 8, one per 32-pixel cell below zoom 12 (the one with the most pupils, with the
 * cell's count), every school from zoom 12; up to zoom 22.
 *
 * <p>Communes carry {@code rurality} (the density grid's level, 1 dense to 7 very sparsely
 * populated rural) and {@code tne}; départements carry {@code tne} (Territoires numériques
 * éducatifs, {@link Programmes}).
 *
 * <p>An instance reads each level's zoom band from the warehouse once, on first use, and keeps it
 * in memory with an envelope index (about 1 s and 100 MB for the communes' finest band): make one
 * per served data version. Tile geometry is made by {@link TileGeometry}.
 */
public final class Tiles {
  public static final int EXTENT = 4096;

  /** Clip buffer, in tile units: strokes at tile edges do not show the cut. */
  public static final int BUFFER = 64;

  public static final int MAX_ZOOM = 22;

  /** The territory layers' tiles up to this zoom are pre-rendered at ingest. */
  public static final int PRERENDERED_MAX_ZOOM = 7;

  /** The size a school tile is kept under by thinning (measured by the tests). */
  public static final int SCHOOL_TILE_BUDGET_BYTES = 256 * 1024;

  private static final double HALF = 20037508.342789244;

  /** A layer: its warehouse level (null for schools) and first zoom. */
  public record Layer(String id, String level, int minZoom, String label) {}

  /** The layers by id, in drawing order (read-only). */
  public static final Map<String, Layer> LAYERS;

  static {
    var layers = new LinkedHashMap<String, Layer>();
    // The territory layers are the levels' collections (territory.Level), coarsest first.
    for (Level l :
        List.of(Level.REGION, Level.ACADEMIE, Level.DEPARTEMENT, Level.EPCI, Level.COMMUNE)) {
      int minZoom =
          switch (l) {
            case EPCI -> 6;
            case COMMUNE -> ZoomBand.COMMUNE_MIN_ZOOM;
            default -> 0;
          };
      layers.put(l.collection(), new Layer(l.collection(), l.id(), minZoom, l.pluralLabel()));
    }
    layers.put("schools", new Layer("schools", null, 8, "Établissements scolaires"));
    LAYERS = java.util.Collections.unmodifiableMap(layers);
  }

  private static final MvtLayerParams PARAMS = new MvtLayerParams(EXTENT);
  private final GeometryFactory gf = new GeometryFactory();
  private final Map<String, STRtree> index = new java.util.concurrent.ConcurrentHashMap<>();

  /** The Web Mercator envelope of tile z/x/y. */
  public static Envelope envelope(int z, int x, int y) {
    double size = 2 * HALF / (1 << z);
    double minx = -HALF + x * size;
    double maxy = HALF - y * size;
    return new Envelope(minx, minx + size, maxy - size, maxy);
  }

  /** One indicator's values to carry as feature properties, or none. */
  public record Values(
      Catalog.Indicator indicator,
      String period,
      Map<String, Double> byCode,
      Map<String, Boolean> simulated) {}

  /**
   * The tile's bytes, or an empty array when no feature touches it.
   *
   * @param values the indicator whose value, class and simulated flag each feature carries, or null
   */
  public byte[] tile(Connection c, Layer layer, int z, int x, int y, Values values)
      throws SQLException {
    return tile(c, layer, z, x, y, values, null);
  }

  /**
   * The tile's bytes with only the territories of {@code only} (a programme's perimeter), or every
   * one when null; an empty array when no feature touches it.
   */
  public byte[] tile(
      Connection c, Layer layer, int z, int x, int y, Values values, java.util.Set<String> only)
      throws SQLException {
    return tile(c, layer, z, x, y, values, only, null);
  }

  /**
   * The same, the schools' layer restricted to the communes of {@code perimeter} ("level:code"
   * keys, comma-separated; null: every school) before the schools are grouped.
   */
  public byte[] tile(
      Connection c,
      Layer layer,
      int z,
      int x,
      int y,
      Values values,
      java.util.Set<String> only,
      String perimeter)
      throws SQLException {
    List<Geometry> features =
        layer.level() == null && perimeter != null
            ? schools(c, z, envelope(z, x, y), padded(z, x, y), perimeter)
            : features(c, layer, z, x, y, values);
    if (only != null) {
      features.removeIf(
          g ->
              !(g.getUserData() instanceof Map<?, ?> m)
                  || !only.contains(String.valueOf(m.get("code"))));
    }
    if (features.isEmpty()) {
      return new byte[0];
    }
    return encode(List.of(new JtsLayer(layer.id(), features, EXTENT)));
  }

  /** Several layers' features in one tile (an MBTiles pyramid), each layer from its zoom. */
  public byte[] tile(Connection c, List<Layer> layers, int z, int x, int y) throws SQLException {
    var out = new ArrayList<JtsLayer>();
    for (Layer l : layers) {
      if (z >= l.minZoom()) {
        List<Geometry> f = features(c, l, z, x, y, null);
        if (!f.isEmpty()) {
          out.add(new JtsLayer(l.id(), f, EXTENT));
        }
      }
    }
    return out.isEmpty() ? new byte[0] : encode(out);
  }

  private static byte[] encode(List<JtsLayer> layers) {
    return MvtEncoder.encode(new JtsMvt(layers), PARAMS, new UserDataKeyValueMapConverter());
  }

  /** One layer's features in tile coordinates. */
  public List<Geometry> features(Connection c, Layer layer, int z, int x, int y, Values values)
      throws SQLException {
    Envelope tile = envelope(z, x, y);
    double pad = tile.getWidth() * BUFFER / EXTENT;
    Envelope clip = new Envelope(tile);
    clip.expandBy(pad);
    return layer.level() == null
        ? schools(c, z, tile, clip, null)
        : polygons(c, layer, z, tile, clip, values);
  }

  /**
   * Every tile {z, x, y} from {@code minZoom} to {@code maxZoom} that meets a région's bounding
   * box: the pyramid over France and its overseas départements.
   */
  public static List<int[]> pyramid(Connection c, int minZoom, int maxZoom) throws SQLException {
    var boxes = new ArrayList<double[]>();
    try (PreparedStatement ps =
            c.prepareStatement(
                "SELECT xmin, ymin, xmax, ymax FROM territory_geometry WHERE level = 'region'"
                    + " ORDER BY code");
        ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        boxes.add(
            new double[] {rs.getDouble(1), rs.getDouble(2), rs.getDouble(3), rs.getDouble(4)});
      }
    }
    var seen = new java.util.LinkedHashSet<Long>();
    var out = new ArrayList<int[]>();
    for (int z = minZoom; z <= maxZoom; z++) {
      for (double[] b : boxes) {
        int[] lo = TileMath.tileOf(b[0], b[3], z);
        int[] hi = TileMath.tileOf(b[2], b[1], z);
        for (int x = lo[0]; x <= hi[0]; x++) {
          for (int y = lo[1]; y <= hi[1]; y++) {
            if (seen.add(((long) z << 50) | ((long) x << 25) | y)) {
              out.add(new int[] {z, x, y});
            }
          }
        }
      }
    }
    return out;
  }

  private List<Geometry> polygons(
      Connection c, Layer layer, int z, Envelope tile, Envelope clip, Values values)
      throws SQLException {
    var out = new ArrayList<Geometry>();
    int band = Math.max(z, layer.minZoom());
    STRtree tree = shapes(c, layer.level(), band);
    @SuppressWarnings("unchecked")
    List<Shape> hits =
        tree == null ? window(c, layer.level(), band, clip) : new ArrayList<>(tree.query(clip));
    hits.sort(java.util.Comparator.comparing(Shape::code));
    for (Shape s : hits) {
      if (!s.envelope().intersects(clip)) {
        continue;
      }
      Geometry t = TileGeometry.toTile(s.geometry(), s.envelope(), tile, clip, gf);
      if (t == null) {
        continue;
      }
      var props = new LinkedHashMap<String, Object>();
      props.put("code", s.code());
      props.put("name", s.name());
      if (s.rurality() != null) {
        props.put("rurality", s.rurality());
      }
      if (s.tne() != null) {
        props.put("tne", s.tne());
      }
      if (values != null) {
        Double v = values.byCode().get(s.code());
        if (v != null) {
          props.put("value", v);
          props.put("class", classOf(values.indicator(), v));
        }
        props.put("simulated", values.simulated().getOrDefault(s.code(), false));
      }
      t.setUserData(props);
      out.add(t);
    }
    return out;
  }

  /** A territory's geometry in one zoom band (Web Mercator), as the tiles read it. */
  record Shape(
      String code,
      String name,
      Geometry geometry,
      Envelope envelope,
      Integer rurality,
      Boolean tne) {}

  /**
   * The territories of a level in the zoom band of zoom z, indexed by envelope: read once from the
   * warehouse (this object lives as long as one data version is served), then shared by every tile
   * of the band. Null while another thread is loading the band ({@link #warm}): the caller then
   * reads the tile's window alone ({@link #window}) rather than wait.
   */
  STRtree shapes(Connection c, String level, int z) throws SQLException {
    String key = level + " " + ZoomBand.forZoom(z).id();
    STRtree tree = index.get(key);
    if (tree != null || loading.contains(key)) {
      return tree;
    }
    synchronized (index) {
      tree = index.get(key);
      if (tree == null && !loading.contains(key)) {
        tree = load(c, level, ZoomBand.forZoom(z));
        index.put(key, tree);
      }
      return tree;
    }
  }

  /** Bands being loaded by {@link #warm}, by key. */
  private final java.util.Set<String> loading = java.util.concurrent.ConcurrentHashMap.newKeySet();

  /**
   * Reads a level's band into memory now rather than on its first tile; tiles asked for meanwhile
   * read their own window from the warehouse (a few milliseconds) instead of waiting.
   */
  public void warm(Connection c, String level, int z) throws SQLException {
    String key = level + " " + ZoomBand.forZoom(z).id();
    synchronized (index) {
      if (index.containsKey(key) || !loading.add(key)) {
        return;
      }
    }
    try {
      STRtree tree = load(c, level, ZoomBand.forZoom(z));
      index.put(key, tree);
    } finally {
      loading.remove(key);
    }
  }

  /** For tests: marks a band as being loaded by another thread. */
  void markLoadingForTest(String level, int z) {
    loading.add(level + " " + ZoomBand.forZoom(z).id());
  }

  /** For tests: how many bands are in memory. */
  int loadedBandsForTest() {
    return index.size();
  }

  private STRtree load(Connection c, String level, ZoomBand band) throws SQLException {
    var tree = new STRtree();
    read(c, level, band, null, s -> tree.insert(s.envelope(), s));
    tree.build();
    return tree;
  }

  /** The band's territories whose envelope meets {@code clip}, read from the warehouse. */
  private List<Shape> window(Connection c, String level, int z, Envelope clip) throws SQLException {
    var out = new ArrayList<Shape>();
    read(c, level, ZoomBand.forZoom(z), clip, out::add);
    return out;
  }

  /**
   * Each territory of a level's band (with its name, density level and TNE flag), or only those
   * whose stored envelope meets {@code within} (widened by a metre) when it is not null.
   */
  private void read(
      Connection c,
      String level,
      ZoomBand band,
      Envelope within,
      java.util.function.Consumer<Shape> sink)
      throws SQLException {
    String box =
        within == null
            ? " AND ? IS NULL AND ? IS NULL AND ? IS NULL AND ? IS NULL"
            : " AND g.xmax >= ? AND g.xmin <= ? AND g.ymax >= ? AND g.ymin <= ?";
    try (PreparedStatement ps =
        c.prepareStatement(
            level.equals("commune")
                // Communes with their latest density level and their département (for tne).
                ? "WITH a AS (SELECT c.code, c.departement_code, d.density_level FROM commune c"
                    + " LEFT JOIN (SELECT commune_code, arg_max(density_level, year) AS"
                    + " density_level FROM commune_density GROUP BY commune_code) d ON"
                    + " d.commune_code = c.code) SELECT g.code, t.name, ST_AsWKB(g.geom_3857),"
                    + " a.density_level, a.departement_code FROM territory_geometry_zoom g JOIN"
                    + " territory t ON t.level = g.level AND t.code = g.code LEFT JOIN a ON a.code"
                    + " = g.code WHERE g.level = ? AND g.min_zoom = ?"
                    + box
                    + " ORDER BY g.code"
                : "SELECT g.code, t.name, ST_AsWKB(g.geom_3857), NULL, NULL FROM"
                    + " territory_geometry_zoom g JOIN territory t ON t.level = g.level AND t.code"
                    + " = g.code WHERE g.level = ? AND g.min_zoom = ?"
                    + box
                    + " ORDER BY g.code")) {
      ps.setString(1, level);
      ps.setInt(2, band.minZoom());
      if (within == null) {
        for (int k = 3; k <= 6; k++) {
          ps.setObject(k, null);
        }
      } else {
        ps.setDouble(3, within.getMinX() - 1);
        ps.setDouble(4, within.getMaxX() + 1);
        ps.setDouble(5, within.getMinY() - 1);
        ps.setDouble(6, within.getMaxY() + 1);
      }
      // Packed coordinates: one array per ring rather than an object per vertex, which keeps the
      // index small and cheap for the garbage collector to trace.
      WKBReader wkb =
          new WKBReader(
              new GeometryFactory(
                  new org.locationtech.jts.geom.PrecisionModel(),
                  0,
                  org.locationtech.jts.geom.impl.PackedCoordinateSequenceFactory.DOUBLE_FACTORY));
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          Geometry g = read(wkb, rs.getBytes(3));
          String code = rs.getString(1);
          Object density = rs.getObject(4);
          Boolean tne =
              switch (level) {
                case "commune" -> Programmes.isTne(rs.getString(5));
                case "departement" -> Programmes.isTne(code);
                default -> null;
              };
          sink.accept(
              new Shape(
                  code,
                  rs.getString(2),
                  g,
                  g.getEnvelopeInternal(),
                  density == null ? null : ((Number) density).intValue(),
                  tne));
        }
      }
    }
  }

  /** 0 below the first threshold, then one more per threshold passed. */
  static int classOf(Catalog.Indicator i, double v) {
    int k = 0;
    for (double t : i.classes()) {
      if (v >= t) {
        k++;
      }
    }
    return k;
  }

  /** The tile's envelope with its buffer. */
  private static Envelope padded(int z, int x, int y) {
    Envelope tile = envelope(z, x, y);
    Envelope clip = new Envelope(tile);
    clip.expandBy(tile.getWidth() * BUFFER / EXTENT);
    return clip;
  }

  private List<Geometry> schools(
      Connection c, int z, Envelope tile, Envelope clip, String perimeter) throws SQLException {
    var out = new ArrayList<Geometry>();
    // Below zoom 12, one school per 32-pixel cell: the worst connected (the lowest bandwidth class;
    // unmeasured last), then the one with the most pupils: a group shows what officers look for.
    double cell = z >= 12 ? 0 : tile.getWidth() / 256 * 32;
    String sql =
        "WITH b AS (SELECT * FROM school_point WHERE mx BETWEEN ? AND ? AND my BETWEEN ? AND ?"
            + (perimeter == null
                ? ""
                : " AND uai IN (SELECT s.uai FROM school s JOIN territory_commune t ON"
                    + " t.commune_code = s.commune_code WHERE list_contains(string_split(?, ','),"
                    + " t.level || ':' || t.code))")
            + ") "
            + (cell == 0
                ? "SELECT *, 1 AS n FROM b ORDER BY uai"
                : "SELECT * EXCLUDE (rk) FROM (SELECT *, count(*) OVER w AS n, row_number() OVER"
                    + " (w ORDER BY bandwidth_class ASC NULLS LAST, pupils DESC NULLS LAST, uai) AS rk FROM b"
                    + " WINDOW w AS"
                    + " (PARTITION BY floor(mx / ?), floor(my / ?))) WHERE rk = 1 ORDER BY uai");
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setDouble(1, clip.getMinX());
      ps.setDouble(2, clip.getMaxX());
      ps.setDouble(3, clip.getMinY());
      ps.setDouble(4, clip.getMaxY());
      int k = 5;
      if (perimeter != null) {
        ps.setString(k++, perimeter);
      }
      if (cell > 0) {
        ps.setDouble(k++, cell);
        ps.setDouble(k, cell);
      }
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          Geometry p =
              gf.createPoint(
                  new org.locationtech.jts.geom.Coordinate(rs.getDouble("mx"), rs.getDouble("my")));
          Geometry t = TileGeometry.toTile(p, p.getEnvelopeInternal(), tile, clip, gf);
          if (t == null) {
            continue;
          }
          var props = new LinkedHashMap<String, Object>();
          props.put("uai", rs.getString("uai"));
          props.put("name", rs.getString("name"));
          props.put("type", rs.getString("type"));
          props.put("sector", rs.getString("sector"));
          Object bc = rs.getObject("bandwidth_class");
          if (bc != null) {
            props.put("bandwidth_class", ((Number) bc).intValue());
          }
          props.put("location", rs.getString("location_method"));
          props.put("simulated", rs.getBoolean("simulated"));
          long n = rs.getLong("n");
          if (n > 1) {
            props.put("cluster_count", n);
          }
          t.setUserData(props);
          out.add(t);
        }
      }
    }
    return out;
  }

  private static Geometry read(WKBReader wkb, byte[] bytes) throws SQLException {
    try {
      return wkb.read(bytes);
    } catch (ParseException e) {
      throw new SQLException("unreadable geometry", e);
    }
  }

  /** An indicator's values at a level and period, for the tiles of that level. */
  public static Values values(Connection c, Catalog.Indicator i, String level, String period)
      throws SQLException {
    var byCode = new HashMap<String, Double>();
    var sim = new HashMap<String, Boolean>();
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT code, value, simulated FROM indicator_value_by_indicator WHERE indicator_id ="
                + " ? AND level = ? AND period = ?")) {
      ps.setString(1, i.id());
      ps.setString(2, level);
      ps.setString(3, period);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          Object v = rs.getObject(2);
          if (v != null) {
            byCode.put(rs.getString(1), ((Number) v).doubleValue());
          }
          sim.put(rs.getString(1), rs.getBoolean(3));
        }
      }
    }
    return new Values(i, period, byCode, sim);
  }

  /**
   * The tile as the ingest pre-rendered it (an empty array for an empty tile), or null when the
   * layer or zoom is not pre-rendered.
   */
  public static byte[] prerendered(Connection c, Layer layer, int z, int x, int y)
      throws SQLException {
    if (layer.level() == null || z > PRERENDERED_MAX_ZOOM) {
      return null;
    }
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT data FROM tile_prerendered WHERE layer = ? AND z = ? AND x = ? AND y = ?")) {
      ps.setString(1, layer.id());
      ps.setInt(2, z);
      ps.setInt(3, x);
      ps.setInt(4, y);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? rs.getBytes(1) : new byte[0];
      }
    }
  }
}
