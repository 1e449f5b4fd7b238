package fr.eduatlas.warehouse;

import fr.eduatlas.geo.Crs;
import fr.eduatlas.geo.Dissolve;
import fr.eduatlas.geo.ZoomBand;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.duckdb.DuckDBAppender;
import org.duckdb.DuckDBConnection;
import org.locationtech.jts.algorithm.construct.MaximumInscribedCircle;
import org.locationtech.jts.coverage.CoverageSimplifier;
import org.locationtech.jts.geom.Envelope;
import org.locationtech.jts.geom.Geometry;
import org.locationtech.jts.geom.GeometryFactory;
import org.locationtech.jts.geom.Point;
import org.locationtech.jts.geom.util.GeometryFixer;
import org.locationtech.jts.io.ParseException;
import org.locationtech.jts.io.WKBReader;
import org.locationtech.jts.io.WKBWriter;

/**
 * The boundaries stage: COG 2026 geometry for every territory level, from IGN's 2018 commune
 * polygons.
 *
 * <ol>
 *   <li>Harmonise: a current commune's geometry is the union of the 2018 polygons whose codes map
 *       to it (its own, its delegated and associated communes', its former codes'), the mapping
 *       being the remap stage's ({@code src_ign_communes._commune}).
 *   <li>Dissolve upwards, each level from the one below: EPCI and départements from communes,
 *       académies from départements, régions from académies, France from régions. Coverage unions
 *       keep every vertex, so levels nest exactly.
 *   <li>Measure: areas in each territory's official projection ({@link Crs#projectedFor}); a label
 *       point inside each polygon (centre of its largest inscribed circle).
 *   <li>Simplify per zoom band ({@link ZoomBand}): the communes, as one coverage, progressively
 *       from the finest band to the coarsest, then every level dissolved from the simplified
 *       communes, so that shared borders stay shared and levels still nest at every zoom.
 *   <li>Cross-check the dissolved départements, régions and académies against the official files:
 *       area difference per territory in {@code boundary_crosscheck}.
 * </ol>
 *
 * <p>Tables written: {@code territory_geometry} (WGS84 geometry, area, label point, bbox), {@code
 * territory_geometry_zoom} (Web Mercator per zoom band, the {@code full} band unsimplified, with
 * bbox and vertex count), {@code boundary_crosscheck}. Rows are appended in a deterministic order
 * (level, then code), so the tables need no sort.
 */
public final class BoundaryBuilder {
  /** Levels in dissolving order, each with the level it is dissolved from. */
  static final List<String[]> LEVELS =
      List.of(
          new String[] {"epci", "commune"},
          new String[] {"departement", "commune"},
          new String[] {"academie", "departement"},
          new String[] {"region", "academie"},
          new String[] {"france", "region"});

  private final Connection conn;
  private final GeometryFactory gf = new GeometryFactory();

  BoundaryBuilder(Connection conn) {
    this.conn = conn;
  }

  /** What the stage did, for the report's checks. */
  public record Summary(
      int communesWithGeometry,
      int communesWithoutGeometry,
      int simplifiedRepaired,
      List<CrossCheck> crossCheck) {}

  /** An official territory against the one dissolved from the communes (areas in km²). */
  public record CrossCheck(
      String level, String code, double officialKm2, Double dissolvedKm2, Double differencePct) {}

  private Map<String, Map<String, String>> parentOf;
  private final Map<String, Map<String, Geometry>> full = new LinkedHashMap<>();
  private final Map<String, Map<String, Geometry>> mercator = new LinkedHashMap<>();
  private final Map<String, Map<String, Double>> area = new HashMap<>();
  private Map<String, Map<String, Geometry>> labelSource;
  private int simplifiedRepaired;

  /** Step 1: the current communes' geometry, from the 2018 polygons mapped onto them. */
  public void harmonise() throws SQLException {
    Map<String, List<Geometry>> parts = readCommuneParts();
    Map<String, Geometry> communes = new TreeMap<>();
    parts.entrySet().parallelStream()
        .map(e -> Map.entry(e.getKey(), Dissolve.union(e.getValue(), gf)))
        .toList()
        .forEach(e -> communes.put(e.getKey(), e.getValue()));
    full.put("commune", communes);
  }

  /** Step 2: every level above the commune, each dissolved from the level below. */
  public void dissolve() throws SQLException {
    parentOf = hierarchy();
    for (String[] lv : LEVELS) {
      full.put(lv[0], Dissolve.byGroup(full.get(lv[1]), parentOf.get(lv[0]), gf));
    }
  }

  /**
   * Step 3: areas, each commune's on the WGS84 ellipsoid (geodesic) and a higher level as the sum
   * of its communes (exact on a coverage, whichever way it is added up); Web Mercator copies.
   */
  public void project() {
    Map<String, Double> communeArea = new ConcurrentHashMap<>();
    full.get("commune").entrySet().parallelStream()
        .forEach(
            e -> {
              // On the ellipsoid: a conformal projection's planar area is off by up to 0.6 %.
              communeArea.put(e.getKey(), fr.eduatlas.geo.GeodesicArea.km2(e.getValue()));
            });
    area.put("commune", communeArea);
    for (String[] lv : LEVELS) {
      Map<String, Double> below = area.get(lv[1]);
      Map<String, Double> sums = new TreeMap<>();
      parentOf
          .get(lv[0])
          .forEach(
              (child, parent) -> {
                Double a = below.get(child);
                if (a != null) {
                  sums.merge(parent, a, Double::sum);
                }
              });
      area.put(lv[0], sums);
    }
    full.forEach((level, geoms) -> mercator.put(level, toMercator(geoms)));
  }

  /** Step 4: the zoom bands, written to {@code territory_geometry_zoom}. */
  public void simplify() throws SQLException {
    simplifiedRepaired = writeBands();
  }

  /** Step 5: label points, and {@code territory_geometry}. */
  public void measure() throws SQLException {
    writeFull();
  }

  /** Step 6: the cross-check against the official files; returns what the stage did. */
  public Summary crossCheck() throws SQLException {
    List<CrossCheck> checks = writeCrossCheck();
    long cogCommunes = scalar("SELECT count(*) FROM commune WHERE zone <> 'com'");
    int n = full.get("commune").size();
    return new Summary(n, (int) (cogCommunes - n), simplifiedRepaired, checks);
  }

  private Map<String, List<Geometry>> readCommuneParts() throws SQLException {
    Map<String, List<Geometry>> parts = new TreeMap<>();
    var reader = new WKBReader(gf);
    try (Statement st = conn.createStatement();
        ResultSet rs =
            st.executeQuery("SELECT _commune, wkb FROM src_ign_communes ORDER BY _commune, code")) {
      while (rs.next()) {
        parts
            .computeIfAbsent(rs.getString(1), k -> new ArrayList<>())
            .add(read(reader, rs.getBytes(2)));
      }
    }
    return parts;
  }

  /** For each level above the commune, child code to parent code. */
  private Map<String, Map<String, String>> hierarchy() throws SQLException {
    Map<String, Map<String, String>> out = new HashMap<>();
    out.put(
        "epci",
        pairs("SELECT code, epci_code FROM commune WHERE epci_code IS NOT NULL ORDER BY code"));
    out.put(
        "departement",
        pairs(
            "SELECT code, departement_code FROM commune WHERE departement_code IS NOT NULL"
                + " ORDER BY code"));
    out.put(
        "academie",
        pairs(
            "SELECT code, academie_code FROM departement WHERE academie_code IS NOT NULL"
                + " ORDER BY code"));
    out.put("region", pairs("SELECT code, region_code FROM academie ORDER BY code"));
    out.put("france", pairs("SELECT code, 'FR' FROM region ORDER BY code"));
    return out;
  }

  private Map<String, Geometry> toMercator(Map<String, Geometry> geoms) {
    Map<String, Geometry> out = new ConcurrentHashMap<>();
    geoms.entrySet().parallelStream()
        .forEach(
            e -> out.put(e.getKey(), Crs.transform(e.getValue(), Crs.WGS84, Crs.WEB_MERCATOR)));
    return new TreeMap<>(out);
  }

  private void writeFull() throws SQLException {
    exec(
        "CREATE TABLE geometry_load (level VARCHAR, code VARCHAR, area_km2 DOUBLE,"
            + " label_lon DOUBLE, label_lat DOUBLE, xmin DOUBLE, ymin DOUBLE, xmax DOUBLE,"
            + " ymax DOUBLE, wkb BLOB)");
    record Row(String level, String code, double[] label, Envelope env, byte[] wkb) {}
    List<Row> rows = new ArrayList<>();
    for (var lv : full.entrySet()) {
      String level = lv.getKey();
      lv.getValue().entrySet().parallelStream()
          .map(
              e -> {
                Geometry m = mercator.get(level).get(e.getKey());
                Point label = labelPoint(m, labelSource.get(level).get(e.getKey()));
                Geometry labelWgs = Crs.transform(label, Crs.WEB_MERCATOR, Crs.WGS84);
                return new Row(
                    level,
                    e.getKey(),
                    new double[] {labelWgs.getCoordinate().x, labelWgs.getCoordinate().y},
                    e.getValue().getEnvelopeInternal(),
                    new WKBWriter(2).write(e.getValue()));
              })
          .toList()
          .forEach(rows::add);
    }
    try (DuckDBAppender a =
        ((DuckDBConnection) conn)
            .createAppender(DuckDBConnection.DEFAULT_SCHEMA, "geometry_load")) {
      for (Row r : rows) {
        a.beginRow();
        a.append(r.level());
        a.append(r.code());
        Double km2 = area.get(r.level()).get(r.code());
        if (km2 == null) {
          a.appendNull();
        } else {
          a.append(round(km2));
        }
        a.append(r.label()[0]);
        a.append(r.label()[1]);
        a.append(r.env().getMinX());
        a.append(r.env().getMinY());
        a.append(r.env().getMaxX());
        a.append(r.env().getMaxY());
        a.append(r.wkb());
        a.endRow();
      }
    }
    exec(
        "CREATE TABLE territory_geometry AS SELECT level, code, area_km2, label_lon, label_lat,"
            + " xmin, ymin, xmax, ymax, ST_GeomFromWKB(wkb) AS geom FROM geometry_load");
    exec("DROP TABLE geometry_load");
  }

  /**
   * A point inside the polygon for its label: the centre of the largest circle inside its largest
   * part (France's label is on the mainland, an island commune's on its main island), to within
   * about 5 % of that part's size, found on the band geometry simplified for zoom 10-11 (fast, and
   * the centre lies far from the edges that simplification moves), and checked to lie inside the
   * full geometry; else JTS's interior point of the full geometry.
   */
  private static Point labelPoint(Geometry full, Geometry simplified) {
    Geometry base = largestPart(simplified == null || simplified.isEmpty() ? full : simplified);
    double size = Math.sqrt(Math.max(base.getArea(), 1));
    Point p = MaximumInscribedCircle.getCenter(base, Math.max(5, size / 20));
    if (!full.contains(p)) {
      return full.getInteriorPoint();
    }
    return p;
  }

  private static Geometry largestPart(Geometry g) {
    Geometry best = g.getGeometryN(0);
    for (int i = 1; i < g.getNumGeometries(); i++) {
      if (g.getGeometryN(i).getArea() > best.getArea()) {
        best = g.getGeometryN(i);
      }
    }
    return best;
  }

  /**
   * Writes the full band (the Web Mercator geometry of every level), then the simplified bands,
   * finest first, each from the previous band's result. Where a band has communes ({@link
   * ZoomBand#hasCommunes()}), the commune coverage is simplified and every level dissolved from it,
   * so levels nest exactly; in the coarser bands, each level's own coverage is simplified from its
   * previous band. Either way neighbours of a level keep shared borders. Keeps the finest
   * simplified band for label points.
   *
   * @return how many simplified geometries had to be repaired
   */
  private int writeBands() throws SQLException {
    exec(
        "CREATE TABLE zoom_load (level VARCHAR, code VARCHAR, band VARCHAR,"
            + " min_zoom INTEGER, max_zoom INTEGER, xmin DOUBLE, ymin DOUBLE, xmax DOUBLE,"
            + " ymax DOUBLE, vertices INTEGER, wkb BLOB)");
    var repaired = new AtomicInteger();
    Map<String, Map<String, Geometry>> previous = mercator;
    try (DuckDBAppender a =
        ((DuckDBConnection) conn).createAppender(DuckDBConnection.DEFAULT_SCHEMA, "zoom_load")) {
      appendBand(a, ZoomBand.FULL, mercator);
      for (ZoomBand band : ZoomBand.simplifiedFinestFirst()) {
        Map<String, Map<String, Geometry>> levels = new LinkedHashMap<>();
        if (band.hasCommunes()) {
          levels.put("commune", simplifyCoverage(previous.get("commune"), band, repaired));
          for (String[] lv : LEVELS) {
            levels.put(lv[0], Dissolve.byGroup(levels.get(lv[1]), parentOf.get(lv[0]), gf, false));
          }
        } else {
          for (String[] lv : LEVELS) {
            levels.put(lv[0], simplifyCoverage(previous.get(lv[0]), band, repaired));
          }
        }
        if (labelSource == null) {
          labelSource = levels;
        }
        appendBand(a, band, levels);
        previous = levels;
      }
    }
    exec(
        "CREATE TABLE territory_geometry_zoom AS SELECT level, code, band, min_zoom, max_zoom,"
            + " xmin, ymin, xmax, ymax, vertices, ST_GeomFromWKB(wkb) AS geom_3857"
            + " FROM zoom_load");
    exec("DROP TABLE zoom_load");
    return repaired.get();
  }

  /**
   * One level's coverage simplified for a band, each result valid (repaired and counted if not).
   */
  private static Map<String, Geometry> simplifyCoverage(
      Map<String, Geometry> coverage, ZoomBand band, AtomicInteger repaired) {
    List<String> codes = new ArrayList<>(coverage.keySet());
    Geometry[] in = codes.stream().map(coverage::get).toArray(Geometry[]::new);
    Geometry[] out = CoverageSimplifier.simplify(in, band.toleranceMetres());
    IntStream.range(0, out.length)
        .parallel()
        .filter(i -> !out[i].isValid())
        .forEach(
            i -> {
              out[i] = GeometryFixer.fix(out[i]);
              repaired.incrementAndGet();
            });
    Map<String, Geometry> result = new TreeMap<>();
    for (int i = 0; i < out.length; i++) {
      result.put(codes.get(i), out[i]);
    }
    return result;
  }

  private static void appendBand(
      DuckDBAppender a, ZoomBand band, Map<String, Map<String, Geometry>> levels)
      throws SQLException {
    var writer = new WKBWriter(2);
    for (var lv : levels.entrySet()) {
      for (var e : lv.getValue().entrySet()) {
        Geometry g = e.getValue();
        Envelope env = g.getEnvelopeInternal();
        a.beginRow();
        a.append(lv.getKey());
        a.append(e.getKey());
        a.append(band.id());
        a.append(band.minZoom());
        a.append(band.maxZoom());
        a.append(env.getMinX());
        a.append(env.getMinY());
        a.append(env.getMaxX());
        a.append(env.getMaxY());
        a.append(g.getNumPoints());
        a.append(writer.write(g));
        a.endRow();
      }
    }
  }

  /**
   * Official départements, régions and académies against the dissolved ones: areas in the
   * territory's official projection, and the relative difference.
   */
  private List<CrossCheck> writeCrossCheck() throws SQLException {
    exec(
        "CREATE TABLE boundary_crosscheck (level VARCHAR, code VARCHAR, official_km2 DOUBLE,"
            + " dissolved_km2 DOUBLE, difference_pct DOUBLE)");
    var reader = new WKBReader(gf);
    List<Object[]> rows = new ArrayList<>();
    for (String[] src :
        new String[][] {
          {"departement", "SELECT code, wkb FROM src_ign_departements"},
          {"region", "SELECT code, wkb FROM src_ign_regions"},
          {"academie", "SELECT code, wkb FROM src_academies WHERE wkb IS NOT NULL"}
        }) {
      String level = src[0];
      Map<String, Double> dissolved = new HashMap<>();
      try (var ps =
          conn.prepareStatement("SELECT code, area_km2 FROM territory_geometry WHERE level = ?")) {
        ps.setString(1, level);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            dissolved.put(rs.getString(1), rs.getDouble(2));
          }
        }
      }
      try (Statement st = conn.createStatement();
          ResultSet rs = st.executeQuery(src[1] + " ORDER BY code")) {
        while (rs.next()) {
          String code = rs.getString(1);
          Geometry g = read(reader, rs.getBytes(2));
          double official = fr.eduatlas.geo.GeodesicArea.km2(g);
          Double ours = dissolved.get(code);
          rows.add(
              new Object[] {
                level,
                code,
                round(official),
                ours == null ? null : round(ours),
                ours == null ? null : Math.round((ours - official) / official * 1e6) / 1e4
              });
        }
      }
    }
    try (var ps = conn.prepareStatement("INSERT INTO boundary_crosscheck VALUES (?, ?, ?, ?, ?)")) {
      for (Object[] r : rows) {
        for (int i = 0; i < r.length; i++) {
          ps.setObject(i + 1, r[i]);
        }
        ps.addBatch();
      }
      ps.executeBatch();
    }
    return rows.stream()
        .map(
            r ->
                new CrossCheck(
                    (String) r[0], (String) r[1], (Double) r[2], (Double) r[3], (Double) r[4]))
        .toList();
  }

  private static double round(double km2) {
    return Math.round(km2 * 1e4) / 1e4;
  }

  private Geometry read(WKBReader reader, byte[] wkb) {
    try {
      return reader.read(wkb);
    } catch (ParseException e) {
      throw new WarehouseException("unreadable WKB in the staged boundaries", e);
    }
  }

  private Map<String, String> pairs(String sql) throws SQLException {
    Map<String, String> out = new LinkedHashMap<>();
    try (Statement st = conn.createStatement();
        ResultSet rs = st.executeQuery(sql)) {
      while (rs.next()) {
        out.put(rs.getString(1), rs.getString(2));
      }
    }
    return out;
  }

  private long scalar(String sql) throws SQLException {
    try (Statement st = conn.createStatement();
        ResultSet rs = st.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  private void exec(String sql) throws SQLException {
    Jdbc.exec(conn, sql);
  }
}
