package fr.eduatlas.observatory;

import fr.eduatlas.indicator.Catalog;
import java.util.List;
import org.locationtech.jts.geom.Geometry;

/**
 * A territory's profile: where it lies (its chain of parents, from France down to itself), what it
 * is compared with, its schools, every indicator's series with the latest value of the compared
 * territories, and its outline when asked for.
 *
 * @param breadcrumb from France down to the territory itself
 * @param outline the outline in WGS84, or null when not asked for or when it has none
 */
public record TerritoryProfile(
    Territory territory,
    List<Territory> breadcrumb,
    List<Territory> comparedWith,
    long schools,
    long pupils,
    List<IndicatorSeries> indicators,
    boolean withOutline,
    Geometry outline) {

  /**
   * One indicator for the territory: its series oldest first (empty without data), the latest
   * value, and the compared territories' values for the latest period.
   */
  public record IndicatorSeries(
      Catalog.Indicator indicator, List<Value> series, Value latest, List<Compared> compared) {}

  /** A compared territory's value (null when it has none) for a period. */
  public record Compared(Territory territory, Double value, String period) {}
}
