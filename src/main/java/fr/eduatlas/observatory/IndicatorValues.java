package fr.eduatlas.observatory;

import fr.eduatlas.indicator.Catalog;
import java.util.List;
import org.locationtech.jts.geom.Geometry;

/**
 * One indicator's values at a level and period, optionally within a territory, each appraised
 * against France's value; with each territory's outline when asked for a zoom.
 *
 * @param within the territory the values lie in, or null for the whole level
 * @param france France's value for the period (the appraisals' reference), or null
 */
public record IndicatorValues(
    Catalog.Indicator indicator,
    String level,
    String period,
    Territory within,
    Double france,
    List<Row> rows) {

  /** One territory's value, with its outline (WGS84) when asked for, else null. */
  public record Row(String code, String name, Value value, Geometry outline) {}

  /** Whether any value is simulated. */
  public boolean anySimulated() {
    return rows.stream().anyMatch(r -> r.value().simulated());
  }
}
