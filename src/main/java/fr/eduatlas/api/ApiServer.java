package fr.eduatlas.api;

import fr.eduatlas.indicator.Catalog;
import fr.eduatlas.observatory.Observatory;
import fr.eduatlas.observatory.QueryException;
import fr.eduatlas.source.SourceEntry;
import fr.eduatlas.source.SourceManifest;
import fr.eduatlas.warehouse.ServedWarehouse;
import fr.eduatlas.warehouse.WarehouseStats;
import io.javalin.Javalin;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.util.LinkedHashMap;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP server: routes are thin adapters over read-only services on the warehouse; every error
 * becomes an RFC 9457 problem+json body.
 */
public final class ApiServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ApiServer.class);

  private final Javalin app;
  private final ServedWarehouse warehouse;
  private final CompletableFuture<fr.eduatlas.hub.HubService> hubs;

  private ApiServer(
      Javalin app, ServedWarehouse warehouse, CompletableFuture<fr.eduatlas.hub.HubService> hubs) {
    this.app = app;
    this.warehouse = warehouse;
    this.hubs = hubs;
  }

  /**
   * How Jetty runs the handling of a request: non-blocking means where its bytes were read (the
   * tile fast path's hits), the fast path handing everything else to the pool.
   */
  org.eclipse.jetty.util.thread.Invocable.InvocationType invocationType() {
    return app.jettyServer().server().getInvocationType();
  }

  /** Starts serving {@code warehouse} on {@code host:port} (port 0 picks a free one). */
  public static ApiServer start(ServedWarehouse warehouse, String host, int port) {
    return start(warehouse, host, port, WebConfig.none());
  }

  /** Starts serving {@code warehouse} and the map page with its settings. */
  public static ApiServer start(
      ServedWarehouse warehouse, String host, int port, WebConfig webConfig) {
    return start(warehouse, host, port, webConfig, null);
  }

  /**
   * Starts serving {@code warehouse}, the map page, and the local data hubs when {@code hubs} is
   * not null.
   */
  public static ApiServer start(
      ServedWarehouse warehouse,
      String host,
      int port,
      WebConfig webConfig,
      fr.eduatlas.hub.HubService hubs) {
    return start(warehouse, host, port, webConfig, hubs, ServerOptions.none());
  }

  /** Starts serving, with the operator's settings of public URL and write origins. */
  public static ApiServer start(
      ServedWarehouse warehouse,
      String host,
      int port,
      WebConfig webConfig,
      fr.eduatlas.hub.HubService hubs,
      ServerOptions options) {
    return startWithPendingHubs(
        warehouse,
        host,
        port,
        webConfig,
        hubs == null ? null : CompletableFuture.completedFuture(hubs),
        options);
  }

  /**
   * Starts serving while the hubs' service may still be starting (its store opening on another
   * thread): the hub routes wait for it, every other route answers at once.
   */
  public static ApiServer startWithPendingHubs(
      ServedWarehouse warehouse,
      String host,
      int port,
      WebConfig webConfig,
      CompletableFuture<fr.eduatlas.hub.HubService> hubs,
      ServerOptions options) {
    var web = new WebRoutes(webConfig);
    var guard = new RequestGuard(options);
    var catalog =
        Catalog.load(
            SourceManifest.bundled().entries().stream()
                .map(SourceEntry::id)
                .collect(java.util.stream.Collectors.toSet()));
    // Selections are kept in the shared hub store when it is PostgreSQL (replicas), else in the
    // server's state directory (var/selections/ beside var/eduatlas.duckdb; never in a release).
    var selections =
        new fr.eduatlas.selection.SelectionService(
            new fr.eduatlas.selection.SelectionStore(
                new SelectionBackend(hubs, warehouse.stateDir().resolve("selections"))));
    var reads = new Reads(warehouse);
    var observatory = new Observatory(catalog);
    var tiles = new TileRoutes(reads, observatory);
    // The first un-prerendered tile bands load while the server starts.
    tiles.warmInBackground(warehouse);
    Javalin app =
        Javalin.create(
            cfg -> {
              cfg.startup.showJavalinBanner = false;
              cfg.startup.showOldJavalinVersionWarning = false;
              cfg.http.compressionStrategy = io.javalin.compression.CompressionStrategy.GZIP;
              // A path served for other methods answers 405 with Allow, not 404.
              cfg.http.prefer405over404 = true;
              // Jetty's own errors (unparsable requests, URI or headers too long) as problems.
              var errors = new ProblemErrorHandler();
              cfg.jetty.modifyServer(
                  server -> {
                    server.setErrorHandler(errors);
                    // Cached tiles are answered in front of the framework (TileFastPath).
                    var fastPath = new TileFastPath(reads, web.contentSecurityPolicy());
                    fastPath.setHandler(server.getHandler());
                    server.setHandler(fastPath);
                  });
              routes(cfg.routes, hubs, web, guard, reads, observatory, tiles, selections, options);
            });
    app.start(host, port);
    // A client that stops sending (a body trickled or cut) or stops reading holds a connection
    // for this long at most.
    for (var c : app.jettyServer().server().getConnectors()) {
      if (c instanceof org.eclipse.jetty.server.AbstractConnector ac) {
        ac.setIdleTimeout(options.idleTimeoutMillis());
      }
    }
    // Absolute links come from the operator's public URL, else the listening address (relative
    // when listening on every interface): never from a request's Host.
    String base =
        options.publicUrl() != null
            ? options.publicUrl()
            : host.equals("0.0.0.0") || host.equals("::") || host.isEmpty()
                ? ""
                : "http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + app.port();
    reads.publicBase(base);
    guard.ownOrigin(base);
    return new ApiServer(app, warehouse, hubs);
  }

  /** Every route, exception and error handler of the server, registered up front. */
  private static void routes(
      RoutesConfig app,
      CompletableFuture<fr.eduatlas.hub.HubService> hubs,
      WebRoutes web,
      RequestGuard guard,
      Reads reads,
      Observatory observatory,
      TileRoutes tiles,
      fr.eduatlas.selection.SelectionService selections,
      ServerOptions options) {
    ServedWarehouse warehouse = reads.warehouse();
    guard.register(app);
    web.register(app);
    app.get("/api/health", ctx -> health(ctx, warehouse));
    readRoutes(app, reads, observatory, tiles, selections);
    app.get("/api/v1/stats", ctx -> stats(ctx, warehouse));
    if (hubs != null) {
      HubRoutes.pending(hubs::join, fr.eduatlas.hub.UploadFiles.Limits.DEFAULT)
          .withSelections(selections)
          .register(app);
      new ContributorRoutes(hubs::join, reads, options, web.page("contribuer.html")).register(app);
    } else {
      // Without hubs, no territory has a directory (the map still asks).
      app.get(HubRoutes.PUBLIC_DIRECTORY, ctx -> HubRoutes.publicDirectory(ctx, null));
      // Nor any campaign (the map's call-for-interest panel still asks).
      app.get(
          CampaignRoutes.BASE,
          ctx -> {
            Params.checkDeclared(ctx, java.util.Set.of());
            ctx.contentType("application/json").result("{\"campaigns\":[]}");
          });
    }
    app.exception(
        fr.eduatlas.hub.HubException.class,
        (e, ctx) -> {
          ctx.header("Cache-Control", "no-store");
          ctx.status(e.status());
          ctx.json(Problem.of(e.status(), e.title(), e.getMessage(), ctx.path(), e.errors()));
          ctx.contentType(Problem.MEDIA_TYPE + "; charset=utf-8");
        });
    app.exception(
        fr.eduatlas.hub.HubStore.HubStoreException.class,
        (e, ctx) -> {
          LOG.error("hub store failed on {}", ctx.path(), e);
          ctx.header("Retry-After", "5");
          problem(ctx, 503, "Base des pôles indisponible", "réessayez dans quelques secondes");
        });
    app.exception(
        QueryException.class,
        (e, ctx) -> {
          int status = e.kind() == QueryException.Kind.NOT_FOUND ? 404 : 400;
          problem(ctx, status, e.title(), e.getMessage());
        });
    app.exception(
        ApiException.class,
        (e, ctx) -> {
          if (e.status() == 503 && ctx.res().getHeader("Retry-After") == null) {
            ctx.header("Retry-After", "10");
          }
          ctx.status(e.status());
          ctx.json(Problem.of(e.status(), e.title(), e.getMessage(), ctx.path(), e.errors()));
          ctx.contentType(Problem.MEDIA_TYPE + "; charset=utf-8");
        });
    app.exception(
        Exception.class,
        (e, ctx) -> {
          LOG.error("request {} failed", ctx.path(), e);
          problem(ctx, 500, "Erreur interne", "la requête n'a pas pu aboutir");
        });
    app.error(
        404,
        ctx -> {
          String type = ctx.res().getContentType();
          if (type == null || !type.startsWith(Problem.MEDIA_TYPE)) {
            problem(
                ctx, 404, "Ressource introuvable", "aucune ressource à l'adresse " + ctx.path());
          }
        });
    app.error(
        405,
        ctx -> {
          ctx.header("Allow", allowed(ctx.path()));
          problem(
              ctx,
              405,
              "Méthode non permise",
              ctx.method() + " n'est pas accepté ici (" + allowed(ctx.path()) + ")");
        });
  }

  /**
   * Registers every read route over one read model and one response cache: {@code /api/v1}, {@code
   * /ogc}, {@code /tiles}, the selections, the OpenAPI document and its page.
   */
  static Reads readRoutes(
      RoutesConfig app,
      ServedWarehouse warehouse,
      Catalog catalog,
      fr.eduatlas.selection.SelectionService selections) {
    var reads = new Reads(warehouse);
    var observatory = new Observatory(catalog);
    readRoutes(app, reads, observatory, new TileRoutes(reads, observatory), selections);
    return reads;
  }

  private static void readRoutes(
      RoutesConfig app,
      Reads reads,
      Observatory observatory,
      TileRoutes tiles,
      fr.eduatlas.selection.SelectionService selections) {
    ServedWarehouse warehouse = reads.warehouse();
    new V1Routes(reads, observatory).register(app);
    new OgcRoutes(reads, observatory).register(app);
    tiles.register(app);
    new SelectionRoutes(reads, warehouse, selections).register(app);
    var openApi = new OpenApi();
    byte[] doc;
    try {
      doc = new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsBytes(openApi.document());
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

  /** The methods a path answers, for a 405's Allow header. */
  static String allowed(String path) {
    boolean post =
        path.equals("/api/v1/selections")
            || path.matches("/api/v1/selections/[^/]+/conservation")
            || path.matches("/api/v1/hubs/[^/]+/uploads")
            || path.matches("/api/v1/hubs/[^/]+/versions/[^/]+/[^/]+/publication")
            || path.matches("/api/v1/hubs/[^/]+/tests-debit")
            || path.matches("/api/v1/hubs/[^/]+/annuaire/versions/[^/]+/publication")
            || path.equals("/contribuer/deconnexion");
    boolean both =
        path.equals("/contribuer/connexion") || path.matches("/api/v1/hubs/[^/]+/annuaire");
    return both ? "GET, HEAD, POST, OPTIONS" : post ? "POST, OPTIONS" : "GET, HEAD, OPTIONS";
  }

  public int port() {
    return app.port();
  }

  private static void health(Context ctx, ServedWarehouse w) throws Exception {
    try (var lease = w.lease()) {
      var body = new LinkedHashMap<String, Object>();
      var meta = WarehouseStats.meta(lease.connection());
      // "partial": installed with --allow-partial, some source failed or a gate did not pass.
      String status = meta.get("status");
      body.put("status", status == null ? "ok" : status);
      String problems = meta.get("problems");
      if (problems != null && !problems.isBlank()) {
        body.put("problems", java.util.List.of(problems.split("\n")));
      }
      body.put("dataVersion", meta.get("data_version"));
      body.put("builtAt", meta.get("built_at"));
      body.put("checksum", meta.get("checksum"));
      ctx.json(body);
    }
  }

  private static void stats(Context ctx, ServedWarehouse w) throws Exception {
    try (var lease = w.lease()) {
      var body = new LinkedHashMap<String, Object>();
      body.put("dataVersion", WarehouseStats.meta(lease.connection()).get("data_version"));
      body.putAll(WarehouseStats.counts(lease.connection()));
      ctx.json(body);
    }
  }

  static void problem(Context ctx, int status, String title, String detail) {
    ctx.status(status);
    ctx.json(Problem.of(status, title, detail, ctx.path()));
    ctx.contentType(Problem.MEDIA_TYPE + "; charset=utf-8");
  }

  @Override
  public void close() {
    app.stop();
    if (hubs != null) {
      try {
        hubs.join().close();
      } catch (java.util.concurrent.CompletionException e) {
        // The store never opened: nothing to close.
      }
    }
    warehouse.close();
  }
}
