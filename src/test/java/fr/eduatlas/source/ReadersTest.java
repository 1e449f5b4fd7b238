package fr.eduatlas.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import fr.eduatlas.source.arcep.CoverageReader;
import fr.eduatlas.source.depp.AnnuaireReader;
import fr.eduatlas.source.depp.CollegesGeolocReader;
import fr.eduatlas.source.depp.IpsSchoolsReader;
import fr.eduatlas.source.insee.BpePrimaryReader;
import fr.eduatlas.source.insee.DensityGridReader;
import fr.eduatlas.testing.Fixtures;
import fr.eduatlas.testing.Staged;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Each reader's own validation rules, on its mini file and on rows written here. */
class ReadersTest {
  @TempDir Path tmp;

  private Path withRows(String miniFile, String... rows) throws Exception {
    Path f = tmp.resolve(miniFile);
    Files.copy(Fixtures.miniDir().resolve(miniFile), f);
    Files.writeString(f, String.join("\n", rows) + "\n", java.nio.file.StandardOpenOption.APPEND);
    return f;
  }

  private static List<String> reasons(Staged s) throws Exception {
    return s.quarantine().stream().map(q -> q.get("field") + " : " + q.get("reason")).toList();
  }

  @Test
  void coverageCountsAreCheckedAgainstPremisesAndPercentages() throws Exception {
    Path f =
        withRows(
            "couverture.csv",
            "02722,Soissons,50.0,0.0,100.0,0.0,100.0,0.0,100.0,100,150.0,,100.0,,100.0,,100.0",
            "02722,Soissons,10.0,0.0,100.0,0.0,100.0,0.0,100.0,100,50.0,,100.0,,100.0,,100.0",
            "02722,Soissons,50.0,0.0,100.0,0.0,100.0,0.0,100.0,,50.0,,100.0,,100.0,,100.0");
    try (var s = Staged.run(new CoverageReader(), f, tmp)) {
      assertThat(s.loaded).isEqualTo(5);
      assertThat(reasons(s))
          .containsExactly(
              "nb_locaux_fibre : 150 locaux éligibles pour 100 locaux dans la commune",
              "pct_fibre : pourcentage 10.0 incohérent avec 50 locaux éligibles sur 100",
              "nb_locaux : nombre de locaux manquant");
      // An empty count is zero premises, as ARCEP publishes it.
      assertThat(s.rows("SELECT premises_fibre FROM src_fixture WHERE commune_code = '02001'"))
          .singleElement()
          .satisfies(r -> assertThat(r.get("premises_fibre")).isEqualTo(0L));
    }
  }

  @Test
  void bpeKeepsEveryCountColumnInLongForm() throws Exception {
    try (var s = Staged.run(new BpePrimaryReader(), Fixtures.miniDir().resolve("bpe.csv"), tmp)) {
      assertThat(
              s.rows("SELECT variable, value FROM src_fixture_counts WHERE _line = 4 ORDER BY 1"))
          .extracting(r -> r.get("variable") + "=" + r.get("value"))
          .containsExactly("NB_C101=8", "NB_C101PU=7", "NB_C104=12", "NB_C104PU=10");
    }
    Path noC104 = tmp.resolve("bpe.csv");
    Files.writeString(noC104, "CODGEO;NB_C101;NB_C102;NB_C105\n01015;0;0;1\n");
    assertThatThrownBy(() -> Staged.run(new BpePrimaryReader(), noC104, tmp))
        .hasMessageContaining("colonne obligatoire absente : 'NB_C104'");
  }

  @Test
  void densityLevelsAndSharesHaveTheirRange() throws Exception {
    Path f =
        withRows(
            "densite.csv",
            "02722;Soissons;8;Inconnu;28705;0;82.84;0;16.21;0;0.93;0.02",
            "02722;Soissons;2;Centres urbains intermédiaires;28705;0;182.84;0;16.21;0;0.93;0.02");
    try (var s = Staged.run(new DensityGridReader(), f, tmp)) {
      assertThat(reasons(s))
          .containsExactly(
              "DENS : niveau de densité hors de 1 à 7 : 8",
              "P2 : valeur hors limites : 182.84 (attendu entre 0.0 et 100.0)");
    }
  }

  @Test
  void schoolsNeedAKnownSectorAndAPlausibleIps() throws Exception {
    Path f =
        withRows(
            "ecoles.csv",
            "2022-2023;AMIENS;002;AISNE;0029999H;ECOLE;02408;LAON;hors contrat;20.0;90.0",
            "2022-2023;AMIENS;002;AISNE;0029999H;ECOLE;02408;LAON;public;20.0;900.0",
            "2022-2023;AMIENS;002;AISNE;0029999J;ECOLE;02408;LAON;public;20.0;90.0");
    try (var s = Staged.run(new IpsSchoolsReader.Ecoles(), f, tmp)) {
      assertThat(reasons(s))
          .containsExactly(
              "secteur : secteur inconnu : 'hors contrat'",
              "ips : valeur hors limites : 900.0 (attendu entre 30.0 et 200.0) : champ laissé vide,"
                  + " établissement chargé",
              "uai : UAI '0029999J' : lettre clé invalide (attendue : H)");
      // An implausible IPS costs the IPS, not the school.
      assertThat(
              s.rows(
                  "SELECT coalesce(ips::VARCHAR, 'vide') AS ips FROM src_fixture WHERE uai ="
                      + " '0029999H' AND sector = 'public'"))
          .extracting(m -> m.get("ips"))
          .containsExactly("vide");
      assertThat(s.rows("SELECT sector FROM src_fixture WHERE uai = '6200999S'"))
          .singleElement()
          .satisfies(r -> assertThat(r.get("sector")).isEqualTo("prive"));
    }
  }

  @Test
  void lyceePupilsAreTheWholeOrTheSumOfTracks() throws Exception {
    Path f =
        withRows(
            "lycees.csv",
            "2022-2023;CORSE;02A;CORSE-DU-SUD;6200002H;LYCEE PROFESSIONNEL;2A004;AJACCIO;public;LP;;250.0;;;95.0;95.0;;20.0",
            "2022-2023;CORSE;02A;CORSE-DU-SUD;6200003J;LYCEE POLYVALENT;2A004;AJACCIO;public;LPO;400.0;100.0;;110.0;90.0;;30.0;20.0");
    try (var s = Staged.run(new IpsSchoolsReader.Lycees(), f, tmp)) {
      assertThat(s.rows("SELECT uai, pupils, pupils_gt, pupils_pro FROM src_fixture ORDER BY uai"))
          .extracting(
              r ->
                  r.get("uai")
                      + " "
                      + r.get("pupils")
                      + " "
                      + r.get("pupils_gt")
                      + " "
                      + r.get("pupils_pro"))
          .containsExactly(
              "6200001G 677 677 null",
              "6200002H 250 null 250",
              "6200003J 500 400 100",
              "7200999Y 500 500 null");
    }
  }

  @Test
  void geolocatedCollegesNeedBothCoordinatesAndAKnownProjection() throws Exception {
    Path f =
        withRows(
            "colleges-geoloc.csv",
            "0021686X;Collège;COLLEGE;;Public;;;;;;;;;;49.5;;;;340;COLLEGE;1;OUVERT;002;32;20;02408;;;Amiens;;99;;06;;",
            "0021687Y;Collège;COLLEGE;;Public;;;;;;;744316.3;6940400.5;EPSG:999999;;;;;340;COLLEGE;1;OUVERT;002;32;20;02408;;;Amiens;;99;;06;;");
    try (var s = Staged.run(new CollegesGeolocReader(), f, tmp)) {
      assertThat(reasons(s))
          .containsExactly(
              "longitude : latitude ou longitude manquante",
              "EPSG : système de coordonnées EPSG:999999 inconnu");
    }
  }

  @Test
  void theDirectoryIsReadByColumnNameAndNeedsItsColumns() throws Exception {
    try (var s =
        Staged.run(new AnnuaireReader(), Fixtures.miniDir().resolve("annuaire.csv"), tmp)) {
      assertThat(s.loadedRows())
          .singleElement()
          .satisfies(
              r -> {
                assertThat(r.get("uai")).isEqualTo("0750845L");
                assertThat(r.get("commune_code")).isEqualTo("75101");
                assertThat(r.get("departement_code")).isEqualTo("75");
                assertThat(r.get("coord_origin")).isEqualTo("wgs84");
              });
    }
    Path f = tmp.resolve("annuaire.csv");
    Files.writeString(
        f,
        Files.readString(Fixtures.miniDir().resolve("annuaire.csv"))
            .replace("precision_localisation", "precision"));
    assertThatThrownBy(() -> Staged.run(new AnnuaireReader(), f, tmp))
        .hasMessageContaining("annuaire.csv")
        .hasMessageContaining("'precision_localisation'");
  }
}
