package fr.eduatlas.api;

import java.net.URI;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * How the server presents itself and whom it lets write, set by its operator (never by a request):
 *
 * @param publicUrl the absolute URL clients reach the server at (behind a proxy, the proxy's):
 *     every absolute link (OGC API, TileJSON) is built from it, never from the request's {@code
 *     Host} or {@code X-Forwarded-*}; null for the listening address (or relative links when it
 *     listens on every interface)
 * @param writeOrigins browser origins allowed to send state-changing requests (POST) across
 *     origins; reads stay open to any origin
 * @param idleTimeoutMillis how long a connection may stay silent (a client that stops sending its
 *     body, or never reads the answer) before it is closed
 */
public record ServerOptions(String publicUrl, Set<String> writeOrigins, long idleTimeoutMillis) {
  /** Connections silent for 30 s are closed. */
  public static final long DEFAULT_IDLE_TIMEOUT_MILLIS = 30_000;

  public ServerOptions(String publicUrl, Set<String> writeOrigins) {
    this(publicUrl, writeOrigins, DEFAULT_IDLE_TIMEOUT_MILLIS);
  }

  public ServerOptions {
    if (idleTimeoutMillis <= 0) {
      throw new IllegalArgumentException("délai d'inactivité : une durée positive");
    }
    if (publicUrl != null && publicUrl.isBlank()) {
      publicUrl = null;
    }
    if (publicUrl != null) {
      publicUrl = checked(publicUrl, "adresse publique");
    }
    var origins = new LinkedHashSet<String>();
    for (String o : writeOrigins == null ? Set.<String>of() : writeOrigins) {
      if (!o.isBlank()) {
        origins.add(checked(o.strip(), "origine autorisée"));
      }
    }
    writeOrigins = Set.copyOf(origins);
  }

  public static ServerOptions none() {
    return new ServerOptions(null, Set.of());
  }

  /** From EDUATLAS_PUBLIC_URL and EDUATLAS_WRITE_ORIGINS (comma-separated), when set. */
  public static ServerOptions fromEnvironment() {
    String origins = System.getenv("EDUATLAS_WRITE_ORIGINS");
    return new ServerOptions(
        System.getenv("EDUATLAS_PUBLIC_URL"),
        origins == null ? Set.of() : Set.copyOf(List.of(origins.split(","))));
  }

  /** An http(s) URL with a host and no query or fragment, without its trailing slash. */
  private static String checked(String url, String what) {
    URI u;
    try {
      u = new URI(url);
    } catch (java.net.URISyntaxException e) {
      throw new IllegalArgumentException(what + " mal formée : '" + url + "'");
    }
    if (!("https".equals(u.getScheme()) || "http".equals(u.getScheme()))
        || u.getHost() == null
        || u.getRawQuery() != null
        || u.getRawFragment() != null) {
      throw new IllegalArgumentException(
          what + " : http(s)://hôte[:port][/chemin] attendu, reçu '" + url + "'");
    }
    return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
  }
}
