package fr.eduatlas.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import de.siegmar.fastcsv.reader.CsvReader;
import fr.eduatlas.selection.CriteriaSchema;
import fr.eduatlas.selection.NeedsQuery;
import fr.eduatlas.selection.Selection;
import fr.eduatlas.selection.SelectionRun;
import fr.eduatlas.testing.Fixtures;
import fr.eduatlas.testing.RealWarehouse;
import fr.eduatlas.testing.WarehouseQuery;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The selection on the real warehouse: every selected commune meets the eligibility rules as the
 * raw INSEE files state them (density grid, legal populations) and has a school in the raw DEPP
 * list; count and quotas hold; contributions add up to scores; the same criteria give the same
 * shortlist in process and from the {@code select} command.
 */
class SelectionRealIT {
  static final String CRITERIA =
      "{\"count\": 40, \"eligibility\": {\"maxPopulation\": 2000},"
          + " \"quotas\": [{\"level\": \"departement\", \"code\": \"*\", \"max\": 2},"
          + " {\"level\": \"region\", \"code\": \"32\", \"min\": 4},"
          + " {\"level\": \"academie\", \"code\": \"20\", \"max\": 3}]}";

  @TempDir static Path tmp;
  static Path warehouse;
  static Selection selection;
  static Map<String, String> current = new HashMap<>();

  @BeforeAll
  static void select() throws Exception {
    warehouse = RealWarehouse.get();
    try (var q = WarehouseQuery.open(warehouse)) {
      var crit = CriteriaSchema.parse(new ObjectMapper().readTree(CRITERIA));
      String version = q.string("SELECT value FROM ingest_meta WHERE key = 'data_version'");
      selection =
          SelectionRun.compute(NeedsQuery.load(q.connection(), crit, version), crit).result();
      try (var st = q.connection().createStatement();
          var rs = st.executeQuery("SELECT code, current_code FROM commune_code_map")) {
        while (rs.next()) {
          current.put(rs.getString(1), rs.getString(2));
        }
      }
    }
  }

  @Test
  void everySelectedCommuneIsEligibleInTheRawFiles() throws Exception {
    Path data = Fixtures.realData();
    // Density: a merged commune takes the level of its most populous former commune.
    Map<String, Integer> level = new HashMap<>();
    Map<String, Long> levelPop = new HashMap<>();
    each(
        data.resolve("referentials/grille_densite_7_niveaux_2024.csv"),
        r -> {
          String code = current.get(r.getField("CODGEO"));
          long pop = Long.parseLong(r.getField("PMUN21"));
          if (code != null && pop >= levelPop.getOrDefault(code, -1L)) {
            if (pop > levelPop.getOrDefault(code, -1L) || !level.containsKey(code)) {
              level.put(code, Integer.parseInt(r.getField("DENS")));
            }
            levelPop.put(code, Math.max(pop, levelPop.getOrDefault(code, -1L)));
          }
        });
    Map<String, Long> population = new HashMap<>();
    each(
        data.resolve("referentials/insee-populations-legales-2021.csv"),
        r -> {
          String com = r.getField("COM");
          String code = current.get("0".repeat(Math.max(0, 5 - com.length())) + com);
          if (code != null) {
            population.merge(code, Long.parseLong(r.getField("PMUN")), Long::sum);
          }
        });
    Set<String> withSchool = new HashSet<>();
    each(
        data.resolve("schools/fr-en-ips-ecoles-ap2022.csv"),
        r -> {
          String code = current.get(r.getField("code_insee_de_la_commune"));
          if (code != null) {
            withSchool.add(code);
          }
        });
    assertThat(selection.selected()).hasSize(40);
    for (var e : selection.selected()) {
      assertThat(level.get(e.code())).as("density level of " + e.code()).isBetween(5, 7);
      assertThat(population.get(e.code())).as("population of " + e.code()).isLessThan(2000L);
      assertThat(withSchool).as("a primary school in " + e.code()).contains(e.code());
      assertThat(e.densityLevel()).isEqualTo(level.get(e.code()));
      assertThat(e.population().longValue()).isEqualTo(population.get(e.code()));
    }
  }

  /** Each record of a raw INSEE/DEPP CSV file (separator ';'). */
  private static void each(
      Path file, java.util.function.Consumer<de.siegmar.fastcsv.reader.NamedCsvRecord> f)
      throws java.io.IOException {
    try (var csv = CsvReader.builder().fieldSeparator(';').ofNamedCsvRecord(file)) {
      csv.forEach(f);
    }
  }

  @Test
  void countQuotasAndContributionsHold() {
    Map<String, Integer> perDep = new HashMap<>();
    int hautsDeFrance = 0;
    int amiens = 0;
    for (var e : selection.selected()) {
      perDep.merge(e.departement().code(), 1, Integer::sum);
      hautsDeFrance += e.region().code().equals("32") ? 1 : 0;
      amiens += e.academie().code().equals("20") ? 1 : 0;
      double sum = e.criteria().stream().mapToDouble(Selection.Contribution::contribution).sum();
      assertThat(sum).as(e.code()).isCloseTo(e.score(), within(1e-9));
      assertThat(e.criteria().stream().mapToDouble(Selection.Contribution::weight).sum())
          .isCloseTo(1.0, within(1e-12));
      assertThat(e.selectedShare()).isBetween(0.0, 1.0);
    }
    assertThat(perDep.values()).allMatch(n -> n <= 2);
    assertThat(hautsDeFrance).isGreaterThanOrEqualTo(4);
    assertThat(amiens).isLessThanOrEqualTo(3);
    assertThat(selection.nearMisses()).hasSize(10).allMatch(e -> e.reason() != null);
    assertThat(selection.sensitivity().runs()).isEqualTo(1000);
    assertThat(selection.provenance().simulated()).isTrue();
    // The shortlist is optimal for its quotas, so no near miss outranks a selected commune unless
    // a quota stopped it.
    double lowest = selection.summary().lowestSelectedScore();
    for (var e : selection.nearMisses()) {
      if (e.score() > lowest) {
        assertThat(e.reason()).contains("quota");
      }
    }
  }

  @Test
  void theSelectCommandGivesTheSameShortlist() throws Exception {
    Path criteria = tmp.resolve("criteria.json");
    Files.writeString(criteria, CRITERIA, StandardCharsets.UTF_8);
    Path out = tmp.resolve("selection.json");
    var r = select(criteria, out);
    assertThat(r.exitCode()).as(r.output()).isZero();
    assertThat(r.output()).contains("40 communes retenues");
    JsonNode json = new ObjectMapper().readTree(out.toFile());
    assertThat(json.get("id").asText()).isEqualTo(selection.id());
    var codes = new java.util.ArrayList<String>();
    json.get("selected").forEach(e -> codes.add(e.get("code").asText()));
    assertThat(codes)
        .isEqualTo(selection.selected().stream().map(Selection.Explained::code).toList());
    // The decision file's CSV: French separators, one line per selected and near-miss commune.
    Path csv = tmp.resolve("selection.csv");
    var c = select(criteria, csv);
    assertThat(c.exitCode()).as(c.output()).isZero();
    assertThat(Files.readAllLines(csv)).hasSize(1 + 40 + 10);
    // Bad criteria: exit 2 with the errors listed.
    Files.writeString(criteria, "{\"count\": \"beaucoup\"}");
    var bad = select(criteria, out);
    assertThat(bad.exitCode()).isEqualTo(2);
    assertThat(bad.output()).contains("critères invalides").contains("/count");
    var missing = select(tmp.resolve("absent.json"), out);
    assertThat(missing.exitCode()).isEqualTo(2);
    assertThat(missing.output()).contains("absent.json : fichier introuvable");
  }

  @Test
  void aNationalBudgetIsSolvedToOptimalityAndBinds() throws Exception {
    String budgeted =
        "{\"count\": 50, \"countMin\": 30, \"budget\": 600000, \"eligibility\":"
            + " {\"maxPopulation\": null}, \"quotas\": [{\"level\": \"departement\","
            + " \"code\": \"*\", \"max\": 2}], \"sensitivity\": {\"runs\": 10}}";
    Selection free;
    Selection s;
    try (var q = WarehouseQuery.open(warehouse)) {
      String version = q.string("SELECT value FROM ingest_meta WHERE key = 'data_version'");
      var crit = CriteriaSchema.parse(new ObjectMapper().readTree(budgeted));
      s = SelectionRun.compute(NeedsQuery.load(q.connection(), crit, version), crit).result();
      var unbounded =
          CriteriaSchema.parse(
              new ObjectMapper()
                  .readTree(
                      budgeted
                          .replace("\"countMin\": 30, \"budget\": 600000, ", "")
                          .replace("\"runs\": 10", "\"runs\": 0")));
      free =
          SelectionRun.compute(NeedsQuery.load(q.connection(), unbounded, version), unbounded)
              .result();
    }
    assertThat(s.optimisation().status()).isEqualTo("optimale");
    assertThat(s.optimisation().gap()).isZero();
    assertThat(s.summary().estimatedCost()).isLessThanOrEqualTo(600000.0);
    assertThat(s.selected()).hasSizeBetween(30, 50);
    // The budget binds: the list without it costs more, and scores at least as much.
    assertThat(free.summary().estimatedCost()).isGreaterThan(600000.0);
    double total = s.selected().stream().mapToDouble(Selection.Explained::score).sum();
    double freeTotal = free.selected().stream().mapToDouble(Selection.Explained::score).sum();
    assertThat(total).isLessThanOrEqualTo(freeTotal + 1e-6);
    assertThat(s.optimisation().value()).isCloseTo(total, within(1e-3));
    Map<String, Integer> perDep = new HashMap<>();
    for (var e : s.selected()) {
      perDep.merge(e.departement().code(), 1, Integer::sum);
      // Each commune's cost: its weak schools times a connection and a digital space.
      double perSchool = (e.connectionWay().equals("fibre") ? 3000 : 2500) + 8000;
      assertThat(e.estimatedCost()).as(e.code()).isEqualTo(perSchool * e.schoolsWeak());
    }
    assertThat(perDep.values()).allMatch(n -> n <= 2);
    // Grouped by EPCI, the groups hold the list.
    assertThat(s.byEpci().stream().mapToInt(g -> g.communes().size()).sum())
        .isEqualTo(s.selected().size());
    // The select command with --budget gives the same list and says it is optimal.
    Path criteria = tmp.resolve("budget.json");
    Files.writeString(criteria, budgeted.replace("\"budget\": 600000, ", ""));
    Path out = tmp.resolve("budget-selection.json");
    var r =
        JarProcess.run(
            tmp,
            "select",
            "--warehouse",
            warehouse.toString(),
            "--criteria",
            criteria.toString(),
            "--budget",
            "600000",
            "--out",
            out.toString());
    assertThat(r.exitCode()).as(r.output()).isZero();
    assertThat(r.output()).contains("liste optimale").contains("budget de 600 000 €");
    assertThat(new ObjectMapper().readTree(out.toFile()).get("id").asText()).isEqualTo(s.id());
  }

  @Test
  void anEpciPerimeterKeepsItsCommunesOnly() throws Exception {
    String epci =
        selection.selected().stream().filter(e -> e.epci() != null).findFirst().get().epci().code();
    try (var q = WarehouseQuery.open(warehouse)) {
      String version = q.string("SELECT value FROM ingest_meta WHERE key = 'data_version'");
      var crit =
          CriteriaSchema.parse(
              new ObjectMapper()
                  .readTree(
                      "{\"count\": 1, \"eligibility\": {\"perimeter\": [\"epci:"
                          + epci
                          + "\"]}, \"sensitivity\": {\"runs\": 0}}"));
      var s = SelectionRun.compute(NeedsQuery.load(q.connection(), crit, version), crit).result();
      var members = new HashSet<String>();
      try (var st =
          q.connection().prepareStatement("SELECT code FROM commune WHERE epci_code = ?")) {
        st.setString(1, epci);
        try (var rs = st.executeQuery()) {
          while (rs.next()) {
            members.add(rs.getString(1));
          }
        }
      }
      assertThat(members).isNotEmpty();
      assertThat(s.summary().communes() - s.summary().excludedByRule().get("perimetre"))
          .isLessThanOrEqualTo(members.size());
      assertThat(s.selected()).allMatch(e -> members.contains(e.code()));
      assertThat(s.byEpci()).singleElement().extracting(Selection.EpciGroup::code).isEqualTo(epci);
    }
  }

  /** {@code select} on the real warehouse. */
  private static JarProcess.Result select(Path criteria, Path out) throws Exception {
    return JarProcess.run(
        tmp,
        "select",
        "--warehouse",
        warehouse.toString(),
        "--criteria",
        criteria.toString(),
        "--out",
        out.toString());
  }
}
