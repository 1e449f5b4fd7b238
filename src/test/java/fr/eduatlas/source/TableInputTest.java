package fr.eduatlas.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import fr.eduatlas.source.arcep.FtthQuartersReader;
import fr.eduatlas.source.depp.CollegesGeolocReader;
import fr.eduatlas.source.insee.LegalPopulationsReader;
import fr.eduatlas.testing.Fixtures;
import fr.eduatlas.testing.Staged;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The shared row checks of tabular sources, through real readers into a real warehouse. */
class TableInputTest {
  @TempDir Path tmp;

  @Test
  void lineNumbersAreThoseOfTheFileAfterTitleLines() throws Exception {
    try (var s =
        Staged.run(new FtthQuartersReader(), Fixtures.miniDir().resolve("ftth.csv"), tmp)) {
      // 4 title lines and the header: the first data row is line 6.
      assertThat(s.loadedRows())
          .first()
          .satisfies(
              r -> {
                assertThat(r.get("_line")).isEqualTo(6L);
                assertThat(r.get("commune_code")).isEqualTo("01015");
                assertThat(r.get("measure")).isEqualTo("premises_connectable");
              });
      assertThat(
              s.rows(
                  "SELECT quarter, value FROM src_fixture_quarters WHERE _line = 10 ORDER BY quarter"))
          .extracting(r -> r.get("quarter") + "=" + r.get("value"))
          .containsExactly("2017-T3=77", "2017-T4=266", "2018-T1=578");
    }
  }

  @Test
  void aByteOrderMarkAndCrlfAreNotPartOfTheData() throws Exception {
    Path file = Fixtures.miniDir().resolve("colleges-geoloc.csv");
    assertThat(Files.readAllBytes(file)).startsWith(0xEF, 0xBB, 0xBF);
    try (var s = Staged.run(new CollegesGeolocReader(), file, tmp)) {
      assertThat(s.read).isEqualTo(3);
      assertThat(s.loadedRows())
          .extracting(r -> r.get("uai"))
          .containsExactly("0021685W", "0020471B", "9710999J");
    }
  }

  @Test
  void anUnclosedQuoteQuarantinesWhatItSwallowsInsteadOfFailingTheFile() throws Exception {
    Path file = tmp.resolve("pop.csv");
    Files.writeString(
        file,
        "REG;Région;DEP;CODARR;CODCAN;CODCOM;COM;Commune;PMUN;PCAP;PTOT\n"
            + "32;Hauts-de-France;2;2;97;408;2408;Laon;24021;645;24666\n"
            + "32;Hauts-de-France;2;4;99;722;2722;\"Soissons;28705;662;29367\n"
            + "32;Hauts-de-France;2;2;97;1;2001;Abbécourt;518;10;528\n");
    try (var s = Staged.run(new LegalPopulationsReader(), file, tmp)) {
      assertThat(s.loaded).isEqualTo(1);
      assertThat(s.quarantined).isEqualTo(1);
      assertThat(s.quarantine())
          .singleElement()
          .satisfies(
              q -> {
                assertThat(q.get("line")).isEqualTo(3L);
                assertThat((String) q.get("reason")).startsWith("ligne tronquée");
                assertThat((String) q.get("raw")).contains("Soissons").contains("Abbécourt");
              });
    }
  }

  @Test
  void extraFieldsAreAMalformedRow() throws Exception {
    Path file = tmp.resolve("pop.csv");
    Files.writeString(
        file,
        "REG;Région;DEP;CODARR;CODCAN;CODCOM;COM;Commune;PMUN;PCAP;PTOT\n"
            + "32;Hauts-de-France;2;2;97;408;2408;Laon;24021;645;24666;99\n");
    try (var s = Staged.run(new LegalPopulationsReader(), file, tmp)) {
      assertThat(s.quarantine())
          .singleElement()
          .satisfies(
              q ->
                  assertThat(q.get("reason"))
                      .isEqualTo("ligne mal formée : 12 champs au lieu de 11"));
    }
  }

  @Test
  void anEmptyFileIsASourceError() throws Exception {
    Path file = tmp.resolve("empty.csv");
    Files.writeString(file, "");
    assertThatThrownBy(() -> Staged.run(new LegalPopulationsReader(), file, tmp))
        .isInstanceOf(SourceException.class)
        .hasMessageContaining("empty.csv")
        .hasMessageContaining("aucune ligne d'en-tête");
  }

  @Test
  void populationCodesArePaddedAndCheckedAgainstTheirDepartement() throws Exception {
    Path file = tmp.resolve("pop.csv");
    Files.writeString(
        file,
        "REG;Région;DEP;CODARR;CODCAN;CODCOM;COM;Commune;PMUN;PCAP;PTOT\n"
            + "84;Auvergne-Rhône-Alpes;1;2;8;1;1001;L'Abergement-Clémenciat;832;16;848\n"
            + "94;Corse;2A;1;8;1;2A001;Afa;3336;59;3395\n"
            + "84;Auvergne-Rhône-Alpes;3;2;8;1;1002;Mauvais département;10;0;10\n");
    try (var s = Staged.run(new LegalPopulationsReader(), file, tmp)) {
      assertThat(s.loadedRows())
          .extracting(r -> r.get("commune_code") + "/" + r.get("departement_code"))
          .containsExactly("01001/01", "2A001/2A");
      assertThat(s.quarantine())
          .singleElement()
          .satisfies(
              q ->
                  assertThat(q.get("reason"))
                      .isEqualTo("commune 01002 hors de son département déclaré 03"));
    }
  }
}
