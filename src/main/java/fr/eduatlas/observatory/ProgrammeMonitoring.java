package fr.eduatlas.observatory;

import java.util.List;

/**
 * A programme's monitoring, lever by lever: each lever's indicators per period for the programme's
 * départements, the other départements and France (ratios of the départements' sums, as every value
 * of the catalog), and the progress of the published targets that an indicator measures.
 */
public record ProgrammeMonitoring(String programme, List<Lever> levers, List<Progress> targets) {

  /** A lever and its indicators' series. */
  public record Lever(String id, String label, List<Series> indicators) {}

  /** One indicator over the periods. */
  public record Series(
      String indicator, String label, String unit, boolean count, List<Point> points) {}

  /**
   * One period: the groups' aggregates; {@code comparable}: the départements the evaluation matches
   * to the programme's for this indicator (empty for a count, which is not evaluated).
   */
  public record Point(
      String period,
      Aggregate programme,
      Aggregate others,
      Aggregate france,
      Aggregate comparable) {}

  /**
   * A group's aggregate: the value (sum of numerators over sum of denominators, times the scale;
   * the sum for a count), its coverage (schools with data over schools), whether any of it is
   * simulated and the share of covered schools with real data; {@code territories}: départements
   * with a published value (secret ones are left out).
   */
  public record Aggregate(
      Double value,
      Double numerator,
      Double denominator,
      Long schoolsCovered,
      Long schoolsTotal,
      Double coverage,
      boolean simulated,
      Double realShare,
      int territories) {}

  /**
   * A target's progress: the value reached by the target's wave (its départements) at the latest
   * period with data, its share of the target, and the coverage behind it.
   */
  public record Progress(
      String id,
      String label,
      String wave,
      Double target,
      String unit,
      String indicator,
      String period,
      Double reached,
      Double share,
      Double coverage,
      Boolean simulated,
      String note) {}
}
