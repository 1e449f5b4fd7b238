package fr.eduatlas.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import fr.eduatlas.source.cog.AcademiesReader;
import fr.eduatlas.source.cog.CogCommunesReader;
import fr.eduatlas.source.cog.CogEpciReader;
import fr.eduatlas.testing.Fixtures;
import fr.eduatlas.testing.Staged;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JsonSourcesTest {
  @TempDir Path tmp;

  @Test
  void cogCommunesKeepEveryTypeAndTheFormerCodes() throws Exception {
    try (var s =
        Staged.run(new CogCommunesReader(), Fixtures.miniDir().resolve("cog-communes.json"), tmp)) {
      assertThat(s.read).isEqualTo(12);
      assertThat(s.rows("SELECT type, count(*) AS n FROM src_fixture GROUP BY type ORDER BY type"))
          .extracting(r -> r.get("type") + "=" + r.get("n"))
          .containsExactly(
              "arrondissement-municipal=1", "commune-actuelle=9", "commune-deleguee=2");
      assertThat(s.rows("SELECT code, former_code FROM src_fixture_former ORDER BY code"))
          .extracting(r -> r.get("code") + "<" + r.get("former_code"))
          .containsExactly("01015<01340", "02722<02723", "2A004<20004");
      // Elements are numbered by the line they start on.
      assertThat(s.rows("SELECT _line FROM src_fixture WHERE code = '02408'"))
          .singleElement()
          .satisfies(r -> assertThat(r.get("_line")).isEqualTo(6L));
    }
  }

  @Test
  void aBadElementIsQuarantinedWithItsLineAndTheOthersLoad() throws Exception {
    Path f = tmp.resolve("communes.json");
    Files.writeString(
        f,
        """
        [
        {"code": "02408", "nom": "Laon", "zone": "metro", "departement": "02", "region": "32", "type": "commune-actuelle"},
        {"code": "2408", "nom": "Laon sans zéro", "zone": "metro", "departement": "02", "region": "32", "type": "commune-actuelle"},
        {"code": "02722", "nom": "Soissons", "zone": "metro", "departement": "02", "region": "32", "type": "commune-fantome"},
        {"code": "02408", "nom": "Laon bis", "zone": "metro", "departement": "02", "region": "32", "type": "commune-actuelle"}
        ]
        """);
    try (var s = Staged.run(new CogCommunesReader(), f, tmp)) {
      assertThat(s.loaded).isEqualTo(1);
      assertThat(s.quarantine())
          .extracting(q -> q.get("line") + " " + q.get("field") + " " + q.get("reason"))
          .containsExactly(
              "3 code '2408' n'est pas un code commune INSEE (5 chiffres, ou 2A/2B suivi de 3 chiffres)",
              "4 type type de commune inconnu : 'commune-fantome'",
              "5 code code 02408 (commune-actuelle) déjà lu ligne 2");
    }
  }

  @Test
  void truncatedJsonIsASourceErrorWithItsLine() throws Exception {
    Path f = tmp.resolve("epci.json");
    Files.writeString(f, "[\n{\"code\": \"200043495\", \"nom\": \"CA\",\n");
    assertThatThrownBy(() -> Staged.run(new CogEpciReader(), f, tmp))
        .isInstanceOf(SourceException.class)
        .hasMessageContaining("epci.json")
        .hasMessageContaining("ligne");
  }

  @Test
  void epciMembersAreAttachedAndACommuneInTwoEpciIsAWarning() throws Exception {
    Path f = tmp.resolve("epci.json");
    Files.writeString(
        f,
        """
        [{"code": "200043495", "nom": "CA du Pays de Laon", "type": "CA",
          "membres": [{"code": "02408"}, {"code": "02001"}]},
         {"code": "200040350", "nom": "CC Bugey Sud", "type": "CC",
          "membres": [{"code": "01015"}, {"code": "02001"}, {"code": "1X"}]}]
        """);
    try (var s = Staged.run(new CogEpciReader(), f, tmp)) {
      assertThat(s.loaded).isEqualTo(2);
      assertThat(s.warnings).isEqualTo(2);
      assertThat(
              s.rows(
                  "SELECT epci_code, commune_code FROM src_fixture_members ORDER BY commune_code"))
          .extracting(r -> r.get("commune_code") + "@" + r.get("epci_code"))
          .containsExactly("01015@200040350", "02001@200043495", "02408@200043495");
      assertThat(s.quarantine())
          .extracting(q -> q.get("reason"))
          .containsExactly(
              "commune 02001 déjà membre de l'EPCI 200043495 : ignorée ici",
              "'1X' n'est pas un code commune INSEE (5 chiffres, ou 2A/2B suivi de 3 chiffres)");
    }
  }

  @Test
  void academiesComeFromTheContourFileProperties() throws Exception {
    try (var s =
        Staged.run(new AcademiesReader(), Fixtures.miniDir().resolve("academies.geojson"), tmp)) {
      assertThat(s.loadedRows())
          .extracting(r -> r.get("code") + " " + r.get("name") + " " + r.get("region_code"))
          .contains("20 Amiens 32", "27 Corse 94");
    }
  }
}
