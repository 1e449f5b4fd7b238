package fr.eduatlas.indicator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import fr.eduatlas.source.SourceEntry;
import fr.eduatlas.source.SourceManifest;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

public class CatalogTest {
  public static final Set<String> SOURCES =
      SourceManifest.bundled().entries().stream().map(SourceEntry::id).collect(Collectors.toSet());

  @Test
  void theShippedCatalogLoadsAndCoversTheIssuesList() {
    Catalog c = Catalog.load(SOURCES);
    assertThat(c.ids())
        .contains(
            "couverture-fibre",
            "etablissements-sans-connexion",
            "debit-mesure-lt-2",
            "debit-mesure-ge-100",
            "debit-souscrit-lt-8",
            "debit-par-eleve",
            "ordinateurs-pour-100-eleves",
            "tablettes-pour-100-eleves",
            "ecrans-interactifs-pour-100-eleves",
            "enseignants-formes",
            "enseignants-usage-hebdomadaire",
            "enseignants-ent",
            "enseignants-plateformes-etrangeres",
            "familles-touchees-pour-100-eleves",
            "population",
            "eleves",
            "part-population-rurale",
            "ips-moyen",
            "locaux-raccordables-ftth");
    // Teachers' answers are secret under five respondents.
    assertThat(c.all())
        .filteredOn(i -> "respondents".equals(i.denominator()))
        .allSatisfy(i -> assertThat(i.suppressBelow()).isEqualTo(5));
  }

  private static Catalog parse(String indicator) throws Exception {
    String json =
        "{\"description\": \"t\", \"version\": 1, \"benchmark\": {\"description\": \"b\","
            + " \"margin\": 0.1}, \"indicators\": ["
            + indicator
            + "]}";
    return Catalog.parse(new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8)), SOURCES);
  }

  private static String indicator(String numerator, String source, String classes) {
    return "{\"id\": \"x-y\", \"theme\": \"t\", \"label\": \"L\", \"description\": \"D\","
        + " \"unit\": \"%\", \"scale\": 100, \"numerator\": \""
        + numerator
        + "\", \"denominator\": \"premises\", \"grain\": \"commune\", \"sources\": [\""
        + source
        + "\"], \"direction\": \"neutral\", \"classes\": "
        + classes
        + "}";
  }

  @Test
  void valuesAreAppraisedAgainstFranceByDirectionAndMargin() {
    Catalog c = Catalog.load(SOURCES);
    var fibre = c.find("couverture-fibre").orElseThrow(); // higher is better
    var noConnection = c.find("etablissements-sans-connexion").orElseThrow(); // lower is better
    assertThat(c.appraise(fibre, 95.0, 80.0)).isEqualTo("favorable");
    assertThat(c.appraise(fibre, 85.0, 80.0)).isEqualTo("proche");
    assertThat(c.appraise(fibre, 60.0, 80.0)).isEqualTo("defavorable");
    assertThat(c.appraise(noConnection, 6.0, 4.0)).isEqualTo("defavorable");
    assertThat(c.appraise(c.find("population").orElseThrow(), 1.0, 2.0)).isNull();
    assertThat(c.appraise(fibre, null, 80.0)).isNull();
    // A count is never appraised: 578 premises against France's 10,965,667 says nothing.
    var premises = c.find("locaux-raccordables-ftth").orElseThrow();
    assertThat(premises.direction()).isEqualTo("higher-better");
    assertThat(c.appraise(premises, 578.0, 10_965_667.0)).isNull();
    // Every indicator of the catalog that is appraised is a share, rate or statistic.
    for (var i : c.all()) {
      if (c.appraise(i, 1.0, 1000.0) != null) {
        assertThat(i.denominator() != null || i.statistic() != null).as(i.id()).isTrue();
      }
    }
  }

  @Test
  void aCatalogNamingWhatDoesNotExistDoesNotLoad() throws Exception {
    assertThat(parse(indicator("premises_fibre", "arcep-coverage", "[1, 2]")).ids())
        .containsExactly("x-y");
    assertThatThrownBy(() -> parse(indicator("fibre", "arcep-coverage", "[1, 2]")))
        .hasMessageContaining("unknown numerator fact 'fibre'");
    assertThatThrownBy(() -> parse(indicator("premises_fibre", "arcep", "[1, 2]")))
        .hasMessageContaining("unknown source 'arcep'");
    assertThatThrownBy(() -> parse(indicator("premises_fibre", "arcep-coverage", "[2, 1]")))
        .hasMessageContaining("class thresholds must increase");
    assertThatThrownBy(
            () ->
                parse(
                    indicator("premises_fibre", "contributions:usages", "[1]")
                        + ","
                        + indicator("premises_fibre", "arcep-coverage", "[1]")))
        .hasMessageContaining("repeated");
  }
}
