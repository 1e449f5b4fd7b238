package fr.eduatlas.observatory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import fr.eduatlas.indicator.Catalog;
import fr.eduatlas.indicator.CatalogTest;
import fr.eduatlas.territory.Level;
import fr.eduatlas.testing.Fixtures;
import fr.eduatlas.warehouse.ServedWarehouse;
import java.nio.file.Path;
import java.sql.Connection;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The read model on the mini warehouse, without HTTP: values against sums worked out by hand from
 * the fixture files, every refusal with its kind, and the queries the OGC collections use.
 */
class ObservatoryTest {
  @TempDir static Path tmp;
  static ServedWarehouse served;
  static ServedWarehouse.Lease lease;
  static Connection c;
  static Observatory obs;

  @BeforeAll
  static void open() {
    served = new ServedWarehouse(Fixtures.miniWarehouse(tmp, 2019), 50);
    lease = served.lease();
    c = lease.connection();
    obs = new Observatory(Catalog.load(CatalogTest.SOURCES));
  }

  @AfterAll
  static void close() {
    lease.close();
    served.close();
  }

  private static QueryException.Kind kind(Runnable r) {
    try {
      r.run();
    } catch (QueryException e) {
      return e.kind();
    }
    throw new AssertionError("no QueryException");
  }

  @Test
  void valuesAreRatiosOfSumsAppraisedAgainstFrance() throws Exception {
    var v = obs.values(c, new ValuesQuery("couverture-fibre", "departement", "2024", null, null));
    assertThat(v.period()).isEqualTo("2024");
    var byCode = new java.util.HashMap<String, Value>();
    v.rows().forEach(r -> byCode.put(r.code(), r.value()));
    // couverture.csv: Arbignieu 376 of 406 premises, Saint-Bois 93 of 100, both now in 01015.
    assertThat(byCode.get("01").value()).isEqualTo(Figures.round((376.0 + 93) / 506 * 100));
    // Abbécourt: no fibre count, 300 premises; Laon 14,274 of 15,627.
    assertThat(byCode.get("02").value()).isEqualTo(Figures.round(14274.0 / 15927 * 100));
    assertThat(v.france()).isNotNull();
    assertThat(byCode.get("02").appraisal()).isNotNull();
    assertThat(v.rows()).allSatisfy(r -> assertThat(r.outline()).isNull());
    // Within a territory: only its communes; with outlines on demand.
    var within =
        obs.values(c, new ValuesQuery("couverture-fibre", "commune", null, "departement", "02"));
    assertThat(within.within().name()).isEqualTo("Aisne");
    assertThat(within.rows()).isNotEmpty().allMatch(r -> r.code().startsWith("02"));
    var drawn = obs.withOutlines(c, within, 9);
    assertThat(drawn.rows()).allSatisfy(r -> assertThat(r.outline()).isNotNull());
  }

  @Test
  void everyRefusalSaysWhetherNothingIsThereOrTheValueIsWrong() {
    assertThat(kind(() -> Observatory.level("canton"))).isEqualTo(QueryException.Kind.NOT_FOUND);
    assertThat(kind(() -> obs.indicator("couverture-fibr")))
        .isEqualTo(QueryException.Kind.NOT_FOUND);
    assertThatThrownBy(() -> obs.indicator("couverture-fibr"))
        .hasMessageContaining("couverture-fibre");
    assertThatThrownBy(() -> obs.territory(c, "commune", "02409"))
        .isInstanceOf(QueryException.class)
        .hasMessageContaining("les plus proches");
    // A malformed code of every level is refused before any lookup.
    for (Level l : Level.all()) {
      assertThat(kind(() -> Observatory.code(l.id(), "x'--")))
          .isEqualTo(QueryException.Kind.INVALID);
    }
    assertThat(
            kind(
                () -> {
                  try {
                    obs.values(
                        c, new ValuesQuery("couverture-fibre", "region", "2031", null, null));
                  } catch (java.sql.SQLException e) {
                    throw new IllegalStateException(e);
                  }
                }))
        .isEqualTo(QueryException.Kind.INVALID);
    assertThat(
            kind(
                () -> {
                  try {
                    obs.schoolDetail(c, "0020975A");
                  } catch (java.sql.SQLException e) {
                    throw new IllegalStateException(e);
                  }
                }))
        .isEqualTo(QueryException.Kind.INVALID);
  }

  @Test
  void aProfileRunsFromFranceDownAndComparesWithItsParents() throws Exception {
    var p = obs.profile(c, "commune", "02408", false, null);
    assertThat(p.territory().name()).isEqualTo("Laon");
    assertThat(p.breadcrumb().stream().map(Territory::level))
        .containsExactly("france", "region", "academie", "departement", "commune");
    assertThat(p.comparedWith().stream().map(Territory::level))
        .containsExactly("departement", "academie", "region", "france");
    var fibre =
        p.indicators().stream()
            .filter(i -> i.indicator().id().equals("couverture-fibre"))
            .findFirst()
            .orElseThrow();
    assertThat(fibre.latest().value()).isEqualTo(Figures.round(14274.0 / 15627 * 100));
    assertThat(fibre.latest().appraisal()).isEqualTo("proche");
    assertThat(fibre.compared().get(0).value()).isEqualTo(Figures.round(14274.0 / 15927 * 100));
    assertThat(p.schools()).isPositive();
    assertThat(p.outline()).isNull();
    assertThat(obs.profile(c, "departement", "02", true, 6).outline()).isNotNull();
  }

  @Test
  void schoolsAreFilteredAndPagedWithTheirMatchedCount() throws Exception {
    var all = obs.schools(c, new SchoolQuery(null, null, null, null, null, 1, 0));
    assertThat(all.items()).hasSize(1);
    assertThat(all.matched()).isGreaterThan(1);
    var laon =
        obs.schools(
            c, new SchoolQuery(Map.of("commune", "02408"), "ecole", "public", null, null, 1000, 0));
    assertThat(laon.items())
        .isNotEmpty()
        .allSatisfy(
            s -> {
              assertThat(s.commune()).isEqualTo("02408");
              assertThat(s.type()).isEqualTo("ecole");
              assertThat(s.sector()).isEqualTo("public");
            });
    assertThat(laon.matched()).isEqualTo(laon.items().size());
    var box =
        obs.schools(
            c,
            new SchoolQuery(null, null, null, null, new double[] {3.5, 49.5, 3.7, 49.6}, 1000, 0));
    assertThat(box.items()).allSatisfy(s -> assertThat(s.lon()).isBetween(3.5, 3.7));
    var detail = obs.schoolDetail(c, laon.items().get(0).uai());
    assertThat(detail.connectivity()).isNotEmpty();
    assertThat(detail.connectivity().get(0)).containsEntry("simule", true);
  }

  @Test
  void territoryFeaturesInABoxAreThoseWhoseOutlineCrossesIt() throws Exception {
    var every = obs.territoryFeatures(c, "departement", null, null, null, 100, 0);
    assertThat(every.matched()).isEqualTo(every.items().size());
    // A box around Laon: the Aisne, and no département whose outline misses the box.
    var inBox =
        obs.territoryFeatures(
            c, "departement", new double[] {3.55, 49.5, 3.65, 49.6}, null, null, 100, 0);
    assertThat(inBox.items().stream().map(TerritoryFeature::code)).containsExactly("02");
    assertThat(inBox.matched()).isEqualTo(1);
    double[] e = obs.extent(c, "departement");
    assertThat(e[0]).isLessThan(e[2]);
    assertThat(obs.territoryFeature(c, "departement", "02")).isPresent();
    assertThat(obs.territoryFeature(c, "departement", "99")).isEmpty();
  }

  /**
   * The median bandwidth of a territory is the median over its schools (no connection counting as
   * 0), recomputed here in Java from the raw school rows, for every département and year.
   */
  @Test
  void theMedianBandwidthIsTheMedianOfTheTerritorysSchools() throws Exception {
    var bySchools = new java.util.HashMap<String, java.util.List<Double>>();
    try (var ps =
            c.prepareStatement(
                "SELECT m.departement_code, k.year, k.technology, k.down_measured FROM"
                    + " school_connectivity k JOIN school s USING (uai) JOIN commune m ON m.code ="
                    + " s.commune_code WHERE m.departement_code IS NOT NULL");
        var rs = ps.executeQuery()) {
      while (rs.next()) {
        boolean none = "aucune".equals(rs.getString(3));
        double d = rs.getDouble(4);
        boolean measured = !rs.wasNull();
        if (!measured && !none) {
          continue; // not measured
        }
        bySchools
            .computeIfAbsent(rs.getString(1) + "/" + rs.getInt(2), k -> new java.util.ArrayList<>())
            .add(measured ? d : 0);
      }
    }
    assertThat(bySchools).isNotEmpty();
    int checked = 0;
    for (String period : obs.periods(c, "debit-mesure-median")) {
      var v =
          obs.values(c, new ValuesQuery("debit-mesure-median", "departement", period, null, null));
      for (var row : v.rows()) {
        var xs = bySchools.get(row.code() + "/" + period);
        if (xs == null) {
          assertThat(row.value().value()).isNull();
          continue;
        }
        xs.sort(null);
        int n = xs.size();
        double median = n % 2 == 1 ? xs.get(n / 2) : (xs.get(n / 2 - 1) + xs.get(n / 2)) / 2;
        assertThat(row.value().value())
            .as(row.code() + " " + period)
            .isEqualTo(Figures.round(median));
        checked++;
      }
    }
    assertThat(checked).isPositive();
    // The mean, kept as its own indicator, differs from it where a few schools drag it.
    assertThat(obs.indicator("debit-mesure-moyen").median()).isFalse();
    assertThat(obs.indicator("debit-mesure-median").median()).isTrue();
  }

  @Test
  void theBulkProfilesOfEveryLevelAreTheSingleProfiles() throws Exception {
    // Every level, every territory: the static release writes these instead of asking one by one.
    int seen = 0;
    for (Level l : Level.values()) {
      var bulk = new java.util.ArrayList<TerritoryProfile>();
      obs.profiles(c, l.id(), bulk::add);
      var codes = new java.util.ArrayList<String>();
      try (var st =
          c.prepareStatement("SELECT code FROM territory WHERE level = ? ORDER BY code")) {
        st.setString(1, l.id());
        try (var rs = st.executeQuery()) {
          while (rs.next()) {
            codes.add(rs.getString(1));
          }
        }
      }
      if (l.id().equals("france")) {
        codes = new java.util.ArrayList<>(java.util.List.of("FR"));
      }
      assertThat(bulk)
          .extracting(p -> p.territory().code())
          .as(l.id())
          .containsExactlyElementsOf(codes);
      for (TerritoryProfile p : bulk) {
        assertThat(p)
            .as(l.id() + " " + p.territory().code())
            .isEqualTo(obs.profile(c, l.id(), p.territory().code(), false, null));
        seen++;
      }
    }
    assertThat(seen).isGreaterThan(10);
  }
}
