package fr.eduatlas.api;

import java.net.URI;

/**
 * Optional settings of the map page: a raster basemap URL template ({z}/{x}/{y}, optionally {s})
 * and its attribution. Without one the map draws EduAtlas' own layers only, and the page makes no
 * request to another origin.
 */
public record WebConfig(String basemapUrl, String basemapAttribution) {
  public WebConfig {
    if (basemapUrl != null && !basemapUrl.isBlank()) {
      uri(basemapUrl);
    } else {
      basemapUrl = null;
    }
  }

  /**
   * The template as a URI (its {z}-style placeholders escaped); refused unless http(s) with a host.
   */
  private static URI uri(String template) {
    URI u;
    try {
      u = new URI(template.replace("{", "%7B").replace("}", "%7D"));
    } catch (java.net.URISyntaxException e) {
      throw new IllegalArgumentException(
          "fond de carte : adresse mal formée '" + template + "' (" + e.getReason() + ")");
    }
    if (!("https".equals(u.getScheme()) || "http".equals(u.getScheme()))
        || u.getRawAuthority() == null) {
      throw new IllegalArgumentException(
          "fond de carte : adresse http(s) avec un hôte attendue, reçu '" + template + "'");
    }
    return u;
  }

  /** From EDUATLAS_BASEMAP_URL and EDUATLAS_BASEMAP_ATTRIBUTION, when set. */
  public static WebConfig fromEnvironment() {
    return new WebConfig(
        System.getenv("EDUATLAS_BASEMAP_URL"), System.getenv("EDUATLAS_BASEMAP_ATTRIBUTION"));
  }

  public static WebConfig none() {
    return new WebConfig(null, null);
  }

  String basemapOrigin() {
    if (basemapUrl == null) {
      return null;
    }
    URI u = uri(basemapUrl);
    return u.getScheme() + "://" + u.getRawAuthority().replace("%7B", "{").replace("%7D", "}");
  }
}
