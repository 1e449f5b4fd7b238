package fr.eduatlas.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.util.RawValue;
import fr.eduatlas.observatory.IndicatorValues;
import fr.eduatlas.observatory.Observatory;
import fr.eduatlas.observatory.Page;
import fr.eduatlas.observatory.School;
import fr.eduatlas.observatory.SchoolQuery;
import fr.eduatlas.observatory.Value;
import fr.eduatlas.observatory.ValuesQuery;
import fr.eduatlas.territory.Level;
import fr.eduatlas.territory.Programmes;
import io.javalin.config.RoutesConfig;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The analysts' API under {@code /api/v1}: each route parses its parameters ({@link Params}), asks
 * the read model ({@link Observatory}) and writes the answer ({@link JsonViews}, {@link CsvWriter},
 * {@link GeoJsonViews}). Caching, ETags and parameter checks are {@link Reads}'.
 */
final class V1Routes {
  /** A GeoJSON of more outlines than this is heavy work ({@link HeavyWork}). */
  static final int HEAVY_FEATURES = 2000;

  static final String CSV = "text/csv; charset=utf-8";
  static final String GEOJSON = "application/geo+json";
  static final String JSON = "application/json";

  private final Reads reads;
  private final Observatory observatory;
  private final JsonViews views;

  private final OutlineJson outlineJson = new OutlineJson();

  V1Routes(Reads reads, Observatory observatory) {
    this.reads = reads;
    this.observatory = observatory;
    this.views = new JsonViews(observatory.catalog());
  }

  void register(RoutesConfig app) {
    reads.get(
        app,
        "/api/v1/levels",
        Set.of(),
        r -> json(views.levels(observatory.levels(r.connection()))));
    reads.get(app, "/api/v1/territories", Set.of("q", "level", "limit"), this::search);
    reads.get(app, "/api/v1/territories/{level}/{code}", Set.of("geometry", "zoom"), this::profile);
    reads.get(app, "/api/v1/indicators", Set.of(), this::indicators);
    reads.get(app, "/api/v1/labels/{level}", Set.of("bbox", "limit"), this::labels);
    reads.get(
        app,
        "/api/v1/indicators/{id}",
        Set.of(),
        r -> {
          var i = observatory.indicator(r.path("id"));
          return json(views.indicator(i, observatory.periods(r.connection(), i.id())));
        });
    reads.get(
        app,
        "/api/v1/indicators/{id}/values",
        Set.of("level", "year", "within", "format", "zoom", "sep", "decimal"),
        this::values);
    reads.get(
        app,
        "/api/v1/schools",
        Set.of(
            "programme",
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
    reads.get(
        app,
        "/api/v1/schools/{uai}",
        Set.of(),
        r -> json(views.schoolDetail(observatory.schoolDetail(r.connection(), r.path("uai")))));
    reads.get(
        app,
        "/api/v1/programmes",
        Set.of(),
        r -> json(views.programmes(observatory.programmes(r.connection()))));
    reads.get(
        app,
        "/api/v1/programmes/{id}",
        Set.of(),
        r -> {
          String id = r.path("id");
          programmeDefinition(id);
          return json(views.programme(observatory.programme(r.connection(), id)));
        });
    reads.get(
        app,
        "/api/v1/programmes/{id}/suivi",
        Set.of(),
        r -> {
          String id = r.path("id");
          programmeDefinition(id);
          // The comparable départements of each evaluated indicator: the evaluation's matches.
          var comparable = new java.util.HashMap<String, java.util.Set<String>>();
          for (var o : observatory.evaluation(r.connection(), id, MATCHES).outcomes()) {
            var set = new java.util.TreeSet<String>();
            o.result().matches().values().forEach(set::addAll);
            comparable.put(o.indicator(), set);
          }
          return json(views.monitoring(observatory.monitoring(r.connection(), id, comparable)));
        });
    reads.get(
        app,
        "/api/v1/programmes/{id}/evaluation",
        Set.of(),
        r -> {
          String id = r.path("id");
          programmeDefinition(id);
          return json(views.evaluation(observatory.evaluation(r.connection(), id, MATCHES)));
        });
    // Registered by ApiServer and WebRoutes, declared here for the OpenAPI document.
    reads.declare("/api/health", Set.of());
    reads.declare("/api/v1/stats", Set.of());
    reads.declare("/api/v1/config", Set.of());
    // Served by the contributors' space and the hubs (ContributorRoutes, HubRoutes).
    reads.declare("/api/v1/session", Set.of());
    reads.declare("/api/v1/territories/{level}/{code}/annuaire", Set.of());
  }

  private Body json(JsonNode n) throws Exception {
    return new Body(views.bytes(n), JSON, Map.of());
  }

  private Body search(Reads.Read r) throws Exception {
    String level = r.param("level");
    if (level != null) {
      Observatory.level(Params.required(level, "level"));
    }
    String q = r.param("q");
    return json(
        views.search(
            q, observatory.search(r.connection(), q, level, Params.limit(r.ctx(), 20, 100))));
  }

  private Body profile(Reads.Read r) throws Exception {
    String level = Observatory.level(Params.required(r.path("level"), "level")).id();
    return json(
        views.profile(
            observatory.profile(
                r.connection(),
                level,
                r.path("code"),
                Params.bool(r.ctx(), "geometry"),
                Params.zoom(r.ctx()))));
  }

  /** Names at their label points, for the map's orientation layer. */
  private Body labels(Reads.Read r) throws Exception {
    String bbox = r.param("bbox");
    var labels =
        observatory.labels(
            r.connection(),
            r.path("level"),
            bbox == null ? null : Bbox.parse(bbox, false),
            Params.limit(r.ctx(), 500, 2000));
    return json(labels(r.path("level"), labels));
  }

  /** The orientation layer's names as JSON: the route's and a static release's. */
  static com.fasterxml.jackson.databind.node.ObjectNode labels(
      String level, List<Observatory.Label> labels) {
    var out = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode();
    out.put("level", level);
    var list = out.putArray("labels");
    for (var l : labels) {
      list.addObject()
          .put("code", l.code())
          .put("name", l.name())
          .put("lon", l.lon())
          .put("lat", l.lat())
          .put("weight", l.weight());
    }
    return out;
  }

  private Body indicators(Reads.Read r) throws Exception {
    var out = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.arrayNode();
    for (var i : observatory.catalog().all()) {
      out.add(views.indicator(i, observatory.periods(r.connection(), i.id())));
    }
    return json(out);
  }

  // ---- values -------------------------------------------------------------------------------

  private Body values(Reads.Read r) throws Exception {
    var ctx = r.ctx();
    String level =
        Params.required(r.param("level") == null ? "departement" : r.param("level"), "level");
    String format = Params.format(ctx, "json", "csv", "geojson");
    String[] within = Params.territoryRef(ctx, "within");
    if (within != null) {
      Params.required(within[0], "within");
    }
    Integer zoom = Params.zoom(ctx);
    CsvWriter.Options csv = Params.csv(ctx);
    var query =
        new ValuesQuery(
            r.path("id"),
            level,
            r.param("year"),
            within == null ? null : within[0],
            within == null ? null : within[1]);
    IndicatorValues v = observatory.values(r.connection(), query);
    if (!format.equals("geojson")) {
      return values(v, format, csv);
    }
    int z = zoom == null ? defaultZoom(v.level()) : zoom;
    var shared = outlineJson.peek(r.dataVersion(), v.level(), z);
    if (shared != null) {
      return geojson(v, shared);
    }
    if (v.rows().size() <= HEAVY_FEATURES) {
      // A few territories (a département's communes): their outlines only.
      return values(observatory.withOutlines(r.connection(), v, z), format, csv);
    }
    // Thousands of outlines (every commune or EPCI): the level's outlines are written once as
    // GeoJSON text, for this indicator and the next; seconds of CPU, one such at a time.
    return reads.heavy(
        () ->
            geojson(
                v,
                outlineJson.get(
                    r.dataVersion(),
                    v.level(),
                    z,
                    () -> observatory.outlines(r.connection(), v.level(), z, null))));
  }

  private Body values(IndicatorValues v, String format, CsvWriter.Options o) throws Exception {
    return values(views, v, format, o);
  }

  /**
   * Values as JSON, CSV or GeoJSON (with the rows' outlines): the route's and a static release's.
   */
  static Body values(JsonViews views, IndicatorValues v, String format, CsvWriter.Options o)
      throws Exception {
    var i = v.indicator();
    Map<String, String> headers = new LinkedHashMap<>();
    if (i.fromContributions()) {
      headers.put("X-Simulated-Data", v.anySimulated() ? "true" : "false");
    }
    switch (format) {
      case "csv" -> {
        var w =
            new CsvWriter(
                o,
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
                    "etablissements_donnees_reelles",
                    "remarque"));
        for (IndicatorValues.Row row : v.rows()) {
          Value x = row.value();
          Value.Coverage c = x.coverage();
          w.row(
              List.of(
                  v.level(),
                  row.code(),
                  w.text(row.name()),
                  i.id(),
                  v.period(),
                  w.number(x.value()),
                  w.text(i.unit()),
                  x.status(),
                  x.appraisal() == null ? "" : x.appraisal(),
                  String.valueOf(x.simulated()),
                  c == null ? "" : CsvWriter.whole(c.schools()),
                  c == null ? "" : CsvWriter.whole(c.schoolsTotal()),
                  c == null ? "" : CsvWriter.whole(c.pupils()),
                  c == null ? "" : CsvWriter.whole(c.pupilsTotal()),
                  c == null ? "" : CsvWriter.whole(c.realSchools()),
                  w.text(x.note())));
        }
        headers.put(
            "Content-Disposition",
            "attachment; filename=\"" + i.id() + "-" + v.level() + "-" + v.period() + ".csv\"");
        return new Body(w.bytes(), CSV, headers);
      }
      case "geojson" -> {
        return new Body(views.bytes(GeoJsonViews.values(views, v)), GEOJSON, headers);
      }
      default -> {
        return new Body(views.values(v), JSON, headers);
      }
    }
  }

  private Body geojson(IndicatorValues v, Map<String, RawValue> outlines) throws Exception {
    Map<String, String> headers = new LinkedHashMap<>();
    if (v.indicator().fromContributions()) {
      headers.put("X-Simulated-Data", v.anySimulated() ? "true" : "false");
    }
    return new Body(views.bytes(GeoJsonViews.values(views, v, outlines)), GEOJSON, headers);
  }

  private static int defaultZoom(String level) {
    return switch (level) {
      case "commune" -> 8;
      case "epci", "departement" -> 7;
      default -> 5;
    };
  }

  // ---- schools ------------------------------------------------------------------------------

  private Body schools(Reads.Read r) throws Exception {
    var ctx = r.ctx();
    var territories = new LinkedHashMap<String, String>();
    for (Level l :
        List.of(Level.COMMUNE, Level.EPCI, Level.DEPARTEMENT, Level.ACADEMIE, Level.REGION)) {
      String code = r.param(l.id());
      if (code != null) {
        territories.put(l.id(), code);
      }
    }
    if (r.param("programme") != null) {
      territories.put("programme", r.param("programme"));
    }
    String bbox = r.param("bbox");
    String format = Params.format(ctx, "json", "csv", "geojson");
    Params.Paging paging = Params.paging(ctx, 100);
    CsvWriter.Options csv = format.equals("csv") ? Params.csv(ctx) : null;
    Page<School> page =
        observatory.schools(
            r.connection(),
            new SchoolQuery(
                territories,
                r.param("type"),
                r.param("sector"),
                r.param("q"),
                bbox == null ? null : Bbox.parse(bbox, false),
                paging.limit(),
                paging.offset()));
    Map<String, String> headers = new LinkedHashMap<>();
    paging.capHeader(headers);
    switch (format) {
      case "csv" -> {
        var w =
            new CsvWriter(
                csv,
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
                    "publie_le"));
        for (School s : page.items()) {
          School.Provenance p = s.provenance();
          w.row(
              List.of(
                  s.uai(),
                  w.text(s.name()),
                  s.type(),
                  s.sector(),
                  CsvWriter.whole(s.pupils()),
                  w.number(s.ips()),
                  s.commune(),
                  w.text(s.communeName()),
                  w.number(s.lon()),
                  w.number(s.lat()),
                  s.location(),
                  CsvWriter.whole(s.bandwidthClass()),
                  CsvWriter.whole(s.bandwidthYear()),
                  s.simulated() == null ? "" : s.simulated().toString(),
                  CsvWriter.whole(s.communeDensityLevel()),
                  p == null ? "" : p.contribution(),
                  p == null || p.hub() == null ? "" : p.hub(),
                  p == null || p.version() == null ? "" : p.version().toString(),
                  p == null || p.publishedAt() == null ? "" : p.publishedAt()));
        }
        return new Body(w.bytes(), CSV, headers);
      }
      case "geojson" -> {
        var fc = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode();
        fc.put("type", "FeatureCollection");
        fc.put("numberMatched", page.matched()).put("numberReturned", page.items().size());
        var features = fc.putArray("features");
        page.items().forEach(s -> features.add(GeoJsonViews.school(s)));
        return new Body(views.bytes(fc), GEOJSON, headers);
      }
      default -> {
        var out = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode();
        out.put("numberMatched", page.matched()).put("numberReturned", page.items().size());
        out.put("limit", paging.limit()).put("offset", paging.offset());
        if (paging.capped()) {
          out.put("note", "limite ramenée au maximum de " + Observatory.MAX_LIMIT + " par page");
        }
        if (paging.offset() + page.items().size() < page.matched()) {
          out.put("next", ctx.path() + Params.query(ctx, paging.offset() + page.items().size()));
        }
        var a = out.putArray("schools");
        page.items().forEach(s -> a.add(JsonViews.school(s)));
        return new Body(views.bytes(out), JSON, headers);
      }
    }
  }

  /** A programme's definition, its id's shape checked first; a 404 otherwise. */
  private static com.fasterxml.jackson.databind.JsonNode programmeDefinition(String id) {
    var def = id.matches("[a-z][a-z0-9-]{1,30}") ? Programmes.definition(id) : null;
    if (def == null) {
      throw new ApiException(
          404,
          "Programme introuvable",
          "programme inconnu « "
              + Params.shown(id)
              + " » ; programmes : "
              + String.join(", ", Programmes.ids()));
    }
    return def;
  }

  /** Départements matched to each treated one in a programme's evaluation. */
  static final int MATCHES = 3;
}
