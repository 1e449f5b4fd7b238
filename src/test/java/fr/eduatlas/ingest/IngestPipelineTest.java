package fr.eduatlas.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import fr.eduatlas.testing.Fixtures;
import fr.eduatlas.testing.WarehouseQuery;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The whole ingest over the mini dataset: model, remapping, quarantine, report, swap. */
class IngestPipelineTest {
  @TempDir Path tmp;
  Path data;
  Path warehouse;

  @BeforeEach
  void setUp() throws Exception {
    data = Fixtures.copyMini(tmp);
    warehouse = tmp.resolve("out/eduatlas.duckdb");
  }

  private IngestReport ingest(boolean allowPartial) {
    var log = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
    return new Ingest(Fixtures.miniManifest(), log)
        .run(new Ingest.Options(data, warehouse, allowPartial));
  }

  @Test
  void reportBalancesForEverySource() {
    IngestReport r = ingest(false);
    assertThat(r.status()).isEqualTo("ok");
    assertThat(r.sources()).hasSize(18).allSatisfy(s -> assertThat(s.balanced()).isTrue());
    assertThat(r.totals().communes()).isEqualTo(9);
    assertThat(r.totals().departements()).isEqualTo(6);
    assertThat(r.totals().regions()).isEqualTo(5);
    assertThat(r.totals().academies()).isEqualTo(5);
    assertThat(r.totals().epci()).isEqualTo(2);
    // 6 écoles less one in an unknown commune, 4 collèges less one already in the écoles, 2 lycées.
    assertThat(r.totals().schools()).isEqualTo(10);
    assertThat(r.stages())
        .extracting(IngestReport.Stage::name)
        .contains(
            "read:cog-communes", "remap", "territories", "schools", "commune-facts", "install");
  }

  /**
   * The two copies of the values are stored in the order their readers rely on (a profile finds one
   * territory's rows, a map one indicator's, by the row groups' zone maps): the build sorts on
   * integer ranks, which must give exactly the text's order, at every level and period.
   */
  @Test
  void valuesAreStoredInTheirTextOrder() throws Exception {
    ingest(false);
    try (var q = WarehouseQuery.open(warehouse)) {
      assertThat(q.count("SELECT count(DISTINCT level) FROM indicator_value")).isEqualTo(6);
      assertThat(q.count("SELECT count(DISTINCT period) FROM indicator_value")).isGreaterThan(3);
      for (String[] t :
          new String[][] {
            {"indicator_value", "level, code, indicator_id, period"},
            {"indicator_value_by_indicator", "indicator_id, level, period, code"}
          }) {
        assertThat(q.count("SELECT count(*) FROM " + t[0])).isGreaterThan(100);
        assertThat(
                q.count(
                    "SELECT count(*) FROM (SELECT row_number() OVER (ORDER BY rowid) AS stored,"
                        + " row_number() OVER (ORDER BY "
                        + t[1]
                        + ") AS sorted FROM "
                        + t[0]
                        + ") WHERE stored <> sorted"))
            .as(t[0] + " stored in the order " + t[1])
            .isZero();
      }
    }
  }

  @Test
  void territoriesNestCommuneDepartementAcademieRegion() throws Exception {
    ingest(false);
    try (var q = WarehouseQuery.open(warehouse)) {
      assertThat(
              q.string("SELECT parent_code FROM territory WHERE level='departement' AND code='02'"))
          .isEqualTo("20");
      assertThat(q.string("SELECT parent_code FROM territory WHERE level='academie' AND code='20'"))
          .isEqualTo("32");
      assertThat(q.string("SELECT academie_code FROM commune WHERE code='2A004'")).isEqualTo("27");
      assertThat(q.string("SELECT epci_code FROM commune WHERE code='02408'"))
          .isEqualTo("200043495");
      // An overseas collectivity's commune is outside the département level but kept.
      assertThat(q.string("SELECT collectivite_code FROM commune WHERE code='97501'"))
          .isEqualTo("975");
      assertThat(q.string("SELECT parent_level FROM territory WHERE code='97501'"))
          .isEqualTo("france");
      assertThat(q.count("SELECT count(*) FROM territory WHERE level='departement' AND code='975'"))
          .isZero();
    }
  }

  @Test
  void olderCommuneCodesAreMappedAndTheirFactsSummed() throws Exception {
    IngestReport r = ingest(false);
    try (var q = WarehouseQuery.open(warehouse)) {
      // A school in a Paris arrondissement belongs to Paris; one in a delegated commune to its
      // current commune.
      assertThat(
              q.string(
                  "SELECT commune_code || ' ' || commune_link FROM school WHERE uai='0750845L'"))
          .isEqualTo("75056 arrondissement");
      assertThat(
              q.string(
                  "SELECT commune_code || ' ' || commune_link FROM school WHERE uai='0010999F'"))
          .isEqualTo("01015 deleguee");
      // Arbignieu (600) and Saint-Bois (67) make Arboys en Bugey.
      assertThat(
              q.count(
                  "SELECT population_municipale FROM commune_population WHERE commune_code='01015'"))
          .isEqualTo(667);
      assertThat(q.count("SELECT premises_fibre FROM commune_coverage WHERE commune_code='01015'"))
          .isEqualTo(376 + 93);
      // The merged commune takes the density level of its most populous part; shares are weighted.
      assertThat(q.count("SELECT density_level FROM commune_density WHERE commune_code='01015'"))
          .isEqualTo(6);
      assertThat(q.dbl("SELECT share_p7 FROM commune_density WHERE commune_code='01015'"))
          .isCloseTo((13.1 * 600 + 100 * 67) / 667, within(1e-3));
      // FttH: premises add up; a category cannot be combined, so it is left empty.
      assertThat(
              q.count(
                  "SELECT premises_connectable FROM commune_ftth WHERE commune_code='01015' AND quarter='2018-T1'"))
          .isEqualTo(17);
      assertThat(
              q.string(
                  "SELECT category FROM commune_ftth WHERE commune_code='01015' AND quarter='2018-T1'"))
          .isNull();
      assertThat(
              q.count(
                  "SELECT category FROM commune_ftth WHERE commune_code='02408' AND quarter='2018-T1'"))
          .isEqualTo(5);
      // Arrondissement counts go to Paris.
      assertThat(
              q.count(
                  "SELECT value FROM commune_bpe WHERE commune_code='75056' AND variable='NB_C104'"))
          .isEqualTo(3);
    }
    var ecoles =
        r.sources().stream().filter(s -> s.id().equals("depp-ips-ecoles")).findFirst().get();
    assertThat(ecoles.remapped()).isEqualTo(2);
    assertThat(ecoles.quarantined()).isEqualTo(1);
  }

  @Test
  void unknownCommunesAndCrossFileDuplicatesAreQuarantinedWithTheirReason() throws Exception {
    ingest(false);
    try (var q = WarehouseQuery.open(warehouse)) {
      assertThat(
              q.string(
                  "SELECT field || ' | ' || reason || ' | ' || line FROM quarantine"
                      + " WHERE source_id='depp-ips-ecoles'"))
          .startsWith("code_insee_de_la_commune | code commune inconnu : 02999")
          .endsWith("| 6");
      assertThat(q.string("SELECT reason FROM quarantine WHERE source_id='depp-ips-colleges'"))
          .isEqualTo("UAI 0021531D déjà présent dans ecoles.csv");
      // The EPCI keeps its known members; the unknown one is a warning, not a lost EPCI.
      assertThat(q.string("SELECT reason FROM quarantine WHERE source_id='cog-epci'"))
          .contains("02999");
      assertThat(
              q.count(
                  "SELECT count(*) FROM quarantine WHERE source_id='cog-epci' AND row_rejected"))
          .isZero();
    }
  }

  @Test
  void schoolsArePlacedFromTheDirectoryOrFlaggedAtTheirCommune() throws Exception {
    ingest(false);
    try (var q = WarehouseQuery.open(warehouse)) {
      assertThat(
              q.strings(
                  "SELECT concat(type, ' ', source_id, ' ', count(*)) FROM school GROUP BY type, source_id ORDER BY 1"))
          .containsExactly(
              "college depp-ips-colleges 3", "ecole depp-ips-ecoles 5", "lycee depp-ips-lycees 2");
      assertThat(q.string("SELECT location_source FROM school WHERE uai='0750845L'"))
          .isEqualTo("education-annuaire");
      assertThat(q.string("SELECT location_origin FROM school WHERE uai='0021685W'"))
          .isEqualTo("wgs84");
      // Only Lambert-93 coordinates in the file: reprojected, near Laon's centre.
      assertThat(q.string("SELECT location_origin FROM school WHERE uai='0020471B'"))
          .isEqualTo("EPSG:2154");
      assertThat(q.dbl("SELECT lat FROM school WHERE uai='0020471B'")).isBetween(49.55, 49.58);
      assertThat(q.dbl("SELECT lon FROM school WHERE uai='0020471B'")).isBetween(3.59, 3.63);
      // No position in any directory: placed at its commune's label point, and flagged so.
      assertThat(q.string("SELECT location_method FROM school WHERE uai='9710999J'"))
          .isEqualTo("commune");
      assertThat(
              q.string(
                  "SELECT concat(s.lon = g.label_lon, ' ', s.lat = g.label_lat) FROM school s"
                      + " JOIN territory_geometry g ON g.level = 'commune'"
                      + " AND g.code = s.commune_code WHERE uai='9710999J'"))
          .isEqualTo("true true");
    }
  }

  @Test
  void malformedRowsAreQuarantinedWithFileLineFieldAndReason() throws Exception {
    Path pop = data.resolve("populations.csv");
    Files.write(
        pop,
        "32;Hauts-de-France;2;4;99;722;2722;Soissons;28705;662\n".getBytes(StandardCharsets.UTF_8),
        StandardOpenOption.APPEND);
    Files.write(
        pop,
        "32;Hauts-de-France;2;2;97;1;2001;Abb\u00e9court;518;10;528\n"
            .getBytes(StandardCharsets.ISO_8859_1),
        StandardOpenOption.APPEND);
    Path ecoles = data.resolve("ecoles.csv");
    Files.writeString(
        ecoles,
        "2022-2023;AMIENS;002;AISNE;0029999H;ECOLE;02408;LAON;public;cent;90.0\r\n"
            + "2022-2023;AMIENS;002;AISNE;0020975Z;ECOLE EN DOUBLE;02408;LAON;public;185.0;82.8\r\n"
            + "2022-2023;AMIENS;002;AISNE;0029998G;ECOLE;02408;LAON;public;-4;90.0\r\n",
        StandardOpenOption.APPEND);
    IngestReport r = ingest(false);
    assertThat(r.sources()).allSatisfy(s -> assertThat(s.balanced()).isTrue());
    try (var q = WarehouseQuery.open(warehouse)) {
      assertThat(
              q.strings(
                  "SELECT file || ':' || line || ' ' || field || ' : ' || reason ||"
                      + " CASE WHEN row_rejected THEN '' ELSE ' [chargée]' END FROM quarantine"
                      + " WHERE source_id IN ('insee-populations', 'depp-ips-ecoles') ORDER BY file, line"))
          .containsExactly(
              "ecoles.csv:6 code_insee_de_la_commune : code commune inconnu : 02999 n'est ni une"
                  + " commune du COG 2026, ni un arrondissement, ni une commune déléguée, associée"
                  + " ou ancienne",
              "ecoles.csv:8 effectifs : 'cent' n'est pas un nombre : champ laissé vide,"
                  + " établissement chargé [chargée]",
              "ecoles.csv:9 uai : UAI 0020975Z en double : déjà lu ligne 2",
              "ecoles.csv:10 effectifs : effectif négatif : -4 : champ laissé vide,"
                  + " établissement chargé [chargée]",
              "populations.csv:10 PCAP : ligne tronquée : 10 champ(s) au lieu de 11",
              "populations.csv:11 Commune : octets invalides en UTF-8 (fichier dans un autre"
                  + " encodage ?)");
      assertThat(
              q.string(
                  "SELECT raw FROM quarantine WHERE line = 10 AND source_id='insee-populations'"))
          .isEqualTo("32;Hauts-de-France;2;4;99;722;2722;Soissons;28705;662");
      // A bad pupil count costs the count, not the school: both are loaded, their IPS kept.
      assertThat(
              q.strings(
                  "SELECT uai || ' ' || coalesce(pupils::VARCHAR, 'vide') || ' ' || ips FROM"
                      + " school WHERE uai IN ('0029999H', '0029998G') ORDER BY uai"))
          .containsExactly("0029998G vide 90.0", "0029999H vide 90.0");
    }
  }

  @Test
  void aMissingColumnStopsThatSourceOnlyAndNothingIsSwapped() throws Exception {
    ingest(false);
    String before = checksumOf(warehouse);
    Path colleges = data.resolve("colleges.csv");
    Files.writeString(colleges, Files.readString(colleges).replace(";effectifs;", ";eleves;"));
    assertThatThrownBy(() -> ingest(false))
        .isInstanceOf(IngestException.class)
        .hasMessageContaining("depp-ips-colleges")
        .satisfies(
            e -> {
              IngestReport r = ((IngestException) e).report();
              assertThat(r.status()).isEqualTo("failed");
              var failed = r.sources().stream().filter(s -> s.status().equals("failed")).toList();
              assertThat(failed)
                  .singleElement()
                  .satisfies(
                      s -> {
                        assertThat(s.id()).isEqualTo("depp-ips-colleges");
                        assertThat(s.error())
                            .contains("colleges.csv")
                            .contains("colonne obligatoire absente : 'effectifs'");
                      });
              // The other sources were read all the same.
              assertThat(
                      r.sources().stream()
                          .filter(s -> s.id().equals("depp-ips-lycees"))
                          .findFirst()
                          .get()
                          .loaded())
                  .isEqualTo(2);
            });
    assertThat(checksumOf(warehouse)).isEqualTo(before);
    try (var files = Files.list(warehouse.getParent())) {
      // Nothing of the failed build is left; the lock file stays with its warehouse, and the
      // boundary cache with the boundaries built (they do not depend on the failed source).
      assertThat(files.map(p -> p.getFileName().toString()))
          .containsExactlyInAnyOrder("eduatlas.duckdb", "eduatlas.duckdb.lock", "boundary-cache");
    }
    // On request, the partial build is installed and says so.
    IngestReport partial = ingest(true);
    assertThat(partial.status()).isEqualTo("partial");
    assertThat(checksumOf(warehouse)).isNotEqualTo(before);
  }

  @Test
  void sameInputsGiveTheSameContentAndAnyChangeShowsInTheChecksum() throws Exception {
    String first = ingest(false).checksum();
    assertThat(checksumOf(warehouse)).isEqualTo(first);
    assertThat(ingest(false).checksum()).isEqualTo(first);
    Path pop = data.resolve("populations.csv");
    Files.writeString(pop, Files.readString(pop).replace(";24021;", ";24022;"));
    assertThat(ingest(false).checksum()).isNotEqualTo(first);
  }

  @Test
  void aMissingFileNamesTheManifestEntryAndThePath() throws Exception {
    Files.delete(data.resolve("bpe.csv"));
    assertThatThrownBy(() -> ingest(false))
        .isInstanceOf(IngestException.class)
        .hasMessageContaining("source 'insee-bpe-primary'")
        .hasMessageContaining("introuvable")
        .hasMessageContaining(data.resolve("bpe.csv").toString());
  }

  private static String checksumOf(Path wh) throws Exception {
    try (var q = WarehouseQuery.open(wh)) {
      return q.string("SELECT value FROM ingest_meta WHERE key = 'checksum'");
    }
  }
}
