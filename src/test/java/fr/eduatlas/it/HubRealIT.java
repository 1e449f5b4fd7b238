package fr.eduatlas.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import fr.eduatlas.api.ApiServer;
import fr.eduatlas.api.WebConfig;
import fr.eduatlas.hub.Hub;
import fr.eduatlas.hub.HubService;
import fr.eduatlas.hub.HubStore;
import fr.eduatlas.hub.Role;
import fr.eduatlas.testing.RealWarehouse;
import fr.eduatlas.testing.WarehouseQuery;
import fr.eduatlas.warehouse.ServedWarehouse;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The hubs on the real warehouse: the Aisne council's scope is exactly the Aisne's collèges of the
 * DEPP lists, its template lists them, an upload of all of them is accepted whole, and its token
 * writing a Val-d'Oise collège stores nothing and leaves one audit entry.
 */
class HubRealIT {
  static final ObjectMapper JSON = new ObjectMapper();
  static final HttpClient HTTP = HttpClient.newHttpClient();
  @TempDir static Path tmp;
  static Path warehouse;
  static ApiServer server;
  static HubStore store;
  static String token;

  @BeforeAll
  static void start() {
    warehouse = RealWarehouse.get();
    var served = new ServedWarehouse(warehouse, 1000);
    store = HubStore.open("jdbc:sqlite:" + tmp.resolve("hubs.sqlite"));
    store.createHub(
        Hub.ofCompetence(
            "aisne",
            "Conseil départemental de l'Aisne",
            Hub.Kind.DEPARTEMENT,
            "departement",
            "02",
            Instant.now()),
        "test");
    store.grant("aisne", "agent@aisne.fr", Role.CONTRIBUTEUR, "test");
    token = store.createToken("agent@aisne.fr", "aisne", "t", Duration.ofDays(1), "t").secret();
    server =
        ApiServer.start(
            served, "127.0.0.1", 0, WebConfig.none(), new HubService(store, served, null));
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  static HttpResponse<String> send(HttpRequest.Builder b) throws Exception {
    return HTTP.send(
        b.header("Authorization", "Bearer " + token).build(), HttpResponse.BodyHandlers.ofString());
  }

  static HttpRequest.Builder at(String path) {
    return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path));
  }

  static HttpResponse<String> upload(String csv) throws Exception {
    return send(
        at("/api/v1/hubs/aisne/uploads?jeu=connectivite")
            .header("Content-Type", "text/csv")
            .POST(HttpRequest.BodyPublishers.ofString(csv)));
  }

  static List<String> auditActions() throws Exception {
    var out = new ArrayList<String>();
    for (var a : store.auditLog("aisne", 10_000)) {
      out.add(a.entry().action());
    }
    return out;
  }

  @Test
  void aTokenOfTheAisneCouncilWritingAValDOiseCollegeStoresNothingAndIsAuditedOnce()
      throws Exception {
    String valDOise;
    try (var q = WarehouseQuery.open(warehouse)) {
      valDOise =
          q.string(
              "SELECT min(uai) FROM school WHERE departement_code = '95' AND type = 'college'");
    }
    long before = auditActions().stream().filter("hors-perimetre"::equals).count();
    int versions = store.versions("aisne", null).size();
    var r =
        upload(
            "uai;annee_scolaire;date_observation;technologie;debit_descendant_mesure\n"
                + valDOise
                + ";2024-2025;2024-10-01;fibre;850\n");
    assertThat(r.statusCode()).as(r.body()).isEqualTo(403);
    assertThat(store.versions("aisne", null)).hasSize(versions);
    assertThat(auditActions().stream().filter("hors-perimetre"::equals).count())
        .isEqualTo(before + 1);
    var e =
        store.auditLog("aisne", 10_000).stream()
            .filter(a -> a.entry().action().equals("hors-perimetre"))
            .findFirst()
            .orElseThrow();
    assertThat(e.entry().actor()).isEqualTo("agent@aisne.fr");
    assertThat(e.entry().detail()).contains("1 ligne");
  }

  @Test
  void theTemplateListsTheAisneCollegesAndAllOfThemAreAccepted() throws Exception {
    long colleges;
    try (var q = WarehouseQuery.open(warehouse)) {
      colleges =
          q.count("SELECT count(*) FROM school WHERE departement_code = '02' AND type = 'college'");
    }
    assertThat(colleges).isGreaterThan(40);
    var t = send(at("/api/v1/hubs/aisne/templates/connectivite"));
    assertThat(t.statusCode()).isEqualTo(200);
    var lines = t.body().lines().toList();
    assertThat(lines).hasSize((int) colleges + 1);
    var csv =
        new StringBuilder(
            "uai;annee_scolaire;date_observation;technologie;" + "debit_descendant_mesure\n");
    for (String l : lines.subList(1, lines.size())) {
      csv.append(l, 0, 8).append(";2024-2025;2024-10-01;fibre;300\n");
    }
    var r = upload(csv.toString());
    assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
    JsonNode report = JSON.readTree(r.body()).get("report");
    assertThat(report.get("accepted").asLong()).isEqualTo(colleges);
    assertThat(report.get("rejected").asLong()).isZero();
    JsonNode comp =
        JSON.readTree(send(at("/api/v1/hubs/aisne/completeness")).body()).get("datasets");
    assertThat(comp.get(0).get("schoolsInScope").asLong()).isEqualTo(colleges);
  }
}
