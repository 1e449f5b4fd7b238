package fr.eduatlas.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class WebRoutesTest {
  @Test
  void withoutBasemapThePolicyAllowsOnlyTheServersOrigin() {
    String csp = new WebRoutes(WebConfig.none()).contentSecurityPolicy();
    assertThat(csp)
        .contains("default-src 'self'")
        .contains("script-src 'self';")
        .contains("style-src 'self';")
        .contains("img-src 'self' data: blob:;")
        .contains("connect-src 'self'")
        .contains("frame-ancestors 'none'")
        .doesNotContain("unsafe")
        .doesNotContain("http");
  }

  @Test
  void aBasemapAddsItsOriginForImagesOnly() {
    var web =
        new WebRoutes(
            new WebConfig("https://{s}.tile.example.org/{z}/{x}/{y}.png", "© contributeurs"));
    assertThat(web.contentSecurityPolicy())
        .contains("img-src 'self' data: blob: https://*.tile.example.org;")
        .contains("script-src 'self';")
        .contains("connect-src 'self';");
  }

  @Test
  void thePlanIgnTemplateOfTheReadmeIsAcceptedWithItsOriginOnly() {
    String plan =
        "https://data.geopf.fr/wmts?SERVICE=WMTS&REQUEST=GetTile&VERSION=1.0.0"
            + "&LAYER=GEOGRAPHICALGRIDSYSTEMS.PLANIGNV2&STYLE=normal&FORMAT=image/png"
            + "&TILEMATRIXSET=PM&TILEMATRIX={z}&TILEROW={y}&TILECOL={x}";
    String csp = new WebRoutes(new WebConfig(plan, "Plan IGN")).contentSecurityPolicy();
    assertThat(csp).contains("img-src 'self' data: blob: https://data.geopf.fr;");
  }

  @Test
  void aBasemapThatIsNotHttpIsRefused() {
    assertThatThrownBy(() -> new WebConfig("file:///etc/passwd", null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("http(s)");
    assertThatThrownBy(() -> new WebConfig("https:///tuiles/{z}/{x}/{y}.png", null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("hôte");
    assertThatThrownBy(() -> new WebConfig("https://exemple.fr/a b/{z}.png", null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("mal formée");
    assertThat(new WebConfig("  ", null).basemapUrl()).isNull();
  }
}
