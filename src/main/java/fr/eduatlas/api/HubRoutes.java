package fr.eduatlas.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.ser.std.ToStringSerializer;
import fr.eduatlas.hub.Hub;
import fr.eduatlas.hub.HubException;
import fr.eduatlas.hub.HubService;
import fr.eduatlas.hub.HubStore;
import fr.eduatlas.hub.Principal;
import fr.eduatlas.hub.UploadFiles;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import jakarta.servlet.MultipartConfigElement;
import jakarta.servlet.http.Part;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Map;
import java.util.Set;

/**
 * {@code /api/v1/hubs}: the local data hubs over HTTP, a thin adapter over {@link HubService}.
 * Every route needs a bearer token ({@code Authorization: Bearer eat_…}); answers are never cached
 * ({@code Cache-Control: no-store}); errors are problem+json in French. Repeated authentication
 * failures from one address are refused for a while (429 with {@code Retry-After}).
 */
final class HubRoutes {
  static final String BASE = "/api/v1/hubs";
  static final String FEED = BASE + "/{hub}/tests-debit";
  static final String PUBLIC_DIRECTORY = "/api/v1/territories/{level}/{code}/annuaire";
  static final ObjectMapper JSON =
      new ObjectMapper()
          .registerModule(
              new SimpleModule()
                  .addSerializer(Instant.class, ToStringSerializer.instance)
                  .addSerializer(java.time.LocalDate.class, ToStringSerializer.instance));

  /** The routes and their query parameters, as the OpenAPI document declares them. */
  static final Map<String, Set<String>> DECLARED = new java.util.concurrent.ConcurrentHashMap<>();

  private final java.util.function.Supplier<HubService> services;
  private final UploadFiles.Limits limits;
  private fr.eduatlas.selection.SelectionService selections;
  private final AuthThrottle throttle = new AuthThrottle(10, 300_000);

  HubRoutes(HubService service, UploadFiles.Limits limits) {
    this.services = () -> service;
    this.limits = limits;
  }

  private HubRoutes(java.util.function.Supplier<HubService> services, UploadFiles.Limits limits) {
    this.services = services;
    this.limits = limits;
  }

  /** Over a service that may still be starting (its store opening): a request waits for it. */
  static HubRoutes pending(
      java.util.function.Supplier<HubService> services, UploadFiles.Limits limits) {
    return new HubRoutes(services, limits);
  }

  /** The stored selections a campaign freezes its shortlist from. */
  HubRoutes withSelections(fr.eduatlas.selection.SelectionService selections) {
    this.selections = selections;
    return this;
  }

  private HubService service() {
    return services.get();
  }

  void register(RoutesConfig app) {
    route(app, "get", BASE, Set.of(), this::hubs);
    route(app, "get", BASE + "/{hub}", Set.of(), this::hub);
    route(app, "post", BASE + "/{hub}/uploads", Set.of("jeu", "format"), this::upload);
    route(app, "get", BASE + "/{hub}/uploads/{upload}", Set.of("format"), this::uploadReport);
    route(app, "get", BASE + "/{hub}/versions", Set.of("jeu"), this::versions);
    route(
        app,
        "get",
        BASE + "/{hub}/versions/{jeu}/{numero}",
        Set.of("limit", "offset"),
        this::version);
    route(
        app, "post", BASE + "/{hub}/versions/{jeu}/{numero}/publication", Set.of(), this::publish);
    route(app, "get", BASE + "/{hub}/diff/{jeu}", Set.of("de", "a"), this::diff);
    route(app, "get", BASE + "/{hub}/publications", Set.of(), this::publications);
    route(app, "get", BASE + "/{hub}/conflicts", Set.of(), this::conflicts);
    route(app, "get", BASE + "/{hub}/audit", Set.of("limit"), this::audit);
    route(app, "get", BASE + "/{hub}/completeness", Set.of(), this::completeness);
    route(app, "get", BASE + "/{hub}/templates/{jeu}", Set.of(), this::template);
    route(app, "post", FEED, Set.of("lot"), this::feed);
    route(app, "get", BASE + "/{hub}/annuaire", Set.of(), this::directory);
    route(app, "post", BASE + "/{hub}/annuaire", Set.of(), this::saveDirectory);
    route(
        app,
        "post",
        BASE + "/{hub}/annuaire/versions/{numero}/publication",
        Set.of(),
        this::publishDirectory);
    app.get(PUBLIC_DIRECTORY, ctx -> publicDirectory(ctx, service()));
    route(app, "get", "/api/v1/rebuilds", Set.of(), this::rebuilds);
    route(app, "get", "/api/v1/rebuilds/{id}", Set.of(), this::rebuild);
    route(app, "get", "/api/v1/audit", Set.of("limit"), this::auditAll);
    new CampaignRoutes(this, services, selections).register(app);
  }

  /** A public handler (no token), its query parameters declared like the others'. */
  @FunctionalInterface
  interface Open {
    void handle(Context ctx) throws Exception;
  }

  void publicRoute(RoutesConfig app, String path, Set<String> params, Open h) {
    DECLARED.put("GET " + path, params);
    app.get(
        path,
        ctx -> {
          Params.checkDeclared(ctx, params);
          h.handle(ctx);
        });
  }

  /** An authenticated handler. */
  @FunctionalInterface
  interface Authed {
    void handle(Context ctx, Principal p, String address) throws Exception;
  }

  void route(RoutesConfig app, String method, String path, Set<String> params, Authed h) {
    DECLARED.put(method.toUpperCase(java.util.Locale.ROOT) + " " + path, params);
    Handler handler =
        ctx -> {
          ctx.header("Cache-Control", "no-store");
          Params.checkDeclared(ctx, params);
          String address = ctx.req().getRemoteAddr();
          Principal p = authenticate(ctx, address);
          if (p.feedOnly() && !path.equals(FEED)) {
            throw new ApiException(
                403,
                "Jeton réservé au flux de mesures",
                "ce jeton ne sert qu'à envoyer des tests de débit (POST " + FEED + ")");
          }
          h.handle(ctx, p, address);
        };
    if (method.equals("post")) {
      app.post(path, handler);
    } else {
      app.get(path, handler);
    }
  }

  private Principal authenticate(Context ctx, String address) {
    long wait = throttle.blockedFor(address);
    if (wait > 0) {
      ctx.header("Retry-After", String.valueOf((wait + 999) / 1000));
      throw new ApiException(
          429,
          "Trop d'échecs d'authentification",
          "trop de jetons refusés depuis cette adresse : réessayez dans "
              + ((wait + 999) / 1000)
              + " s");
    }
    String h = ctx.header("Authorization");
    if (h == null && ctx.cookie(ContributorRoutes.SESSION_COOKIE) != null) {
      return sessionPrincipal(ctx, address);
    }
    if (h == null || !h.regionMatches(true, 0, "Bearer ", 0, 7)) {
      ctx.header("WWW-Authenticate", "Bearer realm=\"eduatlas\"");
      throw new ApiException(
          401,
          "Authentification requise",
          "cette adresse demande un jeton : en-tête « Authorization: Bearer eat_… » (eduatlas"
              + " hub token)");
    }
    var a = service().store().authenticate(h.substring(7).trim(), address);
    if (a.principal() == null) {
      throttle.fail(address);
      service()
          .store()
          .audit(
              new HubStore.AuditEntry(
                  null, null, "authentification", null, address, "refuse", a.refusal().text));
      ctx.header("WWW-Authenticate", "Bearer realm=\"eduatlas\", error=\"invalid_token\"");
      throw new ApiException(401, "Authentification refusée", a.refusal().text);
    }
    if (a.firstUseThisHour()) {
      service()
          .store()
          .audit(
              new HubStore.AuditEntry(
                  a.principal().member(),
                  a.principal().onlyHub(),
                  "utilisation-jeton",
                  null,
                  address,
                  "ok",
                  a.principal().tokenId()));
    }
    return a.principal();
  }

  /**
   * The principal of the contributors' space's session cookie. A state-changing request also
   * carries the session's CSRF token in {@code X-CSRF-Token} (a page of another site can make the
   * browser send the cookie, not read the token).
   */
  private Principal sessionPrincipal(Context ctx, String address) {
    var sessions = service().sessions();
    var s = sessions.session(ctx.cookie(ContributorRoutes.SESSION_COOKIE));
    if (s.isEmpty()) {
      throttle.fail(address);
      throw new ApiException(
          401,
          "Session terminée",
          "session expirée ou fermée : reconnectez-vous sur /contribuer/connexion");
    }
    String method = ctx.method().name();
    if (!method.equals("GET") && !method.equals("HEAD")) {
      if (!fr.eduatlas.hub.Sessions.same(
          ctx.header(ContributorRoutes.CSRF_HEADER), s.get().csrf())) {
        service()
            .store()
            .audit(
                new HubStore.AuditEntry(
                    s.get().member(),
                    null,
                    "csrf",
                    null,
                    address,
                    "refuse",
                    method + " " + ctx.path()));
        throw new ApiException(
            403,
            "Jeton anti-CSRF absent ou erroné",
            "une écriture par session porte l'en-tête "
                + ContributorRoutes.CSRF_HEADER
                + " reçu de /api/v1/session");
      }
    }
    return sessions.principal(s.get());
  }

  // ---- handlers -----------------------------------------------------------------------------

  private void hubs(Context ctx, Principal p, String address) throws Exception {
    ArrayNode out = JSON.createArrayNode();
    for (Hub h : service().hubs(p)) {
      out.add(hubNode(h, p));
    }
    json(ctx, 200, JSON.createObjectNode().put("member", p.member()).set("hubs", out));
  }

  private ObjectNode hubNode(Hub h, Principal p) {
    ObjectNode n = JSON.createObjectNode();
    n.put("id", h.id()).put("name", h.name()).put("kind", h.kind().code());
    n.set("scope", scopeNode(h.scope()));
    n.set("competence", scopeNode(h.competence()));
    ArrayNode roles = n.putArray("roles");
    p.roles().getOrDefault(h.id(), Set.of()).stream()
        .map(r -> r.code())
        .sorted()
        .forEach(roles::add);
    n.put("href", BASE + "/" + h.id());
    return n;
  }

  private static ObjectNode scopeNode(Hub.Scope s) {
    ObjectNode n = JSON.createObjectNode();
    n.put("level", s.level()).put("code", s.code());
    s.types().stream().sorted().forEach(n.putArray("schoolTypes")::add);
    s.datasets().stream().sorted().forEach(n.putArray("datasets")::add);
    return n;
  }

  private void hub(Context ctx, Principal p, String address) throws Exception {
    Hub h = service().readable(p, ctx.pathParam("hub"), address);
    ObjectNode n = hubNode(h, p);
    n.set("published", JSON.valueToTree(service().store().currentPublications(h.id())));
    n.set("members", JSON.valueToTree(service().store().members(h.id())));
    json(ctx, 200, n);
  }

  private void upload(Context ctx, Principal p, String address) throws Exception {
    String hubId = ctx.pathParam("hub");
    // Who may upload is settled before a byte of the body is read.
    service().require(p, hubId, fr.eduatlas.hub.Role.CONTRIBUTEUR, "depot", address);
    String format = format(ctx);
    String jeu = ctx.queryParam("jeu");
    String type = ctx.contentType() == null ? "" : ctx.contentType().toLowerCase();
    HubService.UploadResult r;
    try (var files = new UploadFiles(limits)) {
      try {
        if (type.startsWith("multipart/form-data")) {
          ctx.req()
              .setAttribute(
                  "org.eclipse.jetty.multipartConfig",
                  new MultipartConfigElement(
                      System.getProperty("java.io.tmpdir"),
                      limits.maxBytes(),
                      limits.maxBytes(),
                      1 << 20));
          for (Part part : ctx.req().getParts()) {
            if (part.getSubmittedFileName() == null) {
              continue; // a plain form field
            }
            try (var in = part.getInputStream()) {
              files.add(part.getSubmittedFileName(), in, false, jeu);
            }
          }
        } else if (type.startsWith("text/csv")
            || type.startsWith("application/csv")
            || type.startsWith("application/zip")
            || type.startsWith("application/x-zip-compressed")) {
          boolean zip = type.contains("zip");
          if (!zip && jeu == null) {
            throw HubException.invalid(
                "un fichier CSV envoyé seul précise son jeu : ?jeu=connectivite, equipement,"
                    + " usages ou tests_debit");
          }
          files.add(null, ctx.req().getInputStream(), zip, jeu);
        } else {
          throw new ApiException(
              415,
              "Type de contenu non pris en charge",
              "envoyez un fichier CSV (text/csv), une archive zip (application/zip) ou un"
                  + " formulaire multipart/form-data ; reçu '"
                  + type
                  + "'");
        }
      } catch (IllegalStateException e) {
        // Jetty's multipart parser: the request is larger than the limit.
        throw new HubException(
            413,
            "Envoi trop volumineux",
            "envoi refusé au-delà de " + (limits.maxBytes() >> 20) + " Mio");
      } catch (java.io.IOException e) {
        // The client went away or sent a broken body: nothing was stored.
        throw new HubException(
            400, "Envoi interrompu", "le corps de la requête n'a pas pu être lu en entier");
      }
      r = service().upload(p, hubId, files.files(), address);
    }
    if (!r.versions().isEmpty()) {
      ctx.header("Location", BASE + "/" + hubId + "/uploads/" + r.uploadId());
    }
    int status = r.versions().isEmpty() ? 200 : 201;
    if (format.equals("csv")) {
      csvReport(ctx, status, r.uploadId(), r.report());
      return;
    }
    ObjectNode n = JSON.createObjectNode();
    n.put("upload", r.uploadId());
    n.set("versions", JSON.valueToTree(r.versions()));
    n.set("report", JSON.readTree(r.report()));
    n.put("href", BASE + "/" + hubId + "/uploads/" + r.uploadId());
    json(ctx, status, n);
  }

  private static String format(Context ctx) {
    String f = ctx.queryParam("format");
    if (f != null && !f.equals("json") && !f.equals("csv")) {
      throw ApiException.badRequest(
          "paramètre 'format' : 'json' ou 'csv' attendu, reçu '" + f + "'");
    }
    return f == null ? "json" : f;
  }

  private void csvReport(Context ctx, int status, String uploadId, String report) {
    ctx.status(status);
    ctx.header("Content-Disposition", "attachment; filename=\"rapport-" + uploadId + ".csv\"");
    ctx.contentType("text/csv; charset=utf-8");
    ctx.result(HubService.reportCsv(report));
  }

  private void uploadReport(Context ctx, Principal p, String address) throws Exception {
    String id = ctx.pathParam("upload");
    if (!id.matches("[0-9a-f]{20}")) {
      throw HubException.notFound("aucun envoi « " + id + " »");
    }
    String report = service().uploadReport(p, ctx.pathParam("hub"), id, address);
    if (format(ctx).equals("csv")) {
      csvReport(ctx, 200, id, report);
    } else {
      json(ctx, 200, JSON.readTree(report));
    }
  }

  private void versions(Context ctx, Principal p, String address) throws Exception {
    json(
        ctx,
        200,
        JSON.createObjectNode()
            .set(
                "versions",
                JSON.valueToTree(
                    service().versions(p, ctx.pathParam("hub"), ctx.queryParam("jeu"), address))));
  }

  private static int intParam(String name, String raw, int min, int max, int dflt) {
    if (raw == null) {
      return dflt;
    }
    if (!raw.matches("\\d{1,9}")) {
      throw ApiException.badRequest(
          "paramètre '" + name + "' : entier attendu, reçu '" + raw + "'");
    }
    int v = Integer.parseInt(raw);
    if (v < min || v > max) {
      throw ApiException.badRequest(
          "paramètre '" + name + "' : entre " + min + " et " + max + ", reçu " + v);
    }
    return v;
  }

  private void version(Context ctx, Principal p, String address) throws Exception {
    String hub = ctx.pathParam("hub");
    String jeu = ctx.pathParam("jeu");
    int n = intParam("numero", ctx.pathParam("numero"), 1, Integer.MAX_VALUE, 1);
    int limit = intParam("limit", ctx.queryParam("limit"), 1, 10_000, 1000);
    int offset = intParam("offset", ctx.queryParam("offset"), 0, Integer.MAX_VALUE, 0);
    var v = service().version(p, hub, jeu, n, address);
    ObjectNode out = JSON.valueToTree(v);
    ArrayNode rows = out.putArray("rows");
    service().store().rows(hub, jeu, n).values().stream()
        .skip(offset)
        .limit(limit)
        .forEach(
            r -> {
              try {
                rows.add(JSON.readTree(r.payload()));
              } catch (java.io.IOException e) {
                throw new IllegalStateException(e);
              }
            });
    out.put("offset", offset).put("limit", limit);
    json(ctx, 200, out);
  }

  private void publish(Context ctx, Principal p, String address) throws Exception {
    int n = intParam("numero", ctx.pathParam("numero"), 1, Integer.MAX_VALUE, 1);
    var r = service().publish(p, ctx.pathParam("hub"), ctx.pathParam("jeu"), n, address);
    ObjectNode out = JSON.createObjectNode();
    out.set("publication", JSON.valueToTree(r.publication()));
    out.put("rollback", r.rollback());
    if (r.rebuild() != null) {
      out.set("rebuild", rebuildNode(r.rebuild()));
      ctx.header("Location", "/api/v1/rebuilds/" + r.rebuild().id());
    }
    json(ctx, 202, out);
  }

  private void diff(Context ctx, Principal p, String address) throws Exception {
    String de = ctx.queryParam("de");
    String a = ctx.queryParam("a");
    if (de == null || a == null) {
      throw ApiException.badRequest("paramètres 'de' et 'a' : les deux numéros de version");
    }
    var d =
        service()
            .diff(
                p,
                ctx.pathParam("hub"),
                ctx.pathParam("jeu"),
                intParam("de", de, 1, Integer.MAX_VALUE, 1),
                intParam("a", a, 1, Integer.MAX_VALUE, 1),
                address);
    json(ctx, 200, JSON.valueToTree(d));
  }

  private void publications(Context ctx, Principal p, String address) throws Exception {
    String hub = ctx.pathParam("hub");
    service().readable(p, hub, address);
    json(
        ctx,
        200,
        JSON.createObjectNode()
            .set("publications", JSON.valueToTree(service().store().publicationHistory(hub))));
  }

  private void conflicts(Context ctx, Principal p, String address) throws Exception {
    json(
        ctx,
        200,
        JSON.createObjectNode()
            .set(
                "conflicts",
                JSON.valueToTree(service().conflicts(p, ctx.pathParam("hub"), address))));
  }

  private void audit(Context ctx, Principal p, String address) throws Exception {
    int limit = intParam("limit", ctx.queryParam("limit"), 1, 10_000, 200);
    json(
        ctx,
        200,
        JSON.createObjectNode()
            .set(
                "audit",
                JSON.valueToTree(service().audit(p, ctx.pathParam("hub"), limit, address))));
  }

  private void auditAll(Context ctx, Principal p, String address) throws Exception {
    int limit = intParam("limit", ctx.queryParam("limit"), 1, 10_000, 200);
    json(
        ctx,
        200,
        JSON.createObjectNode()
            .set("audit", JSON.valueToTree(service().auditAll(p, limit, address))));
  }

  private void completeness(Context ctx, Principal p, String address) throws Exception {
    json(
        ctx,
        200,
        JSON.createObjectNode()
            .set(
                "datasets",
                JSON.valueToTree(service().completeness(p, ctx.pathParam("hub"), address))));
  }

  private void template(Context ctx, Principal p, String address) throws Exception {
    String hub = ctx.pathParam("hub");
    String jeu = ctx.pathParam("jeu").replaceFirst("\\.csv$", "");
    byte[] body = service().template(p, hub, jeu, address);
    ctx.header("Content-Disposition", "attachment; filename=\"" + hub + "-" + jeu + ".csv\"");
    ctx.contentType("text/csv; charset=utf-8");
    ctx.result(body);
  }

  // ---- the live speed-test feed -------------------------------------------------------------

  private void feed(Context ctx, Principal p, String address) throws Exception {
    String hubId = ctx.pathParam("hub");
    String lot = ctx.queryParam("lot");
    if (lot == null || !fr.eduatlas.hub.Feed.BATCH_ID.matcher(lot).matches()) {
      throw ApiException.badRequest(
          "paramètre 'lot' : l'identifiant du lot choisi par l'envoyeur (1 à 64 lettres, chiffres,"
              + " points, tirets), qui rend l'envoi rejouable sans doublon ; reçu '"
              + Params.shown(String.valueOf(lot))
              + "'");
    }
    // Who may post, then whether this batch was already received: before reading the body.
    service().feedable(p, hubId, address);
    var before = service().feed().batch(hubId, lot);
    if (before.isPresent()) {
      feedAnswer(ctx, 200, before.get(), true);
      return;
    }
    String type = ctx.contentType() == null ? "" : ctx.contentType().toLowerCase();
    boolean ndjson =
        type.startsWith("application/x-ndjson")
            || type.startsWith("application/ndjson")
            || type.startsWith("application/jsonl");
    if (!ndjson && !type.startsWith("text/csv")) {
      throw new ApiException(
          415,
          "Type de contenu non pris en charge",
          "un lot de tests est en NDJSON (application/x-ndjson) ou en CSV (text/csv) ; reçu '"
              + Params.shown(type)
              + "'");
    }
    fr.eduatlas.hub.Feed.Stored stored;
    try (var files = new UploadFiles(limits)) {
      Map<Long, String> jsonErrors = Map.of();
      try {
        if (ndjson) {
          jsonErrors = files.addNdjsonTests(ctx.req().getInputStream());
        } else {
          files.add(null, ctx.req().getInputStream(), false, "tests_debit");
        }
      } catch (java.io.IOException e) {
        throw new HubException(
            400,
            "Envoi interrompu",
            "le lot n'a pas pu être lu en entier : rien n'a été enregistré, renvoyez-le avec le"
                + " même identifiant");
      }
      stored = service().feed(p, hubId, lot, files.files(), jsonErrors, ndjson, address);
    }
    feedAnswer(ctx, stored.replay() ? 200 : 201, stored.batch(), stored.replay());
  }

  private void feedAnswer(Context ctx, int status, fr.eduatlas.hub.Feed.Batch b, boolean replay)
      throws Exception {
    ObjectNode n = JSON.createObjectNode();
    n.put("batch", b.id()).put("hub", b.hub()).put("replay", replay);
    n.put("receivedAt", b.at().toString()).put("by", b.member());
    n.put("read", b.read()).put("stored", b.stored()).put("duplicates", b.duplicates());
    n.put("rejected", b.rejected());
    if (!b.report().isEmpty()) {
      n.set("report", JSON.readTree(b.report()));
    }
    json(ctx, status, n);
  }

  // ---- directory of actors and projects ---------------------------------------------------

  private void directory(Context ctx, Principal p, String address) throws Exception {
    String hubId = ctx.pathParam("hub");
    service().readable(p, hubId, address);
    var d = service().directory();
    ObjectNode n = JSON.createObjectNode();
    n.set("versions", JSON.valueToTree(d.versions(hubId, 50)));
    n.set("published", JSON.valueToTree(d.published(hubId).orElse(null)));
    n.set("example", fr.eduatlas.hub.Directory.example());
    json(ctx, 200, n);
  }

  private void saveDirectory(Context ctx, Principal p, String address) throws Exception {
    String hubId = ctx.pathParam("hub");
    service().require(p, hubId, fr.eduatlas.hub.Role.CONTRIBUTEUR, "annuaire", address);
    String type = ctx.contentType() == null ? "" : ctx.contentType().toLowerCase();
    if (!type.startsWith("application/json")) {
      throw new ApiException(
          415, "Type de contenu non pris en charge", "l'annuaire s'envoie en application/json");
    }
    JsonNode doc;
    try (var in = ctx.req().getInputStream()) {
      byte[] body = in.readNBytes(512 * 1024 + 1);
      if (body.length > 512 * 1024) {
        throw new HubException(413, "Annuaire trop volumineux", "512 Kio au plus");
      }
      doc = JSON.readTree(body);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw ApiException.badRequest(
          "annuaire : JSON illisible (ligne "
              + e.getLocation().getLineNr()
              + ", colonne "
              + e.getLocation().getColumnNr()
              + ")");
    }
    int n = service().saveDirectory(p, hubId, doc, address);
    ctx.header("Location", BASE + "/" + hubId + "/annuaire");
    json(ctx, 201, JSON.createObjectNode().put("number", n));
  }

  private void publishDirectory(Context ctx, Principal p, String address) throws Exception {
    int n = intParam("numero", ctx.pathParam("numero"), 1, Integer.MAX_VALUE, 1);
    var pub = service().publishDirectory(p, ctx.pathParam("hub"), n, address);
    json(ctx, 200, JSON.valueToTree(pub));
  }

  private static final java.util.regex.Pattern LEVEL =
      java.util.regex.Pattern.compile("region|academie|departement|epci|commune");
  private static final java.util.regex.Pattern CODE =
      java.util.regex.Pattern.compile("[0-9A-Za-z]{1,12}");

  /** The published directories of the hubs of a territory: public, for the map's panel. */
  static void publicDirectory(Context ctx, HubService service) throws Exception {
    Params.checkDeclared(ctx, Set.of());
    String level = ctx.pathParam("level");
    String code = ctx.pathParam("code");
    if (!LEVEL.matcher(level).matches() || !CODE.matcher(code).matches()) {
      throw ApiException.badRequest(
          "territoire : niveau region, academie, departement, epci ou commune et code"
              + " alphanumérique attendus");
    }
    ArrayNode hubs = JSON.createArrayNode();
    var published =
        service == null
            ? java.util.List.<Map.Entry<Hub, fr.eduatlas.hub.Directory.Published>>of()
            : service.directory().publishedFor(level, code);
    for (var e : published) {
      ObjectNode h = hubs.addObject();
      h.put("hub", e.getKey().id()).put("name", e.getKey().name());
      h.put("kind", e.getKey().kind().code());
      h.put("version", e.getValue().number()).put("publishedAt", e.getValue().at().toString());
      h.set("acteurs", e.getValue().body().path("acteurs"));
      h.set("projets", e.getValue().body().path("projets"));
    }
    ctx.header("Cache-Control", "public, max-age=60");
    ObjectNode n = JSON.createObjectNode();
    n.put("level", level).put("code", code);
    n.put(
        "source",
        "annuaires publiés par les pôles de données locaux du territoire (déclaratif, non"
            + " simulé)");
    n.set("hubs", hubs);
    json(ctx, 200, n);
  }

  private void rebuilds(Context ctx, Principal p, String address) throws Exception {
    ArrayNode a = JSON.createArrayNode();
    service().rebuilds(p).forEach(r -> a.add(rebuildNode(r)));
    json(ctx, 200, JSON.createObjectNode().set("rebuilds", a));
  }

  private void rebuild(Context ctx, Principal p, String address) throws Exception {
    String id = ctx.pathParam("id");
    if (!id.matches("[0-9a-f]{20}")) {
      throw HubException.notFound("aucune reconstruction « " + id + " »");
    }
    json(ctx, 200, rebuildNode(service().rebuild(p, id)));
  }

  private static ObjectNode rebuildNode(HubStore.Rebuild r) {
    ObjectNode n = JSON.createObjectNode();
    n.put("id", r.id()).put("status", r.status());
    n.put(
        "statusLabel",
        switch (r.status()) {
          case "queued" -> "en attente";
          case "building" -> "en construction";
          case "served" -> "servie";
          default -> "échec";
        });
    n.put("requestedAt", r.requestedAt().toString()).put("requestedBy", r.requestedBy());
    n.put("startedAt", r.startedAt() == null ? null : r.startedAt().toString());
    n.put("finishedAt", r.finishedAt() == null ? null : r.finishedAt().toString());
    n.put("detail", r.detail());
    if (r.report() != null) {
      try {
        n.set("report", JSON.readTree(r.report()));
      } catch (java.io.IOException e) {
        n.put("report", r.report());
      }
    }
    n.put("href", "/api/v1/rebuilds/" + r.id());
    return n;
  }

  private static void json(Context ctx, int status, JsonNode body) throws Exception {
    ctx.status(status);
    ctx.contentType("application/json");
    ctx.result(JSON.writeValueAsBytes(body));
  }

  /**
   * Failed authentications per address in a sliding window: past {@code max}, the address is
   * refused until its oldest failure leaves the window. Bounded: at most 10,000 addresses kept.
   */
  static final class AuthThrottle {
    private final int max;
    private final long windowMillis;
    private final Map<String, ArrayDeque<Long>> failures =
        new java.util.LinkedHashMap<>(16, 0.75f, true) {
          @Override
          protected boolean removeEldestEntry(Map.Entry<String, ArrayDeque<Long>> e) {
            return size() > 10_000;
          }
        };

    AuthThrottle(int max, long windowMillis) {
      this.max = max;
      this.windowMillis = windowMillis;
    }

    synchronized void fail(String address) {
      failures
          .computeIfAbsent(address, k -> new ArrayDeque<>())
          .addLast(System.currentTimeMillis());
    }

    /** How long the address is still refused, in milliseconds (0: not refused). */
    synchronized long blockedFor(String address) {
      ArrayDeque<Long> q = failures.get(address);
      if (q == null) {
        return 0;
      }
      long now = System.currentTimeMillis();
      while (!q.isEmpty() && q.peekFirst() <= now - windowMillis) {
        q.pollFirst();
      }
      if (q.isEmpty()) {
        failures.remove(address);
        return 0;
      }
      return q.size() >= max ? q.peekFirst() + windowMillis - now : 0;
    }
  }
}
