package fr.eduatlas.geo;

import java.util.Arrays;
import java.util.List;

/**
 * The zoom bands of the simplified geometry: each band's geometry is simplified, as one coverage,
 * to half a screen pixel (256-pixel tiles) at the band's highest zoom, so that it looks exact over
 * the whole band. From {@link #FULL}'s first zoom on, the source geometry is used as is.
 */
public enum ZoomBand {
  Z0_5(0, 5),
  Z6_7(6, 7),
  Z8_9(8, 9),
  Z10_11(10, 11),
  FULL(12, 22);

  /** Metres per pixel at zoom 0 on the equator, 256-pixel tiles, Web Mercator. */
  public static final double METRES_PER_PIXEL_Z0 = 2 * Math.PI * 6378137 / 256;

  private final int minZoom;
  private final int maxZoom;

  ZoomBand(int minZoom, int maxZoom) {
    this.minZoom = minZoom;
    this.maxZoom = maxZoom;
  }

  public int minZoom() {
    return minZoom;
  }

  public int maxZoom() {
    return maxZoom;
  }

  /** The identifier stored with the geometry: {@code z0-5}, ..., {@code full}. */
  public String id() {
    return this == FULL ? "full" : "z" + minZoom + "-" + maxZoom;
  }

  /** Simplification tolerance in Web Mercator metres: half a pixel at the band's highest zoom. */
  public double toleranceMetres() {
    return this == FULL ? 0 : 0.5 * METRES_PER_PIXEL_Z0 / (1 << maxZoom);
  }

  public static ZoomBand forZoom(int zoom) {
    return Arrays.stream(values())
        .filter(b -> zoom >= b.minZoom && zoom <= b.maxZoom)
        .findFirst()
        .orElseThrow(() -> new IllegalArgumentException("zoom " + zoom + " hors de 0 à 22"));
  }

  /** The simplified bands, finest first: each is simplified from the previous one's result. */
  public static List<ZoomBand> simplifiedFinestFirst() {
    return List.of(Z10_11, Z8_9, Z6_7, Z0_5);
  }

  /**
   * The first zoom at which communes are drawn: below it a commune is a few pixels wide, so the
   * commune level has no geometry for the coarser bands (the layer/zoom policy of the tiles).
   */
  public static final int COMMUNE_MIN_ZOOM = 8;

  /** Whether the commune coverage is simplified and stored for this band. */
  public boolean hasCommunes() {
    return maxZoom >= COMMUNE_MIN_ZOOM;
  }
}
