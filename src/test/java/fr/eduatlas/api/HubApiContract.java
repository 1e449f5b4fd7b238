package fr.eduatlas.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import fr.eduatlas.hub.Hub;
import fr.eduatlas.hub.HubService;
import fr.eduatlas.hub.HubStore;
import fr.eduatlas.hub.Rebuilder;
import fr.eduatlas.hub.Role;
import fr.eduatlas.ingest.Ingest;
import fr.eduatlas.simulation.Simulator;
import fr.eduatlas.testing.Fixtures;
import fr.eduatlas.warehouse.ServedWarehouse;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;

/**
 * The local data hubs over HTTP on loopback, on the mini dataset's warehouse, with real rebuilds
 * (the ingest of the mini dataset with every hub's published versions). Run against both stores:
 * the embedded SQLite file and PostgreSQL ({@link HubApiSqliteTest}, {@link HubApiPostgresTest}).
 *
 * <p>Hubs: the Aisne council ({@code aisne}: département 02, its collèges, by competence) and the
 * académie de Paris ({@code ac-paris}), whose scope an administrator widened to all of France for a
 * national measurement campaign: it may then write Aisne schools, but is not competent for them.
 */
abstract class HubApiContract {
  static final ObjectMapper JSON = new ObjectMapper();
  static final HttpClient HTTP = HttpClient.newHttpClient();
  static final String COLLEGE = "0021685W"; // public collège of Laon (02)
  static final String PRIVATE_COLLEGE = "0020471B"; // private collège of Laon (02)
  static final String ECOLE = "0021531D"; // école of Laon: not the département's competence
  static final String GUADELOUPE = "9710999J"; // collège of Les Abymes: outside the Aisne
  static final String HEADER =
      "uai;annee_scolaire;date_observation;technologie;debit_descendant_souscrit;"
          + "debit_descendant_mesure\n";

  /** What each concrete test class sets up once. */
  static final class Env {
    Path dir;
    Path warehouse;
    ServedWarehouse served;
    HubStore store;
    HubService service;
    ApiServer server;
    final AtomicBoolean failNextBuild = new AtomicBoolean();
    String aisneContrib;
    String aisneValid;
    String aisneReader;
    String parisContrib;
    String parisValid;
    String admin;
    String revoked;
    String expired;
    String laonFeed;
    String laonContrib;

    String base() {
      return "http://127.0.0.1:" + server.port();
    }

    void close() {
      server.close();
    }
  }

  abstract Env env();

  /** Builds the warehouse, the store at {@code storeUrl}, the hubs, members and tokens. */
  static Env start(Path dir, String storeUrl) throws Exception {
    var e = new Env();
    e.dir = dir;
    e.warehouse = Fixtures.miniWarehouse(dir, 2023);
    e.served = new ServedWarehouse(e.warehouse, 50);
    e.store = HubStore.open(storeUrl);
    var sim =
        new Ingest.Simulation(
            dir.resolve("simulated"),
            new Simulator.Config(Simulator.DEFAULT_SEED, 2023, 2025, 0.05, 1));
    Rebuilder.Build build =
        contributions -> {
          if (e.failNextBuild.getAndSet(false)) {
            throw new IllegalStateException("panne simulée de la construction");
          }
          var r =
              new Ingest(Fixtures.miniManifest(), new PrintStream(OutputStream.nullOutputStream()))
                  .run(
                      new Ingest.Options(
                          Fixtures.miniDir(), e.warehouse, false, sim, contributions));
          return JSON.writeValueAsString(r);
        };
    var rebuilder = new Rebuilder(e.store, dir.resolve("work"), build, e.served::refresh).start();
    e.service = new HubService(e.store, e.served, rebuilder);
    e.server = ApiServer.start(e.served, "127.0.0.1", 0, WebConfig.none(), e.service);
    var now = Instant.now();
    e.store.createHub(
        Hub.ofCompetence(
            "aisne",
            "Conseil départemental de l'Aisne",
            Hub.Kind.DEPARTEMENT,
            "departement",
            "02",
            now),
        "test");
    e.store.createHub(
        Hub.ofCompetence(
            "ac-paris", "Académie de Paris, DRANE", Hub.Kind.ACADEMIE, "academie", "01", now),
        "test");
    e.store.setScope(
        "ac-paris",
        new Hub.Scope(
            "france",
            "FR",
            Set.copyOf(Hub.SCHOOL_TYPES),
            Set.of("connectivite", "usages", "tests_debit")),
        "test");
    e.store.grant("aisne", "agent@aisne.fr", Role.CONTRIBUTEUR, "test");
    e.store.grant("aisne", "chef@aisne.fr", Role.VALIDEUR, "test");
    e.store.grant("aisne", "chef@aisne.fr", Role.CONTRIBUTEUR, "test");
    e.store.grant("aisne", "lecteur@aisne.fr", Role.LECTEUR, "test");
    e.store.grant("ac-paris", "drane@ac-paris.fr", Role.CONTRIBUTEUR, "test");
    e.store.grant("ac-paris", "drane@ac-paris.fr", Role.VALIDEUR, "test");
    e.store.createHub(
        Hub.ofCompetence("laon", "Ville de Laon", Hub.Kind.COMMUNE, "commune", "02408", now),
        "test");
    e.store.grant("laon", "agent@laon.fr", Role.CONTRIBUTEUR, "test");
    e.store.ensureMember("admin@eduatlas.fr", true);
    Duration d = Duration.ofDays(1);
    e.aisneContrib = e.store.createToken("agent@aisne.fr", "aisne", "poste", d, "test").secret();
    e.aisneValid = e.store.createToken("chef@aisne.fr", null, "chef", d, "test").secret();
    e.aisneReader = e.store.createToken("lecteur@aisne.fr", null, "lect", d, "test").secret();
    e.parisContrib = e.store.createToken("drane@ac-paris.fr", null, "drane", d, "test").secret();
    e.parisValid = e.parisContrib;
    e.admin = e.store.createToken("admin@eduatlas.fr", null, "admin", d, "test").secret();
    e.laonFeed = e.store.createToken("agent@laon.fr", "laon", "sonde", d, "test", true).secret();
    e.laonContrib = e.store.createToken("agent@laon.fr", null, "poste", d, "test").secret();
    var r = e.store.createToken("agent@aisne.fr", null, "ancien", d, "test");
    e.store.revokeToken(r.info().id(), "test");
    e.revoked = r.secret();
    e.expired =
        e.store.createToken("agent@aisne.fr", null, "court", Duration.ofMillis(1), "test").secret();
    Thread.sleep(5);
    return e;
  }

  // ---- HTTP helpers -------------------------------------------------------------------------

  HttpResponse<String> get(String path, String token) throws Exception {
    var b = HttpRequest.newBuilder(URI.create(env().base() + path));
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  HttpResponse<String> post(String path, String token, String type, byte[] body) throws Exception {
    var b =
        HttpRequest.newBuilder(URI.create(env().base() + path))
            .POST(HttpRequest.BodyPublishers.ofByteArray(body));
    if (type != null) {
      b.header("Content-Type", type);
    }
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  HttpResponse<String> uploadCsv(String hub, String token, String csv) throws Exception {
    return post(
        "/api/v1/hubs/" + hub + "/uploads?jeu=connectivite",
        token,
        "text/csv",
        csv.getBytes(StandardCharsets.UTF_8));
  }

  static JsonNode json(HttpResponse<String> r) throws Exception {
    return JSON.readTree(r.body());
  }

  static void assertProblem(HttpResponse<String> r, int status) throws Exception {
    assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
    assertThat(r.headers().firstValue("Content-Type").orElse(""))
        .startsWith("application/problem+json");
    JsonNode p = json(r);
    assertThat(p.get("status").asInt()).isEqualTo(status);
    assertThat(p.get("title").asText()).isNotBlank();
    assertThat(p.get("detail").asText()).isNotBlank();
  }

  int versionCount(String hub) throws Exception {
    return json(get("/api/v1/hubs/" + hub + "/versions", env().admin)).get("versions").size();
  }

  List<JsonNode> audit(String hub, String action) throws Exception {
    var out = new ArrayList<JsonNode>();
    for (JsonNode a : json(get("/api/v1/hubs/" + hub + "/audit", env().admin)).get("audit")) {
      if (a.path("entry").path("action").asText().equals(action)) {
        out.add(a.get("entry"));
      }
    }
    return out;
  }

  /** Waits until the rebuild at {@code href} is served or failed; returns it. */
  JsonNode awaitRebuild(String href) throws Exception {
    long end = System.nanoTime() + Duration.ofMinutes(2).toNanos();
    while (System.nanoTime() < end) {
      JsonNode r = json(get(href, env().admin));
      String s = r.get("status").asText();
      if (s.equals("served") || s.equals("failed")) {
        return r;
      }
      Thread.sleep(100);
    }
    throw new AssertionError("rebuild not finished: " + href);
  }

  JsonNode schoolConnectivity(String uai, int year) throws Exception {
    JsonNode s = json(get("/api/v1/schools/" + uai, null));
    for (JsonNode c : s.get("connectivity")) {
      if (c.get("annee").asInt() == year) {
        return c;
      }
    }
    return null;
  }

  // ---- authentication -----------------------------------------------------------------------

  /** A declared route's path with its parameters filled in. */
  static String concrete(String template) {
    return template
        .replace("{hub}", "aisne")
        .replace("{upload}", "0123456789abcdef0123")
        .replace("{id}", "0123456789abcdef0123")
        .replace("{jeu}", "connectivite")
        .replace("{numero}", "1")
        .replace("{campagne}", "0123456789abcdef0123")
        .replace("{candidature}", "0123456789abcdef0123");
  }

  @Test
  void everyRouteRefusesAMissingOrBadTokenWith401() throws Exception {
    assertThat(HubRoutes.DECLARED).hasSizeGreaterThan(15);
    for (String route : HubRoutes.DECLARED.keySet()) {
      if (OpenApi.OPEN.contains(route)) {
        continue; // public reads (the campaigns): tested in campaignsFromShortlistToConnection
      }
      String method = route.substring(0, route.indexOf(' '));
      String path = concrete(route.substring(route.indexOf(' ') + 1));
      var r =
          method.equals("GET")
              ? get(path, null)
              : post(path, null, "text/csv", HEADER.getBytes(StandardCharsets.UTF_8));
      assertProblem(r, 401);
      assertThat(r.headers().firstValue("WWW-Authenticate").orElse(""))
          .as(route)
          .startsWith("Bearer");
    }
    assertProblem(uploadCsv("aisne", null, HEADER), 401);
    for (String bad :
        List.of(
            "nimportequoi",
            env().revoked,
            env().expired,
            env().aisneContrib.substring(0, 20) + "x".repeat(40))) {
      var r = get("/api/v1/hubs", bad);
      assertProblem(r, 401);
    }
    assertThat(json(get("/api/v1/hubs", env().revoked)).get("detail").asText())
        .isEqualTo("jeton révoqué");
    assertThat(json(get("/api/v1/hubs", env().expired)).get("detail").asText())
        .isEqualTo("jeton expiré");
  }

  @Test
  void repeatedAuthenticationFailuresFromOneAddressAreRefusedFor429() throws Exception {
    // From 127.0.0.2, so that the other tests' address is not throttled.
    int last = 0;
    String body = "";
    for (int k = 0; k < 11; k++) {
      try (var s = new Socket()) {
        s.bind(new InetSocketAddress("127.0.0.2", 0));
        s.connect(new InetSocketAddress("127.0.0.1", env().server.port()));
        s.getOutputStream()
            .write(
                ("GET /api/v1/hubs HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer faux\r\n"
                        + "Connection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
        String resp = new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        last = Integer.parseInt(resp.substring(9, 12));
        body = resp;
      }
    }
    assertThat(last).isEqualTo(429);
    assertThat(body).contains("Retry-After").contains("application/problem+json");
    // The loopback address the other tests use is unaffected.
    assertThat(get("/api/v1/hubs", env().aisneContrib).statusCode()).isEqualTo(200);
  }

  @Test
  void aMemberSeesItsHubsAndNotTheOthers() throws Exception {
    JsonNode r = json(get("/api/v1/hubs", env().aisneContrib));
    assertThat(r.get("hubs")).hasSize(1);
    JsonNode h = r.get("hubs").get(0);
    assertThat(h.get("id").asText()).isEqualTo("aisne");
    assertThat(h.get("scope").get("schoolTypes").toString()).isEqualTo("[\"college\"]");
    assertThat(h.get("roles").toString()).isEqualTo("[\"contributeur\"]");
    assertProblem(get("/api/v1/hubs/ac-paris", env().aisneContrib), 404);
    assertThat(json(get("/api/v1/hubs", env().admin)).get("hubs")).hasSize(3);
    // A token restricted to one hub acts on that hub only, whatever its member's roles.
    assertProblem(get("/api/v1/hubs/ac-paris/versions", env().aisneContrib), 404);
  }

  // ---- upload and scope ---------------------------------------------------------------------

  @Test
  void aWriteOutsideTheScopeStoresNothingAndIsAudited() throws Exception {
    int before = versionCount("aisne");
    int audited = audit("aisne", "hors-perimetre").size();
    var r =
        uploadCsv(
            "aisne",
            env().aisneContrib,
            HEADER + GUADELOUPE + ";2024-2025;2024-10-01;fibre;;300\n");
    assertProblem(r, 403);
    assertThat(json(r).get("detail").asText()).contains("hors du périmètre");
    assertThat(versionCount("aisne")).isEqualTo(before);
    var entries = audit("aisne", "hors-perimetre");
    assertThat(entries).hasSize(audited + 1);
    assertThat(entries.get(0).get("actor").asText()).isEqualTo("agent@aisne.fr");
    assertThat(entries.get(0).get("address").asText()).isEqualTo("127.0.0.1");
  }

  @Test
  void anUploadReportsEveryRejectedRowAndKeepsNoTextOfRowsOutsideTheScope() throws Exception {
    String csv =
        HEADER
            + COLLEGE
            + ";2023-2024;2023-11-02;fibre;1000;700\n"
            + ECOLE
            + ";2023-2024;2023-11-02;fibre;1000;700\n"
            + "0020975A;2023-2024;2023-11-02;fibre;1000;700\n"
            + "0029999H;2023-2024;2023-11-02;fibre;1000;700\n"
            + GUADELOUPE
            + ";2023-2024;2023-11-02;dsl;20;2048\n"
            + PRIVATE_COLLEGE
            + ";2023-2024;2022-11-02;fibre;1000;700\n";
    var r = uploadCsv("aisne", env().aisneContrib, csv);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
    JsonNode report = json(r).get("report");
    assertThat(report.get("read").asInt()).isEqualTo(6);
    assertThat(report.get("accepted").asInt()).isEqualTo(1);
    assertThat(report.get("rejected").asInt()).isEqualTo(5);
    assertThat(report.get("outOfScope").asInt()).isEqualTo(1);
    var byLine = new java.util.HashMap<Integer, JsonNode>();
    report.get("files").get(0).get("rejections").forEach(x -> byLine.put(x.get("line").asInt(), x));
    assertThat(byLine.get(3).get("reason").asText()).startsWith("hors périmètre").contains("ecole");
    assertThat(byLine.get(3).get("raw").isNull()).isTrue();
    assertThat(byLine.get(4).get("field").asText()).isEqualTo("uai");
    assertThat(byLine.get(4).get("raw").asText()).contains("0020975A");
    assertThat(byLine.get(5).get("reason").asText()).contains("inconnu");
    assertThat(byLine.get(6).get("reason").asText()).contains("kbit/s");
    assertThat(byLine.get(7).get("field").asText()).isEqualTo("date_observation");
    String href = json(r).get("href").asText();
    var csvReport = get(href + "?format=csv", env().aisneReader);
    assertThat(csvReport.statusCode()).isEqualTo(200);
    assertThat(csvReport.body())
        .startsWith("\uFEFFfichier;jeu;ligne;champ;motif;hors_perimetre;texte");
    assertThat(csvReport.body().lines().filter(l -> l.contains(";oui;")).toList())
        .singleElement()
        .satisfies(l -> assertThat(l).endsWith(";oui;"));
    // The version holds the one accepted row.
    JsonNode v = json(r).get("versions").get(0);
    JsonNode stored =
        json(
            get(
                "/api/v1/hubs/aisne/versions/connectivite/" + v.get("number").asInt(),
                env().aisneReader));
    assertThat(stored.get("rows")).hasSize(1);
    assertThat(stored.get("rows").get(0).get("uai").asText()).isEqualTo(COLLEGE);
  }

  @Test
  void badRequestsAreSpecificProblems() throws Exception {
    assertProblem(
        post("/api/v1/hubs/aisne/uploads", env().aisneContrib, "text/plain", new byte[] {1}), 415);
    assertProblem(
        post(
            "/api/v1/hubs/aisne/uploads",
            env().aisneContrib,
            "text/csv",
            HEADER.getBytes(StandardCharsets.UTF_8)),
        400);
    assertProblem(
        post("/api/v1/hubs/aisne/uploads?jeu=inconnu", env().aisneContrib, "text/csv", new byte[0]),
        400);
    assertProblem(
        post(
            "/api/v1/hubs/aisne/uploads?jeu=connectivite&x=1",
            env().aisneContrib,
            "text/csv",
            new byte[0]),
        400);
    // A missing required column rejects the file as a whole, named.
    var r =
        uploadCsv("aisne", env().aisneContrib, "uai;annee_scolaire\n" + COLLEGE + ";2024-2025\n");
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(json(r).get("versions")).isEmpty();
    assertThat(json(r).get("report").get("files").get(0).get("error").asText())
        .contains("date_observation");
    assertProblem(get("/api/v1/hubs/aisne/uploads/zzz", env().aisneContrib), 404);
    assertProblem(get("/api/v1/hubs/aisne/versions/connectivite/999", env().aisneContrib), 404);
    assertProblem(get("/api/v1/hubs/aisne/versions/connectivite/abc", env().aisneContrib), 400);
    assertProblem(get("/api/v1/hubs/aisne/diff/connectivite?de=1", env().aisneContrib), 400);
    assertProblem(get("/api/v1/rebuilds/nothex", env().admin), 404);
    // Only the dataset's own file names inside a multipart upload.
    assertProblem(multipart("aisne", env().aisneContrib, "donnees.csv", new byte[] {'a'}), 400);
  }

  HttpResponse<String> multipart(String hub, String token, String filename, byte[] content)
      throws Exception {
    String boundary = "----eduatlas" + System.nanoTime();
    var out = new ByteArrayOutputStream();
    out.write(
        ("--"
                + boundary
                + "\r\nContent-Disposition: form-data; name=\"fichier\"; filename=\""
                + filename
                + "\"\r\nContent-Type: application/octet-stream\r\n\r\n")
            .getBytes(StandardCharsets.UTF_8));
    out.write(content);
    out.write(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
    return post(
        "/api/v1/hubs/" + hub + "/uploads",
        token,
        "multipart/form-data; boundary=" + boundary,
        out.toByteArray());
  }

  @Test
  void aContributionFolderAsAZipInAMultipartFormIsReadLikeTheFiles() throws Exception {
    var zip = new ByteArrayOutputStream();
    try (var z = new ZipOutputStream(zip)) {
      z.putNextEntry(new ZipEntry("ma-contribution/contribution.json"));
      z.write("{}".getBytes(StandardCharsets.UTF_8));
      z.putNextEntry(new ZipEntry("ma-contribution/connectivite.csv"));
      z.write(
          (HEADER + COLLEGE + ";2022-2023;2022-11-02;fibre;1000;650\n")
              .getBytes(StandardCharsets.UTF_8));
      z.putNextEntry(new ZipEntry("ma-contribution/equipement.csv"));
      z.write(
          ("uai;annee_scolaire;ordinateurs_fixes;tablettes\n" + COLLEGE + ";2022-2023;40;12\n")
              .getBytes(StandardCharsets.UTF_8));
    }
    var r = multipart("aisne", env().aisneContrib, "aisne.zip", zip.toByteArray());
    assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
    assertThat(json(r).get("versions")).hasSize(2);
    assertThat(json(r).get("report").get("accepted").asInt()).isEqualTo(2);
  }

  @Test
  void zipPathsEscapingTheFolderAndZipBombsAreRefused() throws Exception {
    var slip = new ByteArrayOutputStream();
    try (var z = new ZipOutputStream(slip)) {
      z.putNextEntry(new ZipEntry("../connectivite.csv"));
      z.write(HEADER.getBytes(StandardCharsets.UTF_8));
    }
    var r =
        post(
            "/api/v1/hubs/aisne/uploads",
            env().aisneContrib,
            "application/zip",
            slip.toByteArray());
    assertProblem(r, 400);
    assertThat(json(r).get("detail").asText()).contains("sort du dossier");
    // 600 MiB of zeros deflate to about 600 KiB: refused past 512 MiB inflated, by bytes read.
    var bomb = new ByteArrayOutputStream();
    try (var z = new ZipOutputStream(bomb)) {
      z.setLevel(9);
      z.putNextEntry(new ZipEntry("connectivite.csv"));
      byte[] zeros = new byte[1 << 20];
      for (int k = 0; k < 600; k++) {
        z.write(zeros);
      }
    }
    var b =
        post(
            "/api/v1/hubs/aisne/uploads",
            env().aisneContrib,
            "application/zip",
            bomb.toByteArray());
    assertProblem(b, 413);
    assertThat(json(b).get("detail").asText()).contains("décompressée");
  }

  @Test
  void aBodyOverTheLimitIs413WhateverItsFraming() throws Exception {
    // Chunked (no Content-Length): the limit holds on the bytes read.
    long size = (64L << 20) + 4096;
    var body =
        HttpRequest.BodyPublishers.ofInputStream(
            () ->
                new InputStream() {
                  long left = size;
                  final byte[] line =
                      (COLLEGE + ";2024-2025;2024-10-01;fibre;1000;850\n").getBytes();
                  int pos;

                  @Override
                  public int read() {
                    if (left-- <= 0) {
                      return -1;
                    }
                    byte b = line[pos];
                    pos = (pos + 1) % line.length;
                    return b;
                  }
                });
    var req =
        HttpRequest.newBuilder(
                URI.create(env().base() + "/api/v1/hubs/aisne/uploads?jeu=connectivite"))
            .header("Authorization", "Bearer " + env().aisneContrib)
            .header("Content-Type", "text/csv")
            .POST(body)
            .build();
    HttpResponse<String> r;
    try {
      r = HTTP.send(req, HttpResponse.BodyHandlers.ofString());
    } catch (java.io.IOException e) {
      // The server may close the connection once it has answered: it must have answered 413.
      return;
    }
    assertProblem(r, 413);
  }

  @Test
  void twoUploadsAtOnceBecomeTwoVersions() throws Exception {
    var pool = Executors.newFixedThreadPool(2);
    try {
      Callable<HttpResponse<String>> up =
          () ->
              post(
                  "/api/v1/hubs/ac-paris/uploads?jeu=usages",
                  env().parisContrib,
                  "text/csv",
                  ("uai;annee_scolaire;enseignants;enseignants_repondants\n"
                          + "0750845L;2023-2024;12;8\n")
                      .getBytes(StandardCharsets.UTF_8));
      var a = pool.submit(up);
      var b = pool.submit(up);
      var numbers = new java.util.TreeSet<Integer>();
      for (var f : List.of(a, b)) {
        var r = f.get();
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        numbers.add(json(r).get("versions").get(0).get("number").asInt());
      }
      assertThat(numbers).hasSize(2);
      assertThat(numbers.last() - numbers.first()).isEqualTo(1);
    } finally {
      pool.shutdown();
    }
  }

  // ---- versions, publication, precedence, provenance ---------------------------------------

  @Test
  void publishRebuildPrecedenceConflictsProvenanceRollbackAndAFailedRebuild() throws Exception {
    var e = env();
    // Two versions of the Aisne's connectivity.
    var v1 =
        uploadCsv(
            "aisne", e.aisneContrib, HEADER + COLLEGE + ";2024-2025;2024-10-01;fibre;1000;850\n");
    assertThat(v1.statusCode()).as(v1.body()).isEqualTo(201);
    int n1 = json(v1).get("versions").get(0).get("number").asInt();
    var v2 =
        uploadCsv(
            "aisne",
            e.aisneContrib,
            HEADER
                + COLLEGE
                + ";2024-2025;2024-10-01;fibre;1000;900\n"
                + PRIVATE_COLLEGE
                + ";2024-2025;2024-10-03;fibre;500;420\n");
    int n2 = json(v2).get("versions").get(0).get("number").asInt();
    assertThat(n2).isEqualTo(n1 + 1);

    JsonNode diff =
        json(get("/api/v1/hubs/aisne/diff/connectivite?de=" + n1 + "&a=" + n2, e.aisneReader));
    assertThat(diff.get("added").toString()).isEqualTo("[\"" + PRIVATE_COLLEGE + "|2025\"]");
    assertThat(diff.get("changed")).hasSize(1);
    assertThat(diff.get("changed").get(0).get("fields").get("down_measured").toString())
        .isEqualTo("[850.0,900.0]");
    assertThat(diff.get("removed")).isEmpty();

    // A contributeur may not publish; the refusal is audited.
    int denied = audit("aisne", "publication").size();
    assertProblem(
        post(
            "/api/v1/hubs/aisne/versions/connectivite/" + n2 + "/publication",
            e.aisneContrib,
            null,
            new byte[0]),
        403);
    assertThat(audit("aisne", "publication")).hasSize(denied + 1);
    assertThat(audit("aisne", "publication").get(0).get("outcome").asText()).isEqualTo("refuse");

    String before = json(get("/api/health", null)).get("dataVersion").asText();
    JsonNode rebuilt = publish("aisne", n2, e.aisneValid);
    assertThat(rebuilt.get("status").asText()).as(rebuilt.toString()).isEqualTo("served");
    assertThat(json(get("/api/health", null)).get("dataVersion").asText()).isNotEqualTo(before);
    JsonNode c = schoolConnectivity(COLLEGE, 2025);
    assertThat(c.get("debit_descendant_mesure").asDouble()).isEqualTo(900.0);
    assertThat(c.get("simule").asBoolean()).isFalse();
    assertThat(c.get("pole").asText()).isEqualTo("aisne");
    assertThat(c.get("version_pole").asInt()).isEqualTo(n2);
    assertThat(c.get("publie_le").asText()).isNotBlank();
    // The list, its CSV and the indicators say where figures come from.
    JsonNode listed = json(get("/api/v1/schools?departement=02&type=college", null));
    JsonNode school = null;
    for (JsonNode s : listed.get("schools")) {
      if (s.get("uai").asText().equals(COLLEGE)) {
        school = s;
      }
    }
    assertThat(school).isNotNull();
    assertThat(school.get("provenance").get("hub").asText()).isEqualTo("aisne");
    assertThat(get("/api/v1/schools?departement=02&type=college&format=csv", null).body())
        .contains(",pole-aisne,aisne," + n2 + ",");
    JsonNode values =
        json(
            get(
                "/api/v1/indicators/debit-mesure-moyen/values?level=departement" + "&year=2025",
                null));
    JsonNode aisne = null;
    for (JsonNode v : values.get("values")) {
      if (v.get("code").asText().equals("02")) {
        aisne = v;
      }
    }
    assertThat(aisne).as(values.toString()).isNotNull();
    assertThat(aisne.get("coverage").get("realSchools").asInt()).isEqualTo(2);
    assertThat(aisne.get("coverage").get("realShare").asDouble()).isGreaterThan(0);

    // The académie, widened to all of France, declares no connection, more recently: the
    // département keeps the collège by competence, and both hubs see the conflict.
    var p =
        uploadCsv(
            "ac-paris", e.parisContrib, HEADER + COLLEGE + ";2024-2025;2025-03-01;aucune;;0\n");
    assertThat(p.statusCode()).as(p.body()).isEqualTo(201);
    JsonNode rebuilt2 =
        publish("ac-paris", json(p).get("versions").get(0).get("number").asInt(), e.parisValid);
    assertThat(rebuilt2.get("status").asText()).as(rebuilt2.toString()).isEqualTo("served");
    assertThat(schoolConnectivity(COLLEGE, 2025).get("debit_descendant_mesure").asDouble())
        .isEqualTo(900.0);
    for (String[] who :
        List.of(new String[] {"aisne", e.aisneReader}, new String[] {"ac-paris", e.parisContrib})) {
      JsonNode conflicts = json(get("/api/v1/hubs/" + who[0] + "/conflicts", who[1]));
      assertThat(conflicts.get("conflicts")).as(who[0]).hasSize(1);
      JsonNode k = conflicts.get("conflicts").get(0);
      assertThat(k.get("uai").asText()).isEqualTo(COLLEGE);
      assertThat(k.get("kept_contribution").asText()).isEqualTo("pole-aisne");
      assertThat(k.get("overridden_contribution").asText()).isEqualTo("pole-ac-paris");
      assertThat(k.get("rule").asText()).isEqualTo("competence");
      assertThat(k.get("overridden_values").asText()).contains("aucune");
    }
    // The build report lists it too.
    assertThat(rebuilt2.get("report").toString()).contains("conflits-entre-contributions");

    // Rollback: the earlier version published again.
    JsonNode back = publish("aisne", n1, e.aisneValid);
    assertThat(back.get("status").asText()).isEqualTo("served");
    assertThat(schoolConnectivity(COLLEGE, 2025).get("debit_descendant_mesure").asDouble())
        .isEqualTo(850.0);
    assertThat(audit("aisne", "retour-arriere")).isNotEmpty();
    JsonNode history = json(get("/api/v1/hubs/aisne/publications", e.aisneReader));
    assertThat(history.get("publications").get(0).get("number").asInt()).isEqualTo(n1);

    // A failed rebuild leaves the served data as they were, and says why.
    String served = json(get("/api/health", null)).get("dataVersion").asText();
    e.failNextBuild.set(true);
    JsonNode failed = publish("aisne", n2, e.aisneValid);
    assertThat(failed.get("status").asText()).isEqualTo("failed");
    assertThat(failed.get("detail").asText()).contains("panne simulée");
    assertThat(json(get("/api/health", null)).get("dataVersion").asText()).isEqualTo(served);
    assertThat(schoolConnectivity(COLLEGE, 2025).get("debit_descendant_mesure").asDouble())
        .isEqualTo(850.0);

    // Completeness and templates over the hub's scope: the two collèges of the Aisne.
    var compR = get("/api/v1/hubs/aisne/completeness", e.aisneReader);
    assertThat(compR.statusCode()).as(compR.body()).isEqualTo(200);
    JsonNode comp = json(compR);
    JsonNode conn = null;
    for (JsonNode d : comp.get("datasets")) {
      if (d.get("dataset").asText().equals("connectivite")) {
        conn = d;
      }
    }
    assertThat(conn.get("schoolsInScope").asInt()).isEqualTo(2);
    assertThat(conn.get("publishedVersion").asInt()).isEqualTo(n2);
    assertThat(conn.get("schoolsCovered").asInt()).isEqualTo(2);
    var template = get("/api/v1/hubs/aisne/templates/connectivite", e.aisneReader);
    assertThat(template.body().lines().toList())
        .hasSize(3)
        .anySatisfy(l -> assertThat(l).startsWith(COLLEGE + ";"))
        .anySatisfy(l -> assertThat(l).startsWith(PRIVATE_COLLEGE + ";"));
    assertThat(template.body()).startsWith("\uFEFFuai;nom_etablissement;commune;annee_scolaire;");
  }

  JsonNode publish(String hub, int number, String token) throws Exception {
    var r =
        post(
            "/api/v1/hubs/" + hub + "/versions/connectivite/" + number + "/publication",
            token,
            null,
            new byte[0]);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
    return awaitRebuild(json(r).get("rebuild").get("href").asText());
  }

  @Test
  void theAuditLogIsForMembersAndTheWholeLogForAdministrators() throws Exception {
    assertThat(json(get("/api/v1/hubs/aisne/audit", env().aisneReader)).get("audit").size())
        .isGreaterThan(0);
    assertProblem(get("/api/v1/hubs/aisne/audit", env().parisContrib), 404);
    assertProblem(get("/api/v1/audit", env().aisneValid), 403);
    JsonNode all = json(get("/api/v1/audit?limit=1000", env().admin));
    assertThat(all.get("audit").toString()).contains("creation-pole").contains("attribution");
  }

  // ---- the live speed-test feed ---------------------------------------------------------------

  static final String LAON_SCHOOL = "0020975Z"; // école of Laon: the commune's competence

  HttpResponse<String> feed(String hub, String lot, String token, String type, String body)
      throws Exception {
    return post(
        "/api/v1/hubs/" + hub + "/tests-debit" + (lot == null ? "" : "?lot=" + lot),
        token,
        type,
        body.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void theSpeedTestFeedStoresEachBatchWholeOnceFromItsOwnToken() throws Exception {
    var e = env();
    String nd =
        "{\"uai\":\""
            + LAON_SCHOOL
            + "\",\"horodatage\":\"2025-03-10T09:00:00+01:00\",\"debit_descendant\":48.5,"
            + "\"debit_montant\":9.1,\"latence\":21}\n"
            + "pas du json\n"
            + "{\"uai\":\""
            + LAON_SCHOOL
            + "\",\"horodatage\":\"2025-03-10T10:00:00+01:00\",\"debit_descendant\":-3}\n"
            + "{\"uai\":\""
            + COLLEGE
            + "\",\"horodatage\":\"2025-03-10T10:00:00+01:00\",\"debit_descendant\":30}\n"
            + "\n"
            + "{\"uai\":\""
            + LAON_SCHOOL
            + "\",\"horodatage\":\"2025-03-10T11:00:00+01:00\",\"debit_descendant\":52}\n";
    var r = feed("laon", "sonde-1", e.laonFeed, "application/x-ndjson", nd);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
    JsonNode b = json(r);
    assertThat(b.get("replay").asBoolean()).isFalse();
    assertThat(b.get("read").asLong()).isEqualTo(5);
    assertThat(b.get("stored").asLong()).isEqualTo(2);
    assertThat(b.get("rejected").asLong()).isEqualTo(3);
    var lines = new java.util.TreeMap<Integer, String>();
    for (JsonNode x : b.get("report").get("rejections")) {
      lines.put(x.get("line").asInt(), x.path("field").asText() + " : " + x.get("reason").asText());
    }
    // NDJSON lines as sent (the blank line is not counted).
    assertThat(lines.keySet()).containsExactly(2, 3, 4);
    assertThat(lines.get(2)).contains("pas un objet JSON");
    assertThat(lines.get(3)).startsWith("debit_descendant : valeur hors limites : -3");
    assertThat(lines.get(4)).startsWith("uai : hors périmètre");

    // The same batch again: answered from the first time, nothing stored twice.
    var again = feed("laon", "sonde-1", e.laonFeed, "application/x-ndjson", nd);
    assertThat(again.statusCode()).isEqualTo(200);
    assertThat(json(again).get("replay").asBoolean()).isTrue();
    assertThat(json(again).get("stored").asLong()).isEqualTo(2);

    // A CSV batch with one test already received: a duplicate, not a second copy.
    String csv =
        "uai,horodatage,debit_descendant\n"
            + LAON_SCHOOL
            + ",2025-03-10T09:00:00+01:00,48.5\n"
            + LAON_SCHOOL
            + ",2025-03-11T09:00:00+01:00,61\n";
    var second = feed("laon", "sonde-2", e.laonContrib, "text/csv", csv);
    assertThat(second.statusCode()).as(second.body()).isEqualTo(201);
    assertThat(json(second).get("stored").asLong()).isEqualTo(1);
    assertThat(json(second).get("duplicates").asLong()).isEqualTo(1);
    assertThat(e.service.feed().summary("laon").tests()).isEqualTo(3);

    // The feed token does nothing else, and nowhere else.
    assertProblem(get("/api/v1/hubs", e.laonFeed), 403);
    assertProblem(get("/api/v1/hubs/laon/versions", e.laonFeed), 403);
    assertProblem(
        post("/api/v1/hubs/laon/uploads?jeu=tests_debit", e.laonFeed, "text/csv", csv.getBytes()),
        403);
    assertProblem(feed("aisne", "x", e.laonFeed, "text/csv", csv), 404);
    // Neither a reader nor an outsider may post tests.
    assertProblem(feed("aisne", "x", e.aisneReader, "text/csv", csv), 403);
    assertProblem(feed("laon", "x", e.aisneContrib, "text/csv", csv), 404);
    // A batch needs its id, a known type.
    assertProblem(feed("laon", null, e.laonFeed, "text/csv", csv), 400);
    assertProblem(feed("laon", "a/b", e.laonFeed, "text/csv", csv), 400);
    assertProblem(feed("laon", "x".repeat(65), e.laonFeed, "text/csv", csv), 400);
    assertProblem(feed("laon", "sonde-3", e.laonFeed, "application/json", "{}"), 415);
    assertThat(e.service.feed().summary("laon").batches()).isEqualTo(2);

    // The next build reads them: the export writes every test of the feed, once.
    Path out = java.nio.file.Files.createTempDirectory(e.dir, "export");
    fr.eduatlas.hub.ContributionExport.write(e.store, out);
    var written = java.nio.file.Files.readAllLines(out.resolve("laon").resolve("tests_debit.csv"));
    assertThat(written).hasSize(4);
    assertThat(written.subList(1, 4)).allSatisfy(l -> assertThat(l).startsWith(LAON_SCHOOL));
    assertThat(
            JSON.readTree(out.resolve("laon").resolve("contribution.json").toFile())
                .at("/pole/flux_tests/tests")
                .asLong())
        .isEqualTo(3);
    // Two batches stored, one refused attempt (the Aisne's agent), each audited.
    assertThat(audit("laon", "flux-tests"))
        .extracting(a -> a.get("outcome").asText())
        .containsExactlyInAnyOrder("ok", "ok", "refuse");
  }

  // ---- directory of actors and projects ----------------------------------------------------

  @Test
  void aHubsDirectoryIsCheckedSavedPublishedAndServedWithItsTerritory() throws Exception {
    var e = env();
    String bad =
        "{\"acteurs\":[{\"id\":\"cd\",\"nom\":\"Conseil départemental\",\"nature\":\"mairie\"}],"
            + "\"projets\":[{\"id\":\"p\",\"nom\":\"Fibre des collèges\",\"levier\":\"fibre\","
            + "\"statut\":\"en-cours\",\"budget\":-5,\"financeurs\":[\"etat\"],"
            + "\"etablissements\":[\""
            + ECOLE
            + "\",\"123\"],\"debut\":\"2025-09-01\",\"fin\":\"2024-01-01\"}]}";
    var r = post("/api/v1/hubs/aisne/annuaire", e.aisneContrib, "application/json", bad.getBytes());
    assertProblem(r, 422);
    var errors = new ArrayList<String>();
    json(r).get("errors").forEach(x -> errors.add(x.asText()));
    assertThat(errors)
        .anySatisfy(x -> assertThat(x).startsWith("acteurs[0].nature"))
        .anySatisfy(x -> assertThat(x).startsWith("projets[0].levier"))
        .anySatisfy(x -> assertThat(x).startsWith("projets[0].budget"))
        .anySatisfy(x -> assertThat(x).contains("acteur inconnu « etat »"))
        .anySatisfy(
            x -> assertThat(x).contains(ECOLE + " » n'est pas un établissement du périmètre"))
        .anySatisfy(x -> assertThat(x).contains("code UAI mal formé « 123 »"))
        .anySatisfy(x -> assertThat(x).startsWith("projets[0].fin"));
    String good =
        "{\"acteurs\":[{\"id\":\"cd\",\"nom\":\"Conseil départemental\",\"nature\":\"collectivite\","
            + "\"role\":\"équipement des collèges\"}],"
            + "\"projets\":[{\"id\":\"p\",\"nom\":\"Fibre des collèges\",\"levier\":\"equipement\","
            + "\"statut\":\"en-cours\",\"budget\":250000,\"financeurs\":[\"cd\"],"
            + "\"etablissements\":[\""
            + COLLEGE
            + "\"],\"debut\":\"2025-09-01\",\"fin\":null}]}";
    assertProblem(
        post("/api/v1/hubs/aisne/annuaire", e.aisneReader, "application/json", good.getBytes()),
        403);
    r = post("/api/v1/hubs/aisne/annuaire", e.aisneContrib, "application/json", good.getBytes());
    assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
    int n = json(r).get("number").asInt();
    // Not public before it is published, and only a valideur publishes.
    assertThat(json(get("/api/v1/territories/departement/02/annuaire", null)).get("hubs"))
        .isEmpty();
    String pub = "/api/v1/hubs/aisne/annuaire/versions/" + n + "/publication";
    assertProblem(post(pub, e.aisneContrib, null, new byte[0]), 403);
    assertThat(post(pub, e.aisneValid, null, new byte[0]).statusCode()).isEqualTo(200);
    JsonNode served = json(get("/api/v1/territories/departement/02/annuaire", null));
    assertThat(served.get("hubs")).hasSize(1);
    assertThat(served.at("/hubs/0/projets/0/budget").asDouble()).isEqualTo(250000);
    assertThat(served.at("/hubs/0/version").asInt()).isEqualTo(n);
    assertProblem(get("/api/v1/territories/departement/02%27/annuaire", null), 400);
    assertProblem(get("/api/v1/territories/planete/02/annuaire", null), 400);
    assertProblem(get("/api/v1/territories/departement/02/annuaire?x=1", null), 400);
  }

  // ---- the contributors' web session -------------------------------------------------------

  /** A browser's cookies, kept by name. */
  static final class Browser {
    final java.util.Map<String, String> cookies = new java.util.HashMap<>();
    final List<String> setCookies = new ArrayList<>();

    HttpRequest.Builder with(HttpRequest.Builder b) {
      if (!cookies.isEmpty()) {
        b.header(
            "Cookie",
            String.join(
                "; ",
                cookies.entrySet().stream().map(x -> x.getKey() + "=" + x.getValue()).toList()));
      }
      return b;
    }

    HttpResponse<String> send(HttpRequest.Builder b) throws Exception {
      var r = HTTP.send(with(b).build(), HttpResponse.BodyHandlers.ofString());
      for (String c : r.headers().allValues("Set-Cookie")) {
        setCookies.add(c);
        String kv = c.substring(0, c.indexOf(';'));
        String name = kv.substring(0, kv.indexOf('='));
        String value = kv.substring(kv.indexOf('=') + 1);
        if (value.isEmpty() || c.contains("Max-Age=0")) {
          cookies.remove(name);
        } else {
          cookies.put(name, value);
        }
      }
      return r;
    }
  }

  /** Logs a browser in with a one-time code, through the login form. */
  HttpResponse<String> loginWithCode(Browser b, String code) throws Exception {
    var page = b.send(HttpRequest.newBuilder(URI.create(env().base() + "/contribuer/connexion")));
    assertThat(page.statusCode()).isEqualTo(200);
    var m =
        java.util.regex.Pattern.compile("name=\"csrf\" value=\"([^\"]+)\"").matcher(page.body());
    assertThat(m.find()).isTrue();
    String form =
        "csrf=" + m.group(1) + "&code=" + java.net.URLEncoder.encode(code, StandardCharsets.UTF_8);
    return b.send(
        HttpRequest.newBuilder(URI.create(env().base() + "/contribuer/connexion"))
            .header("Content-Type", "application/x-www-form-urlencoded")
            .POST(HttpRequest.BodyPublishers.ofString(form)));
  }

  @Test
  void aOneTimeLinkOpensASessionThatWritesOnlyWithItsCsrfTokenUntilLogout() throws Exception {
    var e = env();
    var sessions = e.service.sessions();
    var link = sessions.createLink("agent@aisne.fr", Duration.ofMinutes(10), "test");
    var b = new Browser();
    // Not logged in: the space sends to the login page.
    var page = b.send(HttpRequest.newBuilder(URI.create(e.base() + "/contribuer")));
    assertThat(page.statusCode()).isEqualTo(303);
    assertThat(page.headers().firstValue("Location")).hasValue("/contribuer/connexion");

    var login = loginWithCode(b, link.code());
    assertThat(login.statusCode()).as(login.body()).isEqualTo(303);
    assertThat(login.headers().firstValue("Location")).hasValue("/contribuer");
    String cookie =
        b.setCookies.stream()
            .filter(c -> c.startsWith("eduatlas_session="))
            .findFirst()
            .orElseThrow();
    assertThat(cookie).contains("HttpOnly").contains("SameSite=Lax").contains("Path=/");
    assertThat(cookie).doesNotContain("Secure"); // served over plain HTTP on loopback

    // The same link a second time: refused, and the page says why.
    var twice = loginWithCode(new Browser(), link.code());
    assertThat(twice.statusCode()).isEqualTo(401);
    assertThat(twice.body()).contains("déjà servi");

    var me = b.send(HttpRequest.newBuilder(URI.create(e.base() + "/api/v1/session")));
    assertThat(me.statusCode()).isEqualTo(200);
    JsonNode session = json(me);
    assertThat(session.get("member").asText()).isEqualTo("agent@aisne.fr");
    assertThat(session.at("/roles/aisne/0").asText()).isEqualTo("contributeur");
    String csrf = session.get("csrf").asText();
    assertThat(b.send(HttpRequest.newBuilder(URI.create(e.base() + "/contribuer"))).statusCode())
        .isEqualTo(200);

    // Reads with the cookie alone; writes only with the session's CSRF token.
    var hubs = b.send(HttpRequest.newBuilder(URI.create(e.base() + "/api/v1/hubs")));
    assertThat(json(hubs).get("member").asText()).isEqualTo("agent@aisne.fr");
    String csv = HEADER + COLLEGE + ";2024-2025;2025-01-15;fibre;100;91\n";
    var noToken =
        b.send(
            HttpRequest.newBuilder(
                    URI.create(e.base() + "/api/v1/hubs/aisne/uploads?jeu=connectivite"))
                .header("Content-Type", "text/csv")
                .POST(HttpRequest.BodyPublishers.ofString(csv)));
    assertProblem(noToken, 403);
    var wrongToken =
        b.send(
            HttpRequest.newBuilder(
                    URI.create(e.base() + "/api/v1/hubs/aisne/uploads?jeu=connectivite"))
                .header("Content-Type", "text/csv")
                .header("X-CSRF-Token", csrf.substring(1) + "x")
                .POST(HttpRequest.BodyPublishers.ofString(csv)));
    assertProblem(wrongToken, 403);
    int before = versionCount("aisne");
    var ok =
        b.send(
            HttpRequest.newBuilder(
                    URI.create(e.base() + "/api/v1/hubs/aisne/uploads?jeu=connectivite"))
                .header("Content-Type", "text/csv")
                .header("X-CSRF-Token", csrf)
                .POST(HttpRequest.BodyPublishers.ofString(csv)));
    assertThat(ok.statusCode()).as(ok.body()).isEqualTo(201);
    assertThat(versionCount("aisne")).isEqualTo(before + 1);
    assertThat(audit("aisne", "depot").get(0).get("actor").asText()).isEqualTo("agent@aisne.fr");

    // Logout needs the token too, then the cookie opens nothing.
    String stale = b.cookies.get("eduatlas_session");
    var out =
        b.send(
            HttpRequest.newBuilder(URI.create(e.base() + "/contribuer/deconnexion"))
                .header("X-CSRF-Token", csrf)
                .POST(HttpRequest.BodyPublishers.noBody()));
    assertThat(out.statusCode()).isEqualTo(303);
    assertThat(b.cookies).doesNotContainKey("eduatlas_session");
    var after =
        HTTP.send(
            HttpRequest.newBuilder(URI.create(e.base() + "/api/v1/hubs"))
                .header("Cookie", "eduatlas_session=" + stale)
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertProblem(after, 401);

    // A login form posted without the form's own cookie (from another site) is refused.
    var forged =
        HTTP.send(
            HttpRequest.newBuilder(URI.create(e.base() + "/contribuer/connexion"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("csrf=abc&code=" + link.code()))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(forged.statusCode()).isEqualTo(403);
    // An expired link says so.
    var shortLink = sessions.createLink("agent@aisne.fr", Duration.ofMinutes(1), "test");
    e.store.tx(
        c ->
            c.createStatement()
                .executeUpdate(
                    "UPDATE login_link SET expires_at = 0 WHERE id = '" + shortLink.id() + "'"));
    assertThat(loginWithCode(new Browser(), shortLink.code()).body()).contains("a expiré");
  }

  // ---- call-for-interest campaigns ----------------------------------------------------------

  HttpResponse<String> postJson(String path, String token, String body) throws Exception {
    return post(path, token, "application/json", body.getBytes(StandardCharsets.UTF_8));
  }

  /** A campaign of the Aisne council on a one-commune shortlist: Laon, whatever its density. */
  String laonCampaign(String budget) throws Exception {
    return openCampaign(env(), budget, true);
  }

  static HttpResponse<String> postJson(Env e, String path, String token, String body)
      throws Exception {
    var b =
        HttpRequest.newBuilder(URI.create(e.base() + path))
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .header("Content-Type", "application/json");
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  /** Opens the Laon campaign; {@code refusals}: first check who may not open it. */
  static String openCampaign(Env env, String budget, boolean refusals) throws Exception {
    var sel =
        postJson(
            env,
            "/api/v1/selections",
            null,
            "{\"count\": 1, \"eligibility\": {\"perimeter\": [\"commune:02408\"],"
                + " \"densityLevels\": [1, 2, 3, 4, 5, 6, 7], \"maxPopulation\": null},"
                + " \"sensitivity\": {\"runs\": 0}}");
    assertThat(sel.statusCode()).as(sel.body()).isIn(200, 201);
    String selection = json(sel).get("id").asText();
    var today = java.time.LocalDate.now(java.time.ZoneId.of("Europe/Paris"));
    String body =
        "{\"hub\": \"aisne\", \"name\": \"AMI écoles connectées\", \"selection\": \""
            + selection
            + "\", \"opensOn\": \""
            + today.minusDays(1)
            + "\", \"closesOn\": \""
            + today.plusDays(30)
            + "\", \"budget\": "
            + budget
            + "}";
    if (refusals) {
      // Only a valideur of the owner hub opens a campaign, on a stored selection.
      assertProblem(postJson(env, "/api/v1/campaigns", env.aisneContrib, body), 403);
      assertProblem(
          postJson(
              env,
              "/api/v1/campaigns",
              env.aisneValid,
              body.replace(selection, "00000000000000000000")),
          422);
    }
    var r = postJson(env, "/api/v1/campaigns", env.aisneValid, body);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
    return json(r).get("id").asText();
  }

  static final String PDF = Base64.getEncoder().encodeToString("%PDF-1.4 devis".getBytes());

  String application(String extra) {
    return "{\"hub\": \"laon\", \"commune\": \"02408\", \"schools\": [\""
        + ECOLE
        + "\"], \"project\": \"Raccordement en fibre et espace numérique\", \"cost\": 30000,"
        + " \"cofunding\": 10000"
        + extra
        + "}";
  }

  @Test
  void campaignsFromShortlistToConnection() throws Exception {
    String id = laonCampaign("null");
    String base = "/api/v1/campaigns/" + id;
    // Public: listed and shown without a token, with its frozen shortlist.
    JsonNode list = json(get("/api/v1/campaigns", null));
    JsonNode listed = null;
    for (JsonNode k : list.get("campaigns")) {
      if (k.get("id").asText().equals(id)) {
        listed = k;
      }
    }
    assertThat(listed).isNotNull();
    assertThat(listed.get("status").asText()).isEqualTo("ouverte");
    JsonNode view = json(get(base, null));
    assertThat(view.get("shortlist").get(0).get("code").asText()).isEqualTo("02408");
    assertThat(view.at("/selection/simulated").asBoolean()).isTrue();
    assertThat(view.get("note").asText()).contains("simulées");
    // Only the commune's own hub applies, for its own schools.
    assertProblem(
        postJson(
            base + "/candidatures",
            env().aisneContrib,
            application("").replace("\"laon\"", "\"aisne\"")),
        403);
    var wrongSchool =
        postJson(
            base + "/candidatures", env().laonContrib, application("").replace(ECOLE, GUADELOUPE));
    assertProblem(wrongSchool, 422);
    assertThat(json(wrongSchool).get("errors").get(0).asText())
        .contains(GUADELOUPE)
        .contains("pas de la commune candidate");
    var notListed =
        postJson(
            base + "/candidatures", env().laonContrib, application("").replace("02408", "02691"));
    assertProblem(notListed, 422);
    // An attachment over 2 MiB is refused as it is read.
    String big = Base64.getEncoder().encodeToString(new byte[(2 << 20) + 1]);
    assertProblem(
        postJson(
            base + "/candidatures",
            env().laonContrib,
            application(
                ", \"attachment\": {\"name\": \"devis.pdf\", \"type\": \"application/pdf\","
                    + " \"content\": \""
                    + big
                    + "\"}")),
        413);
    var applied =
        postJson(
            base + "/candidatures",
            env().laonContrib,
            application(
                ", \"attachment\": {\"name\": \"devis.pdf\", \"type\": \"application/pdf\","
                    + " \"content\": \""
                    + PDF
                    + "\"}"));
    assertThat(applied.statusCode()).as(applied.body()).isEqualTo(201);
    JsonNode cand = json(applied);
    String cid = cand.get("id").asText();
    assertThat(cand.get("aid").asDouble()).isEqualTo(20000.0);
    // The school's connection is prefilled from the served warehouse.
    JsonNode school = cand.get("schools").get(0);
    JsonNode served = schoolConnectivity(ECOLE, school.get("year").asInt());
    assertThat(served).isNotNull();
    assertThat(school.get("technology").asText()).isEqualTo(served.get("technologie").asText());
    assertProblem(postJson(base + "/candidatures", env().laonContrib, application("")), 409);
    var piece = get(base + "/candidatures/" + cid + "/piece", env().laonContrib);
    assertThat(piece.statusCode()).isEqualTo(200);
    assertThat(piece.body()).isEqualTo("%PDF-1.4 devis");
    // The jury decides after the closing, which only its valideur pronounces.
    String laureate = "{\"decision\": \"laureate\", \"comment\": \"projet complet\"}";
    assertProblem(
        postJson(base + "/candidatures/" + cid + "/decision", env().aisneValid, laureate), 409);
    assertProblem(postJson(base + "/cloture", env().aisneContrib, "{}"), 403);
    assertThat(postJson(base + "/cloture", env().aisneValid, "{}").statusCode()).isEqualTo(200);
    assertProblem(postJson(base + "/candidatures", env().laonContrib, application("")), 409);
    assertProblem(
        postJson(base + "/candidatures/" + cid + "/decision", env().aisneContrib, laureate), 403);
    var decided = postJson(base + "/candidatures/" + cid + "/decision", env().aisneValid, laureate);
    assertThat(decided.statusCode()).as(decided.body()).isEqualTo(200);
    // The jury's view against the shortlist; the applicant sees its own, not the jury's.
    JsonNode jury = json(get(base + "/candidatures", env().aisneReader));
    assertThat(jury.get("jury").asBoolean()).isTrue();
    assertThat(jury.get("candidatures").get(0).get("rank").asInt()).isEqualTo(1);
    assertThat(jury.get("aidGranted").asDouble()).isEqualTo(20000.0);
    JsonNode own = json(get(base + "/candidatures", env().laonContrib));
    assertThat(own.get("jury").asBoolean()).isFalse();
    assertThat(own.get("candidatures")).hasSize(1);
    assertThat(json(get(base + "/candidatures", env().parisContrib)).get("candidatures")).isEmpty();
    // The decision file, for the jury only: printable HTML, CSV and ODS with the same rows.
    var html = get(base + "/dossier", env().aisneReader);
    assertThat(html.statusCode()).isEqualTo(200);
    assertThat(html.body())
        .contains("Dossier de décision")
        .contains("lauréate")
        .contains("projet complet");
    assertThat(html.body()).contains(view.at("/selection/dataVersion").asText());
    var csv = get(base + "/dossier?format=csv", env().aisneReader);
    var lines = csv.body().split("\r\n");
    assertThat(lines[0]).startsWith("\uFEFFrang;code_insee;commune");
    assertThat(lines[1]).contains(";02408;").contains(";30000;10000;20000;").contains("lauréate");
    var ods =
        HTTP.send(
            java.net.http.HttpRequest.newBuilder(
                    java.net.URI.create(env().base() + base + "/dossier?format=ods"))
                .header("Authorization", "Bearer " + env().aisneReader)
                .build(),
            java.net.http.HttpResponse.BodyHandlers.ofByteArray());
    assertThat(ods.statusCode()).isEqualTo(200);
    var book = new com.github.miachm.sods.SpreadSheet(new java.io.ByteArrayInputStream(ods.body()));
    var sheet = book.getSheet(0);
    assertThat(sheet.getRange(1, 1).getValue()).isEqualTo("02408");
    assertThat(sheet.getRange(1, 8).getValue()).isEqualTo(20000.0);
    assertProblem(get(base + "/dossier", env().laonContrib), 404);
    assertProblem(get(base + "/dossier?format=pdf", env().aisneReader), 400);
    // Follow-up by the applicant: connected on a day with speed tests before and after it.
    String day;
    try (var q = fr.eduatlas.testing.WarehouseQuery.open(env().warehouse)) {
      day =
          q.string(
              "SELECT CAST(quantile_disc(day, 0.5) AS VARCHAR) FROM school_speedtest_daily WHERE uai = '"
                  + ECOLE
                  + "'");
    }
    assertThat(day).as("the mini warehouse has speed tests of " + ECOLE).isNotNull();
    String works =
        "{\"uai\": \"" + ECOLE + "\", \"status\": \"raccorde\", \"date\": \"" + day + "\"}";
    assertProblem(postJson(base + "/travaux", env().aisneContrib, works), 403);
    assertProblem(
        postJson(base + "/travaux", env().laonContrib, works.replace(ECOLE, COLLEGE)), 404);
    assertProblem(
        postJson(base + "/travaux", env().laonContrib, works.replace("raccorde", "fini")), 422);
    var w = postJson(base + "/travaux", env().laonContrib, works);
    assertThat(w.statusCode()).as(w.body()).isEqualTo(200);
    JsonNode after = json(get(base, null));
    assertThat(after.get("connectedSchools").asInt()).isEqualTo(1);
    JsonNode bw = after.at("/laureates/0/schools/0/bandwidth");
    // The medians and counts, computed again from the warehouse's daily speed tests.
    try (var q = fr.eduatlas.testing.WarehouseQuery.open(env().warehouse)) {
      String where = " FROM school_speedtest_daily WHERE uai = '" + ECOLE + "' AND ";
      String before = "day < DATE '" + day + "' AND day >= DATE '" + day + "' - INTERVAL 365 DAY";
      String later = "day > DATE '" + day + "'";
      assertThat(bw.get("testsBefore").asLong())
          .isEqualTo(
              Long.parseLong(q.string("SELECT CAST(sum(tests) AS VARCHAR)" + where + before)));
      assertThat(bw.get("testsAfter").asLong())
          .isEqualTo(
              Long.parseLong(q.string("SELECT CAST(sum(tests) AS VARCHAR)" + where + later)));
      assertThat(bw.get("medianBefore").asDouble())
          .isEqualTo(
              Double.parseDouble(
                  q.string("SELECT CAST(median(median_down) AS VARCHAR)" + where + before)));
      assertThat(bw.get("medianAfter").asDouble())
          .isEqualTo(
              Double.parseDouble(
                  q.string("SELECT CAST(median(median_down) AS VARCHAR)" + where + later)));
    }
    assertThat(bw.get("testsBefore").asLong()).isPositive();
    assertThat(bw.get("testsAfter").asLong()).isPositive();
    assertThat(bw.get("source").asText()).contains("simulés");
    // Every step is in the owner's and the applicant's audit logs.
    assertThat(audit("aisne", "campagne")).isNotEmpty();
    assertThat(audit("aisne", "decision")).anyMatch(a -> a.path("outcome").asText().equals("ok"));
    assertThat(audit("laon", "candidature")).anyMatch(a -> a.path("outcome").asText().equals("ok"));
    assertThat(audit("laon", "travaux")).anyMatch(a -> a.path("outcome").asText().equals("ok"));
  }

  @Test
  void laureatesStayWithinTheBudget() throws Exception {
    String id = laonCampaign("15000");
    String base = "/api/v1/campaigns/" + id;
    JsonNode cand = json(postJson(base + "/candidatures", env().laonContrib, application("")));
    String cid = cand.get("id").asText();
    assertThat(postJson(base + "/cloture", env().aisneValid, "{}").statusCode()).isEqualTo(200);
    // 20,000 € asked (30,000 less 10,000 co-funded) for 15,000 €: refused, with the figures.
    var over =
        postJson(
            base + "/candidatures/" + cid + "/decision",
            env().aisneValid,
            "{\"decision\": \"laureate\"}");
    assertProblem(over, 409);
    assertThat(json(over).get("detail").asText()).contains("20 000 €").contains("15 000 €");
    var refused =
        postJson(
            base + "/candidatures/" + cid + "/decision",
            env().aisneValid,
            "{\"decision\": \"refusee\", \"comment\": \"hors budget\"}");
    assertThat(refused.statusCode()).isEqualTo(200);
    JsonNode view = json(get(base, null));
    assertThat(view.get("laureates")).isEmpty();
    assertThat(view.get("refused").asInt()).isEqualTo(1);
    assertThat(view.get("budgetLeft").asDouble()).isEqualTo(15000.0);
    assertProblem(get("/api/v1/campaigns/nothex", null), 404);
    assertProblem(get("/api/v1/campaigns/0123456789abcdef0123", null), 404);
  }
}
