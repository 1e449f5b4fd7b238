package fr.eduatlas.simulation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import fr.eduatlas.testing.Fixtures;
import fr.eduatlas.warehouse.SchoolProfiles;
import fr.eduatlas.warehouse.SchoolProfiles.SchoolProfile;
import fr.eduatlas.warehouse.ServedWarehouse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The simulator on the mini dataset's schools. */
class SimulatorTest {
  @TempDir static Path tmp;
  static List<SchoolProfile> schools;

  @BeforeAll
  static void profiles() throws Exception {
    Path wh = Fixtures.miniWarehouse(tmp);
    try (var served = new ServedWarehouse(wh, Long.MAX_VALUE);
        var lease = served.lease()) {
      schools = SchoolProfiles.load(lease.connection());
    }
  }

  static final Simulator.Config SMALL = new Simulator.Config(7, 2019, 2025, 0.5, 1);

  @Test
  void theSameSeedWritesTheSameBytes() throws Exception {
    var a = new Simulator(schools, SMALL).write(tmp.resolve("a"));
    var b = new Simulator(schools, SMALL).write(tmp.resolve("b"));
    for (String f :
        List.of(
            "connectivite.csv",
            "equipement.csv",
            "usages.csv",
            "tests_debit.csv",
            "contribution.json")) {
      assertThat(Files.readAllBytes(a.directory().resolve(f)))
          .as(f)
          .isEqualTo(Files.readAllBytes(b.directory().resolve(f)));
    }
    var c =
        new Simulator(schools, new Simulator.Config(8, 2019, 2025, 0.5, 1)).write(tmp.resolve("c"));
    assertThat(Files.readAllBytes(c.directory().resolve("equipement.csv")))
        .isNotEqualTo(Files.readAllBytes(a.directory().resolve("equipement.csv")));
  }

  @Test
  void everySchoolHasARowPerYearAndTestsOnSchoolDays() throws Exception {
    var r = new Simulator(schools, SMALL).write(tmp.resolve("rows"));
    assertThat(r.connectivityRows()).isEqualTo(schools.size() * 7L);
    assertThat(r.equipmentRows()).isEqualTo(schools.size() * 7L);
    assertThat(r.usageRows()).isEqualTo(schools.size() * 7L);
    List<String> lines = Files.readAllLines(r.directory().resolve("connectivite.csv"));
    assertThat(lines.get(0)).startsWith("uai;annee_scolaire;date_observation;technologie;");
    assertThat(lines).filteredOn(l -> l.startsWith("0020975Z;2018-2019;")).hasSize(1);
    // About half a test per school day, on weekdays only, during lessons.
    List<String> tests = Files.readAllLines(r.directory().resolve("tests_debit.csv"));
    assertThat(r.speedTestRows()).isBetween(schools.size() * 60L, schools.size() * 110L);
    assertThat(tests.subList(1, tests.size()))
        .allSatisfy(
            t -> {
              var time = java.time.OffsetDateTime.parse(t.split(";")[1]);
              assertThat(time.getDayOfWeek().getValue()).isLessThanOrEqualTo(5);
              assertThat(time.getHour()).isBetween(8, 16);
            });
    // Overseas schools test in their own time zone.
    assertThat(tests)
        .filteredOn(t -> t.startsWith("9710999J;"))
        .first()
        .asString()
        .contains("-04:00");
  }

  @Test
  void noFibreWhereTheCommuneHasNone() throws Exception {
    var r = new Simulator(schools, SMALL).write(tmp.resolve("fibre"));
    // Abbécourt (02001) has no premises eligible to fibre in 2024; no mini school is there, so
    // check the rule on every school: fibre only where the commune has some.
    var zero = schools.stream().filter(s -> s.fibre() == 0).map(SchoolProfile::uai).toList();
    for (String line : Files.readAllLines(r.directory().resolve("connectivite.csv"))) {
      String[] f = line.split(";", -1);
      if (zero.contains(f[0])) {
        assertThat(f[3]).as(line).isNotEqualTo("fibre");
      }
    }
  }

  @Test
  void yearsAndVolumesAreChecked() {
    assertThatThrownBy(() -> new Simulator.Config(1, 2018, 2025, 1, 1))
        .hasMessageContaining("2019");
    assertThatThrownBy(() -> new Simulator.Config(1, 2025, 2019, 1, 1))
        .hasMessageContaining("dans l'ordre");
    assertThatThrownBy(() -> new Simulator.Config(1, 2019, 2025, -1, 1))
        .hasMessageContaining("tests par jour");
  }

  @Test
  void numbersAreWrittenPlainWithAPoint() {
    assertThat(Simulator.num(0.5)).isEqualTo("0.5");
    assertThat(Simulator.num(0.25)).isEqualTo("0.25");
    assertThat(Simulator.num(0.05)).isEqualTo("0.05");
    assertThat(Simulator.num(1000)).isEqualTo("1000");
    assertThat(Simulator.num(12.3456)).isEqualTo("12.35");
  }
}
