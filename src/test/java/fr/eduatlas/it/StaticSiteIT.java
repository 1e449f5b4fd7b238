package fr.eduatlas.it;

import static org.assertj.core.api.Assertions.assertThat;

import fr.eduatlas.api.ApiServer;
import fr.eduatlas.cli.ReleaseCommand;
import fr.eduatlas.testing.Nginx;
import fr.eduatlas.testing.RealWarehouse;
import fr.eduatlas.warehouse.Releases;
import fr.eduatlas.warehouse.ServedWarehouse;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The map as a static site: a release of the real warehouse served by Debian's nginx alone (its
 * directory as the web root, no JVM behind it), in headless Chromium, against the same map served
 * by the real server. Every level (an overseas chain, Corsica's lettered département included)
 * draws the same pixels and the same legend, every panel shows the same figures, a school's sheet,
 * the search and the CSV download are the same, the server-only features are not offered, and nginx
 * is asked only for files that exist.
 */
class StaticSiteIT {
  @TempDir static Path tmp;
  static Path release;
  static Nginx nginx;
  static ApiServer server;
  static String staticBase;
  static String servedBase;
  static ChromeDriver driver;
  static final HttpClient HTTP = HttpClient.newHttpClient();

  /** Mamoudzou (Mayotte) and its parents, from the warehouse. */
  static List<String[]> chain = new ArrayList<>();

  static String schoolUai;

  @BeforeAll
  static void start() throws Exception {
    MapPageIT.ensureChromium();
    Path warehouse = RealWarehouse.get();
    var w =
        Releases.write(
            warehouse, tmp.resolve("releases"), 10, System.err, ReleaseCommand.STATIC_SITE);
    release = w.dir();
    var props = new Properties();
    props.setProperty("duckdb.read_only", "true");
    try (var c = DriverManager.getConnection("jdbc:duckdb:" + warehouse, props);
        var st = c.createStatement()) {
      try (var rs =
          st.executeQuery(
              "SELECT level, code FROM territory_commune WHERE commune_code = '97611' AND level"
                  + " <> 'france' ORDER BY list_position(['region', 'academie', 'departement',"
                  + " 'epci', 'commune'], level)")) {
        while (rs.next()) {
          chain.add(new String[] {rs.getString(1), rs.getString(2)});
        }
      }
      try (var rs =
          st.executeQuery(
              "SELECT uai FROM school WHERE commune_code = '97611' ORDER BY uai LIMIT 1")) {
        rs.next();
        schoolUai = rs.getString(1);
      }
    }
    assertThat(chain).extracting(x -> x[0]).contains("region", "departement", "commune");
    int port = ReplicasIT.freePort();
    nginx =
        Nginx.start(
            tmp.resolve("nginx"),
            port,
            "  include /etc/nginx/mime.types;\n"
                + "  log_format files '$status $request_method $uri';\n"
                + "  access_log "
                + tmp.resolve("nginx/logs/access.log")
                + " files;",
            "    root " + release + ";",
            "/index.html");
    staticBase = "http://127.0.0.1:" + port;
    server = ApiServer.start(new ServedWarehouse(warehouse, 1000), "127.0.0.1", 0);
    servedBase = "http://127.0.0.1:" + server.port();
    driver = MapPageIT.chrome("1400,900");
  }

  @AfterAll
  static void stop() {
    if (driver != null) {
      driver.quit();
    }
    if (server != null) {
      server.close();
    }
    if (nginx != null) {
      nginx.close();
    }
  }

  @BeforeEach
  void clearLogs() {
    driver.manage().logs().get(LogType.BROWSER);
  }

  @AfterEach
  void noConsoleErrorsAndNoMissingFile() throws Exception {
    assertThat(MapPageIT.consoleErrors(driver, null)).as("browser console errors").isEmpty();
    // nginx was asked for files of the release only: no API route, no tile URL, no 404.
    for (String line : Files.readAllLines(nginx.file("logs/access.log"))) {
      assertThat(line).as("a request to the static host").matches("(200|206|304) (GET|HEAD) .*");
      assertThat(line).doesNotContain("/api/v1/").doesNotContain(".mvt");
    }
  }

  private static WebDriverWait waiting() {
    return new WebDriverWait(driver, Duration.ofSeconds(60));
  }

  private static Object js(String script, Object... args) {
    return driver.executeScript(script, args);
  }

  /** Opens a view of the map (a new page, not a hash change) and waits for its choropleth. */
  private static void open(String base, String hash, String stamp) {
    driver.get("about:blank");
    driver.get(base + "/#" + hash);
    waiting()
        .withMessage(() -> base + " painted " + stamp)
        .until(d -> stamp.equals(js("return document.body.dataset.painted || null")));
  }

  /** A digest of every drawn tile's pixels, once the tiles in view stop changing. */
  private static long settledSignature() throws Exception {
    long last = -1;
    for (int i = 0; i < 40; i++) {
      Thread.sleep(400);
      long now =
          ((Number)
                  js(
                      "let h = 0; const cs = [...document.querySelectorAll('canvas.eduatlas-tile')]"
                          + ".filter((c) => c.closest('.leaflet-tile-loaded'));"
                          + " cs.sort((a, b) => (a.parentElement.style.transform +"
                          + " a.style.transform).localeCompare(b.parentElement.style.transform +"
                          + " b.style.transform));"
                          + " for (const c of cs) { const d = c.getContext('2d').getImageData(0, 0,"
                          + " c.width, c.height).data; for (let i = 0; i < d.length; i += 89) h ="
                          + " (h * 31 + d[i]) % 1000000007; } return h;"))
              .longValue();
      if (now == last) {
        return now;
      }
      last = now;
    }
    return last;
  }

  private static String text(String css) {
    return driver.findElement(By.cssSelector(css)).getText();
  }

  @Test
  void everyLevelDrawsTheSameMapAndLegendAsTheServer() throws Exception {
    String[][] views = {
      {"i=couverture-fibre&n=region&p=2024&z=5&lat=46.6&lon=2.4", "couverture-fibre|region|2024"},
      {"i=eleves&n=academie&p=2023&z=5&lat=46.6&lon=2.4", "eleves|academie|2023"},
      {
        "i=debit-mesure-moyen&n=departement&p=2024&z=7&lat=42.1&lon=9.0",
        "debit-mesure-moyen|departement|2024"
      },
      {
        "i=ordinateurs-pour-100-eleves&n=epci&p=2022&z=7&lat=47.2&lon=-1.6",
        "ordinateurs-pour-100-eleves|epci|2022"
      },
      {
        "i=couverture-fibre&n=commune&p=2024&z=9&lat=49.56&lon=3.62",
        "couverture-fibre|commune|2024"
      },
      {
        "i=debit-mesure-median&n=commune&p=2025&z=10&lat=-12.8&lon=45.15",
        "debit-mesure-median|commune|2025"
      },
      {"i=couverture-fibre&n=auto&p=2024&z=8&lat=4.9&lon=-52.3", "couverture-fibre|commune|2024"},
    };
    for (String[] v : views) {
      open(servedBase, v[0], v[1]);
      long served = settledSignature();
      String legend = text("#legend");
      open(staticBase, v[0], v[1]);
      long stat = settledSignature();
      assertThat(text("#legend")).as("legend of " + v[0]).isEqualTo(legend);
      assertThat(stat).as("pixels of " + v[0]).isEqualTo(served);
      assertThat(
              ((Number) js("return document.querySelectorAll('canvas.eduatlas-tile').length"))
                  .intValue())
          .as("tiles drawn for " + v[0])
          .isPositive();
    }
  }

  @Test
  void everyLevelsPanelShowsTheServersFigures() throws Exception {
    var panels = new ArrayList<String>();
    panels.add("france:FR");
    for (String[] t : chain) {
      panels.add(t[0] + ":" + t[1]);
    }
    panels.add("departement:2A");
    panels.add("commune:75056");
    for (String sel : panels) {
      String hash = "i=couverture-fibre&n=departement&p=2024&z=6&lat=46.6&lon=2.4&sel=" + sel;
      String[] shown = new String[3];
      for (String base : List.of(servedBase, staticBase)) {
        open(base, hash, "couverture-fibre|departement|2024");
        waiting()
            .withMessage(() -> sel + " panel")
            .until(d -> !d.findElements(By.cssSelector("#panel-body table tbody tr")).isEmpty());
        String title = text("#panel-title");
        String table = text("#panel-body table");
        String crumbs = text("#panel-body .breadcrumb");
        if (base.equals(servedBase)) {
          shown = new String[] {title, table, crumbs};
        } else {
          assertThat(title).as(sel).isEqualTo(shown[0]);
          assertThat(table).as(sel + " figures").isEqualTo(shown[1]);
          assertThat(crumbs).as(sel).isEqualTo(shown[2]);
        }
      }
    }
    // The static page is as accessible as the served one, panel open.
    MapPageIT.noAxeViolations(driver, "static map with a panel");
  }

  /** A label as compared: code, name, and its numbers (JSON number forms differ by language). */
  private static List<String> labelRows(com.fasterxml.jackson.databind.JsonNode answer) {
    var rows = new ArrayList<String>();
    for (var l : answer.get("labels")) {
      rows.add(
          l.get("code").asText()
              + "|"
              + l.get("name").asText()
              + "|"
              + l.get("lon").asDouble()
              + "|"
              + l.get("lat").asDouble()
              + "|"
              + l.get("weight").asDouble());
    }
    return rows;
  }

  @Test
  void theNamesOfEveryLevelAndViewAreTheServers() throws Exception {
    // The views the page asks for: every level's first 2,000 names, and the communes of a view
    // (600 at most, bbox with three decimals as app.js writes it) around communes of every
    // département and overseas collectivité, at zooms 8 to 13 of a 1400 px wide window, and
    // views whose west or south edge passes within a metre of a label point.
    var urls = new ArrayList<String>();
    for (String level : List.of("region", "academie", "departement", "epci")) {
      urls.add("/api/v1/labels/" + level + "?limit=2000");
    }
    try (var q = fr.eduatlas.testing.WarehouseQuery.open(RealWarehouse.get());
        var st = q.connection().createStatement()) {
      var rnd = new java.util.Random(22);
      try (var rs =
          st.executeQuery(
              "SELECT arg_min(label_lon, code), arg_min(label_lat, code) FROM territory_geometry"
                  + " g JOIN commune m USING (code) WHERE g.level = 'commune' GROUP BY"
                  + " m.departement_code ORDER BY m.departement_code")) {
        while (rs.next()) {
          int z = 8 + rnd.nextInt(6);
          double w = 1400 / 256.0 * 360 / (1 << z);
          double h = w * 900 / 1400;
          urls.add(communeView(rs.getDouble(1) - w / 2, rs.getDouble(2) - h / 2, w, h));
        }
      }
      try (var rs =
          st.executeQuery(
              "SELECT label_lon, label_lat FROM territory_geometry WHERE level = 'commune' AND"
                  + " (abs(label_lon * 1000 - round(label_lon * 1000)) < 0.006 OR abs(label_lat *"
                  + " 1000 - round(label_lat * 1000)) < 0.006) ORDER BY code LIMIT 40")) {
        while (rs.next()) {
          urls.add(
              communeView(
                  Math.round(rs.getDouble(1) * 1000) / 1000.0,
                  Math.round(rs.getDouble(2) * 1000) / 1000.0,
                  0.2,
                  0.15));
        }
      }
    }
    assertThat(urls).hasSizeGreaterThan(140);
    open(
        staticBase, "i=couverture-fibre&n=departement&p=2024", "couverture-fibre|departement|2024");
    String answers =
        (String)
            driver.executeAsyncScript(
                "const done = arguments[arguments.length - 1];"
                    + " import('./js/source.js').then((m) => Promise.all(arguments[0].map((u) =>"
                    + " m.getJson(u)))).then((all) => done(JSON.stringify(all)))"
                    + ".catch((e) => done('error: ' + e.message));",
                urls);
    assertThat(answers).doesNotStartWith("error");
    var mapper = new com.fasterxml.jackson.databind.ObjectMapper();
    var staticAnswers = mapper.readTree(answers);
    int compared = 0;
    for (int i = 0; i < urls.size(); i++) {
      var r =
          HTTP.send(
              HttpRequest.newBuilder(URI.create(servedBase + urls.get(i))).build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(r.statusCode()).as(urls.get(i)).isEqualTo(200);
      var served = labelRows(mapper.readTree(r.body()));
      assertThat(labelRows(staticAnswers.get(i))).as(urls.get(i)).isEqualTo(served);
      compared += served.size();
    }
    assertThat(compared).isGreaterThan(10_000);
  }

  private static String communeView(double west, double south, double w, double h) {
    var f = java.util.Locale.ROOT;
    return String.format(
        f,
        "/api/v1/labels/commune?limit=600&bbox=%.3f,%.3f,%.3f,%.3f",
        west,
        south,
        west + w,
        south + h);
  }

  @Test
  void aSchoolsSheetSearchAndTheCsvDownloadWorkWithoutAServer() throws Exception {
    String[] sheet = new String[2];
    for (String base : List.of(servedBase, staticBase)) {
      open(
          base,
          "i=couverture-fibre&n=departement&p=2024&z=6&lat=46.6&lon=2.4&sel=etablissement:"
              + schoolUai,
          "couverture-fibre|departement|2024");
      waiting()
          .until(d -> schoolUai.equals(js("return document.body.dataset.schoolSheet || null")));
      String title = text("#panel-title");
      String facts = text("#panel-body ul.facts");
      if (base.equals(servedBase)) {
        sheet = new String[] {title, facts};
      } else {
        assertThat(title).isEqualTo(sheet[0]);
        assertThat(facts).isEqualTo(sheet[1]);
      }
    }
    // Search: the static site's territories are the server's, in its order (the server adds
    // schools after them).
    var found = new ArrayList<List<String>>();
    for (String base : List.of(servedBase, staticBase)) {
      open(base, "i=couverture-fibre&n=departement&p=2024", "couverture-fibre|departement|2024");
      WebElement input = driver.findElement(By.id("search-input"));
      MapPageIT.searchFor(driver, "saint-pierre");
      var items = new ArrayList<String>();
      for (WebElement li : driver.findElements(By.cssSelector("#search-results li"))) {
        items.add(li.getText());
      }
      found.add(items);
      input.sendKeys(Keys.ENTER);
      waiting().until(d -> !d.findElements(By.id("panel-title")).isEmpty());
    }
    assertThat(found.get(1)).isNotEmpty();
    assertThat(found.get(0).subList(0, found.get(1).size())).isEqualTo(found.get(1));
    // The CSV of the view: the release's file, decompressed by the page, is the server's answer.
    open(
        staticBase,
        "i=couverture-fibre&n=commune&p=2024&z=9&lat=49.56&lon=3.62",
        "couverture-fibre|commune|2024");
    // Compared by length and SHA-256 of the bytes (WebDriver's strings lose the CSV's CRLFs).
    String digest =
        (String)
            driver.executeAsyncScript(
                "const done = arguments[arguments.length - 1];"
                    + " import('./js/source.js').then((m) => m.download(m.valuesCsvFile("
                    + "'couverture-fibre', 'commune', '2024'), () => {})).then(async (r) => {"
                    + " const b = r.bytes[0]; const h = new Uint8Array(await"
                    + " crypto.subtle.digest('SHA-256', b)); done(b.length + ':' + [...h].map((x)"
                    + " => x.toString(16).padStart(2, '0')).join('')); })"
                    + ".catch((e) => done('error: ' + e.message));");
    var r =
        HTTP.send(
            HttpRequest.newBuilder(
                    URI.create(
                        servedBase
                            + "/api/v1/indicators/couverture-fibre/values?level=commune"
                            + "&year=2024&format=csv&sep=%3B&decimal=%2C"))
                .build(),
            HttpResponse.BodyHandlers.ofByteArray());
    byte[] served = r.body();
    assertThat(new String(served, 0, 3, StandardCharsets.UTF_8)).isEqualTo("\uFEFF");
    assertThat(digest)
        .isEqualTo(
            served.length
                + ":"
                + java.util.HexFormat.of()
                    .formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(served)));
    driver.findElement(By.id("download-csv")).click();
    waiting()
        .until(
            d ->
                "couverture-fibre-commune-2024.csv"
                    .equals(js("return document.body.dataset.downloaded || null")));
  }

  @Test
  void whatNeedsAServerIsNotOfferedAndEveryLinkShownResolves() throws Exception {
    open(
        staticBase, "i=couverture-fibre&n=departement&p=2024", "couverture-fibre|departement|2024");
    for (String id : List.of("ami-open", "contribute", "tne-page")) {
      assertThat(driver.findElement(By.id(id)).isDisplayed()).as(id).isFalse();
    }
    assertThat(driver.findElement(By.id("download-geojson")).getAttribute("href"))
        .endsWith("data/territories.parquet");
    // The page says it is a static publication, and of which day.
    String day = release.getFileName().toString();
    assertThat(text("#static-release"))
        .isEqualTo(
            "· Version statique (sans serveur), publication du "
                + day.substring(6, 8)
                + "/"
                + day.substring(4, 6)
                + "/"
                + day.substring(0, 4));
    checkLinks();
    driver.get(staticBase + "/a-propos.html");
    waiting().until(d -> "true".equals(js("return document.body.dataset.ready || null")));
    assertThat(driver.findElements(By.cssSelector("#sources li"))).hasSizeGreaterThan(3);
    checkLinks();
    // The same page served keeps them.
    open(
        servedBase, "i=couverture-fibre&n=departement&p=2024", "couverture-fibre|departement|2024");
    for (String id : List.of("ami-open", "contribute", "tne-page")) {
      assertThat(driver.findElement(By.id(id)).isDisplayed()).as(id).isTrue();
    }
  }

  /** Every link shown on the page that stays on the static host answers 200. */
  @SuppressWarnings("unchecked")
  private static void checkLinks() throws Exception {
    var hrefs =
        (List<String>)
            js(
                "return [...document.querySelectorAll('a[href]')].filter((a) => a.offsetParent"
                    + " !== null && a.href.startsWith(location.origin) &&"
                    + " !a.getAttribute('href').startsWith('#')).map((a) => a.href)");
    assertThat(hrefs).isNotEmpty();
    for (String href : hrefs) {
      var r =
          HTTP.send(
              HttpRequest.newBuilder(URI.create(href.replaceAll("#.*", "")))
                  .method("HEAD", HttpRequest.BodyPublishers.noBody())
                  .build(),
              HttpResponse.BodyHandlers.discarding());
      assertThat(r.statusCode()).as(href).isEqualTo(200);
    }
  }
}
