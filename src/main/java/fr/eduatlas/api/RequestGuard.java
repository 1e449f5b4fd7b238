package fr.eduatlas.api;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.net.URI;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Checks every request before any route: the query string's length and its percent-encoding (a
 * malformed escape is a 400, not a silently dropped filter), methods no route serves (CONNECT,
 * TRACE: refused at once), and cross-origin rules: reads are open to any origin, state-changing
 * requests only from the server's own origin and the operator's configured origins.
 */
final class RequestGuard {
  /** The longest query string served (the longest legitimate one is a few hundred bytes). */
  static final int MAX_QUERY = 4096;

  private static final Pattern BAD_ESCAPE = Pattern.compile("%(?![0-9A-Fa-f]{2})");
  private static final Set<String> READ_METHODS = Set.of("GET", "HEAD");
  static final String EXPOSED =
      "ETag, X-Data-Version, X-Simulated-Data, X-Limit-Capped, Location, Content-Disposition";

  private final ServerOptions options;
  private volatile String ownOrigin;

  RequestGuard(ServerOptions options) {
    this.options = options;
  }

  /** The server's own origin (scheme, host, port), from its public base URL once listening. */
  void ownOrigin(String base) {
    if (base == null || base.isEmpty()) {
      return;
    }
    URI u = URI.create(base);
    this.ownOrigin =
        u.getScheme() + "://" + u.getHost() + (u.getPort() < 0 ? "" : ":" + u.getPort());
  }

  void register(RoutesConfig app) {
    app.before(this::check);
  }

  private void check(Context ctx) {
    String method = ctx.method().name();
    if (method.equals("OPTIONS")) {
      // Answered here for every path (a wildcard OPTIONS route would turn every unknown path's
      // 404 into a 405).
      preflight(ctx);
      ctx.skipRemainingHandlers();
      return;
    }
    if (method.equals("CONNECT") || method.equals("TRACE")) {
      ctx.header("Connection", "close");
      throw new ApiException(405, "Méthode non permise", method + " n'est accepté nulle part ici");
    }
    String q = ctx.queryString();
    if (q != null) {
      if (q.length() > MAX_QUERY) {
        throw new ApiException(
            414,
            "Adresse trop longue",
            "paramètres de requête de plus de " + MAX_QUERY + " caractères");
      }
      if (BAD_ESCAPE.matcher(q).find()) {
        throw ApiException.badRequest(
            "paramètres de requête mal encodés : un « % » doit être suivi de deux chiffres"
                + " hexadécimaux");
      }
    }
    String origin = ctx.header("Origin");
    if (origin == null) {
      return;
    }
    if (READ_METHODS.contains(method)) {
      ctx.header("Access-Control-Allow-Origin", "*");
      ctx.header("Access-Control-Expose-Headers", EXPOSED);
      return;
    }
    if (!writeAllowed(ctx, origin)) {
      throw new ApiException(
          403,
          "Origine non autorisée",
          "les écritures ne sont acceptées que depuis le site d'EduAtlas et les origines que"
              + " son exploitant autorise ; reçu « "
              + Params.shown(origin)
              + " »");
    }
    ctx.header("Access-Control-Allow-Origin", origin);
    ctx.header("Vary", "Origin");
    ctx.header("Access-Control-Expose-Headers", EXPOSED);
  }

  /** Same origin as the server (as the browser reached it), or one the operator allowed. */
  private boolean writeAllowed(Context ctx, String origin) {
    if (options.writeOrigins().contains(origin) || origin.equals(ownOrigin)) {
      return true;
    }
    // A browser sends the Origin of the page and the Host it connects to: equal for the
    // server's own pages. (The Host is only compared here, never used to build anything.)
    String host = ctx.header("Host");
    return host != null && (origin.equals("http://" + host) || origin.equals("https://" + host));
  }

  private void preflight(Context ctx) {
    String origin = ctx.header("Origin");
    String wanted = ctx.header("Access-Control-Request-Method");
    if (origin == null || wanted == null) {
      ctx.header("Allow", "GET, HEAD, POST, OPTIONS");
      ctx.status(204);
      return;
    }
    if (READ_METHODS.contains(wanted)) {
      ctx.header("Access-Control-Allow-Origin", "*");
      ctx.header("Access-Control-Allow-Methods", "GET, HEAD");
    } else if (writeAllowed(ctx, origin)) {
      ctx.header("Access-Control-Allow-Origin", origin);
      ctx.header("Vary", "Origin");
      ctx.header("Access-Control-Allow-Methods", "GET, HEAD, POST");
    } else {
      throw new ApiException(
          403, "Origine non autorisée", "écritures refusées depuis l'origine « " + origin + " »");
    }
    ctx.header("Access-Control-Allow-Headers", "Content-Type, Authorization, If-None-Match");
    ctx.header("Access-Control-Max-Age", "600");
    ctx.status(204);
  }
}
