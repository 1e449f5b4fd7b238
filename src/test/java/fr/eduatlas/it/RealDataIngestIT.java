package fr.eduatlas.it;

import static org.assertj.core.api.Assertions.assertThat;

import fr.eduatlas.ingest.Ingest;
import fr.eduatlas.ingest.IngestReport;
import fr.eduatlas.source.SourceManifest;
import fr.eduatlas.source.insee.DensityGridReader;
import fr.eduatlas.testing.Fixtures;
import fr.eduatlas.testing.Staged;
import fr.eduatlas.testing.WarehouseQuery;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The ingest of the real open data of ../shared/data, checked against its known counts. */
class RealDataIngestIT {
  @TempDir static Path tmp;
  static Path warehouse;
  static IngestReport report;

  @BeforeAll
  static void ingest() {
    warehouse = tmp.resolve("real.duckdb");
    report = run(warehouse);
  }

  static IngestReport run(Path wh) {
    var log = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
    return new Ingest(SourceManifest.bundled(), log)
        .run(new Ingest.Options(Fixtures.realData(), wh, false));
  }

  @Test
  void everyRowReadIsLoadedOrQuarantined() {
    assertThat(report.status()).isEqualTo("ok");
    assertThat(report.sources())
        .hasSize(15)
        .allSatisfy(
            s -> {
              assertThat(s.status()).as(s.id()).isEqualTo("ok");
              assertThat(s.read()).as(s.id()).isEqualTo(s.loaded() + s.quarantined());
            });
  }

  @Test
  void theKnownCountsOfTheOfficialFiles() throws Exception {
    assertThat(report.totals().communes()).isEqualTo(34_969);
    assertThat(report.totals().departements()).isEqualTo(101);
    assertThat(report.totals().academies()).isEqualTo(30);
    assertThat(report.totals().regions()).isEqualTo(18);
    assertThat(report.totals().epci()).isEqualTo(1_255);
    assertThat(report.totals().schools()).isEqualTo(30_059 + 6_973 + 3_598);
    try (var q = WarehouseQuery.open(warehouse)) {
      assertThat(
              q.strings("SELECT type || '=' || count(*) FROM school GROUP BY type ORDER BY type"))
          .containsExactly("college=6973", "ecole=30059", "lycee=3598");
      assertThat(q.count("SELECT read FROM ingest_source WHERE id = 'cog-communes'"))
          .isEqualTo(37_590);
      // Each département sits in exactly one académie, and every académie has départements.
      assertThat(q.count("SELECT count(*) FROM departement WHERE academie_code IS NULL")).isZero();
      assertThat(q.count("SELECT count(*) FROM departement_academie WHERE candidates > 1"))
          .isZero();
      assertThat(q.count("SELECT count(DISTINCT academie_code) FROM departement")).isEqualTo(30);
      assertThat(q.string("SELECT academie_code FROM departement WHERE code = '02'"))
          .isEqualTo("20");
      assertThat(q.string("SELECT academie_code FROM departement WHERE code = '976'"))
          .isEqualTo("43");
      // Every school is in a current commune of its département.
      assertThat(
              q.count(
                  "SELECT count(*) FROM school WHERE departement_code <> departement_code_source"))
          .isZero();
    }
  }

  @Test
  void sourcesInOlderCodesAreMappedOntoCog2026() throws Exception {
    Map<String, Long> remapped = new HashMap<>();
    report.sources().forEach(s -> remapped.put(s.id(), s.remapped()));
    // The 2018 FttH file predates many communes nouvelles; Paris, Lyon and Marseille schools are
    // listed by arrondissement.
    assertThat(remapped.get("arcep-ftth")).isGreaterThan(500);
    assertThat(remapped.get("depp-ips-ecoles")).isGreaterThan(800);
    try (var q = WarehouseQuery.open(warehouse)) {
      assertThat(q.count("SELECT count(*) FROM school WHERE commune_code = '75056'"))
          .isGreaterThan(600);
      // A commune's 2024 coverage is the sum over its former communes: recompute one by hand.
      long premises = 0;
      for (String line :
          Files.readAllLines(
              Fixtures.realData()
                  .resolve("connectivity/couverture-technologies-communes-2024.csv"))) {
        if (line.startsWith("02408,")) {
          premises += Long.parseLong(line.split(",")[9]);
        }
      }
      assertThat(q.count("SELECT premises FROM commune_coverage WHERE commune_code = '02408'"))
          .isEqualTo(premises);
    }
  }

  @Test
  void theDensityWorkbookAndItsCsvGiveTheSameRows() throws Exception {
    Path refs = Fixtures.realData().resolve("referentials");
    var xlsx = tmp.resolve("xlsx");
    var csv = tmp.resolve("csv");
    Files.createDirectories(xlsx);
    Files.createDirectories(csv);
    try (var a =
            Staged.run(
                new DensityGridReader(), refs.resolve("grille_densite_7_niveaux_2024.xlsx"), xlsx);
        var b =
            Staged.run(
                new DensityGridReader(), refs.resolve("grille_densite_7_niveaux_2024.csv"), csv)) {
      assertThat(a.read).isEqualTo(34_935).isEqualTo(b.read);
      assertThat(a.quarantined).isZero();
      String all = "SELECT * EXCLUDE (_line, name) FROM src_fixture ORDER BY commune_code";
      assertThat(a.rows(all)).isEqualTo(b.rows(all));
      // Names too, but for the two communes named Faux, which French Excel turned into the
      // boolean FALSE: the workbook shows FAUX, the CSV conversion wrote False.
      String names =
          "SELECT commune_code, name FROM src_fixture"
              + " WHERE commune_code NOT IN ('08165', '24177') ORDER BY 1";
      assertThat(a.rows(names)).isEqualTo(b.rows(names));
      String faux =
          "SELECT commune_code || ' ' || name AS n FROM src_fixture"
              + " WHERE name IN ('FAUX', 'False', 'Faux') ORDER BY 1";
      assertThat(a.rows(faux))
          .extracting(r -> r.get("n"))
          .containsExactly("08165 FAUX", "24177 FAUX");
      assertThat(b.rows(faux))
          .extracting(r -> r.get("n"))
          .containsExactly("08165 False", "24177 False");
    }
  }

  @Test
  void reRunningOnTheSameInputsGivesTheSameContent() {
    IngestReport again = run(tmp.resolve("again.duckdb"));
    assertThat(again.checksum()).isEqualTo(report.checksum());
  }
}
