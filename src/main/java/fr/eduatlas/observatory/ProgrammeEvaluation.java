package fr.eduatlas.observatory;

import java.util.List;

/**
 * A programme's evaluation: per lever outcome, the difference-in-differences estimate against
 * matched départements ({@link Evaluation}).
 *
 * @param baseline the last school year (by its end) before the programme's first wave
 * @param covariates the indicators the matching compares (and each outcome's own pre-programme
 *     level)
 * @param matches départements matched to each treated one
 * @param simulated whether any outcome value behind it is simulated
 */
public record ProgrammeEvaluation(
    String programme,
    int baseline,
    List<String> covariates,
    int matches,
    boolean simulated,
    List<Outcome> outcomes) {

  /** One outcome's estimate. */
  public record Outcome(
      String lever,
      String indicator,
      String label,
      String unit,
      int baseline,
      Evaluation.Result result) {}
}
