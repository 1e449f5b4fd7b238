package fr.eduatlas.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import fr.eduatlas.hub.HubService;
import fr.eduatlas.hub.OidcProvider;
import fr.eduatlas.hub.Sessions;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.function.Supplier;

/**
 * The contributors' space ({@code /contribuer}): logging in (an OpenID Connect provider when one is
 * configured, a one-time link issued by {@code eduatlas hub lien} in any case), the session cookie,
 * logout, the page itself and the rendered contribution format. The page works over the hubs' HTTP
 * contract ({@link HubRoutes}), which accepts the session cookie as it accepts a bearer token, with
 * a CSRF token on every state-changing request.
 *
 * <p>Cookies: the session ({@code eduatlas_session}: HttpOnly, SameSite=Lax, Secure when the public
 * URL is https, 12 hours at most, 2 idle), the login form's double-submit token ({@code
 * eduatlas_pre}) and the OpenID Connect attempt's browser binding ({@code eduatlas_login}), both
 * short-lived and limited to {@code /contribuer}.
 */
final class ContributorRoutes {
  static final String SESSION_COOKIE = "eduatlas_session";
  static final String CSRF_HEADER = "X-CSRF-Token";
  private static final String PRE_COOKIE = "eduatlas_pre";
  private static final String LOGIN_COOKIE = "eduatlas_login";
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Supplier<HubService> services;
  private final Reads reads;
  private final ServerOptions options;
  private final byte[] page;
  private final HubRoutes.AuthThrottle throttle = new HubRoutes.AuthThrottle(10, 300_000);
  private volatile byte[] format;

  ContributorRoutes(
      Supplier<HubService> services, Reads reads, ServerOptions options, byte[] page) {
    this.services = services;
    this.reads = reads;
    this.options = options;
    this.page = page;
  }

  void register(RoutesConfig app) {
    app.get("/contribuer", this::page);
    app.get(
        "/contribuer/", ctx -> ctx.redirect("/contribuer", io.javalin.http.HttpStatus.SEE_OTHER));
    app.get("/contribuer/connexion", this::loginPage);
    app.post("/contribuer/connexion", this::loginWithCode);
    app.get("/contribuer/connexion/oidc", this::oidcStart);
    app.get("/contribuer/connexion/retour", this::oidcReturn);
    app.post("/contribuer/deconnexion", this::logout);
    app.get("/contribuer/format", this::format);
    app.get("/api/v1/session", this::session);
  }

  private HubService service() {
    return services.get();
  }

  private boolean secure() {
    String base = reads.publicBase();
    return base != null && base.startsWith("https:");
  }

  private void cookie(
      Context ctx, String name, String value, String path, long maxAgeSeconds, String sameSite) {
    ctx.res()
        .addHeader(
            "Set-Cookie",
            name
                + "="
                + value
                + "; Path="
                + path
                + "; Max-Age="
                + maxAgeSeconds
                + "; HttpOnly; SameSite="
                + sameSite
                + (secure() ? "; Secure" : ""));
  }

  /** The live session of this request's cookie, or null. */
  Sessions.Session current(Context ctx) {
    String secret = ctx.cookie(SESSION_COOKIE);
    return secret == null ? null : service().sessions().session(secret).orElse(null);
  }

  // ---- the page -----------------------------------------------------------------------------

  private void page(Context ctx) {
    ctx.header("Cache-Control", "no-store");
    if (current(ctx) == null) {
      ctx.redirect("/contribuer/connexion", io.javalin.http.HttpStatus.SEE_OTHER);
      return;
    }
    ctx.contentType("text/html; charset=utf-8").result(page);
  }

  private void session(Context ctx) throws Exception {
    ctx.header("Cache-Control", "no-store");
    Sessions.Session s = current(ctx);
    if (s == null) {
      throw new ApiException(
          401, "Non connecté", "aucune session ouverte : connectez-vous sur /contribuer/connexion");
    }
    var p = service().sessions().principal(s);
    var body = new LinkedHashMap<String, Object>();
    body.put("member", s.member());
    body.put("admin", p.admin());
    body.put("via", s.via());
    body.put("csrf", s.csrf());
    body.put("csrfHeader", CSRF_HEADER);
    body.put("expiresAt", s.expiresAt().toString());
    var roles = new java.util.TreeMap<String, java.util.List<String>>();
    p.roles().forEach((h, rs) -> roles.put(h, rs.stream().map(r -> r.code()).sorted().toList()));
    body.put("roles", roles);
    ctx.contentType("application/json").result(JSON.writeValueAsBytes(body));
  }

  // ---- login --------------------------------------------------------------------------------

  private void loginPage(Context ctx) {
    renderLogin(ctx, 200, null);
  }

  private void renderLogin(Context ctx, int status, String error) {
    String pre = Sessions.secret();
    cookie(ctx, PRE_COOKIE, pre, "/contribuer", 1800, "Strict");
    ctx.header("Cache-Control", "no-store");
    boolean oidc = service().oidc() != null;
    var h = new StringBuilder();
    h.append("<!doctype html>\n<html lang=\"fr\">\n<head>\n<meta charset=\"utf-8\">\n")
        .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
        .append("<title>Connexion — espace contributeurs — EduAtlas</title>\n")
        .append("<link rel=\"icon\" href=\"/favicon.svg\" type=\"image/svg+xml\">\n")
        .append("<link rel=\"stylesheet\" href=\"/contribuer.css\">\n")
        .append("<script src=\"/js/connexion.js\" defer></script>\n</head>\n<body>\n")
        .append("<header class=\"bar\"><a class=\"brand\" href=\"/\">EduAtlas</a>")
        .append(" <span>espace contributeurs</span></header>\n")
        .append("<main id=\"contenu\" class=\"login\">\n")
        .append("<h1>Connexion à l'espace contributeurs</h1>\n")
        .append("<p>Les agents des académies, des collectivités et des programmes y déposent,")
        .append(" vérifient et publient les données de leur pôle.</p>\n");
    if (error != null) {
      h.append("<p class=\"erreur\" role=\"alert\" id=\"erreur\">")
          .append(OgcHtml.esc(error))
          .append("</p>\n");
    }
    if (oidc) {
      h.append("<p><a class=\"bouton\" id=\"oidc\" href=\"/contribuer/connexion/oidc\">")
          .append("Se connecter avec le fournisseur d'identité</a></p>\n")
          .append(
              "<p class=\"aide\">Ou, avec un lien personnel remis par l'administrateur :</p>\n");
    }
    h.append("<form method=\"post\" action=\"/contribuer/connexion\" id=\"form-code\">\n")
        .append("<input type=\"hidden\" name=\"csrf\" value=\"")
        .append(pre)
        .append("\">\n")
        .append("<label for=\"code\">Code de connexion à usage unique</label>\n")
        .append("<input id=\"code\" name=\"code\" autocomplete=\"off\" spellcheck=\"false\"")
        .append(" required maxlength=\"100\" aria-describedby=\"aide-code\">\n")
        .append("<p class=\"aide\" id=\"aide-code\">Le code figure dans le lien personnel que")
        .append(" l'administrateur de l'instance vous a remis (commande <code>eduatlas hub")
        .append(" lien</code>) ; il ne sert qu'une fois et expire.</p>\n")
        .append("<button type=\"submit\">Se connecter</button>\n</form>\n")
        .append("</main>\n</body>\n</html>\n");
    ctx.status(status).contentType("text/html; charset=utf-8").result(h.toString());
  }

  private String address(Context ctx) {
    return ctx.req().getRemoteAddr();
  }

  private boolean throttled(Context ctx) {
    long wait = throttle.blockedFor(address(ctx));
    if (wait > 0) {
      ctx.header("Retry-After", String.valueOf((wait + 999) / 1000));
      renderLogin(
          ctx,
          429,
          "trop d'échecs de connexion depuis cette adresse : réessayez dans "
              + ((wait + 999) / 1000)
              + " s");
      return true;
    }
    return false;
  }

  private void loginWithCode(Context ctx) {
    if (throttled(ctx)) {
      return;
    }
    // Double submit: the form's hidden field equals the cookie set with the form (a page of
    // another site can post the form, not read the cookie).
    if (!Sessions.same(ctx.formParam("csrf"), ctx.cookie(PRE_COOKIE))) {
      renderLogin(ctx, 403, "formulaire expiré ou venu d'un autre site : recommencez");
      return;
    }
    String code = ctx.formParam("code");
    var login = service().sessions().useLink(code == null ? null : code.strip(), address(ctx));
    if (login.session() == null) {
      throttle.fail(address(ctx));
      renderLogin(ctx, 401, login.refusal().text);
      return;
    }
    startSession(ctx, login.session());
  }

  private void startSession(Context ctx, Sessions.NewSession s) {
    cookie(ctx, PRE_COOKIE, "", "/contribuer", 0, "Strict");
    cookie(ctx, SESSION_COOKIE, s.secret(), "/", Sessions.ABSOLUTE_LIFE.toSeconds(), "Lax");
    ctx.header("Cache-Control", "no-store");
    ctx.redirect("/contribuer", io.javalin.http.HttpStatus.SEE_OTHER);
  }

  private URI redirectUri() throws OidcProvider.LoginException {
    String base = reads.publicBase();
    if (base == null || base.isEmpty()) {
      throw new OidcProvider.LoginException(
          "adresse publique du serveur non configurée (EDUATLAS_PUBLIC_URL) : le fournisseur"
              + " d'identité ne saurait où revenir");
    }
    return URI.create(base + "/contribuer/connexion/retour");
  }

  private void oidcStart(Context ctx) {
    OidcProvider oidc = service().oidc();
    if (oidc == null) {
      renderLogin(ctx, 404, "aucun fournisseur d'identité n'est configuré sur cette instance");
      return;
    }
    try {
      var start = oidc.start(redirectUri());
      String browser = Sessions.secret();
      service().sessions().saveLoginState(start.state(), browser, start.verifier(), start.nonce());
      cookie(
          ctx, LOGIN_COOKIE, browser, "/contribuer", Sessions.LOGIN_STATE_LIFE.toSeconds(), "Lax");
      ctx.header("Cache-Control", "no-store");
      ctx.redirect(start.redirect().toString(), io.javalin.http.HttpStatus.FOUND);
    } catch (OidcProvider.LoginException e) {
      renderLogin(ctx, 503, e.getMessage());
    }
  }

  private void oidcReturn(Context ctx) {
    OidcProvider oidc = service().oidc();
    if (oidc == null) {
      renderLogin(ctx, 404, "aucun fournisseur d'identité n'est configuré sur cette instance");
      return;
    }
    if (throttled(ctx)) {
      return;
    }
    String error = ctx.queryParam("error");
    String code = ctx.queryParam("code");
    String state = ctx.queryParam("state");
    cookie(ctx, LOGIN_COOKIE, "", "/contribuer", 0, "Lax");
    String reason;
    if (error != null) {
      reason = "le fournisseur d'identité n'a pas authentifié (" + Params.shown(error) + ")";
    } else if (code == null || state == null || code.length() > 2048) {
      reason = "retour du fournisseur d'identité incomplet (code ou state absent)";
    } else {
      var attempt = service().sessions().takeLoginState(state, ctx.cookie(LOGIN_COOKIE));
      if (attempt.isEmpty()) {
        reason =
            "tentative de connexion inconnue, expirée ou commencée dans un autre navigateur :"
                + " recommencez";
      } else {
        try {
          var id =
              oidc.finish(redirectUri(), code, attempt.get().verifier(), attempt.get().nonce());
          startSession(
              ctx,
              service()
                  .sessions()
                  .open(id.member(), "oidc", id.roles(), address(ctx), "oidc " + id.subject()));
          return;
        } catch (OidcProvider.LoginException e) {
          reason = e.getMessage();
        }
      }
    }
    throttle.fail(address(ctx));
    service()
        .store()
        .audit(
            new fr.eduatlas.hub.HubStore.AuditEntry(
                null, null, "connexion", null, address(ctx), "refuse", "oidc : " + reason));
    renderLogin(ctx, 401, reason);
  }

  private void logout(Context ctx) {
    ctx.header("Cache-Control", "no-store");
    Sessions.Session s = current(ctx);
    if (s != null) {
      String token = ctx.header(CSRF_HEADER);
      if (token == null) {
        token = ctx.formParam("csrf");
      }
      if (!Sessions.same(token, s.csrf())) {
        throw new ApiException(
            403, "Jeton anti-CSRF absent ou erroné", "la déconnexion demande le jeton de session");
      }
      service().sessions().end(ctx.cookie(SESSION_COOKIE), address(ctx));
    }
    cookie(ctx, SESSION_COOKIE, "", "/", 0, "Lax");
    ctx.redirect("/contribuer/connexion", io.javalin.http.HttpStatus.SEE_OTHER);
  }

  // ---- the format ---------------------------------------------------------------------------

  private void format(Context ctx) {
    byte[] f = format;
    if (f == null) {
      f = renderFormat();
      format = f;
    }
    ctx.header("Cache-Control", "no-cache");
    ctx.contentType("text/html; charset=utf-8").result(f);
  }

  private static byte[] renderFormat() {
    String md;
    try (var in = ContributorRoutes.class.getResourceAsStream("/contributions/FORMAT.md")) {
      if (in == null) {
        throw new IllegalStateException("FORMAT.md absent du classpath");
      }
      md = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    var extensions = java.util.List.of(org.commonmark.ext.gfm.tables.TablesExtension.create());
    var parser = org.commonmark.parser.Parser.builder().extensions(extensions).build();
    // Raw HTML in the source is escaped, not passed through.
    var renderer =
        org.commonmark.renderer.html.HtmlRenderer.builder()
            .extensions(extensions)
            .escapeHtml(true)
            .sanitizeUrls(true)
            .build();
    String body = renderer.render(parser.parse(md));
    String html =
        "<!doctype html>\n<html lang=\"fr\">\n<head>\n<meta charset=\"utf-8\">\n"
            + "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
            + "<title>Format des contributions — EduAtlas</title>\n"
            + "<link rel=\"icon\" href=\"/favicon.svg\" type=\"image/svg+xml\">\n"
            + "<link rel=\"stylesheet\" href=\"/contribuer.css\">\n</head>\n<body>\n"
            + "<header class=\"bar\"><a class=\"brand\" href=\"/\">EduAtlas</a>"
            + " <a href=\"/contribuer\">espace contributeurs</a></header>\n"
            + "<main id=\"contenu\" class=\"doc\">\n"
            + body
            + "</main>\n</body>\n</html>\n";
    return html.getBytes(StandardCharsets.UTF_8);
  }
}
