package fr.eduatlas.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import fr.eduatlas.simulation.Simulator;
import fr.eduatlas.testing.Fixtures;
import fr.eduatlas.testing.WarehouseQuery;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Simulated and contributed school-level data through one path: readers, quarantine, facts. */
class ContributionsTest {
  @TempDir Path tmp;
  Path warehouse;
  Path simulated;
  Path contrib;

  static final Simulator.Config SMALL = new Simulator.Config(3, 2023, 2025, 0.5, 1);

  @BeforeEach
  void setUp() throws Exception {
    warehouse = tmp.resolve("w.duckdb");
    simulated = tmp.resolve("simulated");
    contrib = Files.createDirectories(tmp.resolve("ac-amiens"));
    Files.writeString(
        contrib.resolve("contribution.json"),
        """
        {"format": "eduatlas-contribution", "version": "1", "identifiant": "ac-amiens",
         "producteur": "Académie d'Amiens", "licence": "Licence Ouverte 2.0", "simule": false}
        """);
  }

  private IngestReport ingest(boolean withContribution) {
    return new Ingest(Fixtures.miniManifest(), new PrintStream(OutputStream.nullOutputStream()))
        .run(
            new Ingest.Options(
                Fixtures.miniDir(),
                warehouse,
                false,
                new Ingest.Simulation(simulated, SMALL),
                withContribution ? List.of(contrib) : List.of()));
  }

  private void write(String file, String... lines) throws Exception {
    Files.writeString(contrib.resolve(file), String.join("\r\n", lines) + "\r\n");
  }

  @Test
  void simulatedDataAreLoadedAndFlaggedWhenNoneExistYet() throws Exception {
    IngestReport r = ingest(false);
    assertThat(r.stages())
        .extracting(IngestReport.Stage::name)
        .contains("simulate", "contributions");
    assertThat(simulated.resolve("contribution.json")).exists();
    assertThat(r.sources())
        .filteredOn(s -> s.id().startsWith("contrib-simulation-"))
        .hasSize(4)
        .allSatisfy(s -> assertThat(s.read()).isEqualTo(s.loaded() + s.quarantined()));
    try (var q = WarehouseQuery.open(warehouse)) {
      assertThat(q.count("SELECT count(*) FROM school_connectivity")).isEqualTo(10 * 3);
      assertThat(q.count("SELECT count(*) FROM school_equipment WHERE NOT simulated")).isZero();
      assertThat(q.count("SELECT count(*) FROM school_usage WHERE contribution_id = 'simulation'"))
          .isEqualTo(30);
      assertThat(q.count("SELECT count(*) FROM school_speedtest_yearly WHERE year = 2025"))
          .isGreaterThan(5);
      // The raw tests live beside the warehouse, not in it.
      assertThat(
              q.count(
                  "SELECT count(*) FROM information_schema.tables WHERE table_name LIKE '%tests_debit%'"))
          .isZero();
    }
    assertThat(Path.of(warehouse + ".speedtests").resolve("annee_scolaire=2024-2025"))
        .isDirectory();
    // A second ingest reads the same simulated files again: no new simulation.
    IngestReport again = ingest(false);
    assertThat(again.stages()).extracting(IngestReport.Stage::name).doesNotContain("simulate");
    assertThat(again.checksum()).isEqualTo(r.checksum());
  }

  @Test
  void eachKindOfBadInputIsQuarantinedWithItsReasonAndTheRestLoads() throws Exception {
    write(
        "connectivite.csv",
        "uai;annee_scolaire;date_observation;technologie;debit_descendant_souscrit;debit_descendant_mesure;methode",
        "0020975Z;2024-2025;2024-11-05;fibre;1000;812,5;mesure_automatique",
        "0021531D;2024-2025;2024-11-05;dsl;2048;;declaratif",
        "0020975Z;2024-2025;2024-12-01;fibre;1000;;declaratif",
        "0029999H;2024-2025;2024-11-05;fibre;100;;declaratif",
        "0750845L;2024-2025;2023-11-05;dsl;8;;declaratif",
        "0750845L;2024-2025;2024-11-05;fibre-noire;8;;declaratif");
    write(
        "usages.csv",
        "uai,annee_scolaire,enseignants,enseignants_repondants,ens_plateformes_etrangeres",
        "0020975Z,2024-2025,10,12,3",
        "0021531D,2024-2025,8,6,7",
        "0750845L,2024-2025,9,6,2");
    write(
        "equipement.csv",
        "uai;annee_scolaire;ordinateurs_fixes;tablettes;age_moyen_equipements",
        "0020975Z;2024-2025;-3;5;4,5",
        "0021531D;2024-2025;12;5;4,5");
    Files.write(
        contrib.resolve("tests_debit.csv"),
        ("uai;horodatage;debit_descendant\n"
                + "0020975Z;2024-11-05T09:00:00+01:00;800\n"
                + "0020975Z;2024-11-05T10:00:00+01:00;790\n"
                + "0020975Z;2024-11-06T10:00:00+01:00;810\n"
                + "0020975Z;2024-11-05T09:00:00+01:00;805\n"
                + "0021531D;2024-11-05T09:00:00+01:00;8\n"
                + "0021531D;2024-11-06T09:00:00+01:00;7.5\n"
                + "0021531D;2024-11-07T09:00:00+01:00;4100\n"
                + "0020975Z;5 novembre;800\n")
            .getBytes(StandardCharsets.UTF_8));
    Files.write(
        contrib.resolve("tests_debit.csv"),
        "0020975Z;2024-11-08T10:00:00+01:00;8\u00e900\n".getBytes(StandardCharsets.ISO_8859_1),
        java.nio.file.StandardOpenOption.APPEND);
    IngestReport r = ingest(true);
    assertThat(r.sources())
        .allSatisfy(s -> assertThat(s.read()).as(s.id()).isEqualTo(s.loaded() + s.quarantined()));
    try (var q = WarehouseQuery.open(warehouse)) {
      assertThat(
              q.strings(
                  "SELECT file || ':' || line || ' ' || field || ' : ' || reason FROM quarantine"
                      + " WHERE source_id LIKE 'contrib-ac-amiens-%' ORDER BY file, line"))
          .containsExactly(
              "ac-amiens/connectivite.csv:3 debit_descendant_souscrit : 2048.0 Mbit/s en dsl (au plus 100.0) : kbit/s au lieu de Mbit/s ?",
              "ac-amiens/connectivite.csv:4 uai : établissement 0020975Z en double pour 2024-2025 : déjà lu ligne 2",
              "ac-amiens/connectivite.csv:5 uai : établissement inconnu des listes de la DEPP : 0029999H",
              "ac-amiens/connectivite.csv:6 date_observation : 2023-11-05 hors de l'année scolaire 2024-2025",
              "ac-amiens/connectivite.csv:7 technologie : technologie inconnue : 'fibre-noire'",
              "ac-amiens/equipement.csv:2 ordinateurs_fixes : effectif négatif : -3",
              "ac-amiens/tests_debit.csv:5 horodatage : test en double : même établissement et même horodatage que la ligne 2",
              "ac-amiens/tests_debit.csv:8 debit_descendant : valeur aberrante : 4100.0 Mbit/s pour une médiane de 8.0 Mbit/s dans l'établissement (kbit/s au lieu de Mbit/s ?)",
              "ac-amiens/tests_debit.csv:9 horodatage : '5 novembre' n'est pas une date et heure ISO 8601 avec fuseau",
              "ac-amiens/tests_debit.csv:10 debit_descendant : octets invalides en UTF-8 (fichier dans un autre encodage ?)",
              "ac-amiens/usages.csv:2 enseignants_repondants : plus d'enseignants répondants (12) que d'enseignants (10)",
              "ac-amiens/usages.csv:3 ens_plateformes_etrangeres : 7 enseignants pour 6 répondants : impossible");
      // Real data prevail over simulated data for the same school and year, with their provenance;
      // the decimal comma of a ';' file is read.
      assertThat(
              q.string(
                  "SELECT concat(simulated, ' ', contribution_id, ' ', down_measured) FROM school_connectivity WHERE uai = '0020975Z' AND year = 2025"))
          .isEqualTo("false ac-amiens 812.5");
      assertThat(
              q.string(
                  "SELECT concat(simulated, ' ', contribution_id) FROM school_connectivity WHERE uai = '0020975Z' AND year = 2024"))
          .isEqualTo("true simulation");
      assertThat(
              q.string(
                  "SELECT average_age_years FROM school_equipment WHERE uai = '0021531D' AND year = 2025"))
          .isEqualTo("4.5");
      // Speed tests: the school's real tests replace its simulated ones for that year.
      assertThat(
              q.string(
                  "SELECT concat(tests, ' ', simulated, ' ', median_down) FROM school_speedtest_yearly WHERE uai = '0020975Z' AND year = 2025"))
          .isEqualTo("3 false 800.0");
    }
  }

  @Test
  void aContributionWithoutItsDescriptionOrWithAWrongFormatIsRefused() throws Exception {
    Files.delete(contrib.resolve("contribution.json"));
    Files.createDirectories(contrib.resolve("vide"));
    assertThat(ingest(true).sources()).noneMatch(s -> s.id().contains("ac-amiens"));
    Files.writeString(
        contrib.resolve("contribution.json"), "{\"format\": \"autre\", \"version\": \"1\"}");
    assertThatThrownBy(() -> ingest(true)).hasMessageContaining("eduatlas-contribution");
  }
}
