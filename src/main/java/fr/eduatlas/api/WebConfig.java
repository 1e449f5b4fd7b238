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
      URI u = URI.create(basemapUrl.replace("{", "%7B").replace("}", "%7D"));
      if (!"https".equals(u.getScheme()) && !"http".equals(u.getScheme())) {
        throw new IllegalArgumentException(
            "fond de carte : adresse http(s) attendue, reçu '" + basemapUrl + "'");
      }
    } else {
      basemapUrl = null;
    }
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
    URI u = URI.create(basemapUrl.replace("{", "%7B").replace("}", "%7D"));
    return u.getScheme() + "://" + u.getRawAuthority().replace("%7B", "{").replace("%7D", "}");
  }
}
