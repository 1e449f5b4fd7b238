package fr.eduatlas.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * The map (web/, packaged under {@code /web} on the classpath), its libraries from WebJars, and the
 * page's strict Content-Security-Policy: every script, style, image and request from this server,
 * but for an optional basemap origin.
 *
 * <p>{@code @mapbox/vector-tile} is published as CommonJS modules only; {@code
 * /vendor/vector-tile.js} wraps the WebJar's unmodified files in a small module registry at start,
 * so the browser needs neither a bundler nor {@code eval}.
 */
final class WebRoutes {
  private final WebConfig config;
  private final Map<String, String> versions = new LinkedHashMap<>();
  private final String csp;
  private final byte[] index;
  private final byte[] vectorTile;

  WebRoutes(WebConfig config) {
    this.config = config;
    for (String a : List.of("leaflet", "pbf", "mapbox__vector-tile", "mapbox__point-geometry")) {
      versions.put(a, webjarVersion(a));
    }
    String img = "'self' data: blob:";
    if (config.basemapOrigin() != null) {
      // Subdomain templates ({s}.tile...) become a wildcard host.
      img += " " + config.basemapOrigin().replaceAll("\\{s\\}", "*");
    }
    csp =
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src "
            + img
            + "; connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'self';"
            + " form-action 'self'; frame-ancestors 'none'";
    String html = resource("/web/index.html");
    for (var v : versions.entrySet()) {
      html = html.replace("@" + v.getKey() + "@", v.getValue());
    }
    index = html.getBytes(StandardCharsets.UTF_8);
    vectorTile = bundle().getBytes(StandardCharsets.UTF_8);
  }

  /** A page of web/ with the WebJars' versions filled in. */
  byte[] page(String name) {
    String html = resource("/web/" + name);
    for (var v : versions.entrySet()) {
      html = html.replace("@" + v.getKey() + "@", v.getValue());
    }
    return html.getBytes(StandardCharsets.UTF_8);
  }

  /** The page's own files a static site carries (under web/ on the classpath). */
  static final List<String> STATIC_PAGE_FILES =
      List.of(
          "app.css",
          "contribuer.css",
          "favicon.svg",
          "js/app.js",
          "js/mvt.js",
          "js/selection.js",
          "js/source.js",
          "js/a-propos.js",
          "vendor/countries-50m.json",
          "vendor/topojson-client.min.js",
          "vendor/pmtiles.js");

  /** The pages a static site carries, with the file name each is written under. */
  static final Map<String, String> STATIC_PAGES =
      Map.of(
          "index.html", "index.html",
          "a-propos.html", "a-propos.html",
          "accessibilite.html", "accessibilite.html");

  /**
   * The map's files for a static site (relative path → bytes): its pages, marked static and with
   * relative links (a release may be served under any path), its scripts and styles, and the
   * WebJars' files it loads.
   */
  Map<String, byte[]> staticFiles() {
    var out = new java.util.TreeMap<String, byte[]>();
    for (var p : STATIC_PAGES.entrySet()) {
      out.put(p.getValue(), forStatic(new String(page(p.getKey()), StandardCharsets.UTF_8)));
    }
    for (String f : STATIC_PAGE_FILES) {
      byte[] b = bytes("/web/" + f);
      if (b.length == 0) {
        throw new IllegalStateException("ressource absente du classpath : /web/" + f);
      }
      out.put(f, b);
    }
    out.put("vendor/vector-tile.js", vectorTile);
    String leaflet = "webjars/leaflet/" + versions.get("leaflet") + "/dist/";
    for (String f :
        List.of(
            "leaflet.js",
            "leaflet.css",
            "images/layers.png",
            "images/layers-2x.png",
            "images/marker-icon.png",
            "images/marker-icon-2x.png",
            "images/marker-shadow.png")) {
      out.put(leaflet + f, bytes("/META-INF/resources/" + leaflet + f));
    }
    String pbf = "webjars/pbf/" + versions.get("pbf") + "/dist/pbf.js";
    out.put(pbf, bytes("/META-INF/resources/" + pbf));
    out.values().removeIf(b -> b.length == 0);
    return out;
  }

  /**
   * A page for a static site: {@code data-mode="static"} on its root element, the PMTiles reader
   * loaded, its links relative, the pages' links to their files.
   */
  static byte[] forStatic(String html) {
    String out =
        html.replace("<html lang=\"fr\">", "<html lang=\"fr\" data-mode=\"static\">")
            .replace("href=\"/\"", "href=\"index.html\"")
            .replace("href=\"/a-propos\"", "href=\"a-propos.html\"")
            .replace("href=\"/accessibilite\"", "href=\"accessibilite.html\"")
            .replace("href=\"/", "href=\"")
            .replace("src=\"/", "src=\"");
    out =
        out.replace(
            "<script type=\"module\" src=\"js/app.js\">",
            "<script src=\"vendor/pmtiles.js\" defer></script>\n"
                + "  <script type=\"module\" src=\"js/app.js\">");
    return out.getBytes(StandardCharsets.UTF_8);
  }

  String contentSecurityPolicy() {
    return csp;
  }

  void register(RoutesConfig app) {
    app.before(
        ctx -> {
          ctx.header("Content-Security-Policy", csp);
          ctx.header("X-Content-Type-Options", "nosniff");
          ctx.header("Referrer-Policy", "same-origin");
        });
    app.get("/", this::index);
    app.get("/index.html", this::index);
    // The about / help / sources page, the accessibility statement, the programmes' page.
    for (var page :
        Map.of(
                "/a-propos",
                "a-propos.html",
                "/accessibilite",
                "accessibilite.html",
                "/programmes",
                "programme.html")
            .entrySet()) {
      byte[] html = page(page.getValue());
      app.get(
          page.getKey(),
          ctx ->
              ctx.contentType("text/html; charset=utf-8")
                  .header("Cache-Control", "no-cache")
                  .result(html));
    }
    app.get(
        "/vendor/vector-tile.js",
        ctx ->
            ctx.contentType("text/javascript; charset=utf-8")
                .header("Cache-Control", "public, max-age=86400")
                .result(vectorTile));
    app.get("/api/v1/config", this::config);
    // The page's own files and the WebJars, straight from the classpath (Javalin's static file
    // handler mounts the whole jar as a file system at every start, a third of a second).
    for (String path :
        List.of("/app.css", "/contribuer.css", "/favicon.svg", "/js/{file}", "/vendor/{file}")) {
      app.get(path, ctx -> file(ctx, "/web" + ctx.path(), "no-cache"));
      app.head(path, ctx -> file(ctx, "/web" + ctx.path(), "no-cache"));
    }
    app.get("/webjars/<path>", this::webjar);
    app.head("/webjars/<path>", this::webjar);
  }

  /** A file name segment: letters, digits, dot, dash, underscore, at; never "." or "..". */
  private static final java.util.regex.Pattern SEGMENT =
      java.util.regex.Pattern.compile("[A-Za-z0-9_@-][A-Za-z0-9._@-]*");

  private static final Map<String, String> TYPES =
      Map.of(
          "css", "text/css; charset=utf-8",
          "js", "text/javascript; charset=utf-8",
          "svg", "image/svg+xml",
          "png", "image/png",
          "map", "application/json",
          "json", "application/json");

  private final Map<String, byte[]> files = new java.util.concurrent.ConcurrentHashMap<>();

  private void webjar(Context ctx) {
    // A year: the WebJars' paths carry their version.
    file(ctx, "/META-INF/resources/webjars/" + ctx.pathParam("path"), "max-age=31622400");
  }

  /** A classpath file of a known type under a checked path, or a 404 problem. */
  private void file(Context ctx, String path, String cacheControl) {
    String ext = path.substring(path.lastIndexOf('.') + 1);
    boolean safe = TYPES.containsKey(ext);
    for (String seg : path.substring(1).split("/", -1)) {
      safe &= SEGMENT.matcher(seg).matches();
    }
    byte[] bytes = safe ? files.computeIfAbsent(path, WebRoutes::bytes) : new byte[0];
    if (bytes.length == 0) {
      files.remove(path); // only files that exist stay cached
      throw ApiException.notFound("aucune ressource à l'adresse " + ctx.path());
    }
    ctx.header("Cache-Control", cacheControl);
    ctx.contentType(TYPES.get(ext)).result(bytes);
  }

  /** A classpath resource's bytes, or an empty array when absent. */
  private static byte[] bytes(String path) {
    try (InputStream in = WebRoutes.class.getResourceAsStream(path)) {
      return in == null ? new byte[0] : in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void index(Context ctx) {
    ctx.contentType("text/html; charset=utf-8").header("Cache-Control", "no-cache").result(index);
  }

  private void config(Context ctx) throws IOException {
    var body = new LinkedHashMap<String, Object>();
    body.put("basemap", config.basemapUrl());
    body.put("basemapAttribution", config.basemapAttribution());
    body.put("libraries", versions);
    ctx.contentType("application/json").result(new ObjectMapper().writeValueAsBytes(body));
  }

  /** The CommonJS files of {@code @mapbox/vector-tile} and its dependency, as one script. */
  private String bundle() {
    String vt =
        "/META-INF/resources/webjars/mapbox__vector-tile/" + versions.get("mapbox__vector-tile");
    String pg =
        "/META-INF/resources/webjars/mapbox__point-geometry/"
            + versions.get("mapbox__point-geometry");
    var modules = new LinkedHashMap<String, String>();
    modules.put("vector-tile/index", vt + "/index.js");
    modules.put("vector-tile/lib/vectortile", vt + "/lib/vectortile.js");
    modules.put("vector-tile/lib/vectortilelayer", vt + "/lib/vectortilelayer.js");
    modules.put("vector-tile/lib/vectortilefeature", vt + "/lib/vectortilefeature.js");
    modules.put("point-geometry/index", pg + "/index.js");
    var s = new StringBuilder();
    s.append("/* @mapbox/vector-tile ")
        .append(versions.get("mapbox__vector-tile"))
        .append(" and @mapbox/point-geometry ")
        .append(versions.get("mapbox__point-geometry"))
        .append(" (BSD-3-Clause / ISC), from their WebJars, unmodified, in a module registry. */\n")
        .append("(function () {\n'use strict';\nvar defs = {}, cache = {};\n")
        .append("var alias = {'@mapbox/point-geometry': 'point-geometry/index'};\n")
        .append("function resolve(from, id) {\n")
        .append("  if (id.charAt(0) !== '.') { return alias[id]; }\n")
        .append("  var parts = from.split('/'); parts.pop();\n")
        .append("  id.replace(/\\.js$/, '').split('/').forEach(function (p) {\n")
        .append("    if (p === '..') { parts.pop(); } else if (p !== '.') { parts.push(p); }\n")
        .append("  });\n  return parts.join('/');\n}\n")
        .append("function load(id) {\n  if (cache[id]) { return cache[id].exports; }\n")
        .append("  if (!defs[id]) { throw new Error('module ' + id + ' absent'); }\n")
        .append("  var m = cache[id] = {exports: {}};\n")
        .append("  defs[id].call(m.exports, function (r) { return load(resolve(id, r)); },")
        .append(" m, m.exports);\n  return m.exports;\n}\n");
    for (var m : modules.entrySet()) {
      s.append("defs['")
          .append(m.getKey())
          .append("'] = function (require, module, exports) {\n")
          .append(resource(m.getValue()))
          .append("\n};\n");
    }
    s.append("self.VectorTile = load('vector-tile/index').VectorTile;\n})();\n");
    return s.toString();
  }

  private static String webjarVersion(String artifact) {
    String path = "/META-INF/maven/org.webjars.npm/" + artifact + "/pom.properties";
    try (InputStream in = WebRoutes.class.getResourceAsStream(path)) {
      if (in == null) {
        throw new IllegalStateException("WebJar absent du classpath : " + artifact);
      }
      var p = new Properties();
      p.load(in);
      return p.getProperty("version");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String resource(String path) {
    try (InputStream in = WebRoutes.class.getResourceAsStream(path)) {
      if (in == null) {
        throw new IllegalStateException("ressource absente du classpath : " + path);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
