package fr.eduatlas.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.Javalin;
import io.javalin.http.Context;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * OGC API – Features – Part 1 (Core, GeoJSON, OpenAPI 3.0) under {@code /ogc}: one collection per
 * territory level and one for the schools, in CRS84.
 *
 * <p>{@code datetime} is checked for its syntax (RFC 3339 instant or interval, open ends {@code
 * ..}) and otherwise selects everything: the features have no temporal geometry, the standard
 * leaves them to the server, and each holds for the whole data vintage. Limits above 1,000 are
 * brought down to it, as the standard requires (no error).
 */
final class OgcRoutes {
  static final String CRS84 = "http://www.opengis.net/def/crs/OGC/1.3/CRS84";
  static final List<String> CONFORMANCE =
      List.of(
          "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core",
          "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson",
          "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/oas30");
  private static final String JSON = "application/json";
  private static final String GEOJSON = "application/geo+json";
  private static final Set<String> ITEMS_PARAMS = Set.of("limit", "offset", "bbox", "datetime");
  private static final int DEFAULT_LIMIT = 10;

  record Collection(String id, String title, String description) {}

  static final Map<String, Collection> COLLECTIONS = new LinkedHashMap<>();

  static {
    COLLECTIONS.put(
        "communes", new Collection("communes", "Communes", "Communes au COG 2026, contours IGN."));
    COLLECTIONS.put(
        "epci",
        new Collection(
            "epci",
            "Intercommunalités (EPCI)",
            "EPCI à fiscalité propre, reconstitués des communes."));
    COLLECTIONS.put(
        "departements",
        new Collection("departements", "Départements", "Départements, reconstitués des communes."));
    COLLECTIONS.put(
        "academies",
        new Collection("academies", "Académies", "Académies, reconstituées des communes."));
    COLLECTIONS.put(
        "regions", new Collection("regions", "Régions", "Régions, reconstituées des communes."));
    COLLECTIONS.put(
        "etablissements",
        new Collection(
            "etablissements",
            "Établissements scolaires",
            "Écoles, collèges et lycées des listes de la DEPP ; position de l'établissement ou, à"
                + " défaut, de sa commune (propriété location)."));
  }

  private static final Map<String, String> LEVEL =
      Map.of(
          "communes", "commune",
          "epci", "epci",
          "departements", "departement",
          "academies", "academie",
          "regions", "region");

  private final V1Routes reads;
  private final ObjectMapper json = new ObjectMapper();

  OgcRoutes(V1Routes reads) {
    this.reads = reads;
  }

  void register(Javalin app) {
    reads.get(app, "/ogc", Set.of("f"), (ctx, c) -> body(landing(ctx)));
    var definition = new OpenApi();
    reads.get(
        app,
        "/ogc/api",
        Set.of("f"),
        (ctx, c) -> {
          checkF(ctx, "json");
          String server = reads.publicBase().isEmpty() ? "/ogc" : reads.publicBase() + "/ogc";
          return new V1Routes.Body(
              json.writeValueAsBytes(definition.ogcDocument(server)),
              "application/vnd.oai.openapi+json;version=3.0",
              Map.of());
        });
    reads.get(
        app,
        "/ogc/conformance",
        Set.of("f"),
        (ctx, c) -> {
          checkF(ctx, "json");
          return body(conformance());
        });
    reads.get(app, "/ogc/collections", Set.of("f"), (ctx, c) -> body(collections(ctx, c)));
    reads.get(
        app,
        "/ogc/collections/{collectionId}",
        Set.of("f"),
        (ctx, c) -> body(collection(ctx, c, collection(ctx))));
    reads.get(
        app,
        "/ogc/collections/{collectionId}/items",
        union(ITEMS_PARAMS, Set.of("f")),
        this::items);
    reads.get(app, "/ogc/collections/{collectionId}/items/{featureId}", Set.of("f"), this::item);
  }

  private static Set<String> union(Set<String> a, Set<String> b) {
    var s = new java.util.HashSet<>(a);
    s.addAll(b);
    return s;
  }

  private V1Routes.Body body(ObjectNode n) throws Exception {
    return new V1Routes.Body(json.writeValueAsBytes(n), JSON, Map.of());
  }

  /** The OGC API's absolute base, from the configured public URL (never the request's Host). */
  private String base(Context ctx) {
    return reads.publicBase() + "/ogc";
  }

  private static void checkF(Context ctx, String expected) {
    String f = ctx.queryParam("f");
    if (f != null && !f.equals(expected) && !f.equals("json")) {
      throw ApiException.badRequest(
          "paramètre 'f' : seul '" + expected + "' est servi ici, reçu '" + f + "'");
    }
  }

  private static ObjectNode link(
      ArrayNode links, String href, String rel, String type, String title) {
    ObjectNode l = links.addObject();
    l.put("href", href).put("rel", rel).put("type", type);
    if (title != null) {
      l.put("title", title);
    }
    return l;
  }

  private ObjectNode landing(Context ctx) {
    checkF(ctx, "json");
    String b = base(ctx);
    ObjectNode n = json.createObjectNode();
    n.put("title", "EduAtlas – OGC API Features");
    n.put(
        "description",
        "Territoires (communes, EPCI, départements, académies, régions) et établissements"
            + " scolaires d'EduAtlas, l'observatoire du numérique éducatif.");
    ArrayNode links = n.putArray("links");
    link(links, b, "self", JSON, "Cette page");
    link(
        links,
        b + "/api",
        "service-desc",
        "application/vnd.oai.openapi+json;version=3.0",
        "Définition OpenAPI");
    link(
        links,
        reads.publicBase() + "/api/docs",
        "service-doc",
        "text/html",
        "Documentation de l'API");
    link(links, b + "/conformance", "conformance", JSON, "Classes de conformité");
    link(links, b + "/collections", "data", JSON, "Collections");
    return n;
  }

  private ObjectNode conformance() {
    ObjectNode n = json.createObjectNode();
    ArrayNode c = n.putArray("conformsTo");
    CONFORMANCE.forEach(c::add);
    return n;
  }

  private ObjectNode collections(Context ctx, Connection c) throws SQLException {
    checkF(ctx, "json");
    ObjectNode n = json.createObjectNode();
    ArrayNode links = n.putArray("links");
    link(links, base(ctx) + "/collections", "self", JSON, "Collections");
    ArrayNode cols = n.putArray("collections");
    for (Collection col : COLLECTIONS.values()) {
      cols.add(collection(ctx, c, col));
    }
    return n;
  }

  private static Collection collection(Context ctx) {
    String id = ctx.pathParam("collectionId");
    Collection c = COLLECTIONS.get(id);
    if (c == null) {
      throw new ApiException(
          404,
          "Collection inconnue",
          "collection '"
              + id
              + "' inconnue ; collections : "
              + String.join(", ", COLLECTIONS.keySet()));
    }
    return c;
  }

  private ObjectNode collection(Context ctx, Connection c, Collection col) throws SQLException {
    checkF(ctx, "json");
    ObjectNode n = json.createObjectNode();
    n.put("id", col.id()).put("title", col.title()).put("description", col.description());
    n.put("itemType", "feature");
    n.putArray("crs").add(CRS84);
    double[] bbox = extent(c, col);
    ObjectNode spatial = n.putObject("extent").putObject("spatial");
    ArrayNode bb = spatial.putArray("bbox").addArray();
    // Rounded outward (4 decimals, about 10 m): every feature lies inside the declared extent.
    bb.add(Math.floor(bbox[0] * 1e4) / 1e4);
    bb.add(Math.floor(bbox[1] * 1e4) / 1e4);
    bb.add(Math.ceil(bbox[2] * 1e4) / 1e4);
    bb.add(Math.ceil(bbox[3] * 1e4) / 1e4);
    spatial.put("crs", CRS84);
    ArrayNode links = n.putArray("links");
    String href = base(ctx) + "/collections/" + col.id();
    link(links, href, "self", JSON, col.title());
    link(links, href + "/items", "items", GEOJSON, "Objets de la collection");
    return n;
  }

  private static double[] extent(Connection c, Collection col) throws SQLException {
    String sql =
        col.id().equals("etablissements")
            ? "SELECT min(lon), min(lat), max(lon), max(lat) FROM school"
            : "SELECT min(xmin), min(ymin), max(xmax), max(ymax) FROM territory_geometry WHERE"
                + " level = ?";
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      if (!col.id().equals("etablissements")) {
        ps.setString(1, LEVEL.get(col.id()));
      }
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return new double[] {rs.getDouble(1), rs.getDouble(2), rs.getDouble(3), rs.getDouble(4)};
      }
    }
  }

  /** {@code minx,miny,maxx,maxy} or with heights; minx > maxx crosses the antimeridian. */
  static double[] bbox(String raw) {
    return Bbox.parse(raw, true);
  }

  static void datetime(String raw) {
    if (raw == null) {
      return;
    }
    String[] parts = raw.split("/", -1);
    java.time.Instant[] at = new java.time.Instant[parts.length];
    if (parts.length > 2) {
      throw ApiException.badRequest(
          "paramètre 'datetime' : un instant RFC 3339 ou un intervalle debut/fin attendu, reçu '"
              + raw
              + "'");
    }
    for (int k = 0; k < parts.length; k++) {
      String p = parts[k];
      boolean open = p.isEmpty() || p.equals("..");
      if (open && parts.length == 1) {
        throw ApiException.badRequest(
            "paramètre 'datetime' : un instant attendu, reçu '" + raw + "'");
      }
      if (open) {
        continue;
      }
      try {
        at[k] =
            p.length() == 10
                ? java.time.LocalDate.parse(p).atStartOfDay(java.time.ZoneOffset.UTC).toInstant()
                : OffsetDateTime.parse(p).toInstant();
      } catch (DateTimeParseException e) {
        throw ApiException.badRequest(
            "paramètre 'datetime' : '" + p + "' n'est pas une date ou un instant RFC 3339");
      }
    }
    if (parts.length == 2 && at[0] == null && at[1] == null) {
      throw ApiException.badRequest(
          "paramètre 'datetime' : un intervalle ouvert des deux côtés ('" + raw + "') ne dit rien");
    }
    if (parts.length == 2 && at[0] != null && at[1] != null && at[0].isAfter(at[1])) {
      throw ApiException.badRequest("paramètre 'datetime' : début après la fin dans '" + raw + "'");
    }
  }

  private V1Routes.Body items(Context ctx, Connection c) throws Exception {
    checkF(ctx, "geojson");
    Collection col = collection(ctx);
    V1Routes.Limit limit = V1Routes.limit(ctx, DEFAULT_LIMIT, V1.MAX_LIMIT);
    int offset = V1Routes.offset(ctx);
    String rawBbox = ctx.queryParam("bbox");
    double[] bbox = rawBbox == null ? null : bbox(rawBbox);
    datetime(ctx.queryParam("datetime"));
    boolean schools = col.id().equals("etablissements");
    String boxCond;
    if (bbox == null) {
      boxCond = "";
    } else if (schools) {
      boxCond =
          bbox[0] <= bbox[2]
              ? " AND lon BETWEEN ? AND ? AND lat BETWEEN ? AND ?"
              : " AND (lon >= ? OR lon <= ?) AND lat BETWEEN ? AND ?";
    } else {
      boxCond =
          bbox[0] <= bbox[2]
              ? " AND g.xmax >= ? AND g.xmin <= ? AND g.ymax >= ? AND g.ymin <= ?"
              : " AND (g.xmax >= ? OR g.xmin <= ?) AND g.ymax >= ? AND g.ymin <= ?";
    }
    String from =
        schools
            ? V1Routes.SCHOOL_FROM + " WHERE true"
            : " FROM territory t JOIN territory_geometry g ON g.level = t.level AND g.code ="
                + " t.code WHERE t.level = ?";
    var args = new ArrayList<Object>();
    if (!schools) {
      args.add(LEVEL.get(col.id()));
    }
    if (bbox != null) {
      args.add(bbox[0]);
      args.add(bbox[2]);
      args.add(bbox[1]);
      args.add(bbox[3]);
    }
    long matched;
    // Territories in a box: the envelope index finds the candidates, then each candidate whose
    // envelope is not wholly in the box is tested on its geometry; numberMatched counts the same.
    List<String> exact = null;
    if (bbox != null && !schools) {
      exact = intersecting(c, from + boxCond, args, bbox);
      matched = exact.size();
    } else {
      try (PreparedStatement ps = c.prepareStatement("SELECT count(*)" + from + boxCond)) {
        V1Routes.bind(ps, args);
        try (ResultSet rs = ps.executeQuery()) {
          rs.next();
          matched = rs.getLong(1);
        }
      }
    }
    ObjectNode fc = json.createObjectNode();
    fc.put("type", "FeatureCollection");
    ArrayNode features = fc.putArray("features");
    if (exact != null) {
      List<String> page =
          exact.subList(
              (int) Math.min(offset, exact.size()),
              (int) Math.min((long) offset + limit.limit(), exact.size()));
      try (PreparedStatement ps =
          c.prepareStatement(
              "SELECT t.code, t.name, t.parent_level, t.parent_code, g.area_km2,"
                  + " ST_AsWKB(g.geom) FROM territory t JOIN territory_geometry g ON g.level ="
                  + " t.level AND g.code = t.code WHERE t.level = ? AND t.code = ?")) {
        for (String code : page) {
          ps.setString(1, LEVEL.get(col.id()));
          ps.setString(2, code);
          try (ResultSet rs = ps.executeQuery()) {
            if (rs.next()) {
              features.add(territory(rs, col));
            }
          }
        }
      }
    } else {
      String select =
          schools
              ? "SELECT " + V1Routes.SCHOOL_COLUMNS
              : "SELECT t.code, t.name, t.parent_level, t.parent_code, g.area_km2,"
                  + " ST_AsWKB(g.geom)";
      try (PreparedStatement ps =
          c.prepareStatement(
              select
                  + from
                  + boxCond
                  + (schools ? " ORDER BY s.uai" : " ORDER BY t.code")
                  + " LIMIT ? OFFSET ?")) {
        V1Routes.bind(ps, args);
        ps.setInt(args.size() + 1, limit.limit());
        ps.setInt(args.size() + 2, offset);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            features.add(schools ? school(rs) : territory(rs, col));
          }
        }
      }
    }
    fc.put("numberMatched", matched);
    fc.put("numberReturned", features.size());
    fc.put(
        "timeStamp", Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString());
    ArrayNode links = fc.putArray("links");
    String self = base(ctx) + "/collections/" + col.id() + "/items";
    link(links, self + query(ctx, null), "self", GEOJSON, "Cette page");
    link(links, base(ctx) + "/collections/" + col.id(), "collection", JSON, col.title());
    if (offset + features.size() < matched) {
      link(links, self + query(ctx, offset + features.size()), "next", GEOJSON, "Page suivante");
    }
    if (offset > 0) {
      link(
          links,
          self + query(ctx, Math.max(0, offset - limit.limit())),
          "prev",
          GEOJSON,
          "Page précédente");
    }
    Map<String, String> headers = new LinkedHashMap<>();
    if (limit.capped()) {
      headers.put("X-Limit-Capped", String.valueOf(V1.MAX_LIMIT));
    }
    return new V1Routes.Body(json.writeValueAsBytes(fc), GEOJSON, headers);
  }

  /**
   * The codes, in code order, of the territories whose geometry intersects the box: those whose
   * envelope lies wholly in it without reading their geometry, the others by an exact test.
   */
  private static List<String> intersecting(
      Connection c, String fromWhere, List<Object> args, double[] b) throws SQLException {
    var gf = new org.locationtech.jts.geom.GeometryFactory();
    org.locationtech.jts.geom.Geometry box =
        b[0] <= b[2]
            ? gf.toGeometry(new org.locationtech.jts.geom.Envelope(b[0], b[2], b[1], b[3]))
            : gf.toGeometry(new org.locationtech.jts.geom.Envelope(b[0], 180, b[1], b[3]))
                .union(
                    gf.toGeometry(new org.locationtech.jts.geom.Envelope(-180, b[2], b[1], b[3])));
    var prepared = org.locationtech.jts.geom.prep.PreparedGeometryFactory.prepare(box);
    var out = new ArrayList<String>();
    var crossing = new ArrayList<String>();
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT t.code, g.xmin, g.ymin, g.xmax, g.ymax" + fromWhere + " ORDER BY t.code")) {
      V1Routes.bind(ps, args);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          var env =
              new org.locationtech.jts.geom.Envelope(
                  rs.getDouble(2), rs.getDouble(4), rs.getDouble(3), rs.getDouble(5));
          if (box.getEnvelopeInternal().contains(env) && b[0] <= b[2]) {
            out.add(rs.getString(1));
          } else {
            crossing.add(rs.getString(1));
          }
        }
      }
    }
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT ST_AsWKB(geom) FROM territory_geometry WHERE level = ? AND code = ?")) {
      var reader = new org.locationtech.jts.io.WKBReader(gf);
      for (String code : crossing) {
        ps.setObject(1, args.get(0));
        ps.setString(2, code);
        try (ResultSet rs = ps.executeQuery()) {
          if (rs.next() && prepared.intersects(reader.read(rs.getBytes(1)))) {
            out.add(code);
          }
        } catch (org.locationtech.jts.io.ParseException e) {
          throw new SQLException("unreadable geometry of " + code, e);
        }
      }
    }
    out.sort(null);
    return out;
  }

  private static String query(Context ctx, Integer offset) {
    var q = new TreeMap<String, List<String>>(ctx.queryParamMap());
    if (offset != null) {
      q.put("offset", List.of(String.valueOf(offset)));
    }
    if (q.isEmpty()) {
      return "";
    }
    StringBuilder s = new StringBuilder("?");
    q.forEach(
        (k, v) ->
            v.forEach(
                x ->
                    s.append(k)
                        .append('=')
                        .append(URLEncoder.encode(x, StandardCharsets.UTF_8))
                        .append('&')));
    return s.substring(0, s.length() - 1);
  }

  private ObjectNode territory(ResultSet rs, Collection col) throws SQLException {
    ObjectNode f = json.createObjectNode();
    f.put("type", "Feature");
    f.put("id", rs.getString(1));
    try {
      var g = new org.locationtech.jts.io.WKBReader().read(rs.getBytes(6));
      f.set("geometry", fr.eduatlas.geo.GeoJson.write(g, 6));
    } catch (org.locationtech.jts.io.ParseException e) {
      throw new SQLException("unreadable geometry of " + rs.getString(1), e);
    }
    ObjectNode p = f.putObject("properties");
    p.put("code", rs.getString(1)).put("nom", rs.getString(2));
    p.put("niveau", LEVEL.get(col.id()));
    if (rs.getString(3) != null) {
      p.put("niveau_parent", rs.getString(3)).put("code_parent", rs.getString(4));
    }
    p.put("superficie_km2", V1.round(rs.getDouble(5)));
    p.put("profil", "/api/v1/territories/" + LEVEL.get(col.id()) + "/" + rs.getString(1));
    return f;
  }

  private static ObjectNode school(ResultSet rs) throws SQLException {
    return V1Routes.schoolFeature(V1Routes.schoolNode(rs));
  }

  private V1Routes.Body item(Context ctx, Connection c) throws Exception {
    checkF(ctx, "geojson");
    Collection col = collection(ctx);
    String id = ctx.pathParam("featureId");
    boolean schools = col.id().equals("etablissements");
    String sql =
        schools
            ? "SELECT " + V1Routes.SCHOOL_COLUMNS + (V1Routes.SCHOOL_FROM + " WHERE s.uai = ?")
            : "SELECT t.code, t.name, t.parent_level, t.parent_code, g.area_km2,"
                + " ST_AsWKB(g.geom) FROM territory t JOIN territory_geometry g ON g.level ="
                + " t.level AND g.code = t.code WHERE t.level = ? AND t.code = ?";
    ObjectNode f;
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      if (schools) {
        ps.setString(1, id);
      } else {
        ps.setString(1, LEVEL.get(col.id()));
        ps.setString(2, id);
      }
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          throw new ApiException(
              404,
              "Objet inconnu",
              "aucun objet '" + id + "' dans la collection '" + col.id() + "'");
        }
        f = schools ? school(rs) : territory(rs, col);
      }
    }
    ArrayNode links = f.putArray("links");
    String href = base(ctx) + "/collections/" + col.id();
    link(
        links,
        href + "/items/" + URLEncoder.encode(id, StandardCharsets.UTF_8),
        "self",
        GEOJSON,
        null);
    link(links, href, "collection", JSON, col.title());
    return new V1Routes.Body(json.writeValueAsBytes(f), GEOJSON, Map.of());
  }
}
