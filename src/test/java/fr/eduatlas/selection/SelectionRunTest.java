package fr.eduatlas.selection;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Golden tests of the engine on a hand-made set of ten communes whose eligibility, scaled needs,
 * scores and optimal shortlists under quotas are worked out below.
 */
class SelectionRunTest {
  static final double NA = Double.NaN;

  /** Région 84 > académie 10 > départements 01, 69; région 32 > académie 20 > département 02. */
  static Map<String, NeedsQuery.Territory> territories() {
    var t = new LinkedHashMap<String, NeedsQuery.Territory>();
    for (var x :
        List.of(
            new NeedsQuery.Territory("region", "84", "Auvergne-Rhône-Alpes", null),
            new NeedsQuery.Territory("region", "32", "Hauts-de-France", null),
            new NeedsQuery.Territory("academie", "10", "Lyon", "region:84"),
            new NeedsQuery.Territory("academie", "20", "Amiens", "region:32"),
            new NeedsQuery.Territory("departement", "01", "Ain", "academie:10"),
            new NeedsQuery.Territory("departement", "69", "Rhône", "academie:10"),
            new NeedsQuery.Territory("departement", "02", "Aisne", "academie:20"))) {
      t.put(x.key(), x);
    }
    return t;
  }

  static CommuneNeeds c(
      String code,
      Integer level,
      Integer pop,
      int schools,
      int known,
      int weak,
      long affected,
      double fibre,
      double trend,
      double ips) {
    String dep = code.substring(0, 2);
    String aca = dep.equals("02") ? "20" : "10";
    String reg = dep.equals("02") ? "32" : "84";
    return new CommuneNeeds(
        code,
        "Commune " + code,
        dep,
        aca,
        reg,
        level,
        pop,
        schools,
        known,
        weak,
        affected * 2,
        affected,
        fibre,
        trend,
        ips,
        true);
  }

  /**
   * Eligible (default rules): 01001, 01002, 01003, 69001, 02001. Pupils affected 50, 80, 0, 40, 60;
   * weak shares 100, 100, 0, 50, 100 %.
   */
  static NeedsQuery.Facts facts() {
    var communes =
        new ArrayList<>(
            List.of(
                c("01001", 6, 500, 1, 1, 1, 50, 10, 0.5, 90),
                c("01002", 6, 800, 1, 1, 1, 80, 0, 0.1, 85),
                c("01003", 7, 300, 1, 1, 0, 0, 90, 3, 110),
                c("02001", 6, 900, 1, 1, 1, 60, 20, 0.2, NA),
                c("02002", 3, 20000, 4, 4, 0, 0, 95, 1, 105),
                c("02003", 6, 5000, 2, 2, 2, 90, 0, 0, 80),
                c("02004", 6, 200, 0, 0, 0, 0, 0, NA, NA),
                c("02005", 6, 200, 1, 0, 0, 0, 0, NA, NA),
                c("69001", 5, 1500, 2, 2, 1, 40, 50, NA, 100),
                c("69002", null, 100, 1, 1, 1, 10, 0, 0, 90)));
    return new NeedsQuery.Facts(
        2025, List.of(2024, 2025), 2024, 2021, 2024, "v1", communes, territories());
  }

  static Criteria criteria(String json) throws Exception {
    return CriteriaSchema.parse(new ObjectMapper().readTree(json));
  }

  static Selection run(String json) throws Exception {
    return SelectionRun.compute(facts(), criteria(json)).result();
  }

  static List<String> codes(List<Selection.Explained> l) {
    return l.stream().map(Selection.Explained::code).toList();
  }

  /**
   * The facts with a commune of an overseas collectivity (no département, académie nor région) and
   * a région with no eligible commune, as Mayotte in the real data.
   */
  static NeedsQuery.Facts factsWithOverseas() {
    var f = facts();
    var communes = new ArrayList<>(f.communes());
    communes.add(
        new CommuneNeeds(
            "97701",
            "Saint-Barthélemy",
            null,
            null,
            null,
            6,
            900,
            2,
            2,
            2,
            80,
            40,
            0,
            0,
            90,
            true));
    var t = new LinkedHashMap<>(territories());
    var mayotte = new NeedsQuery.Territory("region", "06", "Mayotte", null);
    t.put(mayotte.key(), mayotte);
    return new NeedsQuery.Facts(
        f.year(),
        f.years(),
        f.densityYear(),
        f.populationYear(),
        f.coverageYear(),
        f.dataVersion(),
        communes,
        t);
  }

  @Test
  void aPerimeterLeavesOutCommunesWithoutParentsInsteadOfFailing() throws Exception {
    for (String perimeter : List.of("departement:02", "academie:20", "region:32")) {
      var r =
          SelectionRun.compute(
              factsWithOverseas(),
              criteria(
                  "{\"count\": 1, \"eligibility\": {\"perimeter\": [\"" + perimeter + "\"]}}"));
      assertThat(codes(r.result().selected())).as(perimeter).containsExactly("02001");
      assertThat(r.explain("97701").reason()).as(perimeter).startsWith("perimetre");
    }
  }

  @Test
  void aMinimumForEveryTerritorySkipsThoseWithNoEligibleCommuneAndSaysSo() throws Exception {
    var s =
        SelectionRun.compute(
                factsWithOverseas(),
                criteria(
                    "{\"count\": 3, \"quotas\": [{\"level\": \"region\", \"code\": \"*\","
                        + " \"min\": 1}]}"))
            .result();
    assertThat(s.selected()).hasSize(3);
    assertThat(s.quotas())
        .filteredOn(q -> q.code().equals("06"))
        .singleElement()
        .satisfies(
            q -> {
              assertThat(q.min()).isNull();
              assertThat(q.note()).contains("aucune commune éligible");
            });
    assertThat(s.quotas())
        .filteredOn(q -> q.code().equals("32") || q.code().equals("84"))
        .allSatisfy(q -> assertThat(q.min()).isEqualTo(1));
  }

  @Test
  void eachExcludedCommuneNamesTheFirstRuleItFails() throws Exception {
    var r = SelectionRun.compute(facts(), criteria("{\"count\": 2}"));
    assertThat(r.result().summary().eligible()).isEqualTo(5);
    assertThat(r.result().summary().excludedByRule())
        .containsExactly(
            Map.entry("ecartee", 0),
            Map.entry("perimetre", 0),
            Map.entry("densite", 2),
            Map.entry("population", 1),
            Map.entry("etablissements", 1),
            Map.entry("connectivite", 1));
    assertThat(r.explain("02002").reason()).startsWith("densite : niveau de densité 3");
    assertThat(r.explain("69002").reason())
        .isEqualTo("densite : niveau de la grille de densité inconnu");
    assertThat(r.explain("02003").reason())
        .isEqualTo("population : population municipale 5000 habitants, plafond 3500 (exclu)");
    assertThat(r.explain("02004").reason()).startsWith("etablissements : 0 établissement(s)");
    assertThat(r.explain("02005").reason()).startsWith("connectivite : connectivité d'aucun");
    assertThat(r.explain("02005").status()).isEqualTo("exclue");
    assertThat(r.explain("99999")).isNull();
    // Lifting the population ceiling makes 02003 eligible; a perimeter excludes the others.
    var lifted = run("{\"count\": 1, \"eligibility\": {\"maxPopulation\": null}}");
    assertThat(lifted.summary().eligible()).as(lifted.summary().toString()).isEqualTo(6);
    var dep02 = run("{\"count\": 1, \"eligibility\": {\"perimeter\": [\"departement:02\"]}}");
    assertThat(dep02.summary().eligible()).isEqualTo(1);
    assertThat(dep02.summary().excludedByRule().get("perimetre")).isEqualTo(5);
  }

  @Test
  void minMaxScalingAndContributionsAddUpToTheScore() throws Exception {
    // One criterion, pupils affected, min-max over 0..80: 50 → 62.5, 80 → 100, 0 → 0, 40 → 50,
    // 60 → 75 points.
    var s =
        run(
            "{\"count\": 3, \"normalisation\": \"minmax\", \"weights\": {\"pupilsAffected\": 1},"
                + " \"nearMisses\": 5}");
    assertThat(codes(s.selected())).containsExactly("01002", "02001", "01001");
    assertThat(s.selected().stream().map(Selection.Explained::score))
        .containsExactly(100.0, 75.0, 62.5);
    assertThat(codes(s.nearMisses())).containsExactly("69001", "01003");
    assertThat(s.nearMisses().get(0).reason())
        .isEqualTo("score de 50,00, sous celui de la dernière commune retenue (62,50)");
    for (var e : s.selected()) {
      double sum = e.criteria().stream().mapToDouble(Selection.Contribution::contribution).sum();
      assertThat(sum).isCloseTo(e.score(), within(1e-9));
      assertThat(e.criteria()).hasSize(Criterion.values().length);
    }
  }

  @Test
  void aFibredCommuneWithWeakSchoolsCountsItsWeakShareAndOtherCommunesZero() throws Exception {
    // Two of four schools weak: 50 % when 85 % of premises are FttH-connectable, 0 at 79.9 %;
    // unknown without known schools or without the commune's coverage.
    assertThat(c("02010", 6, 500, 4, 4, 2, 10, 85, 0, 90).raw(Criterion.FIBRED_WEAK))
        .isEqualTo(50.0);
    assertThat(c("02011", 6, 500, 4, 4, 2, 10, 80, 0, 90).raw(Criterion.FIBRED_WEAK))
        .isEqualTo(50.0);
    assertThat(c("02012", 6, 500, 4, 4, 2, 10, 79.9, 0, 90).raw(Criterion.FIBRED_WEAK))
        .isEqualTo(0.0);
    assertThat(c("02013", 6, 500, 4, 0, 0, 0, 85, 0, 90).raw(Criterion.FIBRED_WEAK)).isNaN();
    assertThat(c("02014", 6, 500, 4, 4, 2, 10, NA, 0, 90).raw(Criterion.FIBRED_WEAK)).isNaN();
    // Its weight is off by default: the default shortlists are unchanged by it.
    assertThat(Criteria.DEFAULT_WEIGHTS.get(Criterion.FIBRED_WEAK)).isZero();
    // With its weight alone, 01003 (90 % fibre, no weak school) scores 0 like the unfibred ones.
    var s = run("{\"count\": 2, \"weights\": {\"fibredWeak\": 1}}");
    for (var e : s.selected()) {
      assertThat(part(e, "fibredWeak").raw()).isEqualTo(0.0);
    }
  }

  @Test
  void communesRetainedOrSetAsideByTheCriteriaKeepTheirReasonsAndTheRestIsOptimal()
      throws Exception {
    var free = run("{\"count\": 3, \"sensitivity\": {\"runs\": 0}}");
    String top = free.selected().get(0).code();
    // Set aside: the best commune is excluded with the reason given, counted by its rule.
    var out =
        run(
            "{\"count\": 3, \"sensitivity\": {\"runs\": 0}, \"forceOut\": [{\"code\": \""
                + top
                + "\", \"reason\": \"financée par le plan France Très Haut Débit\"}]}");
    assertThat(codes(out.selected())).doesNotContain(top).hasSize(3);
    assertThat(out.summary().excludedByRule().get("ecartee")).isEqualTo(1);
    // Retained: the lowest-scored eligible commune comes in with its reason; the other places
    // go, by score, to the best of the others: the best list of three that holds it (checked
    // against every such list).
    var all = run("{\"count\": 5, \"sensitivity\": {\"runs\": 0}}").selected();
    var last = all.get(all.size() - 1);
    var in =
        run(
            "{\"count\": 3, \"sensitivity\": {\"runs\": 0}, \"forceIn\": [{\"code\": \""
                + last.code()
                + "\", \"reason\": \"demande du jury\"}]}");
    assertThat(codes(in.selected())).contains(last.code()).hasSize(3);
    var kept = in.selected().stream().filter(e -> e.code().equals(last.code())).findFirst().get();
    assertThat(kept.reason()).isEqualTo("retenue d'office : demande du jury");
    double best = 0;
    for (int i = 0; i < all.size() - 1; i++) {
      for (int j = i + 1; j < all.size() - 1; j++) {
        best = Math.max(best, all.get(i).score() + all.get(j).score() + last.score());
      }
    }
    assertThat(in.selected().stream().mapToDouble(Selection.Explained::score).sum())
        .isCloseTo(best, within(1e-9));
    // Refused: not eligible, unknown, both lists, more than the count, a malformed entry.
    assertThatThrownBy(() -> run("{\"forceIn\": [{\"code\": \"02002\", \"reason\": \"x\"}]}"))
        .isInstanceOf(InvalidCriteriaException.class)
        .hasMessageContaining("n'est pas éligible");
    assertThatThrownBy(() -> run("{\"forceIn\": [{\"code\": \"99999\", \"reason\": \"x\"}]}"))
        .hasMessageContaining("commune inconnue");
    assertThatThrownBy(
            () ->
                run(
                    "{\"forceIn\": [{\"code\": \"01001\", \"reason\": \"x\"}],"
                        + " \"forceOut\": [{\"code\": \"01001\", \"reason\": \"y\"}]}"))
        .hasMessageContaining("ne peut être les deux");
    assertThatThrownBy(
            () ->
                run(
                    "{\"count\": 1, \"forceIn\": [{\"code\": \"01001\", \"reason\": \"x\"},"
                        + " {\"code\": \"01002\", \"reason\": \"x\"}]}"))
        .hasMessageContaining("retenues d'office pour une liste de 1");
    for (String bad :
        List.of(
            "{\"forceIn\": [{\"code\": \"1001\", \"reason\": \"x\"}]}",
            "{\"forceIn\": [{\"code\": \"01001\"}]}",
            "{\"forceOut\": [{\"code\": \"01001\", \"reason\": \"\"}]}")) {
      assertThatThrownBy(() -> criteria(bad)).as(bad).isInstanceOf(InvalidCriteriaException.class);
    }
    // Two retained in a département allowed one: the quota says why.
    assertThatThrownBy(
            () ->
                run(
                    "{\"count\": 3, \"quotas\": [{\"level\": \"departement\", \"code\": \"01\","
                        + " \"max\": 1}], \"forceIn\": [{\"code\": \"01001\", \"reason\": \"x\"},"
                        + " {\"code\": \"01002\", \"reason\": \"x\"}]}"))
        .isInstanceOf(UnsatisfiableException.class)
        .hasMessageContaining("retenue d'office");
  }

  /**
   * Pupils affected alone, min-max: 01002 100, 02001 75, 01001 62.5, 69001 50, 01003 0 points. With
   * fibre from 15 % of premises at 20,000 €, THD radio 1,000 € and no digital space, the costs are
   * 01001 1,000 € (10 % fibre), 01002 1,000 € (0 %), 69001 20,000 € (50 %), 02001 20,000 € (20 %),
   * 01003 nothing (no weak school).
   */
  static final String BUDGET_BASE =
      "\"normalisation\": \"minmax\", \"weights\": {\"pupilsAffected\": 1}, \"nearMisses\": 5,"
          + " \"costs\": {\"fibreThreshold\": 15, \"fibre\": 20000, \"thdRadio\": 1000,"
          + " \"digitalSpace\": 0}";

  @Test
  void aBudgetTakesTheBestListItCanPay() throws Exception {
    // Unbounded, the best three are 01002 + 02001 + 01001 (237.5 points, 22,000 €). Within
    // 21,000 €: 01002 + 02001 + 01003 (175 points, 21,000 €) beats 01002 + 01001 + 01003
    // (162.5 points, 2,000 €); every other list of three costs more.
    var free = run("{\"count\": 3, " + BUDGET_BASE + "}");
    assertThat(codes(free.selected())).containsExactly("01002", "02001", "01001");
    assertThat(free.optimisation().method()).startsWith("glouton");
    assertThat(free.optimisation().cost()).isEqualTo(22000.0);
    var s = run("{\"count\": 3, \"budget\": 21000, " + BUDGET_BASE + "}");
    assertThat(codes(s.selected())).containsExactly("01002", "02001", "01003");
    assertThat(s.summary().estimatedCost()).isEqualTo(21000.0);
    var o = s.optimisation();
    assertThat(o.status()).isEqualTo("optimale");
    assertThat(o.value()).isCloseTo(175.0, within(1e-6));
    assertThat(o.gap()).isZero();
    assertThat(o.budget()).isEqualTo(21000.0);
    assertThat(o.cost()).isEqualTo(21000.0);
    assertThat(s.method().optimisation()).contains("CP-SAT").contains("21 000 €");
    // 01001 scores above 01003 but does not fit: the explanation says so.
    var miss = s.nearMisses().stream().filter(e -> e.code().equals("01001")).findFirst().get();
    assertThat(miss.reason())
        .isEqualTo(
            "score de 62,50, au-dessus de la dernière commune retenue (0,00), mais son coût"
                + " estimé (1 000 €) ne tient pas dans le budget de 21 000 € avec une meilleure"
                + " somme des scores");
    // Near misses keep the score order.
    assertThat(codes(s.nearMisses())).containsExactly("01001", "69001");
  }

  @Test
  void fewerCommunesWhenTheBudgetCannotPayForMore() throws Exception {
    // Without 01003, no three communes fit in 21,000 € (the cheapest three cost 22,000 €): a
    // fixed count is impossible and says what the cheapest list costs; from two up, 01002 + 02001.
    String out = ", \"forceOut\": [{\"code\": \"01003\", \"reason\": \"financée\"}]";
    assertThatThrownBy(() -> run("{\"count\": 3, \"budget\": 21000, " + BUDGET_BASE + out + "}"))
        .isInstanceOf(UnsatisfiableException.class)
        .hasMessage(
            "aucune liste de 3 communes ne tient dans le budget de 21 000 € en respectant les"
                + " quotas et les communes retenues d'office ; la liste la moins coûteuse qui les"
                + " respecte coûte 22 000 €");
    var s = run("{\"count\": 3, \"countMin\": 2, \"budget\": 21000, " + BUDGET_BASE + out + "}");
    assertThat(codes(s.selected())).containsExactly("01002", "02001");
    assertThat(s.optimisation().countMin()).isEqualTo(2);
    // A retained commune is paid for first (and listed first): with 69001 in, 01002 and 01001.
    var forced =
        run(
            "{\"count\": 3, \"budget\": 22000, "
                + BUDGET_BASE
                + ", \"forceIn\": [{\"code\": \"69001\", \"reason\": \"jury\"}]}");
    assertThat(codes(forced.selected())).containsExactly("69001", "01002", "01001");
    // countMin above count, and too many runs for the solver, are invalid criteria.
    assertThatThrownBy(() -> criteria("{\"count\": 3, \"countMin\": 4}"))
        .isInstanceOf(InvalidCriteriaException.class)
        .hasMessageContaining("countMin");
    assertThatThrownBy(() -> criteria("{\"budget\": 1000, \"sensitivity\": {\"runs\": 1000}}"))
        .isInstanceOf(InvalidCriteriaException.class)
        .hasMessageContaining("sensitivity.runs");
    assertThat(criteria("{\"budget\": 1000}").sensitivity().runs())
        .isEqualTo(Criteria.Budget.SOLVER_RUNS);
  }

  @Test
  void pupilsPerEuroPrefersCheapReachAndPupilsFillTheEnvelope() throws Exception {
    // Per euro, among communes with a school to connect (01003 has none): 01002 (80 pupils for
    // 1,000 €) and 01001 (50 for 1,000 €) reach 130 / 2,000 € = 0.065 pupil per euro; any pair
    // with 69001 or 02001 (20,000 € each) does worse.
    var s =
        run(
            "{\"count\": 2, \"objective\": \"pupilsPerEuro\", \"sensitivity\": {\"runs\": 20}, "
                + BUDGET_BASE
                + "}");
    assertThat(codes(s.selected())).containsExactly("01002", "01001");
    assertThat(s.optimisation().pupilsPerEuro()).isCloseTo(0.065, within(1e-12));
    assertThat(s.optimisation().value()).isCloseTo(0.065, within(1e-12));
    assertThat(s.optimisation().status()).isEqualTo("optimale");
    assertThat(s.sensitivity().runs()).isEqualTo(20);
    assertThat(codes(s.nearMisses())).containsExactly("02001", "69001", "01003");
    assertThat(s.nearMisses().get(0).reason())
        .isEqualTo(
            "la liste qui atteint le plus d'élèves par euro ne la retient pas (60 élève(s)"
                + " concerné(s) pour un coût estimé de 20 000 €)");
    assertThat(s.nearMisses().get(2).reason()).startsWith("aucun établissement à raccorder");
    // The most pupils: 01002 + 02001 (140) within 21,000 €; within 20,500 €, 01002 + 01001 (130).
    var p =
        run("{\"count\": 2, \"objective\": \"pupils\", \"budget\": 21000, " + BUDGET_BASE + "}");
    assertThat(codes(p.selected())).containsExactly("01002", "02001");
    assertThat(p.optimisation().value()).isEqualTo(140.0);
    var q =
        run("{\"count\": 2, \"objective\": \"pupils\", \"budget\": 20500, " + BUDGET_BASE + "}");
    assertThat(codes(q.selected())).containsExactly("01002", "01001");
  }

  /** The fixture with 01001 and 01002 in one EPCI, 02001 in another, the rest in none. */
  static NeedsQuery.Facts factsWithEpci() {
    var f = facts();
    var epci = Map.of("01001", "200000001", "01002", "200000001", "02001", "200000002");
    var communes = new ArrayList<CommuneNeeds>();
    for (var x : f.communes()) {
      communes.add(
          new CommuneNeeds(
              x.code(),
              x.name(),
              x.departementCode(),
              x.academieCode(),
              x.regionCode(),
              x.densityLevel(),
              x.population(),
              x.schools(),
              x.schoolsKnown(),
              x.schoolsWeak(),
              x.pupils(),
              x.pupilsAffected(),
              x.fibreCoverage(),
              x.trend(),
              x.ips(),
              x.simulated(),
              epci.get(x.code())));
    }
    var t = new LinkedHashMap<>(f.territories());
    t.put("epci:200000001", new NeedsQuery.Territory("epci", "200000001", "CC de l'Ain", null));
    t.put("epci:200000002", new NeedsQuery.Territory("epci", "200000002", "CC de l'Aisne", null));
    return new NeedsQuery.Facts(
        f.year(),
        f.years(),
        f.densityYear(),
        f.populationYear(),
        f.coverageYear(),
        f.dataVersion(),
        communes,
        t);
  }

  @Test
  void aProgrammeIsAPerimeter() throws Exception {
    // Of the fixture's départements only the Aisne (02) is a TNE territory.
    var s = run("{\"count\": 1, \"eligibility\": {\"perimeter\": [\"programme:tne\"]}}");
    assertThat(codes(s.selected())).containsExactly("02001");
    assertThat(s.summary().eligible()).isEqualTo(1);
    assertThatThrownBy(() -> run("{\"eligibility\": {\"perimeter\": [\"programme:cnr\"]}}"))
        .isInstanceOf(InvalidCriteriaException.class)
        .hasMessageContaining("programme inconnu");
  }

  @Test
  void perimetersOfEpciAndCommunesAndTheListByEpci() throws Exception {
    var f = factsWithEpci();
    var epci =
        SelectionRun.compute(
                f,
                criteria("{\"count\": 2, \"eligibility\": {\"perimeter\": [\"epci:200000001\"]}}"))
            .result();
    assertThat(codes(epci.selected())).containsExactlyInAnyOrder("01001", "01002");
    assertThat(epci.summary().excludedByRule().get("perimetre")).isEqualTo(8);
    assertThat(epci.selected().get(0).epci().name()).isEqualTo("CC de l'Ain");
    var communes =
        SelectionRun.compute(
                f,
                criteria(
                    "{\"count\": 2, \"eligibility\": {\"perimeter\": [\"commune:69001\","
                        + " \"epci:200000002\"]}}"))
            .result();
    assertThat(codes(communes.selected())).containsExactlyInAnyOrder("69001", "02001");
    assertThatThrownBy(
            () ->
                SelectionRun.compute(
                    f, criteria("{\"eligibility\": {\"perimeter\": [\"epci:999999999\"]}}")))
        .isInstanceOf(InvalidCriteriaException.class)
        .hasMessageContaining("epci:999999999");
    assertThatThrownBy(
            () ->
                SelectionRun.compute(
                    f, criteria("{\"eligibility\": {\"perimeter\": [\"commune:01999\"]}}")))
        .isInstanceOf(InvalidCriteriaException.class)
        .hasMessageContaining("commune inconnue");
    assertThatThrownBy(() -> criteria("{\"eligibility\": {\"perimeter\": [\"epci:12\"]}}"))
        .isInstanceOf(InvalidCriteriaException.class);
    // The five eligible communes grouped: the Ain EPCI (2 communes, 21,000 € with the defaults'
    // THD radio + digital space per weak school), then at 10,500 € each the Aisne one and the
    // communes in none (a group without EPCI comes last among equals).
    var all = SelectionRun.compute(f, criteria("{\"count\": 5}")).result();
    assertThat(all.byEpci())
        .extracting(Selection.EpciGroup::code, Selection.EpciGroup::communes)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("200000001", List.of("01002", "01001")),
            org.assertj.core.groups.Tuple.tuple("200000002", List.of("02001")),
            org.assertj.core.groups.Tuple.tuple(null, List.of("69001", "01003")));
    var ain = all.byEpci().get(0);
    assertThat(ain.estimatedCost()).isEqualTo(2 * 10500.0);
    assertThat(ain.pupilsAffected()).isEqualTo(130);
    assertThat(all.byEpci().stream().mapToDouble(Selection.EpciGroup::estimatedCost).sum())
        .isEqualTo(all.summary().estimatedCost());
  }

  @Test
  void eachCommuneCostsItsWeakSchoolsConnectionAndDigitalSpace() throws Exception {
    // Defaults: fibre 3,000 € where at least 80 % of premises are FttH-connectable, else THD radio
    // 2,500 €; a digital space 8,000 € per weak school.
    var m = CostModel.defaults();
    var fibred = m.estimate(c("02020", 6, 500, 3, 3, 2, 10, 85, 0, 90));
    assertThat(fibred.way()).isEqualTo("fibre");
    assertThat(fibred.total()).isEqualTo(2 * (3000.0 + 8000.0));
    var radio = m.estimate(c("02021", 6, 500, 3, 3, 1, 10, 79, 0, 90));
    assertThat(radio.way()).isEqualTo("thd_radio");
    assertThat(radio.total()).isEqualTo(2500.0 + 8000.0);
    assertThat(m.estimate(c("02022", 6, 500, 3, 3, 0, 0, 10, 0, 90)).total()).isZero();
    // Unknown coverage: the fallback. Parameters from the criteria.
    var s =
        run(
            "{\"count\": 5, \"costs\": {\"fallback\": \"satellite\", \"satellite\": 1000,"
                + " \"digitalSpace\": 0, \"fibreThreshold\": 15}}");
    double total = 0;
    for (var e : s.selected()) {
      CommuneNeeds x =
          facts().communes().stream().filter(k -> k.code().equals(e.code())).findFirst().get();
      double perSchool = x.fibreCoverage() >= 15 ? 3000 : 1000;
      assertThat(e.estimatedCost()).as(e.code()).isEqualTo(perSchool * x.schoolsWeak());
      assertThat(e.connectionWay()).isEqualTo(x.fibreCoverage() >= 15 ? "fibre" : "satellite");
      total += e.estimatedCost();
    }
    assertThat(s.summary().estimatedCost()).isEqualTo(total).isPositive();
    assertThat(s.method().costParameters()).containsKey("digitalSpace");
    // Written out with the criteria (the selection's id depends on them), and bounded.
    assertThat(criteria("{}").toJson(new ObjectMapper()).at("/costs/fibre").asDouble())
        .isEqualTo(3000.0);
    for (String bad :
        List.of(
            "{\"costs\": {\"fibre\": -1}}",
            "{\"costs\": {\"fallback\": \"pigeon\"}}",
            "{\"costs\": {\"fibreThreshold\": 101}}",
            "{\"costs\": {\"cable\": 1}}")) {
      assertThatThrownBy(() -> criteria(bad)).as(bad).isInstanceOf(InvalidCriteriaException.class);
    }
  }

  @Test
  void percentileRanksShareTiesAndMissingValuesTakeTheMedian() throws Exception {
    var s = run("{\"count\": 5, \"weights\": {\"weakShare\": 1, \"trend\": 1, \"ips\": 1}}");
    Map<String, Selection.Explained> byCode = new LinkedHashMap<>();
    s.selected().forEach(e -> byCode.put(e.code(), e));
    // Weak shares 0, 50, 100, 100, 100 %: ranks 0, 1, 3 (mean of 2, 3, 4) over 4.
    assertThat(part(byCode.get("01003"), "weakShare").normalised()).isEqualTo(0.0);
    assertThat(part(byCode.get("69001"), "weakShare").normalised()).isEqualTo(0.25);
    assertThat(part(byCode.get("01002"), "weakShare").normalised()).isEqualTo(0.75);
    // Trend (lower is more need) known for four: 0.1 → 1, 0.2 → 2/3, 0.5 → 1/3, 3 → 0; 69001
    // takes the median of those, 0.5, and says so.
    assertThat(part(byCode.get("01002"), "trend").normalised()).isEqualTo(1.0);
    assertThat(part(byCode.get("01003"), "trend").normalised()).isEqualTo(0.0);
    var imputed = part(byCode.get("69001"), "trend");
    assertThat(imputed.imputed()).isTrue();
    assertThat(imputed.raw()).isNull();
    assertThat(imputed.normalised()).isEqualTo(0.5);
    assertThat(part(byCode.get("01002"), "trend").weight()).isCloseTo(1 / 3.0, within(1e-12));
    assertThat(part(byCode.get("01002"), "pupilsAffected").weight()).isEqualTo(0.0);
  }

  @Test
  void tiesGoToMorePupilsAffectedThenToTheLowerCode() throws Exception {
    // Weak share alone: 01001, 01002 and 02001 tie at 0.75; pupils affected 50, 80, 60.
    var s = run("{\"count\": 2, \"weights\": {\"weakShare\": 1}, \"nearMisses\": 1}");
    assertThat(codes(s.selected())).containsExactly("01002", "02001");
    assertThat(codes(s.nearMisses())).containsExactly("01001");
    assertThat(s.nearMisses().get(0).reason()).startsWith("à égalité de score");
  }

  @Test
  void quotasGiveTheKnownOptimum() throws Exception {
    String base = "\"normalisation\": \"minmax\", \"weights\": {\"pupilsAffected\": 1}";
    // At most one in Ain: 01001 (62.5) gives way to 69001 (50).
    var s =
        run(
            "{\"count\": 3, "
                + base
                + ", \"quotas\": [{\"level\": \"departement\", \"code\": \"01\", \"max\": 1}]}");
    assertThat(codes(s.selected())).containsExactly("01002", "02001", "69001");
    var blocked = s.nearMisses().stream().filter(e -> e.code().equals("01001")).findFirst();
    assertThat(blocked.orElseThrow().reason())
        .isEqualTo("département Ain (01) : quota maximal de 1 atteint");
    assertThat(s.quotas())
        .containsExactly(
            new Selection.QuotaStatus("departement", "01", "Ain", null, 1, 3, 1, null));
    // At least two in académie 10 and none in Aisne ("*" on régions caps both at 2).
    var t =
        run(
            "{\"count\": 3, "
                + base
                + ", \"quotas\": [{\"level\": \"departement\", \"code\": \"02\", \"max\": 0},"
                + " {\"level\": \"region\", \"code\": \"*\", \"max\": 3}]}");
    assertThat(codes(t.selected())).containsExactly("01002", "01001", "69001");
    // Every quota combination on this fixture against exhaustive search.
    String[] quotas = {
      "",
      "{\"level\": \"departement\", \"code\": \"01\", \"max\": 1}",
      "{\"level\": \"region\", \"code\": \"32\", \"min\": 1}",
      "{\"level\": \"academie\", \"code\": \"10\", \"max\": 2}",
      "{\"level\": \"departement\", \"code\": \"*\", \"max\": 1}",
      "{\"level\": \"departement\", \"code\": \"69\", \"min\": 1}"
    };
    for (int k = 1; k <= 3; k++) {
      for (int mask = 0; mask < 1 << (quotas.length - 1); mask++) {
        var qs = new ArrayList<String>();
        for (int i = 1; i < quotas.length; i++) {
          if ((mask >> (i - 1) & 1) == 1) {
            qs.add(quotas[i]);
          }
        }
        String json =
            "{\"count\": " + k + ", " + base + ", \"quotas\": [" + String.join(", ", qs) + "]}";
        double best = exhaustive(json);
        if (Double.isNaN(best)) {
          assertThatThrownBy(() -> run(json)).as(json).isInstanceOf(UnsatisfiableException.class);
          continue;
        }
        var r = run(json);
        double total = r.selected().stream().mapToDouble(Selection.Explained::score).sum();
        assertThat(total).as(json).isCloseTo(best, within(1e-9));
        assertThat(r.selected()).hasSize(k);
      }
    }
  }

  /** The best total score of any k eligible communes meeting the quotas, NaN if none does. */
  private static double exhaustive(String json) throws Exception {
    var crit = criteria(json);
    var all =
        run(
            json.replaceAll("\"quotas\": \\[.*\\]", "\"quotas\": []")
                .replaceFirst("\"count\": \\d+", "\"count\": 5"));
    var eligible = all.selected();
    double best = Double.NaN;
    for (int mask = 0; mask < 1 << eligible.size(); mask++) {
      if (Integer.bitCount(mask) != crit.count()) {
        continue;
      }
      var picked = new ArrayList<Selection.Explained>();
      for (int i = 0; i < eligible.size(); i++) {
        if ((mask >> i & 1) == 1) {
          picked.add(eligible.get(i));
        }
      }
      boolean ok = true;
      for (var q : crit.quotas()) {
        var terr =
            territories().values().stream()
                .filter(
                    t ->
                        t.level().equals(q.level())
                            && (q.code().equals("*") || t.code().equals(q.code())))
                .toList();
        for (var t : terr) {
          long n =
              picked.stream()
                  .filter(
                      e ->
                          switch (t.level()) {
                            case "region" -> e.region().code().equals(t.code());
                            case "academie" -> e.academie().code().equals(t.code());
                            default -> e.departement().code().equals(t.code());
                          })
                  .count();
          ok &= (q.min() == null || n >= q.min()) && (q.max() == null || n <= q.max());
        }
      }
      double total = picked.stream().mapToDouble(Selection.Explained::score).sum();
      if (ok && !(total <= best)) {
        best = total;
      }
    }
    return best;
  }

  @Test
  void impossibleQuotasAndUnknownTerritoriesAreClearErrors() {
    assertThatThrownBy(
            () ->
                run(
                    "{\"count\": 3, \"quotas\": [{\"level\": \"region\", \"code\": \"84\", \"max\": 1}]}"))
        .isInstanceOf(UnsatisfiableException.class)
        .hasMessage(
            "au plus 2 communes peuvent être retenues (5 communes éligibles, quotas maximaux"
                + " compris), moins que les 3 demandées");
    assertThatThrownBy(
            () ->
                run(
                    "{\"count\": 2, \"quotas\": [{\"level\": \"departement\", \"code\": \"02\", \"min\": 2}]}"))
        .isInstanceOf(UnsatisfiableException.class)
        .hasMessageStartingWith(
            "département Aisne (02) : quota minimal de 2 commune(s), mais au plus 1");
    assertThatThrownBy(
            () ->
                run(
                    "{\"count\": 2, \"quotas\": [{\"level\": \"departement\", \"code\": \"99\", \"max\": 2}]}"))
        .isInstanceOf(InvalidCriteriaException.class)
        .hasMessageContaining("quotas[0] : territoire inconnu : département de code « 99 »");
    assertThatThrownBy(() -> run("{\"eligibility\": {\"perimeter\": [\"region:99\"]}}"))
        .isInstanceOf(InvalidCriteriaException.class)
        .hasMessageContaining("territoire inconnu « region:99 »");
  }

  @Test
  void sensitivityIsReproducibleAndCountsEveryRun() throws Exception {
    String json = "{\"count\": 2, \"sensitivity\": {\"runs\": 500, \"seed\": 7}}";
    var a = run(json);
    var b = run(json);
    assertThat(a.sensitivity()).isEqualTo(b.sensitivity());
    assertThat(a.id()).isEqualTo(b.id());
    assertThat(a.sensitivity().runs()).isEqualTo(500);
    // Each run selects two communes: the shares add up to two.
    double total = a.sensitivity().communes().stream().mapToDouble(Selection.Share::share).sum();
    assertThat(total).isCloseTo(2.0, within(1e-9));
    for (var e : a.selected()) {
      var share =
          a.sensitivity().communes().stream().filter(x -> x.code().equals(e.code())).findFirst();
      assertThat(share.orElseThrow().share()).isEqualTo(e.selectedShare());
    }
    // Without perturbation every run is the baseline.
    var still = run("{\"count\": 2, \"sensitivity\": {\"runs\": 50, \"perturbation\": 0}}");
    assertThat(still.sensitivity().meanOverlap()).isEqualTo(1.0);
    assertThat(still.sensitivity().stable()).isEqualTo(2);
    var none = run("{\"count\": 2, \"sensitivity\": {\"runs\": 0}}");
    assertThat(none.sensitivity().meanOverlap()).isNull();
    assertThat(none.selected().get(0).selectedShare()).isNull();
    assertThat(none.id()).isNotEqualTo(a.id());
  }

  @Test
  void criteriaWrittenOutReadBackTheSame() throws Exception {
    var c =
        criteria(
            "{\"count\": 7, \"eligibility\": {\"maxPopulation\": null, \"perimeter\":"
                + " [\"region:84\"]}, \"weights\": {\"ips\": 2}, \"quotas\": [{\"level\":"
                + " \"region\", \"code\": \"*\", \"min\": 1}]}");
    var json = new ObjectMapper();
    assertThat(Criteria.fromJson(c.toJson(json))).isEqualTo(c);
    assertThat(CriteriaSchema.violations(c.toJson(json))).isEmpty();
    var d = criteria("{}");
    assertThat(d.count()).isEqualTo(40);
    assertThat(d.eligibility().maxPopulation()).isEqualTo(3500);
    assertThat(d.weights()).isEqualTo(Criteria.DEFAULT_WEIGHTS);
  }

  private static Selection.Contribution part(Selection.Explained e, String id) {
    return e.criteria().stream().filter(p -> p.criterion().equals(id)).findFirst().orElseThrow();
  }
}
