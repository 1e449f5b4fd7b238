package fr.eduatlas.warehouse;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Golden cases of the secret rule on a small hand-made hierarchy. */
class SecondarySuppressionTest {
  // Communes a, b, c in département D1; d alone in D2; both départements in France.
  static final List<IndicatorBuilder.Nesting> NESTED =
      List.of(
          new IndicatorBuilder.Nesting(
              "commune", "departement", Map.of("a", "D1", "b", "D1", "c", "D1", "d", "D2")),
          new IndicatorBuilder.Nesting(
              "commune", "france", Map.of("a", "FR", "b", "FR", "c", "FR", "d", "FR")),
          new IndicatorBuilder.Nesting("departement", "france", Map.of("D1", "FR", "D2", "FR")));

  @Test
  void oneSecretChildHidesItsSmallestPublishedSibling() {
    var r =
        Map.of(
            "commune/a",
            3.0,
            "commune/b",
            7.0,
            "commune/c",
            40.0,
            "commune/d",
            30.0,
            "departement/D1",
            50.0,
            "departement/D2",
            30.0,
            "france/FR",
            80.0);
    // a < 5: secret; D1 minus b and c would give it, so b (fewer than c) goes too. France has
    // then two secret communes: nothing more.
    assertThat(IndicatorBuilder.secondarySuppression(r, 5, NESTED))
        .containsExactlyInAnyOrder("commune/a", "commune/b");
  }

  @Test
  void anOnlyChildTakesItsParentAlongAndTheParentASibling() {
    var r =
        Map.of(
            "commune/a",
            10.0,
            "commune/b",
            10.0,
            "commune/c",
            10.0,
            "commune/d",
            4.0,
            "departement/D1",
            30.0,
            "departement/D2",
            4.0,
            "france/FR",
            34.0);
    // d < 5 and D2 (4) too; at France, D2 is the one secret département: D1 goes, then within
    // France's communes d is the only secret one: the smallest of a, b, c (a, by code) goes.
    assertThat(IndicatorBuilder.secondarySuppression(r, 5, NESTED))
        .containsExactlyInAnyOrder("commune/d", "departement/D2", "departement/D1", "commune/a");
  }

  @Test
  void nothingUnderTheThresholdNothingSecret() {
    var r = Map.of("commune/a", 10.0, "departement/D1", 10.0, "france/FR", 10.0);
    assertThat(IndicatorBuilder.secondarySuppression(r, 5, NESTED)).isEmpty();
  }
}
