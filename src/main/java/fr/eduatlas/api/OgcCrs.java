package fr.eduatlas.api;

import fr.eduatlas.geo.Crs;
import java.util.List;
import org.locationtech.jts.geom.Envelope;
import org.locationtech.jts.geom.Geometry;
import org.locationtech.jts.geom.GeometryFactory;

/**
 * The coordinate systems the OGC collections are served in (OGC API Features Part 2): CRS84, the
 * storage system, and Lambert-93 (EPSG:2154) for metropolitan France, through GeoTools. A geometry
 * outside Lambert-93's domain of use (the overseas territories) is not transformed.
 */
enum OgcCrs {
  CRS84("http://www.opengis.net/def/crs/OGC/1.3/CRS84", 4326, "CRS84", 6, null),
  LAMBERT_93(
      "http://www.opengis.net/def/crs/EPSG/0/2154",
      Crs.LAMBERT_93,
      "EPSG:2154 (Lambert-93)",
      2,
      // EPSG's area of use of Lambert-93: France métropolitaine, Corse comprise.
      new Envelope(-9.86, 10.38, 41.15, 51.56));

  private final String uri;
  private final int epsg;
  private final String label;
  private final int decimals;
  private final Envelope domain;

  OgcCrs(String uri, int epsg, String label, int decimals, Envelope domain) {
    this.uri = uri;
    this.epsg = epsg;
    this.label = label;
    this.decimals = decimals;
    this.domain = domain;
  }

  String uri() {
    return uri;
  }

  String label() {
    return label;
  }

  int decimals() {
    return decimals;
  }

  boolean isDefault() {
    return this == CRS84;
  }

  static List<String> uris() {
    return java.util.Arrays.stream(values()).map(OgcCrs::uri).toList();
  }

  /** The system a {@code crs} or {@code bbox-crs} parameter names (CRS84 when absent). */
  static OgcCrs of(String raw, String param) {
    if (raw == null) {
      return CRS84;
    }
    for (OgcCrs c : values()) {
      if (c.uri.equals(raw)) {
        return c;
      }
    }
    throw ApiException.badRequest(
        "paramètre '"
            + param
            + "' : systèmes de coordonnées servis : "
            + String.join(", ", uris())
            + " (reçu '"
            + Params.shown(raw)
            + "')");
  }

  /** A CRS84 geometry in this system, or null when it lies outside the system's domain. */
  Geometry fromCrs84(Geometry g) {
    if (isDefault()) {
      return g;
    }
    if (!domain.contains(g.getEnvelopeInternal())) {
      return null;
    }
    return Crs.transform(g, 4326, epsg);
  }

  /**
   * A geometry given in this system (a filter's literal), in CRS84: its edges densified first, so
   * that a straight side in Lambert-93 stays close to its curved image.
   */
  Geometry toCrs84(Geometry g, String param) {
    if (isDefault()) {
      return g;
    }
    Envelope env = g.getEnvelopeInternal();
    double step = Math.max(env.getWidth(), env.getHeight()) / 32;
    Geometry dense = step > 0 ? org.locationtech.jts.densify.Densifier.densify(g, step) : g;
    try {
      return Crs.transform(dense, epsg, 4326);
    } catch (IllegalArgumentException ex) {
      throw ApiException.badRequest(
          "paramètre '" + param + "' : géométrie hors du domaine de " + label);
    }
  }

  /** A box {minx, miny, maxx, maxy} given in this system, as the CRS84 box that holds it. */
  double[] toCrs84(double[] box) {
    if (isDefault()) {
      return box;
    }
    Geometry g = new GeometryFactory().toGeometry(new Envelope(box[0], box[2], box[1], box[3]));
    // The box's edges densified, so that the CRS84 envelope holds the curved image of each side.
    double step = Math.max(box[2] - box[0], box[3] - box[1]) / 32;
    Geometry dense = step > 0 ? org.locationtech.jts.densify.Densifier.densify(g, step) : g;
    Envelope e;
    try {
      e = Crs.transform(dense, epsg, 4326).getEnvelopeInternal();
    } catch (IllegalArgumentException ex) {
      throw ApiException.badRequest("paramètre 'bbox' : hors du domaine de " + label);
    }
    return new double[] {e.getMinX(), e.getMinY(), e.getMaxX(), e.getMaxY()};
  }
}
