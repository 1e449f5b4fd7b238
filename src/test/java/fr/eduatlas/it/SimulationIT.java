package fr.eduatlas.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import fr.eduatlas.testing.Fixtures;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The simulator on the real schools, through the jar, with the default seed. */
class SimulationIT {
  @TempDir static Path tmp;
  static Path out;
  static JarProcess.Result run;

  @BeforeAll
  static void simulate() throws Exception {
    out = tmp.resolve("simulation");
    run =
        JarProcess.run(
            tmp,
            "simulate",
            "--data",
            Fixtures.realData().toString(),
            "--out",
            out.toString(),
            "--tests-per-day",
            "0.02");
  }

  @Test
  void calibrationIsWithinFivePercentOfEveryPublishedFigure() throws Exception {
    assertThat(run.exitCode()).as(run.output()).isZero();
    JsonNode cal = new ObjectMapper().readTree(out.resolve("calibration.json").toFile());
    assertThat(cal).hasSize(6);
    for (JsonNode c : cal) {
      double target = c.get("target").asDouble();
      double simulated = c.get("simulated").asDouble();
      assertThat(Math.abs(simulated - target) / target).as(c.get("id").asText()).isLessThan(0.05);
    }
    // "Over 70 %" of teachers use large foreign platforms.
    assertThat(cal.findValues("simulated").get(5).asDouble()).isGreaterThan(70);
    assertThat(run.output()).contains("Calage");
  }

  @Test
  void everyRealSchoolIsSimulatedEveryYear() throws Exception {
    var schools = new HashSet<String>();
    long rows = 0;
    try (var lines = Files.lines(out.resolve("equipement.csv"))) {
      for (String l : (Iterable<String>) lines.skip(1)::iterator) {
        schools.add(l.substring(0, 8));
        rows++;
      }
    }
    assertThat(schools).hasSize(40_630);
    assertThat(rows).isEqualTo(40_630L * 7);
  }

  @Test
  void noSimulatedFibreSchoolInACommuneWithoutFibre() throws Exception {
    // Communes with 0 % of premises eligible to fibre, from the raw 2024 coverage file.
    var noFibre = new HashSet<String>();
    for (String l :
        Files.readAllLines(
            Fixtures.realData()
                .resolve("connectivity/couverture-technologies-communes-2024.csv"))) {
      String[] f = l.split(",", -1);
      if (!f[0].equals("code_insee") && (f[10].isEmpty() || Double.parseDouble(f[10]) == 0)) {
        noFibre.add(f[0]);
      }
    }
    // Schools' communes, from the DEPP lists (current codes for these communes).
    Map<String, String> communeOf = new HashMap<>();
    for (String file : new String[] {"ecoles", "colleges", "lycees"}) {
      for (String l :
          Files.readAllLines(
              Fixtures.realData().resolve("schools/fr-en-ips-" + file + "-ap2022.csv"))) {
        String[] f = l.split(";", -1);
        communeOf.put(f[4], f[6]);
      }
    }
    long checked = 0;
    try (var lines = Files.lines(out.resolve("connectivite.csv"))) {
      for (String l : (Iterable<String>) lines.skip(1)::iterator) {
        String[] f = l.split(";", -1);
        if (noFibre.contains(communeOf.get(f[0]))) {
          checked++;
          assertThat(f[3]).as(l).isNotEqualTo("fibre");
        }
      }
    }
    assertThat(checked).isGreaterThan(1_000);
  }
}
