package fr.eduatlas.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import fr.eduatlas.selection.Criteria;
import fr.eduatlas.selection.CriteriaSchema;
import fr.eduatlas.selection.Criterion;
import fr.eduatlas.selection.InvalidCriteriaException;
import fr.eduatlas.selection.NeedsQuery;
import fr.eduatlas.selection.Selection;
import fr.eduatlas.selection.SelectionFormats;
import fr.eduatlas.selection.SelectionRun;
import fr.eduatlas.selection.SelectionService;
import fr.eduatlas.selection.SelectionStore;
import fr.eduatlas.selection.UnsatisfiableException;
import fr.eduatlas.warehouse.ServedWarehouse;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.Map;
import java.util.Set;

/**
 * {@code /api/v1/selections}: the call-for-interest shortlist. A thin adapter over {@link
 * SelectionService}; criteria errors become 400 problems listing every error, quotas that no
 * shortlist can meet a 422.
 */
final class SelectionRoutes {
  static final String BASE = "/api/v1/selections";

  /** Criteria are a few hundred bytes; 1 MiB leaves room for long perimeter lists. */
  static final int MAX_BODY = 1 << 20;

  // Trailing garbage after the JSON value is an error, not ignored.
  private static final ObjectMapper JSON =
      new ObjectMapper()
          .enable(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

  /** New selections per client address: 20 a minute, in bursts of 10. */
  private final RateLimiter rate = new RateLimiter(20, 10);

  private final Reads reads;
  private final ServedWarehouse warehouse;
  private final SelectionService service;

  SelectionRoutes(Reads reads, ServedWarehouse warehouse, SelectionService service) {
    this.reads = reads;
    this.warehouse = warehouse;
    this.service = service;
  }

  void register(RoutesConfig app) {
    reads.get(
        app,
        BASE + "/schema",
        Set.of(),
        r ->
            new Body(
                JSON.writeValueAsBytes(CriteriaSchema.document()),
                "application/schema+json",
                Map.of()));
    reads.get(app, BASE + "/defaults", Set.of(), r -> json(defaults(r.connection())));
    reads.declare(BASE, Set.of());
    reads.declare(BASE + "/{id}/conservation", Set.of());
    app.post(BASE, this::create);
    app.post(BASE + "/{id}/conservation", this::keep);
    reads.get(app, BASE + "/{id}", Set.of("format", "sep", "decimal", "scope"), this::selection);
    reads.get(app, BASE + "/{id}/communes/{code}", Set.of(), this::commune);
  }

  private static Body json(Object o) throws Exception {
    return new Body(JSON.writeValueAsBytes(o), "application/json", Map.of());
  }

  /** The default criteria, the years that can be chosen, and each criterion's definition. */
  private ObjectNode defaults(Connection c) throws Exception {
    ObjectNode n = JSON.createObjectNode();
    var years = NeedsQuery.years(c);
    n.set("criteria", Criteria.fromJson(JSON.createObjectNode()).toJson(JSON));
    years.forEach(n.putArray("years")::add);
    var defs = n.putArray("criteriaDefinitions");
    for (Criterion k : Criterion.values()) {
      defs.addObject()
          .put("id", k.id())
          .put("label", k.label())
          .put("unit", k.unit())
          .put("definition", k.definition())
          .put(
              "direction",
              k.higherIsNeed() ? "plus-haut-plus-de-besoin" : "plus-bas-plus-de-besoin");
    }
    return n;
  }

  private void create(Context ctx) throws Exception {
    Params.checkDeclared(ctx, Set.of());
    String type = ctx.contentType() == null ? "" : ctx.contentType();
    if (!type.startsWith("application/json")) {
      throw new ApiException(
          415,
          "Type de contenu non pris en charge",
          "les critères s'envoient en JSON (Content-Type: application/json), reçu '" + type + "'");
    }
    long wait = rate.take(ctx.req().getRemoteAddr(), System.currentTimeMillis());
    if (wait > 0) {
      ctx.header("Retry-After", String.valueOf((wait + 999) / 1000));
      throw new ApiException(
          429,
          "Trop de sélections demandées",
          "20 sélections par minute au plus depuis une même adresse : réessayez dans "
              + ((wait + 999) / 1000)
              + " s");
    }
    JsonNode body;
    try {
      body = JSON.readTree(Bodies.read(ctx, MAX_BODY));
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      var at = e.getLocation();
      throw ApiException.badRequest(
          "corps JSON illisible"
              + (at == null ? "" : ", ligne " + at.getLineNr() + ", colonne " + at.getColumnNr())
              + " : "
              + e.getOriginalMessage().replaceAll("\\s+", " "));
    }
    if (body == null || body.isMissingNode()) {
      throw ApiException.badRequest(
          "corps vide : envoyez les critères en JSON ({} pour les valeurs par défaut)");
    }
    try (var lease = warehouse.lease()) {
      SelectionService.Created created;
      try {
        created = reads.heavy(() -> service.create(lease.connection(), lease.dataVersion(), body));
      } catch (InvalidCriteriaException e) {
        throw new ApiException(
            400,
            "Critères invalides",
            e.problems().size() == 1
                ? e.problems().get(0)
                : e.problems().size() + " erreurs dans les critères (voir errors)",
            e.problems());
      } catch (UnsatisfiableException e) {
        throw new ApiException(422, "Quotas impossibles à respecter", e.getMessage());
      }
      Selection s = created.selection();
      ctx.status(created.created() ? 201 : 200);
      ctx.header("Location", BASE + "/" + s.id());
      ctx.contentType("application/json");
      ctx.result(SelectionFormats.json(s, false));
    }
  }

  /** Keeps a selection for good: the store's bounds never remove it (a decision file's list). */
  private void keep(Context ctx) {
    Params.checkDeclared(ctx, Set.of());
    Selection s = stored(ctx);
    service.keep(s.id());
    ctx.status(204);
  }

  private Selection stored(Context ctx) {
    String id = ctx.pathParam("id");
    Selection s = SelectionStore.validId(id) ? service.get(id) : null;
    if (s == null) {
      throw ApiException.notFound("aucune sélection « " + id + " »");
    }
    return s;
  }

  private Body selection(Reads.Read r) throws Exception {
    Context ctx = r.ctx();
    Selection s = stored(ctx);
    String format = Params.format(ctx, "json", "csv", "geojson");
    String scope = ctx.queryParam("scope") == null ? "liste" : ctx.queryParam("scope");
    if (!scope.equals("liste") && !scope.equals("toutes")) {
      throw ApiException.badRequest(
          "paramètre 'scope' : 'liste' (retenues et suivantes) ou 'toutes' (chaque commune),"
              + " reçu '"
              + scope
              + "'");
    }
    if (!format.equals("csv")
        && (ctx.queryParam("sep") != null
            || ctx.queryParam("decimal") != null
            || !scope.equals("liste"))) {
      throw ApiException.badRequest(
          "paramètres 'sep', 'decimal' et 'scope' : pour format=csv seulement");
    }
    // The shortlist and the table of every commune get different names (both are kept in a
    // decision file).
    String disposition =
        "attachment; filename=\"selection-"
            + s.id()
            + (scope.equals("toutes") ? "-toutes-communes" : "")
            + "."
            + format
            + "\"";
    return switch (format) {
      case "csv" -> {
        CsvWriter.Options o = Params.csv(ctx);
        var rows =
            scope.equals("toutes")
                ? reads.heavy(() -> everyCommune(r, s))
                : SelectionFormats.shortlist(s);
        yield new Body(
            SelectionFormats.csv(s, rows, o.sep(), o.decimal()),
            "text/csv; charset=utf-8",
            Map.of("Content-Disposition", disposition));
      }
      case "geojson" ->
          new Body(
              SelectionFormats.geojson(s, r.connection()),
              "application/geo+json",
              Map.of("Content-Disposition", disposition));
      default -> new Body(SelectionFormats.json(s, false), "application/json", Map.of());
    };
  }

  private java.util.List<Selection.Explained> everyCommune(Reads.Read read, Selection s)
      throws Exception {
    SelectionRun run = run(read, s.id());
    var rows = new ArrayList<>(SelectionFormats.shortlist(s));
    var seen = new java.util.HashSet<String>();
    rows.forEach(r -> seen.add(r.code()));
    var rest = new ArrayList<Selection.Explained>();
    for (var x : run.facts().communes()) {
      if (!seen.contains(x.code())) {
        rest.add(run.explain(x.code()));
      }
    }
    rest.sort(
        java.util.Comparator.comparing(
                (Selection.Explained r) -> r.rank() == null ? Integer.MAX_VALUE : r.rank())
            .thenComparing(Selection.Explained::code));
    rows.addAll(rest);
    return rows;
  }

  /** The full run of a stored selection, on the data version the lease serves. */
  private SelectionRun run(Reads.Read r, String id) throws Exception {
    try {
      return service.run(r.connection(), r.dataVersion(), id);
    } catch (SelectionService.StaleException e) {
      throw new ApiException(409, "Données remplacées depuis la sélection", e.getMessage());
    }
  }

  private Body commune(Reads.Read r) throws Exception {
    Context ctx = r.ctx();
    Selection s = stored(ctx);
    String code = ctx.pathParam("code");
    for (var row : SelectionFormats.shortlist(s)) {
      if (row.code().equals(code)) {
        return json(row);
      }
    }
    var e = run(r, s.id()).explain(code);
    if (e == null) {
      throw ApiException.notFound("aucune commune de code « " + code + " »");
    }
    return json(e);
  }
}
