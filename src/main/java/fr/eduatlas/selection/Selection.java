package fr.eduatlas.selection;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Map;

/**
 * A selection's result, as served and stored: what went in, what came out, and why.
 *
 * @param id stable: a hash of the data version and the criteria with every default written out
 * @param criteria the criteria with every default written out and the year resolved
 */
public record Selection(
    String id,
    String dataVersion,
    ObjectNode criteria,
    Summary summary,
    List<Explained> selected,
    List<Explained> nearMisses,
    List<QuotaStatus> quotas,
    Sensitivity sensitivity,
    Method method,
    Provenance provenance,
    Optimisation optimisation,
    List<EpciGroup> byEpci) {

  /**
   * The list grouped by EPCI (the level that often carries a school connection project), largest
   * cost first; communes outside any EPCI are a group with a null code.
   */
  public record EpciGroup(
      String code,
      String name,
      List<String> communes,
      int schoolsWeak,
      long pupilsAffected,
      double estimatedCost) {}

  /**
   * How the list was optimised and what it costs.
   *
   * @param method the algorithm, in words
   * @param objective {@code score} or {@code pupilsPerEuro}
   * @param status {@code optimale} (proven) or {@code realisable} (time limit reached)
   * @param value the list's objective (Σ scores in points, or pupils per euro); null for the greedy
   * @param bound the best bound proven on it; null for the greedy
   * @param gap {@code (bound - value) / bound}: 0 when proven optimal
   * @param seconds the optimisation's wall time
   * @param steps solver calls (Dinkelbach's steps for the ratio)
   * @param timeLimit the solver's limit, seconds; null for the greedy
   * @param budget the ceiling, euros; null: none
   * @param cost the list's estimated cost, euros
   * @param pupilsPerEuro pupils of weak schools reached per euro of the list; null when it costs 0
   */
  public record Optimisation(
      String method,
      String objective,
      String status,
      Double value,
      Double bound,
      Double gap,
      double seconds,
      int steps,
      Double timeLimit,
      Double budget,
      int countMin,
      int countMax,
      Double cost,
      Double pupilsPerEuro) {
    public Optimisation(
        String method,
        String objective,
        String status,
        Double value,
        Double bound,
        Double gap,
        double seconds,
        int steps,
        Double timeLimit,
        Double budget,
        int countMin,
        int countMax) {
      this(
          method, objective, status, value, bound, gap, seconds, steps, timeLimit, budget, countMin,
          countMax, null, null);
    }

    Optimisation withList(double cost, Double pupilsPerEuro) {
      return new Optimisation(
          method,
          objective,
          status,
          value,
          bound,
          gap,
          seconds,
          steps,
          timeLimit,
          budget,
          countMin,
          countMax,
          cost,
          pupilsPerEuro);
    }
  }

  /** Counts: communes read, eligible, selected; exclusions by rule. */
  public record Summary(
      int communes,
      int eligible,
      int selected,
      int target,
      Map<String, Integer> excludedByRule,
      Double lowestSelectedScore,
      Double highestNotSelectedScore,
      long pupilsAffected,
      int schoolsWeak,
      double estimatedCost) {}

  /**
   * One criterion's part in a commune's score: {@code contribution = 100 × weight × normalised}.
   */
  public record Contribution(
      String criterion,
      String label,
      String unit,
      Double raw,
      double normalised,
      boolean imputed,
      double weight,
      double contribution) {}

  /**
   * A commune with its score explained.
   *
   * @param rank position among eligible communes by score (ties broken as documented), 1 = most
   *     need; null for an excluded commune
   * @param status {@code retenue}, {@code non-retenue} (eligible) or {@code exclue}
   * @param reason why it was not selected or excluded; null when selected
   * @param selectedShare the share of sensitivity runs that selected it, null without runs
   */
  public record Explained(
      Integer rank,
      String code,
      String name,
      TerritoryRef departement,
      TerritoryRef academie,
      TerritoryRef region,
      String status,
      String reason,
      Double score,
      Integer population,
      Integer densityLevel,
      int schools,
      int schoolsKnown,
      int schoolsWeak,
      long pupils,
      long pupilsAffected,
      boolean simulated,
      List<Contribution> criteria,
      Double selectedShare,
      String connectionWay,
      double estimatedCost,
      TerritoryRef epci) {}

  public record TerritoryRef(String code, String name) {}

  /**
   * A quota as applied to one territory, with the number selected there.
   *
   * @param note why a quota asked for every territory ("*") was not applied to this one (it has no
   *     eligible commune), else null
   */
  public record QuotaStatus(
      String level,
      String code,
      String name,
      Integer min,
      Integer max,
      int eligible,
      int selected,
      String note) {}

  /**
   * @param meanOverlap mean share of the shortlist found again in a run's shortlist
   * @param stable communes selected in at least 95 % of the runs
   * @param communes every commune selected in at least one run, most often first
   */
  public record Sensitivity(
      int runs,
      double perturbation,
      long seed,
      Double meanOverlap,
      int stable,
      List<Share> communes) {}

  public record Share(String code, String name, boolean selected, double share) {}

  /** How the shortlist was computed, in words, for the decision file. */
  public record Method(
      String optimisation,
      String tieBreak,
      String normalisation,
      String missingValues,
      String costs,
      java.util.Map<String, Object> costParameters) {}

  /** The sources and years of the facts, and whether some are simulated. */
  public record Provenance(
      int connectivityYear,
      String schoolYear,
      Integer densityGridYear,
      Integer populationYear,
      Integer fibreCoverageYear,
      boolean simulated,
      List<String> sources,
      String note) {}
}
