package fr.eduatlas.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import fr.eduatlas.cql2.Cql2Exception;
import fr.eduatlas.cql2.Cql2Json;
import fr.eduatlas.cql2.Cql2Text;
import fr.eduatlas.cql2.Expr;
import fr.eduatlas.observatory.Filters;
import fr.eduatlas.observatory.IndicatorPeriod;
import fr.eduatlas.observatory.Observatory;
import fr.eduatlas.observatory.Page;
import fr.eduatlas.observatory.School;
import fr.eduatlas.observatory.SchoolQuery;
import fr.eduatlas.observatory.TerritoryFeature;
import fr.eduatlas.observatory.Value;
import fr.eduatlas.territory.Level;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

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
          "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/oas30",
          "http://www.opengis.net/spec/ogcapi-features-2/1.0/conf/crs",
          "http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/queryables",
          "http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/filter",
          "http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/features-filter",
          "http://www.opengis.net/spec/cql2/1.0/conf/cql2-text",
          "http://www.opengis.net/spec/cql2/1.0/conf/cql2-json",
          "http://www.opengis.net/spec/cql2/1.0/conf/basic-cql2",
          "http://www.opengis.net/spec/cql2/1.0/conf/advanced-comparison-operators",
          "http://www.opengis.net/spec/cql2/1.0/conf/case-insensitive-comparison",
          "http://www.opengis.net/spec/cql2/1.0/conf/accent-insensitive-comparison",
          "http://www.opengis.net/spec/cql2/1.0/conf/basic-spatial-functions",
          "http://www.opengis.net/spec/cql2/1.0/conf/basic-spatial-functions-plus",
          "http://www.opengis.net/spec/cql2/1.0/conf/spatial-functions",
          "http://www.opengis.net/spec/cql2/1.0/conf/temporal-functions",
          "http://www.opengis.net/spec/cql2/1.0/conf/property-property");
  private static final String JSON = "application/json";
  private static final String GEOJSON = "application/geo+json";
  private static final Set<String> ITEMS_PARAMS =
      Set.of(
          "limit",
          "offset",
          "bbox",
          "bbox-crs",
          "crs",
          "datetime",
          "indicator",
          "year",
          "filter",
          "filter-lang",
          "filter-crs");
  static final String QUERYABLES_REL = "http://www.opengis.net/def/rel/ogc/1.0/queryables";
  private static final int DEFAULT_LIMIT = 10;
  static final String SCHOOLS = "etablissements";

  /** A collection: a territory level's ({@code level} set) or the schools'. */
  record Collection(String id, String title, String description, Level level) {}

  static final Map<String, Collection> COLLECTIONS = new LinkedHashMap<>();

  static {
    // The territory collections are the levels' (territory.Level), finest first.
    var described =
        Map.of(
            Level.COMMUNE, "Communes au COG 2026, contours IGN.",
            Level.EPCI, "EPCI à fiscalité propre, reconstitués des communes.",
            Level.DEPARTEMENT, "Départements, reconstitués des communes.",
            Level.ACADEMIE, "Académies, reconstituées des communes.",
            Level.REGION, "Régions, reconstituées des communes.");
    for (Level l : Level.all()) {
      if (l.collection() != null) {
        COLLECTIONS.put(
            l.collection(), new Collection(l.collection(), l.pluralLabel(), described.get(l), l));
      }
    }
    COLLECTIONS.put(
        SCHOOLS,
        new Collection(
            SCHOOLS,
            "Établissements scolaires",
            "Écoles, collèges et lycées des listes de la DEPP ; position de l'établissement ou, à"
                + " défaut, de sa commune (propriété location).",
            null));
  }

  private final Reads reads;
  private final Observatory observatory;
  private final ObjectMapper json = new ObjectMapper();

  OgcRoutes(Reads reads, Observatory observatory) {
    this.reads = reads;
    this.observatory = observatory;
  }

  void register(RoutesConfig app) {
    reads.get(
        app,
        "/ogc",
        Set.of("f"),
        r -> html(r.ctx()) ? page(OgcHtml.landing(landing(r.ctx()))) : body(landing(r.ctx())));
    var definition = new OpenApi();
    reads.get(
        app,
        "/ogc/api",
        Set.of("f"),
        r -> {
          if (r.param("f") != null && !r.param("f").equals("json")) {
            throw ApiException.badRequest(
                "paramètre 'f' : la définition OpenAPI n'est servie qu'en 'json', reçu '"
                    + r.param("f")
                    + "'");
          }
          String server = reads.publicBase().isEmpty() ? "/ogc" : reads.publicBase() + "/ogc";
          return new Body(
              json.writeValueAsBytes(definition.ogcDocument(server)),
              "application/vnd.oai.openapi+json;version=3.0",
              Map.of());
        });
    reads.get(
        app,
        "/ogc/conformance",
        Set.of("f"),
        r -> {
          checkF(r.ctx(), "json");
          return html(r.ctx()) ? page(OgcHtml.conformance(conformance())) : body(conformance());
        });
    reads.get(
        app,
        "/ogc/collections",
        Set.of("f"),
        r -> html(r.ctx()) ? page(OgcHtml.collections(collections(r))) : body(collections(r)));
    reads.get(
        app,
        "/ogc/collections/{collectionId}",
        Set.of("f"),
        r -> {
          ObjectNode c = collection(r, collection(r.ctx()));
          return html(r.ctx()) ? page(OgcHtml.collection(c)) : body(c);
        });
    reads.get(
        app,
        "/ogc/collections/{collectionId}/items",
        union(ITEMS_PARAMS, Set.of("f")),
        this::items);
    reads.get(
        app, "/ogc/collections/{collectionId}/items/{featureId}", Set.of("f", "crs"), this::item);
    reads.get(app, "/ogc/collections/{collectionId}/queryables", Set.of("f"), this::queryables);
  }

  /**
   * A collection's queryables as a JSON Schema (OGC API Features Part 3): each property {@code
   * filter} may name, with its type, title and, when few, its values. A territory collection lists
   * the indicator's properties too, available with {@code indicator}.
   */
  private Body queryables(Reads.Read r) throws Exception {
    Context ctx = r.ctx();
    checkF(ctx, "json");
    Collection col = collection(ctx);
    ObjectNode n = json.createObjectNode();
    n.put("$schema", "https://json-schema.org/draft/2020-12/schema");
    n.put("$id", base(ctx) + "/collections/" + col.id() + "/queryables");
    n.put("type", "object");
    n.put("title", "Propriétés filtrables : " + col.title());
    n.put(
        "description",
        col.level() == null
            ? "Propriétés des établissements que le paramètre 'filter' (CQL2) peut nommer."
            : "Propriétés des territoires que le paramètre 'filter' (CQL2) peut nommer ; indicateur,"
                + " periode, valeur, unite, statut, simule et remarque demandent le paramètre"
                + " 'indicator' (et 'year').");
    ObjectNode props = n.putObject("properties");
    var list =
        col.level() == null ? Filters.schoolQueryables() : Filters.territoryQueryablesDescribed();
    for (var q : list) {
      ObjectNode p = props.putObject(q.name());
      p.put("title", q.title());
      switch (q.type()) {
        case STRING -> p.put("type", "string");
        case NUMBER -> p.put("type", "number");
        case INTEGER -> p.put("type", "integer");
        case BOOLEAN -> p.put("type", "boolean");
        case INSTANT -> p.put("type", "string").put("format", "date-time");
        case INTERVAL -> {
          p.put("type", "array").put("minItems", 2).put("maxItems", 2);
          p.putObject("items").put("type", "string").put("format", "date-time");
        }
        case GEOMETRY -> p.put("format", q.format());
      }
      if (q.values() != null) {
        ArrayNode e = p.putArray("enum");
        q.values().forEach(e::add);
      }
    }
    n.put("additionalProperties", false);
    Body b = new Body(json.writeValueAsBytes(n), "application/schema+json", Map.of());
    return html(ctx) ? page(OgcHtml.queryables(n)) : b;
  }

  /**
   * The {@code filter} of a request as a CQL2 expression (null without one), its geometries in
   * CRS84 whatever {@code filter-crs} they were given in.
   */
  private static Expr filter(Context ctx) {
    String raw = ctx.queryParam("filter");
    String lang = ctx.queryParam("filter-lang");
    String crs = ctx.queryParam("filter-crs");
    if (raw == null) {
      if (lang != null || crs != null) {
        throw ApiException.badRequest(
            "paramètres 'filter-lang' et 'filter-crs' : sans objet sans 'filter'");
      }
      return null;
    }
    Expr e;
    try {
      e =
          switch (lang == null ? "cql2-text" : lang) {
            case "cql2-text" -> Cql2Text.parse(raw);
            case "cql2-json" -> Cql2Json.parse(raw);
            default ->
                throw ApiException.badRequest(
                    "paramètre 'filter-lang' : 'cql2-text' ou 'cql2-json' attendu, reçu '"
                        + Params.shown(lang)
                        + "'");
          };
    } catch (Cql2Exception ex) {
      throw ApiException.badRequest("paramètre 'filter' : " + ex.getMessage());
    }
    OgcCrs filterCrs = OgcCrs.of(crs, "filter-crs");
    return filterCrs.isDefault()
        ? e
        : Expr.mapGeometries(e, g -> filterCrs.toCrs84(g, "filter-crs"));
  }

  private static Set<String> union(Set<String> a, Set<String> b) {
    var s = new java.util.HashSet<>(a);
    s.addAll(b);
    return s;
  }

  private Body body(ObjectNode n) throws Exception {
    return new Body(json.writeValueAsBytes(n), JSON, Map.of());
  }

  /** The OGC API's absolute base, from the configured public URL (never the request's Host). */
  private String base(Context ctx) {
    return reads.publicBase() + "/ogc";
  }

  /** {@code f}: {@code json}, the resource's own JSON type ({@code geojson}), or {@code html}. */
  private static void checkF(Context ctx, String expected) {
    String f = ctx.queryParam("f");
    if (f != null && !f.equals(expected) && !f.equals("json") && !f.equals("html")) {
      throw ApiException.badRequest(
          "paramètre 'f' : '"
              + expected
              + (expected.equals("json") ? "" : "' (ou 'json")
              + "' ou 'html' attendu, reçu '"
              + f
              + "'");
    }
  }

  private static boolean html(Context ctx) {
    return "html".equals(ctx.queryParam("f"));
  }

  private static Body page(byte[] html) {
    return new Body(html, OgcHtml.TYPE, Map.of());
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

  private ObjectNode collections(Reads.Read r) throws SQLException {
    checkF(r.ctx(), "json");
    ObjectNode n = json.createObjectNode();
    ArrayNode links = n.putArray("links");
    link(links, base(r.ctx()) + "/collections", "self", JSON, "Collections");
    ArrayNode cols = n.putArray("collections");
    for (Collection col : COLLECTIONS.values()) {
      cols.add(collection(r, col));
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

  private ObjectNode collection(Reads.Read r, Collection col) throws SQLException {
    checkF(r.ctx(), "json");
    ObjectNode n = json.createObjectNode();
    n.put("id", col.id()).put("title", col.title()).put("description", col.description());
    n.put("itemType", "feature");
    ArrayNode crs = n.putArray("crs");
    OgcCrs.uris().forEach(crs::add);
    n.put("storageCrs", CRS84);
    double[] bbox =
        observatory.extent(r.connection(), col.level() == null ? null : col.level().id());
    ObjectNode spatial = n.putObject("extent").putObject("spatial");
    ArrayNode bb = spatial.putArray("bbox").addArray();
    // Rounded outward (4 decimals, about 10 m): every feature lies inside the declared extent.
    bb.add(Math.floor(bbox[0] * 1e4) / 1e4);
    bb.add(Math.floor(bbox[1] * 1e4) / 1e4);
    bb.add(Math.ceil(bbox[2] * 1e4) / 1e4);
    bb.add(Math.ceil(bbox[3] * 1e4) / 1e4);
    spatial.put("crs", CRS84);
    ArrayNode links = n.putArray("links");
    String href = base(r.ctx()) + "/collections/" + col.id();
    link(links, href, "self", JSON, col.title());
    link(links, href + "/items", "items", GEOJSON, "Objets de la collection");
    link(
        links,
        href + "/queryables",
        QUERYABLES_REL,
        "application/schema+json",
        "Propriétés filtrables");
    return n;
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

  private Body items(Reads.Read r) throws Exception {
    Context ctx = r.ctx();
    checkF(ctx, "geojson");
    Collection col = collection(ctx);
    Params.Paging paging = Params.paging(ctx, DEFAULT_LIMIT);
    OgcCrs crs = OgcCrs.of(ctx.queryParam("crs"), "crs");
    OgcCrs bboxCrs = OgcCrs.of(ctx.queryParam("bbox-crs"), "bbox-crs");
    String rawBbox = ctx.queryParam("bbox");
    if (rawBbox == null && ctx.queryParam("bbox-crs") != null) {
      throw ApiException.badRequest("paramètre 'bbox-crs' : sans objet sans 'bbox'");
    }
    double[] bbox =
        rawBbox == null
            ? null
            : bboxCrs.isDefault() ? bbox(rawBbox) : bboxCrs.toCrs84(Bbox.parseProjected(rawBbox));
    datetime(ctx.queryParam("datetime"));
    Expr filter = filter(ctx);
    ObjectNode fc = json.createObjectNode();
    fc.put("type", "FeatureCollection");
    ArrayNode features = fc.putArray("features");
    long matched;
    if (col.level() == null) {
      if (ctx.queryParam("indicator") != null || ctx.queryParam("year") != null) {
        throw ApiException.badRequest(
            "paramètres 'indicator' et 'year' : la collection des établissements ne porte pas"
                + " d'indicateur");
      }
      Page<School> page =
          observatory.schools(
              r.connection(),
              new SchoolQuery(
                  null, null, null, null, bbox, paging.limit(), paging.offset(), filter));
      page.items().forEach(s -> features.add(GeoJsonViews.school(s, crs)));
      matched = page.matched();
    } else {
      // The choropleth's figures as properties, for a GIS reading /ogc alone.
      IndicatorPeriod indicator = indicator(r);
      Page<TerritoryFeature> page =
          observatory.territoryFeatures(
              r.connection(),
              col.level().id(),
              bbox,
              filter,
              indicator,
              paging.limit(),
              paging.offset());
      for (TerritoryFeature t : page.items()) {
        ObjectNode f = GeoJsonViews.territory(t, crs);
        if (indicator != null) {
          indicatorProperties((ObjectNode) f.get("properties"), indicator, t.value());
        }
        features.add(f);
      }
      matched = page.matched();
    }
    fc.put("numberMatched", matched);
    fc.put("numberReturned", features.size());
    fc.put(
        "timeStamp", Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString());
    ArrayNode links = fc.putArray("links");
    String self = base(ctx) + "/collections/" + col.id() + "/items";
    int offset = paging.offset();
    link(links, self + Params.query(ctx, null), "self", GEOJSON, "Cette page");
    link(links, base(ctx) + "/collections/" + col.id(), "collection", JSON, col.title());
    if (offset + features.size() < matched) {
      link(
          links,
          self + Params.query(ctx, offset + features.size()),
          "next",
          GEOJSON,
          "Page suivante");
    }
    if (offset > 0) {
      link(
          links,
          self + Params.query(ctx, Math.max(0, offset - paging.limit())),
          "prev",
          GEOJSON,
          "Page précédente");
    }
    Map<String, String> headers = new LinkedHashMap<>();
    paging.capHeader(headers);
    headers.put("Content-Crs", "<" + crs.uri() + ">");
    if (html(ctx)) {
      return new Body(OgcHtml.items(fc, col.title()), OgcHtml.TYPE, headers);
    }
    return new Body(json.writeValueAsBytes(fc), GEOJSON, headers);
  }

  /** The {@code indicator} asked for and its period ({@code year}, else the latest), or null. */
  private IndicatorPeriod indicator(Reads.Read r) throws Exception {
    String id = r.param("indicator");
    if (id == null) {
      if (r.param("year") != null) {
        throw ApiException.badRequest("paramètre 'year' : sans objet sans 'indicator'");
      }
      return null;
    }
    var i = observatory.indicator(id);
    return new IndicatorPeriod(i, observatory.period(r.connection(), i, r.param("year")));
  }

  /**
   * An indicator's value as a territory's properties: the indicator, period, value (null without
   * one), unit, status, simulated, and the note when there is one.
   */
  private static void indicatorProperties(ObjectNode p, IndicatorPeriod indicator, Value v) {
    p.put("indicateur", indicator.indicator().id());
    p.put("periode", indicator.period());
    p.put("valeur", v.value());
    p.put("unite", indicator.indicator().unit());
    p.put("statut", v.status());
    p.put("simule", v.simulated());
    if (v.note() != null) {
      p.put("remarque", v.note());
    }
  }

  private Body item(Reads.Read r) throws Exception {
    Context ctx = r.ctx();
    checkF(ctx, "geojson");
    Collection col = collection(ctx);
    String id = ctx.pathParam("featureId");
    OgcCrs crs = OgcCrs.of(ctx.queryParam("crs"), "crs");
    ObjectNode f =
        (col.level() == null
                ? observatory.findSchool(r.connection(), id).map(x -> GeoJsonViews.school(x, crs))
                : observatory
                    .territoryFeature(r.connection(), col.level().id(), id)
                    .map(x -> GeoJsonViews.territory(x, crs)))
            .orElseThrow(
                () ->
                    new ApiException(
                        404,
                        "Objet inconnu",
                        "aucun objet '" + id + "' dans la collection '" + col.id() + "'"));
    ArrayNode links = f.putArray("links");
    String href = base(ctx) + "/collections/" + col.id();
    link(
        links,
        href + "/items/" + URLEncoder.encode(id, StandardCharsets.UTF_8),
        "self",
        GEOJSON,
        null);
    link(links, href, "collection", JSON, col.title());
    if (html(ctx)) {
      return new Body(OgcHtml.item(f), OgcHtml.TYPE, Map.of("Content-Crs", "<" + crs.uri() + ">"));
    }
    return new Body(
        json.writeValueAsBytes(f), GEOJSON, Map.of("Content-Crs", "<" + crs.uri() + ">"));
  }
}
