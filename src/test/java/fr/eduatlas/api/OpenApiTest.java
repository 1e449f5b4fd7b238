package fr.eduatlas.api;

import static org.assertj.core.api.Assertions.assertThat;

import fr.eduatlas.indicator.Catalog;
import fr.eduatlas.indicator.CatalogTest;
import io.javalin.Javalin;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The OpenAPI document declares exactly the routes and query parameters the server accepts. */
class OpenApiTest {
  @Test
  void everyRouteAndQueryParameterIsDeclaredAndNothingElse() {
    var reads = new Reads[1];
    Javalin.create(
        cfg ->
            reads[0] =
                ApiServer.readRoutes(cfg.routes, null, Catalog.load(CatalogTest.SOURCES), null));
    var routes = reads[0];
    Map<String, Set<String>> documented = new HashMap<>();
    for (OpenApi.Op op : OpenApi.OPS) {
      documented.put(
          op.path(),
          op.params().stream()
              .filter(p -> p.in().equals("query"))
              .map(OpenApi.Param::name)
              .collect(Collectors.toSet()));
    }
    assertThat(documented).isEqualTo(routes.declared());
  }

  @Test
  void everyHubRouteAndItsQueryParametersAreDeclared() {
    Javalin.create(
        cfg ->
            new HubRoutes(null, fr.eduatlas.hub.UploadFiles.Limits.DEFAULT).register(cfg.routes));
    Map<String, Set<String>> documented = new HashMap<>();
    for (OpenApi.HubOp op : OpenApi.HUB_OPS) {
      documented.put(
          op.method().toUpperCase(java.util.Locale.ROOT) + " " + op.path(),
          op.params().stream()
              .filter(p -> p.in().equals("query"))
              .map(OpenApi.Param::name)
              .collect(Collectors.toSet()));
    }
    assertThat(documented).isEqualTo(HubRoutes.DECLARED);
  }

  @Test
  void theDocumentIsOpenApi30WithAPathPerRoute() {
    var d = new OpenApi().document();
    assertThat(d.get("openapi").asText()).startsWith("3.0");
    assertThat(d.get("paths").size())
        .isEqualTo(
            OpenApi.OPS.size()
                + (int) OpenApi.HUB_OPS.stream().map(OpenApi.HubOp::path).distinct().count());
    assertThat(d.at("/components/securitySchemes/jeton/scheme").asText()).isEqualTo("bearer");
    assertThat(d.at("/paths/~1api~1v1~1hubs~1{hub}~1uploads/post/security/0").has("jeton"))
        .isTrue();
    assertThat(new OpenApi().html()).contains("/ogc/collections/{collectionId}/items");
  }
}
