package fr.eduatlas.territory;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.InputStream;
import org.junit.jupiter.api.Test;

/**
 * The programmes file as the project ships it is sound, and the checks catch what would make it
 * lie: the second TNE wave's old first year (2021-2022, before its deployment), an unknown source,
 * an unknown lever, a malformed date.
 */
class ProgrammesTest {
  static ObjectNode shipped() throws Exception {
    try (InputStream in = Programmes.class.getResourceAsStream("/programmes.json")) {
      return (ObjectNode) new ObjectMapper().readTree(in);
    }
  }

  @Test
  void theShippedFileIsSoundAndDatesTheSecondWaveByItsDeployment() throws Exception {
    assertThat(Programmes.check(shipped())).isEmpty();
    assertThat(Programmes.TNE_START)
        .hasSize(12)
        .containsEntry("02", 2021)
        .containsEntry("95", 2021);
    for (String d : new String[] {"13", "18", "2A", "25", "29", "971", "34", "38", "86", "88"}) {
      assertThat(Programmes.TNE_START).containsEntry(d, 2023);
      assertThat(Programmes.wave("tne", d)).isEqualTo("vague-2");
    }
    assertThat(Programmes.isTne("02")).isTrue();
    assertThat(Programmes.isTne("75")).isFalse();
    assertThat(Programmes.definition("aucun")).isNull();
  }

  @Test
  void inconsistenciesAreNamed() throws Exception {
    var early = shipped();
    ((ObjectNode) early.at("/programmes/0/waves/1")).put("firstSchoolYear", 2022);
    assertThat(Programmes.check(early))
        .singleElement()
        .asString()
        .contains("tne/vague-2")
        .contains("firstSchoolYear 2022")
        .contains("2022-09");
    var source = shipped();
    ((ObjectNode) source.at("/programmes/0/targets/0")).put("source", "rumeur");
    assertThat(Programmes.check(source))
        .singleElement()
        .asString()
        .contains("unknown source 'rumeur'");
    var lever = shipped();
    ((ObjectNode) lever.at("/programmes/0/achievements/0")).put("lever", "cantine");
    assertThat(Programmes.check(lever)).singleElement().asString().contains("unknown lever");
    var date = shipped();
    ((ObjectNode) date.at("/programmes/0/waves/1/phases/1")).put("start", "avril 2021");
    assertThat(Programmes.check(date)).singleElement().asString().contains("malformed date");
    // A programme of territories of any level fits the model; an unknown level does not.
    var communes = shipped();
    var wave =
        ((com.fasterxml.jackson.databind.node.ArrayNode) communes.at("/programmes/0/waves"))
            .addObject()
            .put("id", "laureats")
            .put("label", "Lauréats d'un appel")
            .put("firstSchoolYear", 2027);
    wave.putArray("territories").addObject().put("level", "commune").put("code", "02408");
    wave.putArray("phases")
        .addObject()
        .put("id", "deploiement")
        .put("label", "Raccordement")
        .put("start", "2026-09")
        .put("source", "issue-20");
    assertThat(Programmes.check(communes)).isEmpty();
    ((ObjectNode) wave.get("territories").get(0)).put("level", "ecole");
    assertThat(Programmes.check(communes)).singleElement().asString().contains("'ecole:02408'");
    assertThat(Programmes.perimeter("tne"))
        .contains("departement:02", "departement:971")
        .hasSize(12);
    var twice = shipped();
    ((com.fasterxml.jackson.databind.node.ArrayNode) twice.at("/programmes/0/waves/1/departements"))
        .add("02");
    assertThat(Programmes.check(twice)).singleElement().asString().contains("'02'");
  }
}
