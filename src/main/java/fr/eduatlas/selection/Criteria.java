package fr.eduatlas.selection;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * The criteria of a selection, defaults filled in. Parsed from JSON already checked against {@code
 * /schemas/selection-criteria.schema.json} ({@link CriteriaSchema}); the compact constructors hold
 * the rules a schema cannot state (a positive weight, min ≤ max).
 *
 * @param year school year of the connectivity data, by its end year; null = the latest
 */
public record Criteria(
    Integer year,
    int count,
    Eligibility eligibility,
    double bandwidthThreshold,
    Map<Criterion, Double> weights,
    Normalisation normalisation,
    int trendYears,
    List<Quota> quotas,
    int nearMisses,
    Sensitivity sensitivity,
    CostModel costs,
    java.util.SortedMap<String, String> forceIn,
    java.util.SortedMap<String, String> forceOut,
    Budget budget) {

  public static final int DEFAULT_COUNT = 40;

  /** The default weights: the connectivity need first, then equity and the fibre outlook. */
  public static final Map<Criterion, Double> DEFAULT_WEIGHTS =
      Map.of(
          Criterion.WEAK_SHARE, 40.0,
          Criterion.PUPILS_AFFECTED, 20.0,
          Criterion.FIBRE_COVERAGE, 15.0,
          Criterion.TREND, 10.0,
          Criterion.IPS, 15.0,
          // Off by default (the defaults' shortlists stay as published); a programme targeting
          // schools left behind by their commune's fibre raises it.
          Criterion.FIBRED_WEAK, 0.0);

  public enum Normalisation {
    RANK,
    MINMAX
  }

  public record Eligibility(
      List<Integer> densityLevels,
      Integer maxPopulation,
      int minSchools,
      List<String> schoolTypes,
      List<String> perimeter) {
    public Eligibility {
      densityLevels = List.copyOf(new TreeSet<>(densityLevels));
      schoolTypes = List.copyOf(new TreeSet<>(schoolTypes));
      perimeter = List.copyOf(new TreeSet<>(perimeter));
    }

    static Eligibility defaults() {
      return new Eligibility(List.of(5, 6, 7), 3500, 1, List.of("ecole"), List.of());
    }
  }

  /** At most {@code max} and at least {@code min} selected communes in a territory ("*": each). */
  public record Quota(String level, String code, Integer min, Integer max) {
    public Quota {
      if (min == null && max == null) {
        throw new IllegalArgumentException("quota " + level + ":" + code + " : min ou max requis");
      }
      if (min != null && max != null && min > max) {
        throw new IllegalArgumentException(
            "quota " + level + ":" + code + " : min (" + min + ") dépasse max (" + max + ")");
      }
    }
  }

  public record Sensitivity(int runs, double perturbation, long seed) {}

  /**
   * What the list maximises: the sum of scores, the pupils of weak schools reached (within the
   * budget: the most pupils for the envelope), or the pupils reached per euro spent (among communes
   * with something to fund).
   */
  public enum Objective {
    SCORE("score"),
    PUPILS("pupils"),
    PUPILS_PER_EURO("pupilsPerEuro");

    private final String id;

    Objective(String id) {
      this.id = id;
    }

    public String id() {
      return id;
    }

    static Objective of(String id) {
      for (Objective o : values()) {
        if (o.id.equals(id)) {
          return o;
        }
      }
      throw new IllegalArgumentException("objective : valeur inconnue « " + id + " »");
    }
  }

  /**
   * The budget of the call and what it changes: the list's estimated cost at most {@code amount}
   * euros (null: no ceiling), between {@code countMin} and {@code count} communes, the objective,
   * and the solver's time limit. Without a ceiling, with the score objective and a fixed count, the
   * exact greedy of {@link QuotaTree} computes the list; otherwise {@link BudgetSolver}.
   */
  public record Budget(Double amount, int countMin, Objective objective, double timeLimit) {
    /** The sensitivity runs' default and ceiling when the solver computes every run. */
    public static final int SOLVER_RUNS = 50;

    public static final int SOLVER_MAX_RUNS = 200;

    static Budget none(int count) {
      return new Budget(null, count, Objective.SCORE, 10);
    }

    /** Whether the list needs the integer programme rather than the greedy. */
    public boolean needsSolver(int count) {
      return amount != null || objective != Objective.SCORE || countMin != count;
    }
  }

  public Criteria {
    weights = Map.copyOf(weights);
    double sum = weights.values().stream().mapToDouble(Double::doubleValue).sum();
    if (!(sum > 0)) {
      throw new IllegalArgumentException("weights : au moins un poids doit être positif");
    }
    quotas = List.copyOf(quotas);
    if (budget.countMin() > count) {
      throw new IllegalArgumentException(
          "countMin ("
              + budget.countMin()
              + ") dépasse count ("
              + count
              + ") : le nombre minimal de communes ne peut dépasser le nombre maximal");
    }
    if (budget.needsSolver(count) && sensitivity.runs() > Budget.SOLVER_MAX_RUNS) {
      throw new IllegalArgumentException(
          "sensitivity.runs : au plus "
              + Budget.SOLVER_MAX_RUNS
              + " tirages quand la liste est calculée par le solveur (budget, objectif ou nombre"
              + " variable de communes), "
              + sensitivity.runs()
              + " demandés");
    }
  }

  /** The weights scaled to add up to 1, in the criteria's fixed order. */
  public double[] normalisedWeights() {
    double sum = 0;
    for (Criterion c : Criterion.values()) {
      sum += weights.getOrDefault(c, 0.0);
    }
    double[] w = new double[Criterion.values().length];
    for (Criterion c : Criterion.values()) {
      w[c.ordinal()] = weights.getOrDefault(c, 0.0) / sum;
    }
    return w;
  }

  /**
   * Criteria from JSON that passed the schema; absent fields take their defaults, an absent weight
   * in a given {@code weights} object is 0.
   *
   * @throws IllegalArgumentException with a French message naming the field, for what the schema
   *     cannot say
   */
  public static Criteria fromJson(JsonNode n) {
    JsonNode e = n.path("eligibility");
    Eligibility d = Eligibility.defaults();
    Eligibility el =
        new Eligibility(
            e.has("densityLevels") ? ints(e.get("densityLevels")) : d.densityLevels(),
            e.has("maxPopulation")
                ? (e.get("maxPopulation").isNull() ? null : e.get("maxPopulation").asInt())
                : d.maxPopulation(),
            e.path("minSchools").asInt(d.minSchools()),
            e.has("schoolTypes") ? strings(e.get("schoolTypes")) : d.schoolTypes(),
            e.has("perimeter") ? strings(e.get("perimeter")) : d.perimeter());
    Map<Criterion, Double> weights;
    if (n.has("weights")) {
      weights = new LinkedHashMap<>();
      for (Criterion c : Criterion.values()) {
        weights.put(c, n.get("weights").path(c.id()).asDouble(0));
      }
    } else {
      weights = DEFAULT_WEIGHTS;
    }
    var quotas = new ArrayList<Quota>();
    for (JsonNode q : n.path("quotas")) {
      quotas.add(
          new Quota(
              q.get("level").asText(),
              q.get("code").asText(),
              q.has("min") ? q.get("min").asInt() : null,
              q.has("max") ? q.get("max").asInt() : null));
    }
    JsonNode s = n.path("sensitivity");
    int count = n.path("count").asInt(DEFAULT_COUNT);
    var budget =
        new Budget(
            n.hasNonNull("budget") ? n.get("budget").asDouble() : null,
            n.path("countMin").asInt(count),
            Objective.of(n.path("objective").asText("score")),
            n.path("timeLimit").asDouble(10));
    return new Criteria(
        n.has("year") ? n.get("year").asInt() : null,
        count,
        el,
        n.path("bandwidthThreshold").asDouble(8),
        weights,
        "minmax".equals(n.path("normalisation").asText("rank"))
            ? Normalisation.MINMAX
            : Normalisation.RANK,
        n.path("trendYears").asInt(3),
        quotas,
        n.path("nearMisses").asInt(10),
        new Sensitivity(
            s.path("runs").asInt(budget.needsSolver(count) ? Budget.SOLVER_RUNS : 1000),
            s.path("perturbation").asDouble(0.2),
            s.path("seed").asLong(1)),
        CostModel.fromJson(n.path("costs")),
        forced(n.path("forceIn")),
        forced(n.path("forceOut")),
        budget);
  }

  /** A list of {code, reason} as code → reason, in code order. */
  private static java.util.SortedMap<String, String> forced(JsonNode a) {
    var out = new java.util.TreeMap<String, String>();
    a.forEach(x -> out.put(x.path("code").asText(), x.path("reason").asText()));
    return out;
  }

  /**
   * The criteria with every default written out, the year resolved: what a selection's id hashes.
   */
  public ObjectNode toJson(ObjectMapper m) {
    ObjectNode n = m.createObjectNode();
    if (year != null) {
      n.put("year", year);
    }
    n.put("count", count);
    n.put("countMin", budget.countMin());
    if (budget.amount() == null) {
      n.putNull("budget");
    } else {
      n.put("budget", budget.amount());
    }
    n.put("objective", budget.objective().id());
    n.put("timeLimit", budget.timeLimit());
    ObjectNode e = n.putObject("eligibility");
    eligibility.densityLevels().forEach(e.putArray("densityLevels")::add);
    if (eligibility.maxPopulation() == null) {
      e.putNull("maxPopulation");
    } else {
      e.put("maxPopulation", eligibility.maxPopulation());
    }
    e.put("minSchools", eligibility.minSchools());
    eligibility.schoolTypes().forEach(e.putArray("schoolTypes")::add);
    eligibility.perimeter().forEach(e.putArray("perimeter")::add);
    n.put("bandwidthThreshold", bandwidthThreshold);
    ObjectNode w = n.putObject("weights");
    for (Criterion c : Criterion.values()) {
      w.put(c.id(), weights.getOrDefault(c, 0.0));
    }
    n.put("normalisation", normalisation.name().toLowerCase(java.util.Locale.ROOT));
    n.put("trendYears", trendYears);
    var qs = n.putArray("quotas");
    for (Quota q : quotas) {
      ObjectNode o = qs.addObject().put("level", q.level()).put("code", q.code());
      if (q.min() != null) {
        o.put("min", q.min());
      }
      if (q.max() != null) {
        o.put("max", q.max());
      }
    }
    n.put("nearMisses", nearMisses);
    n.putObject("sensitivity")
        .put("runs", sensitivity.runs())
        .put("perturbation", sensitivity.perturbation())
        .put("seed", sensitivity.seed());
    costs.write(n.putObject("costs"));
    for (var list : List.of(Map.entry("forceIn", forceIn), Map.entry("forceOut", forceOut))) {
      var arr = n.putArray(list.getKey());
      list.getValue()
          .forEach((code, reason) -> arr.addObject().put("code", code).put("reason", reason));
    }
    return n;
  }

  /** The same criteria for the given school year. */
  public Criteria withYear(int y) {
    return new Criteria(
        y,
        count,
        eligibility,
        bandwidthThreshold,
        weights,
        normalisation,
        trendYears,
        quotas,
        nearMisses,
        sensitivity,
        costs,
        forceIn,
        forceOut,
        budget);
  }

  private static List<Integer> ints(JsonNode a) {
    var out = new ArrayList<Integer>();
    a.forEach(x -> out.add(x.asInt()));
    return out;
  }

  private static List<String> strings(JsonNode a) {
    var out = new ArrayList<String>();
    a.forEach(x -> out.add(x.asText()));
    return out;
  }
}
