package fr.eduatlas.selection;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import fr.eduatlas.selection.Selection.Contribution;
import fr.eduatlas.selection.Selection.Explained;
import fr.eduatlas.selection.Selection.TerritoryRef;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.IntStream;

/**
 * One selection computed over a warehouse's facts: eligibility, normalisation, scores, the exact
 * optimisation under quotas ({@link QuotaTree}), the explanations and the sensitivity runs. Pure
 * computation: the facts come from {@link NeedsQuery}, so tests can give their own.
 *
 * <p>Order of communes: score descending; scores equal to 10⁻⁹ point are tied, and ties go to more
 * pupils affected, then to the lower INSEE code. Every run, baseline or perturbed, uses that order.
 */
public final class SelectionRun {
  static final String SELECTED = "retenue";
  static final String NOT_SELECTED = "non-retenue";
  static final String EXCLUDED = "exclue";

  /** The eligibility rules, in the order they are tested; the first failed one is reported. */
  static final List<String> RULES =
      List.of("ecartee", "perimetre", "densite", "population", "etablissements", "connectivite");

  private static final int C = Criterion.values().length;
  private static final long SCORE_SCALE = 1_000_000_000L; // 10⁻⁹ point
  private static final long SCORE_MAX = 100L * SCORE_SCALE + 1;
  private static final int TIE_BITS = 24;

  private final NeedsQuery.Facts facts;
  private final Criteria criteria;
  private final String id;
  private final String[] exclusion; // per commune (facts order): rule, null if eligible
  private final String[] exclusionDetail;
  private final int[] eligible; // eligible communes' indices in facts order
  // Territories a "*" minimum was not applied to (no eligible commune), with the reason.
  private final Map<String, String> quotaLeftOut = new java.util.TreeMap<>();
  private final Map<String, Integer> eligibleIndex = new HashMap<>();
  private final Map<String, Integer> communeIndex = new HashMap<>();
  private final double[] norm; // eligible × criteria
  private final boolean[] imputed;
  private final double[] weights;
  private final double[] score;
  private final int[] tieRank; // eligible index → its rank among ties' order
  private final int[] byTieRank;
  private final QuotaTree tree;
  private final List<String> nodeKey = new ArrayList<>(); // node → territory key ("" = root)
  private final Map<String, Integer> nodeOf = new HashMap<>();
  private final int[] nodeMin;
  private final int[] nodeMax;
  private final int[] nodeParent;
  private final int[] leaf; // eligible index → its deepest territory node
  private final int[] order;
  private final int[] blockedBy;
  private final int[] taken;
  private final int[] rankOf; // eligible index → 1-based rank
  private final boolean[] isTaken;
  private final boolean[] forced; // eligible index → retained by the criteria, whatever its score
  private final int[] selectedRuns; // eligible index → runs that selected it
  private final double meanOverlap;
  private final boolean solver; // the list comes from BudgetSolver, not the greedy
  private final long[] cents; // eligible index → estimated cost, cents
  private Selection.Optimisation optimisation;

  private SelectionRun(NeedsQuery.Facts facts, Criteria criteria) {
    this.facts = facts;
    this.criteria = criteria;
    this.id = id(facts.dataVersion(), criteria);
    var communes = facts.communes();
    int n = communes.size();
    exclusion = new String[n];
    exclusionDetail = new String[n];
    var perimeter = Eligibility.perimeter(criteria, facts);
    var el = new ArrayList<Integer>();
    for (int i = 0; i < n; i++) {
      communeIndex.put(communes.get(i).code(), i);
      // Set aside by the criteria (funded elsewhere…) first, with the reason given.
      String out = criteria.forceOut().get(communes.get(i).code());
      String[] why =
          out != null
              ? new String[] {"ecartee", "écartée d'office : " + out}
              : Eligibility.exclude(communes.get(i), criteria, perimeter);
      if (why == null) {
        eligibleIndex.put(communes.get(i).code(), el.size());
        el.add(i);
      } else {
        exclusion[i] = why[0];
        exclusionDetail[i] = why[1];
      }
    }
    eligible = el.stream().mapToInt(Integer::intValue).toArray();
    int m = eligible.length;
    forced = new boolean[m];
    var errors = new ArrayList<String>();
    if (criteria.forceIn().size() > criteria.count()) {
      errors.add(
          "forceIn : "
              + criteria.forceIn().size()
              + " communes retenues d'office pour une liste de "
              + criteria.count());
    }
    for (String code : criteria.forceIn().keySet()) {
      Integer i = communeIndex.get(code);
      if (criteria.forceOut().containsKey(code)) {
        errors.add("forceIn et forceOut : la commune " + code + " ne peut être les deux");
      } else if (i == null) {
        errors.add("forceIn : commune inconnue « " + code + " »");
      } else if (!eligibleIndex.containsKey(code)) {
        errors.add(
            "forceIn : la commune "
                + code
                + " ("
                + communes.get(i).name()
                + ") n'est pas éligible : "
                + exclusionDetail[i]);
      } else {
        forced[eligibleIndex.get(code)] = true;
      }
    }
    for (String code : criteria.forceOut().keySet()) {
      if (!communeIndex.containsKey(code)) {
        errors.add("forceOut : commune inconnue « " + code + " »");
      }
    }
    if (!errors.isEmpty()) {
      throw new InvalidCriteriaException(errors);
    }
    norm = new double[m * C];
    imputed = new boolean[m * C];
    NeedScaling.normalise(communes, eligible, criteria.normalisation(), norm, imputed);
    weights = criteria.normalisedWeights();
    score = new double[m];
    for (int e = 0; e < m; e++) {
      score[e] = score(e, weights);
    }
    // Ties: more pupils affected first, then the lower code (facts are in code order).
    Integer[] ties = new Integer[m];
    for (int e = 0; e < m; e++) {
      ties[e] = e;
    }
    Arrays.sort(
        ties,
        (a, b) -> {
          int c =
              Long.compare(
                  communes.get(eligible[b]).pupilsAffected(),
                  communes.get(eligible[a]).pupilsAffected());
          return c != 0 ? c : Integer.compare(a, b);
        });
    tieRank = new int[m];
    byTieRank = new int[m];
    for (int r = 0; r < m; r++) {
      tieRank[ties[r]] = r;
      byTieRank[r] = ties[r];
    }
    if (m >= 1 << TIE_BITS) {
      throw new IllegalStateException("too many communes for the sort key: " + m);
    }
    // The quota tree.
    int[][] bounds = buildTree();
    nodeMin = bounds[0];
    nodeMax = bounds[1];
    nodeParent = bounds[2];
    leaf = new int[m];
    for (int e = 0; e < m; e++) {
      leaf[e] = leafNode(communes.get(eligible[e]));
    }
    tree = new QuotaTree(nodeParent, nodeMin, nodeMax, leaf);
    int bad = tree.infeasibleNode();
    if (bad >= 0) {
      throw new UnsatisfiableException(unsatisfiable(bad, m));
    }
    order = order(score, new long[m]);
    rankOf = new int[m];
    for (int r = 0; r < m; r++) {
      rankOf[order[r]] = r + 1;
    }
    cents = new long[m];
    for (int e = 0; e < m; e++) {
      cents[e] = Math.round(criteria.costs().estimate(communes.get(eligible[e])).total() * 100);
    }
    blockedBy = new int[m];
    solver = criteria.budget().needsSolver(criteria.count());
    if (solver) {
      taken = solveBudget();
    } else {
      long start = System.nanoTime();
      taken = tree.run(order, blockedBy);
      optimisation = optimisation("glouton", BudgetSolver.OPTIMAL, null, null, start, 1);
    }
    isTaken = new boolean[m];
    for (int e : taken) {
      isTaken[e] = true;
    }
    for (int e = 0; e < m; e++) {
      if (forced[e] && !isTaken[e]) {
        var x = communes.get(eligible[e]);
        throw new UnsatisfiableException(
            "la commune "
                + x.code()
                + " ("
                + x.name()
                + ") est retenue d'office, mais "
                + (blockedBy[e] == Integer.MIN_VALUE ? "la liste est complète" : reason(e))
                + " : revoyez les quotas ou la liste d'office");
      }
    }
    selectedRuns = new int[m];
    meanOverlap = sensitivity();
  }

  // ---- the budget ---------------------------------------------------------------------------

  /** Marks, in {@code blockedBy}, a commune the solver's list leaves out. */
  private static final int SOLVER_OUT = -2;

  private BudgetSolver.Problem problem(double[] sc, int[] hint, double seconds, Long budget) {
    int m = eligible.length;
    long[] value = new long[m];
    long[] pupils = new long[m];
    boolean[] barred = new boolean[m];
    var objective = criteria.budget().objective();
    long all = 0;
    for (int e = 0; e < m; e++) {
      pupils[e] = facts.communes().get(eligible[e]).pupilsAffected();
      value[e] = objective == Criteria.Objective.PUPILS ? pupils[e] : Math.round(sc[e] * 1_000_000);
      // Per euro, a commune with nothing to fund would only fill the list.
      barred[e] = objective == Criteria.Objective.PUPILS_PER_EURO && cents[e] == 0;
      all += cents[e];
    }
    int[] min = nodeMin.clone();
    int[] max = nodeMax.clone();
    return new BudgetSolver.Problem(
        value,
        pupils,
        cents,
        leaf,
        nodeParent,
        min,
        max,
        criteria.budget().countMin(),
        criteria.count(),
        forced,
        barred,
        budget == null ? all : budget,
        criteria.budget().objective() == Criteria.Objective.PUPILS_PER_EURO,
        seconds,
        hint);
  }

  private Long budgetCents() {
    Double a = criteria.budget().amount();
    return a == null ? null : (long) Math.floor(a * 100 + 1e-6);
  }

  /** The list under the budget, best first; fills {@code blockedBy} and the optimisation report. */
  private int[] solveBudget() {
    var b = criteria.budget();
    var r = BudgetSolver.solve(problem(score, null, b.timeLimit(), budgetCents()));
    if (!r.found()) {
      throw new UnsatisfiableException(noList(r));
    }
    boolean[] in = new boolean[eligible.length];
    for (int e : r.taken()) {
      in[e] = true;
    }
    int[] t = new int[r.taken().length];
    int k = 0;
    for (int e : order) {
      if (in[e]) {
        t[k++] = e;
        blockedBy[e] = -1;
      } else {
        blockedBy[e] = SOLVER_OUT;
      }
    }
    optimisation =
        new Selection.Optimisation(
            "CP-SAT (Google OR-Tools), programme en nombres entiers",
            b.objective().id(),
            r.status(),
            finite(r.objective() / (b.objective() == Criteria.Objective.SCORE ? 1e6 : 1)),
            finite(r.bound() / (b.objective() == Criteria.Objective.SCORE ? 1e6 : 1)),
            finite(r.gap()),
            r.seconds(),
            r.steps(),
            b.timeLimit(),
            b.amount(),
            b.countMin(),
            criteria.count());
    return t;
  }

  private Selection.Optimisation optimisation(
      String how, String status, Double objective, Double bound, long start, int steps) {
    var b = criteria.budget();
    return new Selection.Optimisation(
        how.equals("glouton")
            ? "glouton exact (bases d'un matroïde : quotas emboîtés, nombre fixe, sans budget)"
            : how,
        b.objective().id(),
        status,
        objective,
        bound,
        0.0,
        (System.nanoTime() - start) / 1e9,
        steps,
        null,
        b.amount(),
        b.countMin(),
        criteria.count());
  }

  private static Double finite(double d) {
    return Double.isFinite(d) ? d : null;
  }

  /** Why no list was returned: none exists (with the cheapest list's cost), or none in time. */
  private String noList(BudgetSolver.Result r) {
    var b = criteria.budget();
    String counts =
        b.countMin() == criteria.count()
            ? criteria.count() + " communes"
            : "de " + b.countMin() + " à " + criteria.count() + " communes";
    if (!r.status().equals("infaisable")) {
      return "aucune liste trouvée dans le temps imparti ("
          + fmt(b.timeLimit())
          + " s) : augmentez timeLimit ou relâchez les contraintes";
    }
    // The cheapest list that holds the count, the quotas and the retained communes.
    int m = eligible.length;
    long[] negCost = new long[m];
    for (int e = 0; e < m; e++) {
      negCost[e] = -cents[e];
    }
    var p = problem(score, null, b.timeLimit(), null);
    var cheapest =
        BudgetSolver.solve(
            new BudgetSolver.Problem(
                negCost,
                p.pupils(),
                p.cost(),
                p.leaf(),
                p.parent(),
                p.min(),
                p.max(),
                p.countMin(),
                p.countMax(),
                p.forced(),
                null,
                p.budget(),
                false,
                b.timeLimit(),
                null));
    String more =
        cheapest.status().equals(BudgetSolver.OPTIMAL)
            ? " ; la liste la moins coûteuse qui les respecte coûte "
                + euros(-cheapest.objective() / 100)
            : "";
    return "aucune liste de "
        + counts
        + " ne tient dans le budget de "
        + euros(b.amount() == null ? 0 : b.amount())
        + " en respectant les quotas et les communes retenues d'office"
        + more;
  }

  public static String euros(double amount) {
    return String.format(Locale.FRANCE, "%,.0f €", amount).replace('\u202f', ' ');
  }

  /**
   * Computes a selection.
   *
   * @throws InvalidCriteriaException if a perimeter or quota names an unknown territory
   * @throws UnsatisfiableException if the quotas cannot be met with the eligible communes
   */
  public static SelectionRun compute(NeedsQuery.Facts facts, Criteria criteria) {
    return new SelectionRun(facts, criteria.withYear(facts.year()));
  }

  public String id() {
    return id;
  }

  public Criteria criteria() {
    return criteria;
  }

  public NeedsQuery.Facts facts() {
    return facts;
  }

  /** The stable id: the data version and the criteria with every default written out. */
  static String id(String dataVersion, Criteria c) {
    try {
      var md = MessageDigest.getInstance("SHA-256");
      md.update(String.valueOf(dataVersion).getBytes(StandardCharsets.UTF_8));
      md.update((byte) '\n');
      md.update(c.toJson(new ObjectMapper()).toString().getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(md.digest(), 0, 10);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  // ---- scores -------------------------------------------------------------------------------

  /** 100 × Σ weight × scaled need, summed in the criteria's order (as the explanation adds). */
  private double score(int e, double[] w) {
    double s = 0;
    for (int c = 0; c < C; c++) {
      s += 100 * w[c] * norm[e * C + c];
    }
    return s;
  }

  /** Eligible indices, best first, in the documented order; {@code keys} is scratch space. */
  private int[] order(double[] s, long[] keys) {
    int m = s.length;
    for (int e = 0; e < m; e++) {
      long q = Math.round(s[e] * SCORE_SCALE);
      // A commune retained by the criteria comes before every score (a normal key is at least 1):
      // greedy on the quotas' matroid contracted by them, still optimal among the lists holding
      // them.
      keys[e] = ((forced[e] ? 0 : SCORE_MAX - q) << TIE_BITS) | tieRank[e];
    }
    Arrays.sort(keys, 0, m);
    int[] o = new int[m];
    for (int r = 0; r < m; r++) {
      o[r] = byTieRank[(int) (keys[r] & ((1 << TIE_BITS) - 1))];
    }
    return o;
  }

  // ---- quotas -------------------------------------------------------------------------------

  /** {min, max, parent} per node: root, régions, académies, départements, quotas applied. */
  private int[][] buildTree() {
    nodeKey.add("");
    nodeOf.put("", 0);
    var parents = new ArrayList<Integer>();
    parents.add(-1);
    for (String level : List.of("region", "academie", "departement")) {
      for (var t : facts.territories().values()) {
        if (t.level().equals(level)) {
          nodeOf.put(t.key(), nodeKey.size());
          nodeKey.add(t.key());
          Integer p = t.parent() == null ? null : nodeOf.get(t.parent());
          parents.add(p == null ? 0 : p);
        }
      }
    }
    int nodes = nodeKey.size();
    int[] min = new int[nodes];
    int[] max = new int[nodes];
    Arrays.fill(max, QuotaTree.UNBOUNDED);
    min[0] = criteria.budget().countMin();
    max[0] = criteria.count();
    var problems = new ArrayList<String>();
    // The territories with at least one eligible commune: a minimum asked of every territory
    // ("*") applies to those only (Mayotte has no eligible commune: "at least 1 per région" must
    // not make every shortlist impossible); the answer names the others.
    var withEligible = new java.util.HashSet<String>();
    for (int e : eligible) {
      CommuneNeeds x = facts.communes().get(e);
      withEligible.add("departement:" + x.departementCode());
      withEligible.add("academie:" + x.academieCode());
      withEligible.add("region:" + x.regionCode());
    }
    int qi = 0;
    for (Criteria.Quota q : criteria.quotas()) {
      var keys = new ArrayList<String>();
      if (q.code().equals("*")) {
        for (var t : facts.territories().values()) {
          if (t.level().equals(q.level())) {
            if (q.min() != null && q.min() > 0 && !withEligible.contains(t.key())) {
              quotaLeftOut.put(
                  t.key(), "minimum de " + q.min() + " non appliqué : aucune commune éligible");
              continue;
            }
            keys.add(t.key());
          }
        }
      } else if (nodeOf.containsKey(q.level() + ":" + q.code())) {
        keys.add(q.level() + ":" + q.code());
      } else {
        problems.add(
            "quotas["
                + qi
                + "] : territoire inconnu : "
                + levelLabel(q.level())
                + " de code « "
                + q.code()
                + " »");
      }
      for (String k : keys) {
        int v = nodeOf.get(k);
        if (q.min() != null) {
          min[v] = Math.max(min[v], q.min());
        }
        if (q.max() != null) {
          max[v] = Math.min(max[v], q.max());
        }
      }
      qi++;
    }
    if (!problems.isEmpty()) {
      throw new InvalidCriteriaException(problems);
    }
    return new int[][] {min, max, parents.stream().mapToInt(Integer::intValue).toArray()};
  }

  private int leafNode(CommuneNeeds x) {
    for (String k :
        new String[] {
          "departement:" + x.departementCode(),
          "academie:" + x.academieCode(),
          "region:" + x.regionCode()
        }) {
      Integer v = nodeOf.get(k);
      if (v != null) {
        return v;
      }
    }
    return 0;
  }

  private String unsatisfiable(int v, int m) {
    int[][] iv = tree.intervals();
    int lo = iv[0][v];
    int hi = iv[1][v];
    if (v == 0) {
      return lo > criteria.count()
          ? "les quotas minimaux demandent au moins "
              + lo
              + " communes, plus que les "
              + criteria.count()
              + " à retenir"
          : "au plus "
              + hi
              + (hi > 1 ? " communes peuvent être retenues (" : " commune peut être retenue (")
              + m
              + (m > 1 ? " communes éligibles" : " commune éligible")
              + ", quotas maximaux compris), moins que les "
              + criteria.budget().countMin()
              + " demandées";
    }
    return territoryLabel(v)
        + " : quota minimal de "
        + nodeMin[v]
        + " commune(s), mais au plus "
        + hi
        + " possible(s) (communes éligibles et quotas maximaux des territoires qu'il contient)";
  }

  private String territoryLabel(int v) {
    if (v == 0) {
      return "France";
    }
    var t = facts.territories().get(nodeKey.get(v));
    return levelLabel(t.level()) + " " + t.name() + " (" + t.code() + ")";
  }

  static String levelLabel(String level) {
    return switch (level) {
      case "region" -> "région";
      case "academie" -> "académie";
      case "departement" -> "département";
      default -> level;
    };
  }

  // ---- sensitivity --------------------------------------------------------------------------

  /** Runs the perturbed selections in parallel chunks; returns the mean overlap. */
  private double sensitivity() {
    var s = criteria.sensitivity();
    int runs = s.runs();
    if (runs == 0) {
      return Double.NaN;
    }
    int chunks = Math.min(runs, Runtime.getRuntime().availableProcessors() * 4);
    int m = eligible.length;
    long[] overlaps = new long[chunks];
    int[][] counts =
        IntStream.range(0, chunks)
            .parallel()
            .mapToObj(
                ch -> {
                  int[] cnt = new int[m];
                  QuotaTree t = tree.copy();
                  double[] sc = new double[m];
                  long[] keys = new long[m];
                  double[] w = new double[C];
                  for (int r = ch; r < runs; r += chunks) {
                    perturbed(r, w);
                    for (int e = 0; e < m; e++) {
                      sc[e] = score(e, w);
                    }
                    for (int e : solver ? perturbedSolve(sc) : t.run(order(sc, keys), null)) {
                      cnt[e]++;
                      if (isTaken[e]) {
                        overlaps[ch]++;
                      }
                    }
                  }
                  return cnt;
                })
            .toArray(int[][]::new);
    for (int[] cnt : counts) {
      for (int e = 0; e < m; e++) {
        selectedRuns[e] += cnt[e];
      }
    }
    return (double) Arrays.stream(overlaps).sum() / ((double) runs * Math.max(1, taken.length));
  }

  /**
   * A perturbed run under the budget: the solver from the baseline list, with a share of the time
   * limit; the best list found if the time runs out (perturbed runs report no gap).
   */
  private int[] perturbedSolve(double[] sc) {
    double seconds =
        Math.max(0.2, criteria.budget().timeLimit() / Math.max(1, criteria.sensitivity().runs()));
    var r = BudgetSolver.solve(problem(sc, taken, seconds, budgetCents()));
    return r.found() ? r.taken() : taken;
  }

  /** Run {@code r}'s weights: each multiplied by 1 ± perturbation (uniform), then rescaled. */
  private void perturbed(int r, double[] w) {
    var rng = new SplittableRandom(criteria.sensitivity().seed() * 0x9E3779B97F4A7C15L + r);
    double p = criteria.sensitivity().perturbation();
    double sum = 0;
    for (int c = 0; c < C; c++) {
      w[c] = weights[c] * (1 + p * (2 * rng.nextDouble() - 1));
      sum += w[c];
    }
    for (int c = 0; c < C; c++) {
      w[c] /= sum;
    }
  }

  // ---- explanations -------------------------------------------------------------------------

  /** The explanation of any commune by code, or null if the warehouse has no such commune. */
  public Explained explain(String code) {
    Integer e = eligibleIndex.get(code);
    if (e != null) {
      return explained(e);
    }
    Integer i = communeIndex.get(code);
    return i == null ? null : excluded(i);
  }

  private Explained excluded(int i) {
    return explanation(
        facts.communes().get(i),
        null,
        EXCLUDED,
        exclusion[i] + " : " + exclusionDetail[i],
        null,
        List.of(),
        null);
  }

  private Explained explained(int e) {
    var x = facts.communes().get(eligible[e]);
    var parts = new ArrayList<Contribution>();
    for (Criterion k : Criterion.values()) {
      int c = k.ordinal();
      double raw = x.raw(k);
      parts.add(
          new Contribution(
              k.id(),
              k.label(),
              k.unit(),
              Double.isNaN(raw) ? null : raw,
              norm[e * C + c],
              imputed[e * C + c],
              weights[c],
              100 * weights[c] * norm[e * C + c]));
    }
    return explanation(
        x,
        rankOf[e],
        isTaken[e] ? SELECTED : NOT_SELECTED,
        isTaken[e]
            ? (forced[e] ? "retenue d'office : " + criteria.forceIn().get(x.code()) : null)
            : reason(e),
        score[e],
        parts,
        criteria.sensitivity().runs() == 0
            ? null
            : (double) selectedRuns[e] / criteria.sensitivity().runs());
  }

  /** A commune's facts with what the selection made of it. */
  private Explained explanation(
      CommuneNeeds x,
      Integer rank,
      String status,
      String reason,
      Double score,
      List<Contribution> parts,
      Double share) {
    return new Explained(
        rank,
        x.code(),
        x.name(),
        ref("departement", x.departementCode()),
        ref("academie", x.academieCode()),
        ref("region", x.regionCode()),
        status,
        reason,
        score,
        x.population(),
        x.densityLevel(),
        x.schools(),
        x.schoolsKnown(),
        x.schoolsWeak(),
        x.pupils(),
        x.pupilsAffected(),
        x.simulated(),
        parts,
        share,
        criteria.costs().estimate(x).way(),
        criteria.costs().estimate(x).total(),
        ref("epci", x.epciCode()));
  }

  private String reason(int e) {
    int b = blockedBy[e];
    if (b == SOLVER_OUT) {
      return solverReason(e);
    }
    if (b == Integer.MIN_VALUE) {
      double last = score[taken[taken.length - 1]];
      if (Math.round(score[e] * SCORE_SCALE) == Math.round(last * SCORE_SCALE)) {
        return "à égalité de score avec la dernière commune retenue, départagée par le nombre"
            + " d'élèves concernés, puis par le code INSEE";
      }
      return String.format(
          Locale.FRANCE,
          "score de %.2f, sous celui de la dernière commune retenue (%.2f)",
          score[e],
          score[taken[taken.length - 1]]);
    }
    if (b == 0) {
      return "les places restantes étaient réservées aux quotas minimaux d'autres territoires";
    }
    if (nodeMax[b] < QuotaTree.UNBOUNDED) {
      return territoryLabel(b) + " : quota maximal de " + nodeMax[b] + " atteint";
    }
    return territoryLabel(b)
        + " : les places restantes étaient réservées aux quotas minimaux d'autres territoires";
  }

  /** Why the solver's list leaves an eligible commune out. */
  private String solverReason(int e) {
    // A territory of its whose maximum the list reaches.
    int[] sel = new int[nodeKey.size()];
    for (int t : taken) {
      for (int v = leaf[t]; v >= 0; v = nodeParent[v]) {
        sel[v]++;
      }
    }
    for (int v = leaf[e]; v > 0; v = nodeParent[v]) {
      if (nodeMax[v] < QuotaTree.UNBOUNDED && sel[v] >= nodeMax[v]) {
        return territoryLabel(v) + " : quota maximal de " + nodeMax[v] + " atteint";
      }
    }
    var x = facts.communes().get(eligible[e]);
    var b = criteria.budget();
    if (b.objective() == Criteria.Objective.PUPILS_PER_EURO && cents[e] == 0) {
      return "aucun établissement à raccorder : l'objectif par euro ne retient que les communes"
          + " qui en ont";
    }
    if (b.objective() != Criteria.Objective.SCORE) {
      return String.format(
          Locale.FRANCE,
          "la liste qui atteint le plus d'élèves %sne la retient pas (%d élève(s) concerné(s)"
              + " pour un coût estimé de %s)",
          b.objective() == Criteria.Objective.PUPILS ? "dans le budget " : "par euro ",
          x.pupilsAffected(),
          euros(cents[e] / 100.0));
    }
    double last = score[taken[taken.length - 1]];
    if (score[e] > last && b.amount() != null) {
      return String.format(
          Locale.FRANCE,
          "score de %.2f, au-dessus de la dernière commune retenue (%.2f), mais son coût estimé"
              + " (%s) ne tient pas dans le budget de %s avec une meilleure somme des scores",
          score[e],
          last,
          euros(cents[e] / 100.0),
          euros(b.amount()));
    }
    return String.format(
        Locale.FRANCE,
        "score de %.2f, sous celui de la dernière commune retenue (%.2f)",
        score[e],
        last);
  }

  private TerritoryRef ref(String level, String code) {
    if (code == null) {
      return null;
    }
    var t = facts.territories().get(level + ":" + code);
    return new TerritoryRef(code, t == null ? null : t.name());
  }

  // ---- the result ---------------------------------------------------------------------------

  /** The result as served and stored. */
  public Selection result() {
    var json = new ObjectMapper();
    ObjectNode crit = criteria.toJson(json);
    var selected = new ArrayList<Explained>();
    for (int r = 0, found = 0; r < order.length && found < taken.length; r++) {
      if (isTaken[order[r]]) {
        selected.add(explained(order[r]));
        found++;
      }
    }
    var near = new ArrayList<Explained>();
    for (int r = 0; r < order.length && near.size() < criteria.nearMisses(); r++) {
      if (!isTaken[order[r]]) {
        near.add(explained(order[r]));
      }
    }
    var excluded = new LinkedHashMap<String, Integer>();
    RULES.forEach(rule -> excluded.put(rule, 0));
    for (String rule : exclusion) {
      if (rule != null) {
        excluded.merge(rule, 1, Integer::sum);
      }
    }
    Double lowest = null;
    long pupils = 0;
    int weak = 0;
    for (int e : taken) {
      lowest = lowest == null ? score[e] : Math.min(lowest, score[e]);
      pupils += facts.communes().get(eligible[e]).pupilsAffected();
      weak += facts.communes().get(eligible[e]).schoolsWeak();
    }
    Double highestOut = null;
    for (int e : order) {
      if (!isTaken[e]) {
        highestOut = score[e];
        break;
      }
    }
    var summary =
        new Selection.Summary(
            facts.communes().size(),
            eligible.length,
            taken.length,
            criteria.count(),
            excluded,
            lowest,
            highestOut,
            pupils,
            weak,
            selected.stream().mapToDouble(Explained::estimatedCost).sum());
    return new Selection(
        id,
        facts.dataVersion(),
        crit,
        summary,
        selected,
        near,
        quotaStatuses(),
        sensitivityResult(),
        method(),
        provenance(),
        optimisationResult(),
        byEpci(selected));
  }

  /** The list grouped by EPCI, the costliest group first, then by code. */
  private static List<Selection.EpciGroup> byEpci(List<Explained> selected) {
    var groups = new LinkedHashMap<String, List<Explained>>();
    for (Explained x : selected) {
      groups
          .computeIfAbsent(x.epci() == null ? "" : x.epci().code(), k -> new ArrayList<>())
          .add(x);
    }
    var out = new ArrayList<Selection.EpciGroup>();
    groups.forEach(
        (code, l) ->
            out.add(
                new Selection.EpciGroup(
                    code.isEmpty() ? null : code,
                    code.isEmpty() ? "hors EPCI" : l.get(0).epci().name(),
                    l.stream().map(Explained::code).toList(),
                    l.stream().mapToInt(Explained::schoolsWeak).sum(),
                    l.stream().mapToLong(Explained::pupilsAffected).sum(),
                    l.stream().mapToDouble(Explained::estimatedCost).sum())));
    out.sort(
        java.util.Comparator.comparingDouble(Selection.EpciGroup::estimatedCost)
            .reversed()
            .thenComparing(g -> g.code() == null ? "~" : g.code()));
    return out;
  }

  /** The optimisation report with the list's cost and, where it has any, its pupils per euro. */
  private Selection.Optimisation optimisationResult() {
    long c = 0;
    long p = 0;
    for (int e : taken) {
      c += cents[e];
      p += facts.communes().get(eligible[e]).pupilsAffected();
    }
    return optimisation.withList(c / 100.0, c == 0 ? null : p / (c / 100.0));
  }

  private List<Selection.QuotaStatus> quotaStatuses() {
    int nodes = nodeKey.size();
    int[] el = new int[nodes];
    int[] sel = new int[nodes];
    for (int e = 0; e < eligible.length; e++) {
      for (int v = leaf[e]; v >= 0; v = nodeParent[v]) {
        el[v]++;
        if (isTaken[e]) {
          sel[v]++;
        }
      }
    }
    var out = new ArrayList<Selection.QuotaStatus>();
    for (int v = 1; v < nodes; v++) {
      String note = quotaLeftOut.get(nodeKey.get(v));
      if (nodeMin[v] > 0 || nodeMax[v] < QuotaTree.UNBOUNDED || note != null) {
        var t = facts.territories().get(nodeKey.get(v));
        out.add(
            new Selection.QuotaStatus(
                t.level(),
                t.code(),
                t.name(),
                nodeMin[v] > 0 ? nodeMin[v] : null,
                nodeMax[v] < QuotaTree.UNBOUNDED ? nodeMax[v] : null,
                el[v],
                sel[v],
                note));
      }
    }
    return out;
  }

  private Selection.Sensitivity sensitivityResult() {
    var s = criteria.sensitivity();
    if (s.runs() == 0) {
      return new Selection.Sensitivity(0, s.perturbation(), s.seed(), null, 0, List.of());
    }
    var shares = new ArrayList<Selection.Share>();
    int stable = 0;
    Integer[] ever =
        IntStream.range(0, eligible.length)
            .filter(e -> selectedRuns[e] > 0)
            .boxed()
            .toArray(Integer[]::new);
    Arrays.sort(
        ever,
        (a, b) ->
            selectedRuns[a] != selectedRuns[b]
                ? Integer.compare(selectedRuns[b], selectedRuns[a])
                : Integer.compare(rankOf[a], rankOf[b]));
    for (int e : ever) {
      double share = (double) selectedRuns[e] / s.runs();
      if (share >= 0.95) {
        stable++;
      }
      var x = facts.communes().get(eligible[e]);
      shares.add(new Selection.Share(x.code(), x.name(), isTaken[e], share));
    }
    return new Selection.Sensitivity(
        s.runs(), s.perturbation(), s.seed(), meanOverlap, stable, shares);
  }

  private Selection.Method method() {
    var b = criteria.budget();
    String optimisationText =
        !solver
            ? null
            : "exacte sous budget : parmi toutes les listes de "
                + (b.countMin() == criteria.count()
                    ? criteria.count()
                    : b.countMin() + " à " + criteria.count())
                + " communes éligibles qui respectent les quotas, les communes retenues d'office"
                + (b.amount() == null ? "" : " et le budget de " + euros(b.amount()))
                + ", celle "
                + switch (b.objective()) {
                  case SCORE -> "dont la somme des scores est maximale";
                  case PUPILS -> "qui atteint le plus d'élèves des établissements à débit faible";
                  case PUPILS_PER_EURO ->
                      "qui atteint le plus d'élèves des établissements à débit faible par euro,"
                          + " parmi les communes qui ont un établissement à raccorder (méthode de"
                          + " Dinkelbach)";
                }
                + ". Avec un budget, les listes admissibles ne forment plus un matroïde : le"
                + " problème est un programme en nombres entiers, résolu par CP-SAT (Google"
                + " OR-Tools) dans une limite de "
                + fmt(b.timeLimit())
                + " s ; le statut dit si l'optimum est prouvé, sinon l'écart à la meilleure borne.";
    return new Selection.Method(
        optimisationText != null
            ? optimisationText
            : "exacte : parmi toutes les listes de "
                + criteria.count()
                + " communes éligibles qui respectent les quotas, celle dont la somme des scores est"
                + " maximale. Les quotas portent sur des territoires emboîtés (régions, académies,"
                + " départements) : les listes admissibles forment alors les bases d'un matroïde, et"
                + " l'algorithme glouton qui prend les communes par score décroissant en gardant"
                + " chacune tant que les quotas restent satisfiables est optimal.",
        "à score égal (à 10⁻⁹ point près), la commune qui compte le plus d'élèves concernés, puis"
            + " le plus petit code INSEE",
        criteria.normalisation() == Criteria.Normalisation.RANK
            ? "rang centile parmi les communes éligibles (0 : besoin le plus faible, 1 : le plus"
                + " fort ; ex æquo au rang moyen)"
            : "min-max parmi les communes éligibles (0 : besoin le plus faible, 1 : le plus fort)",
        "une valeur manquante prend la médiane des valeurs normalisées des autres communes"
            + " éligibles (signalée « imputée »)",
        "coût estimé d'une commune : pour chacun de ses établissements à débit faible ou sans"
            + " connexion, un raccordement (fibre si au moins "
            + fmt(criteria.costs().fibreThreshold())
            + " % des locaux de la commune sont raccordables en FttH, sinon "
            + criteria.costs().fallback()
            + ") et un espace numérique ; montants hypothétiques, paramètres « costs » des"
            + " critères",
        criteria.costs().described());
  }

  private static String fmt(double d) {
    return d == Math.rint(d) ? String.valueOf((long) d) : String.valueOf(d);
  }

  private Selection.Provenance provenance() {
    boolean simulated = false;
    for (int e : eligible) {
      simulated |= facts.communes().get(e).simulated();
    }
    int y = facts.year();
    return new Selection.Provenance(
        y,
        (y - 1) + "-" + y,
        facts.densityYear(),
        facts.populationYear(),
        facts.coverageYear(),
        simulated,
        List.of(
            "contributions:connectivite",
            "depp-ips-ecoles",
            "depp-ips-colleges",
            "depp-ips-lycees",
            "insee-density-grid",
            "insee-populations",
            "arcep-coverage"),
        simulated
            ? "Connectivité des établissements : données simulées (calibrées), pas des mesures"
                + " réelles ; la liste illustre la méthode et ne peut fonder une décision."
            : "Connectivité des établissements : contributions réelles.");
  }
}
