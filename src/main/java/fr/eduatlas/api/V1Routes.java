package fr.eduatlas.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import fr.eduatlas.indicator.Catalog;
import fr.eduatlas.territory.Codes;
import fr.eduatlas.warehouse.ServedWarehouse;
import io.javalin.Javalin;
import io.javalin.http.Context;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.zip.CRC32;

/**
 * The {@code /api/v1} routes. Reads are cached per data version and URL (the data only change with
 * a new warehouse), carry an ETag (data version and URL) and {@code Cache-Control}, and answer
 * {@code 304} to a matching {@code If-None-Match}. Every route names the query parameters it
 * accepts: any other is a 400.
 */
final class V1Routes {
  /**
   * The response cache's bound, in bytes of bodies, keys and headers together; one entry at most a
   * quarter of it (the all-communes GeoJSON of an indicator, about 30 MB, is cached).
   */
  private static final long CACHE_BYTES = 256L << 20;

  private static final int CACHE_MAX_BYTES = (int) (CACHE_BYTES / 4);

  /** A GeoJSON of more outlines than this is heavy work ({@link HeavyWork}). */
  static final int HEAVY_FEATURES = 2000;

  /** A request whose query string is longer than this is answered but not cached. */
  static final int CACHE_MAX_QUERY = 512;

  /** What an entry costs beyond its body and key (the entry, the body record, the headers). */
  private static final int ENTRY_OVERHEAD = 256;

  /** The absolute URL links start from, set once the server listens (never from a request). */
  private volatile String publicBase = "";

  private static final String CSV = "text/csv; charset=utf-8";
  private static final String GEOJSON = "application/geo+json";
  private static final String JSON = "application/json";

  private final ServedWarehouse warehouse;
  private final V1 v1;
  private final ObjectMapper json = new ObjectMapper();
  private long cachedBytes;
  private final Map<String, Body> cache = new LinkedHashMap<>(1024, 0.75f, true);

  private final Map<String, Set<String>> declared = new LinkedHashMap<>();

  /** A response: bytes, media type, extra headers (may override Cache-Control), status. */
  record Body(byte[] bytes, String type, Map<String, String> headers, int status) {
    Body(byte[] bytes, String type, Map<String, String> headers) {
      this(bytes, type, headers, 200);
    }
  }

  interface Handler {
    Body handle(Context ctx, Connection c) throws Exception;
  }

  private final fr.eduatlas.selection.SelectionService selections;

  V1Routes(
      ServedWarehouse warehouse,
      Catalog catalog,
      fr.eduatlas.selection.SelectionService selections) {
    this.warehouse = warehouse;
    this.v1 = new V1(catalog);
    this.selections = selections;
  }

  void register(Javalin app) {
    get(app, "/api/v1/levels", Set.of(), (ctx, c) -> json(v1.levels(c)));
    get(
        app,
        "/api/v1/territories",
        Set.of("q", "level", "limit"),
        (ctx, c) -> {
          String level = ctx.queryParam("level");
          if (level != null) {
            V1.level(level, "level");
          }
          return json(v1.search(c, ctx.queryParam("q"), level, limit(ctx, 20, 100).limit));
        });
    get(
        app,
        "/api/v1/territories/{level}/{code}",
        Set.of("geometry", "zoom"),
        (ctx, c) ->
            json(
                v1.profile(
                    c,
                    V1.level(ctx.pathParam("level"), "level"),
                    ctx.pathParam("code"),
                    bool(ctx, "geometry"),
                    zoom(ctx))));
    get(app, "/api/v1/indicators", Set.of(), (ctx, c) -> json(v1.indicators(c)));
    get(
        app,
        "/api/v1/indicators/{id}",
        Set.of(),
        (ctx, c) -> json(v1.indicatorNode(c, v1.indicator(ctx.pathParam("id")))));
    get(
        app,
        "/api/v1/indicators/{id}/values",
        Set.of("level", "year", "within", "format", "zoom", "sep", "decimal"),
        this::values);
    get(
        app,
        "/api/v1/schools",
        Set.of(
            "commune",
            "epci",
            "departement",
            "academie",
            "region",
            "type",
            "sector",
            "q",
            "bbox",
            "format",
            "sep",
            "decimal",
            "limit",
            "offset"),
        this::schools);
    get(app, "/api/v1/schools/{uai}", Set.of(), this::school);
    get(app, "/api/v1/programmes", Set.of(), (ctx, c) -> json(programmes(c)));
    // Registered by ApiServer and WebRoutes, declared here for the OpenAPI document.
    declare("/api/health", Set.of());
    declare("/api/v1/stats", Set.of());
    declare("/api/v1/config", Set.of());
    new OgcRoutes(this).register(app);
    new TileRoutes(this, v1).register(app);
    new SelectionRoutes(this, warehouse, selections).register(app);
    var openApi = new OpenApi();
    byte[] doc;
    try {
      doc = json.writeValueAsBytes(openApi.document());
    } catch (Exception e) {
      throw new IllegalStateException("cannot write the OpenAPI document", e);
    }
    String html = openApi.html();
    app.get(
        "/api/openapi.json",
        ctx -> {
          ctx.header("Cache-Control", "public, max-age=300");
          ctx.contentType("application/vnd.oai.openapi+json;version=3.0");
          ctx.result(doc);
        });
    app.get("/api/docs", ctx -> ctx.html(html));
    app.get(
        "/api/docs.css",
        ctx -> {
          ctx.header("Cache-Control", "public, max-age=300");
          ctx.contentType("text/css; charset=utf-8");
          ctx.result(OpenApi.CSS);
        });
  }

  private final HeavyWork heavy = new HeavyWork();

  /** Runs work that costs seconds of CPU: one at a time, else a 503 after a wait. */
  <T> T heavy(java.util.concurrent.Callable<T> work) throws Exception {
    return heavy.run(work);
  }

  /** The absolute URL links start from: the configured public URL, or the listening address. */
  String publicBase() {
    return publicBase;
  }

  void publicBase(String base) {
    this.publicBase = base;
  }

  /** Each registered read's path and the query parameters it accepts. */
  Map<String, Set<String>> declared() {
    return declared;
  }

  /** Declares a route registered elsewhere (not a cached read), for the OpenAPI document. */
  void declare(String path, Set<String> params) {
    declared.put(path, params);
  }

  /** A cached, ETagged read at {@code path} accepting the query parameters {@code params}. */
  void get(Javalin app, String path, Set<String> params, Handler h) {
    declared.put(path, params);
    io.javalin.http.Handler handler =
        ctx -> {
          for (var e : ctx.queryParamMap().entrySet()) {
            // One value per parameter: "a=1&a=2" is not "a=1,2", and must not share its answer.
            if (e.getValue().size() > 1) {
              throw ApiException.badRequest(
                  "paramètre '" + e.getKey() + "' répété : une seule valeur par paramètre");
            }
          }
          for (String p : ctx.queryParamMap().keySet()) {
            if (!params.contains(p)) {
              throw ApiException.badRequest(
                  "paramètre '"
                      + p
                      + "' inconnu ici"
                      + (params.isEmpty()
                          ? " : cette adresse n'en accepte aucun"
                          : " ; paramètres acceptés : "
                              + String.join(", ", new java.util.TreeSet<>(params))));
            }
          }
          try (var lease = warehouse.lease()) {
            String version = lease.dataVersion();
            String key = version + " " + ctx.path() + "?" + canonicalQuery(ctx);
            CRC32 crc = new CRC32();
            crc.update(key.getBytes(StandardCharsets.UTF_8));
            String etag = "\"" + version + "-" + Long.toHexString(crc.getValue()) + "\"";
            if (etag.equals(ctx.header("If-None-Match"))) {
              cacheHeaders(ctx, etag, version);
              ctx.status(304);
              return;
            }
            Body b;
            synchronized (cache) {
              b = cache.get(key);
            }
            if (b == null) {
              ctx.attribute("dataVersion", version);
              b = h.handle(ctx, lease.connection());
              String q = ctx.queryString();
              if (b.bytes().length <= CACHE_MAX_BYTES
                  && (q == null || q.length() <= CACHE_MAX_QUERY)) {
                synchronized (cache) {
                  Body old = cache.put(key, b);
                  cachedBytes += weight(key, b) - (old == null ? 0 : weight(key, old));
                  // Least recently used out first, until under the bound.
                  var it = cache.entrySet().iterator();
                  while (cachedBytes > CACHE_BYTES && it.hasNext()) {
                    var e = it.next();
                    cachedBytes -= weight(e.getKey(), e.getValue());
                    it.remove();
                  }
                }
              }
            }
            // Set once the body exists: an error (thrown above) is never cached.
            cacheHeaders(ctx, etag, version);
            b.headers().forEach(ctx::header);
            ctx.status(b.status());
            if (b.status() != 204) {
              ctx.contentType(b.type());
              ctx.result(b.bytes());
            }
          }
        };
    app.get(path, handler);
    // HEAD answers what GET would (status, ETag, Cache-Control, length), without the body.
    app.head(path, handler);
  }

  /** What a cache entry holds in memory: its body, its key (UTF-16) and the rest. */
  private static long weight(String key, Body b) {
    long headers = 0;
    for (var h : b.headers().entrySet()) {
      headers += 2L * (h.getKey().length() + h.getValue().length());
    }
    return b.bytes().length + 2L * key.length() + headers + ENTRY_OVERHEAD;
  }

  /** The cache's current weight, for tests. */
  long cachedBytes() {
    synchronized (cache) {
      return cachedBytes;
    }
  }

  private static void cacheHeaders(Context ctx, String etag, String version) {
    ctx.header("ETag", etag);
    ctx.header("Cache-Control", "public, max-age=300");
    ctx.header("X-Data-Version", version == null ? "" : version);
  }

  private static String canonicalQuery(Context ctx) {
    var sorted = new TreeMap<String, List<String>>(ctx.queryParamMap());
    StringBuilder s = new StringBuilder();
    sorted.forEach((k, v) -> s.append(k).append('=').append(String.join(",", v)).append('&'));
    return s.toString();
  }

  private Body json(JsonNode n) throws Exception {
    return new Body(json.writeValueAsBytes(n), JSON, Map.of());
  }

  /** National programmes and their territories: today the TNE départements. */
  private JsonNode programmes(Connection c) throws SQLException {
    ArrayNode out = json.createArrayNode();
    ObjectNode tne = out.addObject();
    tne.put("id", "tne").put("label", "Territoires numériques éducatifs (TNE)");
    tne.put(
        "source",
        "Ministère de l'Éducation nationale, annonces du programme (2020 : Aisne et Val-d'Oise ;"
            + " extension en 2021)");
    ArrayNode deps = tne.putArray("departements");
    var codes = new java.util.TreeMap<>(fr.eduatlas.territory.Programmes.TNE_START);
    try (PreparedStatement ps = c.prepareStatement("SELECT name FROM departement WHERE code = ?")) {
      for (var e : codes.entrySet()) {
        ps.setString(1, e.getKey());
        try (ResultSet rs = ps.executeQuery()) {
          deps.addObject()
              .put("code", e.getKey())
              .put("name", rs.next() ? rs.getString(1) : null)
              .put("firstSchoolYear", (e.getValue() - 1) + "-" + e.getValue());
        }
      }
    }
    return out;
  }

  // ---- parameters ---------------------------------------------------------------------------

  record Limit(int limit, boolean capped) {}

  static Limit limit(Context ctx, int dflt, int max) {
    String raw = ctx.queryParam("limit");
    if (raw == null) {
      return new Limit(dflt, false);
    }
    int n;
    try {
      n = Integer.parseInt(raw.strip());
    } catch (NumberFormatException e) {
      throw ApiException.badRequest("paramètre 'limit' : '" + raw + "' n'est pas un entier");
    }
    if (n < 1) {
      throw ApiException.badRequest("paramètre 'limit' : au moins 1 (reçu " + n + ")");
    }
    return n > max ? new Limit(max, true) : new Limit(n, false);
  }

  static int offset(Context ctx) {
    String raw = ctx.queryParam("offset");
    if (raw == null) {
      return 0;
    }
    try {
      int n = Integer.parseInt(raw.strip());
      if (n < 0) {
        throw new NumberFormatException();
      }
      return n;
    } catch (NumberFormatException e) {
      throw ApiException.badRequest(
          "paramètre 'offset' : '" + raw + "' n'est pas un entier positif ou nul");
    }
  }

  static boolean bool(Context ctx, String name) {
    String raw = ctx.queryParam(name);
    if (raw == null) {
      return false;
    }
    return switch (raw) {
      case "true", "1", "oui" -> true;
      case "false", "0", "non" -> false;
      default ->
          throw ApiException.badRequest(
              "paramètre '" + name + "' : 'true' ou 'false' attendu, reçu '" + raw + "'");
    };
  }

  static Integer zoom(Context ctx) {
    String raw = ctx.queryParam("zoom");
    if (raw == null) {
      return null;
    }
    try {
      int z = Integer.parseInt(raw.strip());
      if (z < 0 || z > 22) {
        throw new NumberFormatException();
      }
      return z;
    } catch (NumberFormatException e) {
      throw ApiException.badRequest(
          "paramètre 'zoom' : un entier de 0 à 22 attendu, reçu '" + raw + "'");
    }
  }

  static String format(Context ctx, String... allowed) {
    String f = ctx.queryParam("format");
    if (f == null) {
      return allowed[0];
    }
    for (String a : allowed) {
      if (a.equals(f)) {
        return f;
      }
    }
    throw ApiException.badRequest(
        "paramètre 'format' : '"
            + f
            + "' inconnu ; formats possibles : "
            + String.join(", ", allowed));
  }

  /** The CSV separator and decimal mark, {@code sep} and {@code decimal}: {sep, decimal}. */
  static String[] csvOptions(Context ctx) {
    String sep = ctx.queryParam("sep") == null ? "," : ctx.queryParam("sep");
    if (!sep.equals(",") && !sep.equals(";")) {
      throw ApiException.badRequest("paramètre 'sep' : ',' ou ';' attendu, reçu '" + sep + "'");
    }
    String decimal = ctx.queryParam("decimal") == null ? "." : ctx.queryParam("decimal");
    if (!decimal.equals(".") && !decimal.equals(",")) {
      throw ApiException.badRequest(
          "paramètre 'decimal' : '.' ou ',' attendu, reçu '" + decimal + "'");
    }
    if (decimal.equals(",") && sep.equals(",")) {
      throw ApiException.badRequest(
          "paramètres 'sep' et 'decimal' : la virgule décimale demande le séparateur ';'");
    }
    return new String[] {sep, decimal};
  }

  /** {@code level:code}, the territory checked to exist. */
  private V1.Territory within(Context ctx, Connection c) throws SQLException {
    String raw = ctx.queryParam("within");
    if (raw == null) {
      return null;
    }
    int colon = raw.indexOf(':');
    if (colon < 0) {
      throw ApiException.badRequest(
          "paramètre 'within' : 'niveau:code' attendu (par exemple departement:02), reçu '"
              + raw
              + "'");
    }
    return v1.territory(c, V1.level(raw.substring(0, colon), "within"), raw.substring(colon + 1));
  }

  // ---- values -------------------------------------------------------------------------------

  private Body values(Context ctx, Connection c) throws Exception {
    Catalog.Indicator i = v1.indicator(ctx.pathParam("id"));
    String level =
        V1.level(
            ctx.queryParam("level") == null ? "departement" : ctx.queryParam("level"), "level");
    String format = format(ctx, "json", "csv", "geojson");
    String period = v1.period(c, i, ctx.queryParam("year"));
    V1.Territory within = within(ctx, c);
    Integer zoom = zoom(ctx);
    String[] csvOpts = csvOptions(ctx);
    String sep = csvOpts[0];
    String decimal = csvOpts[1];
    List<V1.ValueRow> rows = v1.values(c, i, level, period, within);
    Double france = v1.franceValue(c, i.id(), period);
    Map<String, String> headers = new LinkedHashMap<>();
    if (i.fromContributions()) {
      headers.put(
          "X-Simulated-Data", rows.stream().anyMatch(V1.ValueRow::simulated) ? "true" : "false");
    }
    switch (format) {
      case "csv" -> {
        StringBuilder s = new StringBuilder();
        s.append(
                String.join(
                    sep,
                    List.of(
                        "niveau",
                        "code",
                        "nom",
                        "indicateur",
                        "periode",
                        "valeur",
                        "unite",
                        "statut",
                        "appreciation",
                        "simule",
                        "etablissements_couverts",
                        "etablissements",
                        "eleves_couverts",
                        "eleves",
                        "etablissements_donnees_reelles")))
            .append("\r\n");
        for (V1.ValueRow r : rows) {
          String v = r.value() == null ? "" : num(V1.round(r.value()), decimal);
          s.append(
                  String.join(
                      sep,
                      List.of(
                          level,
                          r.code(),
                          csv(r.name(), sep),
                          i.id(),
                          period,
                          v,
                          csv(i.unit(), sep),
                          r.status(),
                          nz(v1.catalog().appraise(i, r.value(), france)),
                          String.valueOf(r.simulated()),
                          str(r.schoolsCovered()),
                          str(r.schoolsTotal()),
                          str(r.pupilsCovered()),
                          str(r.pupilsTotal()),
                          str(r.schoolsReal()))))
              .append("\r\n");
        }
        headers.put(
            "Content-Disposition",
            "attachment; filename=\"" + i.id() + "-" + level + "-" + period + ".csv\"");
        return new Body(s.toString().getBytes(StandardCharsets.UTF_8), CSV, headers);
      }
      case "geojson" -> {
        // Thousands of outlines (every commune or EPCI): seconds of CPU, one such at a time.
        java.util.concurrent.Callable<Body> build =
            () -> {
              ObjectNode fc = json.createObjectNode();
              fc.put("type", "FeatureCollection");
              ObjectNode meta = fc.putObject("indicator");
              v1.describe(meta, i);
              meta.put("period", period);
              meta.put("level", level);
              ArrayNode features = fc.putArray("features");
              int z = zoom == null ? defaultZoom(level) : zoom;
              for (V1.ValueRow r : rows) {
                ObjectNode f = features.addObject();
                f.put("type", "Feature");
                f.put("id", r.code());
                f.set("geometry", v1.geometry(c, level, r.code(), z));
                ObjectNode p = f.putObject("properties");
                properties(p, r, i, period);
                String a = v1.catalog().appraise(i, r.value(), france);
                if (a != null) {
                  p.put("appraisal", a);
                }
              }
              return new Body(json.writeValueAsBytes(fc), GEOJSON, headers);
            };
        return rows.size() > HEAVY_FEATURES ? heavy(build) : build.call();
      }
      default -> {
        // Streamed: 35k values would otherwise be built as a tree first.
        var bytes = new java.io.ByteArrayOutputStream(rows.size() * 160 + 2048);
        try (var g = json.getFactory().createGenerator(bytes)) {
          g.writeStartObject();
          ObjectNode meta = json.createObjectNode();
          v1.describe(meta, i);
          g.writeFieldName("indicator");
          g.writeTree(meta);
          g.writeStringField("level", level);
          g.writeStringField("period", period);
          if (within != null) {
            g.writeObjectFieldStart("within");
            g.writeStringField("level", within.level());
            g.writeStringField("code", within.code());
            g.writeStringField("name", within.name());
            g.writeEndObject();
          }
          g.writeArrayFieldStart("values");
          for (V1.ValueRow r : rows) {
            g.writeStartObject();
            g.writeStringField("code", r.code());
            g.writeStringField("name", r.name());
            g.writeStringField("period", period);
            if (r.value() == null) {
              g.writeNullField("value");
            } else {
              g.writeNumberField("value", V1.round(r.value()));
            }
            g.writeStringField("unit", i.unit());
            g.writeStringField("status", r.status());
            String a = v1.catalog().appraise(i, r.value(), france);
            if (a != null) {
              g.writeStringField("appraisal", a);
            }
            g.writeBooleanField("simulated", r.simulated());
            if (r.schoolsTotal() != null) {
              g.writeObjectFieldStart("coverage");
              g.writeNumberField("schools", r.schoolsCovered());
              g.writeNumberField("schoolsTotal", r.schoolsTotal());
              g.writeNumberField("pupils", r.pupilsCovered());
              g.writeNumberField("pupilsTotal", r.pupilsTotal());
              long real = r.schoolsReal() == null ? 0 : r.schoolsReal();
              long cov = r.schoolsCovered() == null ? 0 : r.schoolsCovered();
              g.writeNumberField("realSchools", real);
              g.writeNumberField("realShare", cov == 0 ? 0 : V1.round((double) real / cov));
              g.writeNumberField(
                  "simulatedShare", cov == 0 ? 0 : V1.round((double) (cov - real) / cov));
              g.writeEndObject();
            }
            g.writeEndObject();
          }
          g.writeEndArray();
          g.writeEndObject();
        }
        return new Body(bytes.toByteArray(), JSON, headers);
      }
    }
  }

  private static int defaultZoom(String level) {
    return switch (level) {
      case "commune" -> 8;
      case "epci", "departement" -> 7;
      default -> 5;
    };
  }

  private static void properties(ObjectNode p, V1.ValueRow r, Catalog.Indicator i, String period) {
    p.put("code", r.code()).put("name", r.name()).put("period", period);
    if (r.value() == null) {
      p.putNull("value");
    } else {
      p.put("value", V1.round(r.value()));
    }
    p.put("unit", i.unit()).put("status", r.status()).put("simulated", r.simulated());
    if (r.schoolsTotal() != null) {
      ObjectNode cov = p.putObject("coverage");
      cov.put("schools", r.schoolsCovered()).put("schoolsTotal", r.schoolsTotal());
      cov.put("pupils", r.pupilsCovered()).put("pupilsTotal", r.pupilsTotal());
      V1.realCoverage(
          cov,
          r.schoolsCovered() == null ? 0 : r.schoolsCovered(),
          r.schoolsReal() == null ? 0 : r.schoolsReal());
    }
  }

  private static String num(double d, String decimal) {
    String s =
        d == Math.rint(d) && Math.abs(d) < 1e15 ? String.valueOf((long) d) : String.valueOf(d);
    return decimal.equals(",") ? s.replace('.', ',') : s;
  }

  private static String nz(String s) {
    return s == null ? "" : s;
  }

  private static String str(Long l) {
    return l == null ? "" : l.toString();
  }

  private static String csv(String s, String sep) {
    if (s == null) {
      return "";
    }
    return s.contains(sep) || s.contains("\"") || s.contains("\n")
        ? "\"" + s.replace("\"", "\"\"") + "\""
        : s;
  }

  // ---- schools ------------------------------------------------------------------------------

  /** A school's columns as {@link #schoolNode} reads them; the commune joined as {@code c}. */
  static final String SCHOOL_COLUMNS =
      "s.uai, s.name, s.type, s.sector, s.pupils, s.ips, s.commune_code, c.name, s.lon, s.lat,"
          + " s.location_method, p.bandwidth_class, p.bandwidth_year, p.simulated,"
          + " d.density_level, p.contribution_id, cv.hub_id, cv.version, cv.published_at";

  /**
   * The tables {@link #SCHOOL_COLUMNS} come from: the school, its commune, its latest bandwidth
   * class (as the tiles draw it) and its commune's density grid level.
   */
  static final String SCHOOL_FROM =
      " FROM school s JOIN commune c ON c.code = s.commune_code"
          + " LEFT JOIN school_point p ON p.uai = s.uai"
          + " LEFT JOIN commune_density d ON d.commune_code = s.commune_code"
          + " LEFT JOIN contribution_version cv ON cv.contribution_id = p.contribution_id"
          + " AND cv.dataset = 'connectivite'";

  private Body schools(Context ctx, Connection c) throws Exception {
    var where = new ArrayList<String>();
    var args = new ArrayList<Object>();
    for (String level : List.of("commune", "epci", "departement", "academie", "region")) {
      String code = ctx.queryParam(level);
      if (code != null) {
        v1.territory(c, level, code);
        where.add(
            "s.commune_code IN (SELECT commune_code FROM territory_commune WHERE level = ? AND"
                + " code = ?)");
        args.add(level);
        args.add(code);
      }
    }
    String type = ctx.queryParam("type");
    if (type != null) {
      if (!Set.of("ecole", "college", "lycee").contains(type)) {
        throw ApiException.badRequest(
            "paramètre 'type' : 'ecole', 'college' ou 'lycee' attendu, reçu '" + type + "'");
      }
      where.add("s.type = ?");
      args.add(type);
    }
    String sector = ctx.queryParam("sector");
    if (sector != null) {
      if (!Set.of("public", "prive").contains(sector)) {
        throw ApiException.badRequest(
            "paramètre 'sector' : 'public' ou 'prive' attendu, reçu '" + sector + "'");
      }
      where.add("s.sector = ?");
      args.add(sector);
    }
    String q = ctx.queryParam("q");
    if (q != null) {
      if (q.length() > V1.MAX_QUERY_TEXT) {
        throw ApiException.badRequest(
            "paramètre 'q' : "
                + V1.MAX_QUERY_TEXT
                + " caractères au plus (reçu "
                + q.length()
                + ")");
      }
      String folded = fr.eduatlas.territory.Names.fold(q);
      if (folded.length() < 2) {
        throw ApiException.badRequest(
            "paramètre 'q' : au moins deux lettres ou chiffres attendus, reçu '" + q + "'");
      }
      // The UAI itself, or part of the name folded at ingest as Names.fold folds the query.
      where.add("(s.uai = upper(?) OR contains(s.name_folded, ?))");
      args.add(q.strip());
      args.add(folded);
    }
    String bbox = ctx.queryParam("bbox");
    if (bbox != null) {
      double[] b = bbox(bbox);
      where.add("s.lon BETWEEN ? AND ? AND s.lat BETWEEN ? AND ?");
      args.add(b[0]);
      args.add(b[2]);
      args.add(b[1]);
      args.add(b[3]);
    }
    String format = format(ctx, "json", "csv", "geojson");
    Limit limit = limit(ctx, 100, V1.MAX_LIMIT);
    int offset = offset(ctx);
    String cond = where.isEmpty() ? "" : " WHERE " + String.join(" AND ", where);
    long matched;
    try (PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM school s" + cond)) {
      bind(ps, args);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        matched = rs.getLong(1);
      }
    }
    var rows = new ArrayList<ObjectNode>();
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT " + SCHOOL_COLUMNS + SCHOOL_FROM + cond + " ORDER BY s.uai LIMIT ? OFFSET ?")) {
      bind(ps, args);
      ps.setInt(args.size() + 1, limit.limit());
      ps.setInt(args.size() + 2, offset);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          rows.add(schoolNode(rs));
        }
      }
    }
    Map<String, String> headers = new LinkedHashMap<>();
    if (limit.capped()) {
      headers.put("X-Limit-Capped", String.valueOf(V1.MAX_LIMIT));
    }
    switch (format) {
      case "csv" -> {
        String[] o = csvOptions(ctx);
        String sep = o[0];
        String dec = o[1];
        StringBuilder s =
            new StringBuilder(
                String.join(
                        sep,
                        List.of(
                            "uai",
                            "nom",
                            "type",
                            "secteur",
                            "eleves",
                            "ips",
                            "commune",
                            "nom_commune",
                            "lon",
                            "lat",
                            "localisation",
                            "classe_debit",
                            "annee_debit",
                            "simule",
                            "densite_commune",
                            "contribution_debit",
                            "pole",
                            "version_pole",
                            "publie_le"))
                    + "\r\n");
        for (ObjectNode r : rows) {
          s.append(
                  String.join(
                      sep,
                      List.of(
                          r.get("uai").asText(),
                          csv(r.get("name").asText(), sep),
                          r.get("type").asText(),
                          r.get("sector").asText(),
                          r.get("pupils").asText(""),
                          r.get("ips").isNull() ? "" : num(r.get("ips").asDouble(), dec),
                          r.get("commune").asText(),
                          csv(r.get("communeName").asText(), sep),
                          r.get("lon").isNull() ? "" : num(r.get("lon").asDouble(), dec),
                          r.get("lat").isNull() ? "" : num(r.get("lat").asDouble(), dec),
                          r.get("location").asText(),
                          r.path("bandwidthClass").asText(""),
                          r.path("bandwidthYear").asText(""),
                          r.has("simulated") ? r.get("simulated").asText() : "",
                          r.path("communeDensityLevel").asText(""),
                          r.path("provenance").path("contribution").asText(""),
                          r.path("provenance").path("hub").asText(""),
                          r.path("provenance").path("version").asText(""),
                          r.path("provenance").path("publishedAt").asText(""))))
              .append("\r\n");
        }
        return new Body(s.toString().getBytes(StandardCharsets.UTF_8), CSV, headers);
      }
      case "geojson" -> {
        ObjectNode fc = json.createObjectNode();
        fc.put("type", "FeatureCollection");
        fc.put("numberMatched", matched).put("numberReturned", rows.size());
        ArrayNode features = fc.putArray("features");
        for (ObjectNode r : rows) {
          features.add(schoolFeature(r));
        }
        return new Body(json.writeValueAsBytes(fc), GEOJSON, headers);
      }
      default -> {
        ObjectNode out = json.createObjectNode();
        out.put("numberMatched", matched).put("numberReturned", rows.size());
        out.put("limit", limit.limit()).put("offset", offset);
        if (limit.capped()) {
          out.put("note", "limite ramenée au maximum de " + V1.MAX_LIMIT + " par page");
        }
        if (offset + rows.size() < matched) {
          out.put("next", nextLink(ctx, offset + rows.size()));
        }
        ArrayNode a = out.putArray("schools");
        rows.forEach(a::add);
        return new Body(json.writeValueAsBytes(out), JSON, headers);
      }
    }
  }

  private static String nextLink(Context ctx, int offset) {
    var q = new TreeMap<String, List<String>>(ctx.queryParamMap());
    q.put("offset", List.of(String.valueOf(offset)));
    StringBuilder s = new StringBuilder(ctx.path()).append('?');
    q.forEach(
        (k, v) ->
            v.forEach(
                x ->
                    s.append(k)
                        .append('=')
                        .append(java.net.URLEncoder.encode(x, StandardCharsets.UTF_8))
                        .append('&')));
    return s.substring(0, s.length() - 1);
  }

  static double[] bbox(String raw) {
    return Bbox.parse(raw, false);
  }

  static void bind(PreparedStatement ps, List<Object> args) throws SQLException {
    for (int i = 0; i < args.size(); i++) {
      ps.setObject(i + 1, args.get(i));
    }
  }

  /** A school as a GeoJSON point feature, its properties those of {@link #schoolNode}. */
  static ObjectNode schoolFeature(ObjectNode school) {
    ObjectNode f = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode();
    f.put("type", "Feature").put("id", school.get("uai").asText());
    if (school.get("lon").isNull() || school.get("lat").isNull()) {
      f.putNull("geometry"); // GeoJSON's "unlocated feature"; locationNote says why
    } else {
      f.putObject("geometry")
          .put("type", "Point")
          .putArray("coordinates")
          .add(school.get("lon").asDouble())
          .add(school.get("lat").asDouble());
    }
    f.set("properties", school);
    return f;
  }

  /** The measured download classes of the school layer (0: none or under 2 Mbit/s). */
  static final List<String> BANDWIDTH_CLASSES =
      List.of(
          "sans connexion ou moins de 2 Mbit/s",
          "2 à 8 Mbit/s",
          "8 à 30 Mbit/s",
          "30 à 100 Mbit/s",
          "100 Mbit/s et plus");

  /** A school as JSON, from a row of {@link #SCHOOL_COLUMNS}: the same in every API. */
  static ObjectNode schoolNode(ResultSet rs) throws SQLException {
    ObjectNode n = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode();
    n.put("uai", rs.getString(1)).put("name", rs.getString(2)).put("type", rs.getString(3));
    n.put("sector", rs.getString(4));
    int pupils = rs.getInt(5);
    if (rs.wasNull()) {
      n.putNull("pupils");
    } else {
      n.put("pupils", pupils);
    }
    double ips = rs.getDouble(6);
    if (rs.wasNull()) {
      n.putNull("ips");
    } else {
      n.put("ips", ips);
    }
    n.put("commune", rs.getString(7)).put("communeName", rs.getString(8));
    double lon = rs.getDouble(9);
    boolean noLon = rs.wasNull() || !Double.isFinite(lon);
    double lat = rs.getDouble(10);
    boolean noLat = rs.wasNull() || !Double.isFinite(lat);
    if (noLon || noLat) {
      // Never NaN: a school whose commune has no outline (a commune re-created after the 2018
      // polygons, Saint-Barthélemy, Saint-Martin) has no position, and says why.
      n.putNull("lon").putNull("lat");
      n.put("location", "inconnue");
      n.put(
          "locationNote",
          "position inconnue : ni l'établissement ni sa commune n'ont de position connue");
    } else {
      n.put("lon", lon).put("lat", lat);
      n.put("location", rs.getString(11));
      n.put(
          "locationNote",
          "etablissement".equals(rs.getString(11))
              ? "position de l'établissement"
              : "position de la commune (l'établissement n'est pas géolocalisé à son adresse)");
    }
    int bandwidth = rs.getInt(12);
    if (rs.wasNull()) {
      n.putNull("bandwidthClass");
    } else {
      n.put("bandwidthClass", bandwidth);
      n.put("bandwidthClassLabel", BANDWIDTH_CLASSES.get(bandwidth));
      n.put("bandwidthYear", rs.getInt(13));
      n.put("simulated", rs.getBoolean(14));
    }
    int density = rs.getInt(15);
    if (rs.wasNull()) {
      n.putNull("communeDensityLevel");
    } else {
      n.put("communeDensityLevel", density);
    }
    // Where the bandwidth class comes from: the contribution and, for a hub's data, its version.
    String contribution = rs.getString(16);
    if (contribution != null) {
      ObjectNode p = n.putObject("provenance");
      p.put("contribution", contribution);
      p.put("simulated", rs.getBoolean(14));
      String hub = rs.getString(17);
      if (hub != null) {
        p.put("hub", hub).put("version", rs.getInt(18)).put("publishedAt", rs.getString(19));
      }
    }
    n.put("href", "/api/v1/schools/" + rs.getString(1));
    return n;
  }

  private Body school(Context ctx, Connection c) throws Exception {
    String raw = ctx.pathParam("uai");
    String uai;
    try {
      uai = Codes.uai(raw);
    } catch (Codes.InvalidCodeException e) {
      throw ApiException.badRequest("UAI : " + e.getMessage());
    }
    ObjectNode n;
    try (PreparedStatement ps =
        c.prepareStatement("SELECT " + SCHOOL_COLUMNS + (SCHOOL_FROM + " WHERE s.uai = ?"))) {
      ps.setString(1, uai);
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          throw new ApiException(
              404,
              "Établissement inconnu",
              "aucun établissement des listes de la DEPP n'a l'UAI " + uai);
        }
        n = schoolNode(rs);
      }
    }
    n.set(
        "connectivity",
        rows(
            c,
            "SELECT year AS annee, technology AS technologie, down_contracted AS debit_descendant_souscrit, down_measured AS debit_descendant_mesure, up_measured AS debit_montant_mesure, latency_ms AS latence_ms, wifi_share AS part_salles_wifi, simulated AS simule, f.contribution_id AS contribution, cv.hub_id AS pole, cv.version AS version_pole, cv.published_at AS publie_le FROM school_connectivity f LEFT JOIN contribution_version cv ON cv.contribution_id = f.contribution_id AND cv.dataset = 'connectivite' WHERE uai = ? ORDER BY year",
            uai));
    n.set(
        "equipment",
        rows(
            c,
            "SELECT year AS annee, desktops AS ordinateurs_fixes, laptops AS portables, tablets AS tablettes, interactive_displays AS ecrans_interactifs, lent_devices AS equipements_pretes, average_age_years AS age_moyen, simulated AS simule, f.contribution_id AS contribution, cv.hub_id AS pole, cv.version AS version_pole, cv.published_at AS publie_le FROM school_equipment f LEFT JOIN contribution_version cv ON cv.contribution_id = f.contribution_id AND cv.dataset = 'equipement' WHERE uai = ? ORDER BY year",
            uai));
    n.set(
        "speedTests",
        rows(
            c,
            "SELECT year AS annee, days AS jours, tests, median_down AS debit_descendant_median, p10_down AS debit_descendant_p10, median_latency_ms AS latence_mediane_ms, share_under_8 AS part_sous_8, simulated AS simule, f.contribution_id AS contribution, cv.hub_id AS pole, cv.version AS version_pole, cv.published_at AS publie_le FROM school_speedtest_yearly f LEFT JOIN contribution_version cv ON cv.contribution_id = f.contribution_id AND cv.dataset = 'tests_debit' WHERE uai = ? ORDER BY year",
            uai));
    n.put("simulatedNote", V1.SIMULATED_NOTE);
    return json(n);
  }

  /** Query rows as JSON objects named by their column labels (constant SQL, bound UAI). */
  private ArrayNode rows(Connection c, String sql, String uai) throws SQLException {
    ArrayNode out = json.createArrayNode();
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setString(1, uai);
      try (ResultSet rs = ps.executeQuery()) {
        var md = rs.getMetaData();
        while (rs.next()) {
          ObjectNode o = out.addObject();
          for (int k = 1; k <= md.getColumnCount(); k++) {
            Object v = rs.getObject(k);
            String name = md.getColumnLabel(k).toLowerCase(Locale.ROOT);
            if (v == null) {
              o.putNull(name);
            } else if (v instanceof Double || v instanceof Float) {
              o.put(name, V1.round(((Number) v).doubleValue()));
            } else if (v instanceof Number num) {
              o.put(name, num.longValue());
            } else if (v instanceof Boolean bo) {
              o.put(name, bo);
            } else {
              o.put(name, v.toString());
            }
          }
        }
      }
    }
    return out;
  }
}
