package fr.eduatlas.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import fr.eduatlas.api.ApiServer;
import fr.eduatlas.testing.RealWarehouse;
import fr.eduatlas.warehouse.ServedWarehouse;
import java.io.File;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.logging.Level;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The map page in Debian's headless Chromium, against the real server on the real warehouse
 * (ingested with the default simulation). Chromium and its driver are installed with apt-get when
 * missing and the tests run as root (as in CI). Artifacts (screenshot, first-paint figure) go to
 * target/web-artifacts.
 */
class MapPageIT {
  static final Path ARTIFACTS = Path.of("target", "web-artifacts");
  static final ObjectMapper JSON = new ObjectMapper();
  static ApiServer server;
  static String base;
  static ChromeDriver driver;

  @BeforeAll
  static void start() throws Exception {
    ensureChromium();
    server = ApiServer.start(new ServedWarehouse(RealWarehouse.get(), 1000), "127.0.0.1", 0);
    base = "http://127.0.0.1:" + server.port();
    Files.createDirectories(ARTIFACTS);
    driver = chrome("1400,900");
  }

  /** Debian's headless Chromium, in French, at a window size, keeping the console's messages. */
  static ChromeDriver chrome(String size) throws Exception {
    ensureChromium();
    var service =
        new ChromeDriverService.Builder()
            .usingDriverExecutable(new File("/usr/bin/chromedriver"))
            .usingAnyFreePort()
            .build();
    var options = new ChromeOptions();
    options.setBinary("/usr/bin/chromium");
    options.addArguments(
        "--headless=new", "--no-sandbox", "--disable-gpu", "--window-size=" + size, "--lang=fr");
    var logs = new LoggingPreferences();
    logs.enable(LogType.BROWSER, Level.ALL);
    options.setCapability("goog:loggingPrefs", logs);
    return new ChromeDriver(service, options);
  }

  /** Installs Debian's chromium and chromium-driver when they are missing (root only). */
  static void ensureChromium() throws Exception {
    if (Files.isExecutable(Path.of("/usr/bin/chromium"))
        && Files.isExecutable(Path.of("/usr/bin/chromedriver"))) {
      return;
    }
    fr.eduatlas.testing.Apt.install(List.of("chromium", "chromium-driver"));
  }

  @AfterAll
  static void stop() {
    if (driver != null) {
      driver.quit();
    }
    if (server != null) {
      server.close();
    }
  }

  /** A console message the running test causes on purpose (a 400 it asks for), or null. */
  static String expectedError;

  @BeforeEach
  void clearLogs() {
    driver.manage().logs().get(LogType.BROWSER);
    expectedError = null;
  }

  @AfterEach
  void noConsoleErrors() {
    assertThat(consoleErrors(driver, expectedError)).as("browser console errors").isEmpty();
  }

  /** The browser console's errors since the last call, but those containing {@code expected}. */
  static List<String> consoleErrors(ChromeDriver driver, String expected) {
    var errors = new ArrayList<String>();
    for (LogEntry e : driver.manage().logs().get(LogType.BROWSER)) {
      if (e.getLevel().intValue() >= Level.SEVERE.intValue()
          && (expected == null || !e.getMessage().contains(expected))) {
        errors.add(e.getMessage());
      }
    }
    return errors;
  }

  private static JavascriptExecutor js() {
    return driver;
  }

  private static WebDriverWait waiting() {
    return new WebDriverWait(driver, Duration.ofSeconds(40));
  }

  /**
   * Types {@code query} into the search box and waits for its own results: each keystroke starts a
   * search, and an earlier keystroke's results (a prefix's) may show first.
   */
  static void searchFor(WebDriver driver, String query) {
    driver.findElement(By.id("search-input")).sendKeys(query);
    new WebDriverWait(driver, Duration.ofSeconds(40))
        .withMessage("the results of " + query)
        .until(
            d ->
                query.equals(
                        ((JavascriptExecutor) d)
                            .executeScript(
                                "return document.getElementById('search-results').dataset.query"
                                    + " || null"))
                    && !d.findElements(By.cssSelector("#search-results li")).isEmpty());
  }

  /** The open popup's text, once it is shown. */
  static String popupText(WebDriver driver) {
    return shownText(driver, ".leaflet-popup-content");
  }

  /**
   * The text of the first element matching {@code css}, once it is shown. Leaflet fades a popup in
   * and a zoom animation can carry it outside the map's box for a moment; WebDriver reads a hidden
   * element's text as "", so reading right after the element enters the page raced the browser
   * under load (a red CI run).
   */
  static String shownText(WebDriver driver, String css) {
    return new WebDriverWait(driver, Duration.ofSeconds(40))
        .ignoring(StaleElementReferenceException.class)
        .withMessage("shown with some text: " + css)
        .until(
            d -> {
              List<WebElement> found = d.findElements(By.cssSelector(css));
              String text = found.isEmpty() ? "" : found.get(0).getText();
              return text.isBlank() ? null : text;
            });
  }

  /** Waits until the choropleth of this indicator, level and period is painted. */
  private static void waitPainted(String stamp) {
    waiting()
        .withMessage(() -> "painted " + stamp + ", got " + painted())
        .until(d -> stamp.equals(painted()));
  }

  private static String painted() {
    return (String) js().executeScript("return document.body.dataset.painted || null");
  }

  /** A digest of the pixels of every drawn territory tile: it changes when the map does. */
  private static long mapSignature() {
    Object v =
        js().executeScript(
                "let h = 0; for (const c of document.querySelectorAll('canvas.eduatlas-tile')) {"
                    + " const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;"
                    + " for (let i = 0; i < d.length; i += 97) h = (h * 31 + d[i]) % 1000000007; }"
                    + " return h;");
    return ((Number) v).longValue();
  }

  private static long coloredPixels() {
    Object v =
        js().executeScript(
                "let n = 0; for (const c of document.querySelectorAll('canvas.eduatlas-tile')) {"
                    + " const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;"
                    + " for (let i = 3; i < d.length; i += 4 * 7) if (d[i] > 0) n++; } return n;");
    return ((Number) v).longValue();
  }

  private static JsonNode api(String path) throws Exception {
    var r =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create(base + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as(path).isEqualTo(200);
    return JSON.readTree(r.body());
  }

  @Test
  void theChoroplethPaintsFromOwnTilesWithALegendAndNoThirdPartyRequest() throws Exception {
    driver.get(base + "/");
    waitPainted("couverture-fibre|departement|2024");
    assertThat(coloredPixels()).as("painted pixels").isGreaterThan(1000);
    String legend = driver.findElement(By.id("legend")).getText();
    assertThat(legend)
        .contains("Locaux raccordables à la fibre (FttH) (%)")
        .contains("Départements · 2024")
        .contains("Source :")
        .contains("ARCEP");
    // First choropleth painted, from navigation start: a figure to report, not a pass/fail timer.
    double ms =
        ((Number)
                js().executeScript(
                        "return performance.getEntriesByName('eduatlas:first-choropleth')[0]"
                            + ".startTime"))
            .doubleValue();
    Files.writeString(
        ARTIFACTS.resolve("first-choropleth.txt"),
        String.format(
            Locale.ROOT, "first choropleth painted %.0f ms after navigation start%n", ms));
    System.out.printf(Locale.ROOT, "[map] first choropleth painted at %.0f ms%n", ms);
    assertThat(ms).isPositive();
    @SuppressWarnings("unchecked")
    List<String> origins =
        (List<String>)
            js().executeScript(
                    "return performance.getEntriesByType('resource').map(e => new URL(e.name).origin)");
    assertThat(origins).isNotEmpty().allMatch(o -> o.equals(base));
    File shot = ((TakesScreenshot) driver).getScreenshotAs(OutputType.FILE);
    Files.copy(shot.toPath(), ARTIFACTS.resolve("map.png"), StandardCopyOption.REPLACE_EXISTING);
    assertThat(Files.size(ARTIFACTS.resolve("map.png"))).isGreaterThan(10_000);
  }

  @Test
  void searchingLaonOpensItsPanelWithTheApisValues() throws Exception {
    driver.get(base + "/");
    waitPainted("couverture-fibre|departement|2024");
    WebElement input = driver.findElement(By.id("search-input"));
    searchFor(driver, "Laon");
    assertThat(driver.findElements(By.cssSelector("#search-results li[role=option]")))
        .hasSizeGreaterThan(1);
    WebElement first = driver.findElement(By.cssSelector("#search-results li[aria-selected=true]"));
    assertThat(first.getText()).startsWith("Laon");
    input.sendKeys(Keys.ENTER);
    waiting().until(d -> d.findElements(By.cssSelector("#panel-body h2#panel-title")).size() == 1);
    assertThat(driver.findElement(By.id("panel-title")).getText()).isEqualTo("Laon");
    assertThat(driver.findElement(By.cssSelector("#panel-body .breadcrumb")).getText())
        .contains("Aisne")
        .contains("Amiens")
        .contains("Hauts-de-France");
    JsonNode profile = api("/api/v1/territories/commune/02408");
    int compared = 0;
    for (JsonNode i : profile.get("indicators")) {
      JsonNode latest = i.get("latest");
      if (latest == null || latest.get("value") == null || latest.get("value").isNull()) {
        continue;
      }
      WebElement cell =
          driver.findElement(
              By.cssSelector(
                  "#panel-body tr[data-indicator='" + i.get("id").asText() + "'] td:nth-child(2)"));
      assertThat(Double.parseDouble(cell.getAttribute("data-value")))
          .as(i.get("id").asText())
          .isEqualTo(latest.get("value").asDouble());
      compared++;
    }
    assertThat(compared).isGreaterThan(10);
    // The appraisal against France is said in words too, and counts are never appraised.
    var appraised =
        driver.findElements(
            By.cssSelector(
                "#panel-body td.favorable, #panel-body td.defavorable, #panel-body td.proche"));
    assertThat(appraised)
        .isNotEmpty()
        .allSatisfy(td -> assertThat(td.getText()).containsAnyOf("favorable", "proche"));
    assertThat(
            driver.findElements(
                By.cssSelector(
                    "#panel-body tr[data-indicator='locaux-raccordables-ftth'] td.defavorable,"
                        + " #panel-body tr[data-indicator='locaux-raccordables-ftth'] td.favorable,"
                        + " #panel-body tr[data-indicator='population'] td.defavorable")))
        .isEmpty();
    assertThat(driver.getCurrentUrl()).contains("sel=commune%3A02408");
    waiting().until(d -> !d.findElements(By.cssSelector("#panel-body ul.schools li")).isEmpty());
    assertThat(driver.findElements(By.cssSelector("#panel-body ul.schools li")))
        .hasSize(profile.get("schools").get("count").asInt());
  }

  @Test
  void changingIndicatorAndYearUpdatesMapAndLegendAndThePermalinkRestoresThem() {
    driver.get(base + "/");
    waitPainted("couverture-fibre|departement|2024");
    long fibre = mapSignature();
    // A new indicator keeps the period shown when it has it (2024 here), for comparisons.
    new Select(driver.findElement(By.id("indicator"))).selectByValue("debit-mesure-moyen");
    waitPainted("debit-mesure-moyen|departement|2024");
    long bandwidth2024 = mapSignature();
    // A tooltip shown over a territory closes when the indicator changes and when the pointer
    // leaves the map: it never shows a stale value. Over a bandwidth map it speaks of Mbit/s.
    WebElement pane = driver.findElement(By.id("map"));
    new org.openqa.selenium.interactions.Actions(driver).moveToElement(pane).perform();
    new org.openqa.selenium.interactions.Actions(driver).moveByOffset(3, 3).perform();
    assertThat(shownText(driver, ".leaflet-tooltip.tip")).contains("Mbit/s");
    new Select(driver.findElement(By.id("indicator"))).selectByValue("couverture-fibre");
    waitPainted("couverture-fibre|departement|2024");
    // Closed, or opened again by the browser's own pointer event with the new indicator's value.
    assertThat(driver.findElements(By.cssSelector(".leaflet-tooltip.tip")))
        .allSatisfy(t -> assertThat(t.getText()).doesNotContain("Mbit/s"));
    new org.openqa.selenium.interactions.Actions(driver)
        .moveToElement(pane)
        .moveByOffset(2, 2)
        .perform();
    waiting().until(d -> !d.findElements(By.cssSelector(".leaflet-tooltip.tip")).isEmpty());
    new org.openqa.selenium.interactions.Actions(driver)
        .moveToElement(driver.findElement(By.id("legend")))
        .perform();
    waiting().until(d -> d.findElements(By.cssSelector(".leaflet-tooltip.tip")).isEmpty());
    new Select(driver.findElement(By.id("indicator"))).selectByValue("debit-mesure-moyen");
    waitPainted("debit-mesure-moyen|departement|2024");
    assertThat(bandwidth2024).isNotEqualTo(fibre);
    String legend = driver.findElement(By.id("legend")).getText();
    assertThat(legend).contains("Mbit/s").contains("2024").contains("données simulées");
    WebElement slider = driver.findElement(By.id("year"));
    slider.sendKeys(Keys.ARROW_RIGHT);
    waitPainted("debit-mesure-moyen|departement|2025");
    assertThat(mapSignature()).isNotEqualTo(bandwidth2024);
    assertThat(driver.findElement(By.id("legend")).getText()).contains("2025");
    assertThat(driver.findElement(By.id("year-label")).getText()).isEqualTo("2025");
    slider.sendKeys(Keys.ARROW_LEFT);
    waitPainted("debit-mesure-moyen|departement|2024");
    assertThat(driver.findElement(By.id("year-label")).getText()).isEqualTo("2024");
    new Select(driver.findElement(By.id("method"))).selectByValue("quantiles");
    new Select(driver.findElement(By.id("palette"))).selectByValue("bleus");
    waiting().until(d -> d.getCurrentUrl().contains("c=bleus"));
    String permalink = driver.getCurrentUrl();
    assertThat(permalink)
        .contains("i=debit-mesure-moyen")
        .contains("p=2024")
        .contains("m=quantiles");
    long before = mapSignature();
    driver.get("about:blank");
    driver.get(permalink);
    waitPainted("debit-mesure-moyen|departement|2024");
    assertThat(
            new Select(driver.findElement(By.id("indicator")))
                .getFirstSelectedOption()
                .getAttribute("value"))
        .isEqualTo("debit-mesure-moyen");
    assertThat(driver.findElement(By.id("year-label")).getText()).isEqualTo("2024");
    assertThat(
            new Select(driver.findElement(By.id("method")))
                .getFirstSelectedOption()
                .getAttribute("value"))
        .isEqualTo("quantiles");
    assertThat(mapSignature()).as("same view, same map").isEqualTo(before);
  }

  @Test
  void aSchoolPopupSaysWhereItIsPlacedAndFiltersHideWhatTheyExclude() throws Exception {
    JsonNode school = api("/api/v1/schools?commune=02408&type=ecole&limit=1").get("schools").get(0);
    double lat = school.get("lat").asDouble();
    double lon = school.get("lon").asDouble();
    // The view centred on the school: its point is under the map's centre.
    driver.get(base + "/#i=couverture-fibre&n=auto&p=2024&z=15&lat=" + lat + "&lon=" + lon);
    waitPainted("couverture-fibre|commune|2024");
    WebElement mapPane = driver.findElement(By.id("map"));
    waiting()
        .until(d -> "loaded".equals(js().executeScript("return document.body.dataset.schools")));
    new org.openqa.selenium.interactions.Actions(driver).moveToElement(mapPane).click().perform();
    popupText(driver);
    // Schools placed at their commune share its point: all of them are listed, worst connected
    // first, each one a button (mouse, touch and keyboard), then the popup is the one chosen.
    var here = new ArrayList<String>();
    for (JsonNode s : api("/api/v1/schools?commune=02408&limit=1000").get("schools")) {
      if (s.get("lat").asDouble() == lat && s.get("lon").asDouble() == lon) {
        here.add("(" + s.get("uai").asText() + ")");
      }
    }
    var stack = driver.findElements(By.cssSelector(".leaflet-popup-content ul.stack button"));
    if (here.size() > 1) {
      assertThat(stack).hasSize(here.size());
      String first = stack.get(0).getText();
      waiting()
          .withMessage("the list's first school has the focus")
          .until(d -> first.equals(d.switchTo().activeElement().getText()));
      driver.switchTo().activeElement().sendKeys(Keys.ENTER);
      waiting()
          .until(d -> d.findElements(By.cssSelector(".leaflet-popup-content ul.stack")).isEmpty());
    }
    String popup = popupText(driver);
    assertThat(here).anyMatch(popup::contains);
    assertThat(popup).contains("Laon").contains("localisation :").contains("Mbit/s");
    assertThat(popup)
        .contains(
            school.get("location").asText().equals("commune")
                ? "position de la commune"
                : "position de l'établissement");
    assertThat(popup).contains("données simulées");
    // Only collèges: the école is no longer drawn nor clickable; the commune under it answers.
    new Select(driver.findElement(By.id("school-type"))).selectByValue("college");
    driver.findElement(By.cssSelector(".leaflet-popup-close-button")).click();
    new org.openqa.selenium.interactions.Actions(driver).moveToElement(mapPane).click().perform();
    waiting().until(d -> d.findElements(By.id("panel-title")).size() == 1);
    assertThat(driver.findElement(By.id("panel-title")).getText()).isEqualTo("Laon");
    assertThat(driver.getCurrentUrl()).contains("st=college");
    // Rurality: Laon is urban on the density grid; keeping rural communes greys it out.
    long before = mapSignature();
    new Select(driver.findElement(By.id("rurality"))).selectByValue("rural");
    waiting().until(d -> d.getCurrentUrl().contains("rur=rural"));
    assertThat(mapSignature()).isNotEqualTo(before);
    assertThat(driver.findElement(By.id("legend")).getText()).contains("Filtres : ruralité");
  }

  @Test
  void theCallForInterestPanelComputesHighlightsExplainsAndRestoresAShortlist() throws Exception {
    driver.get(base + "/#z=6&lat=46.6&lon=2.4");
    waiting().until(d -> painted() != null);
    driver.findElement(By.id("ami-open")).click();
    var count = waiting().until(d -> d.findElement(By.id("ami-count")));
    count.clear();
    count.sendKeys("30");
    driver.findElement(By.id("ami-dep-max")).sendKeys("2");
    driver.findElement(By.id("ami-submit")).click();
    waiting()
        .withMessage("the shortlist's 30 rows")
        .until(d -> d.findElements(By.cssSelector("#ami-table tbody tr")).size() == 30);
    String id =
        waiting()
            .until(d -> (String) js().executeScript("return document.body.dataset.ami || null"));
    assertThat(driver.getCurrentUrl()).contains("ami=" + id);
    // The shortlist drawn over the map: one outline per selected commune, dashed near misses.
    assertThat(driver.findElements(By.cssSelector("path.ami-selected"))).hasSize(30);
    assertThat(driver.findElements(By.cssSelector("path.ami-near"))).hasSize(10);
    // The PNG export holds the shortlist's outlines over the map and, below it, every class of
    // the legend in its colour.
    @SuppressWarnings("unchecked")
    Map<String, Object> png =
        (Map<String, Object>)
            ((JavascriptExecutor) driver)
                .executeAsyncScript(
                    "const done = arguments[arguments.length - 1];"
                        + " window.eduatlasPng().then(c => {"
                        + " const g = c.getContext('2d'); const r = window.devicePixelRatio || 1;"
                        + " const m = document.getElementById('map').getBoundingClientRect();"
                        + " const hex = (d, i) => '#' + [d[i], d[i + 1], d[i + 2]]"
                        + ".map(v => v.toString(16).padStart(2, '0')).join('');"
                        + " const count = (y0, y1) => { const d = g.getImageData(0, y0, c.width, y1 - y0).data;"
                        + " const s = {}; for (let i = 0; i < d.length; i += 4) s[hex(d, i)] = (s[hex(d, i)] || 0) + 1; return s; };"
                        + " const mapColours = count(0, Math.round(m.height * r));"
                        + " const footer = count(Math.round(m.height * r), c.height);"
                        + " const swatches = [...document.querySelectorAll('#legend-body ul:first-of-type .swatch')]"
                        + ".map(e => { const v = getComputedStyle(e).backgroundColor.match(/\\d+/g).map(Number);"
                        + " return '#' + v.slice(0, 3).map(x => x.toString(16).padStart(2, '0')).join(''); });"
                        + " done({height: c.height, mapHeight: Math.round(m.height * r),"
                        + " red: mapColours['#ce0500'] || 0,"
                        + " missing: swatches.filter(h => !footer[h])}); }).catch(e => done({error: String(e)}));");
    assertThat(png.get("error")).isNull();
    assertThat(((Number) png.get("height")).intValue())
        .isGreaterThan(((Number) png.get("mapHeight")).intValue());
    assertThat(((Number) png.get("red")).intValue()).as("shortlist outline pixels").isPositive();
    assertThat((List<?>) png.get("missing")).as("legend colours missing below the map").isEmpty();
    assertThat(driver.findElement(By.id("ami-summary")).getText())
        .contains("30 communes retenues")
        .contains("données simulées");
    // The page shows what the API computed, and its exports point at it.
    JsonNode s = api("/api/v1/selections/" + id);
    assertThat(s.at("/criteria/count").asInt()).isEqualTo(30);
    var codes = new ArrayList<String>();
    for (var r : driver.findElements(By.cssSelector("#ami-table tbody tr"))) {
      codes.add(r.getAttribute("data-code"));
    }
    var expected = new ArrayList<String>();
    s.get("selected").forEach(e -> expected.add(e.get("code").asText()));
    assertThat(codes).isEqualTo(expected);
    assertThat(driver.findElement(By.cssSelector("#ami-result .exports a")).getAttribute("href"))
        .endsWith("/api/v1/selections/" + id + "?format=csv&sep=;&decimal=,");
    // One commune explained: its criteria's points add up to its score.
    driver.findElement(By.cssSelector("#ami-table tbody tr td a")).click();
    var rows = waiting().until(d -> d.findElements(By.cssSelector("#ami-explain tbody tr")));
    assertThat(rows).hasSize(fr.eduatlas.selection.Criterion.values().length + 1);
    assertThat(driver.findElement(By.cssSelector("#ami-explain h3")).getText())
        .contains(s.at("/selected/0/name").asText());
    // The campaigns run on shortlists are listed under the form (none on this server).
    waiting()
        .until(d -> !d.findElement(By.id("ami-campaign-list")).getText().contains("Chargement"));
    assertThat(driver.findElement(By.id("ami-campaign-list")).getText())
        .startsWith("Aucune campagne");
    // A budget: the solver's list, at most its envelope, between the two counts.
    String first = s.at("/selected/0/code").asText();
    driver.findElement(By.id("ami-force-out")).sendKeys(first + " ; déjà financée");
    driver.findElement(By.id("ami-budget")).sendKeys("300000");
    driver.findElement(By.id("ami-count-min")).sendKeys("20");
    driver.findElement(By.id("ami-submit")).click();
    var optimisation =
        waiting()
            .withMessage("the budgeted list's optimisation")
            .until(d -> d.findElement(By.id("ami-optimisation")));
    assertThat(optimisation.getText()).contains("Liste optimale").contains("solveur");
    String budgeted =
        waiting()
            .until(
                d -> {
                  String b =
                      (String) js().executeScript("return document.body.dataset.ami || null");
                  return b != null && !b.equals(id) ? b : null;
                });
    JsonNode b = api("/api/v1/selections/" + budgeted);
    assertThat(b.at("/optimisation/cost").asDouble()).isLessThanOrEqualTo(300000.0);
    assertThat(b.get("selected").size()).isBetween(20, 30);
    assertThat(b.at("/criteria/forceOut/0/reason").asText()).isEqualTo("déjà financée");
    b.get("selected").forEach(e -> assertThat(e.get("code").asText()).isNotEqualTo(first));
    assertThat(driver.findElements(By.cssSelector("#ami-table tbody tr")))
        .hasSize(b.get("selected").size());
    assertThat(driver.findElement(By.id("ami-cost")).getText()).contains("enveloppe de 300");
    assertThat(driver.findElement(By.id("ami-epci")).getText()).contains("Par EPCI");
    driver.findElement(By.id("ami-budget")).clear();
    driver.findElement(By.id("ami-count-min")).clear();
    driver.findElement(By.id("ami-force-out")).clear();
    // Invalid criteria: the problem's errors are shown.
    count.clear();
    count.sendKeys("0");
    js().executeScript("document.getElementById('ami-count').removeAttribute('min')");
    driver.findElement(By.id("ami-submit")).click();
    var error = waiting().until(d -> d.findElement(By.cssSelector("#ami-result .error")));
    assertThat(error.getText()).contains("Critères invalides");
    assertThat(driver.findElement(By.cssSelector("#ami-result .errors")).getText())
        .contains("/count");
    // Chromium logs the expected 400 as a console error: not counted as one.
    expectedError =
        "/api/v1/selections - Failed to load resource: the server responded with a status of 400";
    // The permalink brings the shortlist back.
    driver.get(base + "/#z=6&lat=46.6&lon=2.4&ami=" + id);
    driver.navigate().refresh();
    waiting()
        .withMessage("the shortlist restored from the permalink")
        .until(d -> d.findElements(By.cssSelector("path.ami-selected")).size() == 30);
    assertThat(driver.findElement(By.id("ami")).isDisplayed()).isTrue();
    assertThat(driver.findElement(By.id("ami-count")).getAttribute("value"))
        .as("the form shows the restored selection's criteria")
        .isEqualTo("30");
    assertThat(driver.findElement(By.id("ami-dep-max")).getAttribute("value")).isEqualTo("2");
    ((org.openqa.selenium.TakesScreenshot) driver)
        .getScreenshotAs(org.openqa.selenium.OutputType.FILE)
        .renameTo(ARTIFACTS.resolve("selection.png").toFile());
  }

  /** axe-core on the page as it stands: no violation. */
  static void noAxeViolations(String where) {
    noAxeViolations(driver, where);
  }

  /** axe-core on a browser's page as it stands: no violation (each named with its first node). */
  static void noAxeViolations(org.openqa.selenium.WebDriver driver, String where) {
    var results = new com.deque.html.axecore.selenium.AxeBuilder().analyze(driver);
    assertThat(results.getViolations())
        .as(
            where
                + ": "
                + results.getViolations().stream()
                    .map(
                        v ->
                            v.getId()
                                + " "
                                + v.getNodes().size()
                                + " "
                                + v.getNodes().get(0).getTarget())
                    .toList())
        .isEmpty();
  }

  private static void shot(String name) throws Exception {
    File f = ((TakesScreenshot) driver).getScreenshotAs(OutputType.FILE);
    Files.copy(f.toPath(), ARTIFACTS.resolve(name + ".png"), StandardCopyOption.REPLACE_EXISTING);
  }

  @Test
  void anOfficerKnowsWhereSheIsWithTheKeyboardPlainWordsAndHonestFilters() throws Exception {
    driver.get("about:blank"); // a new page, not a hash change of the last one
    driver.get(base + "/#i=eleves&n=departement&p=2023");
    waitPainted("eleves|departement|2023");
    // Words: a unit the label already says is not repeated; the zoom buttons speak French.
    assertThat(driver.findElement(By.cssSelector("#legend h2")).getText())
        .startsWith("Élèves")
        .doesNotContain("(élèves)");
    assertThat(driver.findElement(By.cssSelector(".leaflet-control-zoom-in")).getAttribute("title"))
        .isEqualTo("Zoomer");
    // Where France is: the neighbouring countries drawn and named in French, the seas named.
    waiting()
        .until(
            d ->
                Integer.parseInt(
                        String.valueOf(
                            js().executeScript("return document.body.dataset.countries || '0'")))
                    > 200);
    waiting().until(d -> !d.findElements(By.cssSelector(".map-label-country")).isEmpty());
    assertThat(driver.findElements(By.cssSelector(".map-label-country")))
        .extracting(WebElement::getText)
        .containsAnyOf("Espagne", "Allemagne", "Italie", "Suisse", "Belgique", "Royaume-Uni");
    assertThat(driver.findElements(By.cssSelector(".map-label-sea"))).isNotEmpty();
    shot("orientation");
    noAxeViolations("carte, bureau");
    // Default classes discriminate: population's thresholds would put nearly every département in
    // one class, so quantiles are used, and the legend says why.
    driver.get(base + "/#i=population&n=departement&p=2021");
    waitPainted("population|departement|2021");
    assertThat(driver.findElement(By.cssSelector("#legend .classes-note")).getText())
        .startsWith("Classes : quantiles, car les seuils de l'indicateur mettraient")
        .endsWith("départements dans une même classe");
    driver.get(base + "/#i=couverture-fibre&n=departement&p=2024&m=seuils");
    waitPainted("couverture-fibre|departement|2024");
    assertThat(driver.findElement(By.id("legend")).getText()).contains("95 % et plus");

    // A filter the shown level cannot apply says so, and "hors filtre" has its own swatch.
    new Select(driver.findElement(By.id("rurality"))).selectByValue("rural");
    waiting().until(d -> d.findElement(By.id("legend")).getText().contains("sans effet"));
    assertThat(driver.findElement(By.id("legend")).getText())
        .contains("ruralité")
        .contains("sans effet au niveau des départements")
        .doesNotContain("hors filtre");
    driver.findElement(By.id("tne")).click();
    waiting().until(d -> d.findElement(By.id("legend")).getText().contains("hors filtre"));
    assertThat(driver.findElements(By.cssSelector("#legend .swatch.out-of-filter"))).hasSize(1);
    shot("filtres");
    driver.findElement(By.id("tne")).click();
    new Select(driver.findElement(By.id("rurality"))).selectByValue("");

    // The legend folds away, and back.
    WebElement toggle = driver.findElement(By.cssSelector("#legend .legend-toggle"));
    assertThat(toggle.getAttribute("aria-expanded")).isEqualTo("true");
    toggle.click();
    assertThat(driver.findElement(By.id("legend-body")).isDisplayed()).isFalse();
    driver.findElement(By.cssSelector("#legend .legend-toggle")).click();
    assertThat(driver.findElement(By.id("legend-body")).isDisplayed()).isTrue();

    // Choosing the Aisne zooms to it clear of the panel; Escape closes the panel and gives the
    // focus back to the search field.
    WebElement input = driver.findElement(By.id("search-input"));
    searchFor(driver, "Aisne");
    input.sendKeys(Keys.ENTER);
    waiting().until(d -> d.findElements(By.cssSelector("#panel-body h2#panel-title")).size() == 1);
    waiting()
        .until(
            d ->
                (Boolean)
                    js().executeScript(
                            "const p = document.getElementById('panel');"
                                + " const m = document.getElementById('map').getBoundingClientRect();"
                                + " return m.width > 0 && !p.hidden;"));
    Thread.sleep(600); // the fit's animation
    @SuppressWarnings("unchecked")
    List<Number> east =
        (List<Number>)
            js().executeScript(
                    "const m = window.eduatlasMap; const pt = m.latLngToContainerPoint([49.56, 4.25]);"
                        + " const r = document.getElementById('map').getBoundingClientRect();"
                        + " return [pt.x + r.left, document.getElementById('panel')"
                        + ".getBoundingClientRect().left];");
    assertThat(east.get(0).doubleValue())
        .as("the Aisne's east edge left of the panel")
        .isLessThan(east.get(1).doubleValue());
    shot("aisne-panneau");
    // Orientation: names placed without overlap and never under the panel, the département
    // outlines over the communes, a scale bar.
    waiting()
        .until(
            d ->
                String.valueOf(js().executeScript("return document.body.dataset.labels"))
                    .matches("[a-z]+:[1-9][0-9]*"));
    @SuppressWarnings("unchecked")
    List<Map<String, Number>> boxes =
        (List<Map<String, Number>>)
            js().executeScript(
                    "return [...document.querySelectorAll('.map-label')].map(e => {"
                        + " const r = e.getBoundingClientRect(); return {x0: r.left, y0: r.top,"
                        + " x1: r.right, y1: r.bottom}; })");
    double panelLeft =
        ((Number)
                js().executeScript(
                        "return document.getElementById('panel').getBoundingClientRect().left"))
            .doubleValue();
    assertThat(boxes).isNotEmpty();
    for (int i = 0; i < boxes.size(); i++) {
      var a = boxes.get(i);
      assertThat(a.get("x1").doubleValue())
          .as("a name left of the panel")
          .isLessThanOrEqualTo(panelLeft + 1);
      for (int j = i + 1; j < boxes.size(); j++) {
        var b = boxes.get(j);
        boolean apart =
            a.get("x1").doubleValue() <= b.get("x0").doubleValue() + 1
                || b.get("x1").doubleValue() <= a.get("x0").doubleValue() + 1
                || a.get("y1").doubleValue() <= b.get("y0").doubleValue() + 1
                || b.get("y1").doubleValue() <= a.get("y0").doubleValue() + 1;
        assertThat(apart).as("names %d and %d apart", i, j).isTrue();
      }
    }
    assertThat(driver.findElements(By.cssSelector(".leaflet-control-scale-line"))).hasSize(1);
    driver.switchTo().activeElement().sendKeys(Keys.ESCAPE);
    waiting().until(d -> !d.findElement(By.id("panel")).isDisplayed());
    assertThat(driver.switchTo().activeElement().getAttribute("id")).isEqualTo("search-input");
  }

  @Test
  void aSchoolHasItsSheetWithEveryYearAndWhereEachFigureComesFrom() throws Exception {
    driver.get("about:blank"); // a new page, not a hash change of the last one
    JsonNode school = api("/api/v1/schools/0021685W");
    driver.get(base + "/#sel=etablissement%3A0021685W");
    waiting()
        .until(
            d ->
                "0021685W"
                    .equals(
                        js().executeScript("return document.body.dataset.schoolSheet || null")));
    String sheet = driver.findElement(By.id("panel-body")).getText();
    assertThat(sheet)
        .contains(school.get("name").asText())
        .contains("collège public")
        .contains("Localisation : position de l'établissement")
        .contains("Connectivité par année scolaire")
        .contains("Équipement par année scolaire");
    int years = school.get("connectivity").size();
    assertThat(driver.findElements(By.cssSelector("#panel-body table.sheet")))
        .hasSizeGreaterThan(1);
    assertThat(
            driver
                .findElement(By.cssSelector("#panel-body table.sheet"))
                .findElements(By.cssSelector("tbody tr")))
        .hasSize(years);
    assertThat(driver.findElements(By.cssSelector("#panel-body table.sheet tbody .simulated")))
        .isNotEmpty();
    noAxeViolations("fiche établissement");
  }

  @Test
  void onAPhoneAndATabletTheMapComesFirstAndEverythingFitsTheScreen() throws Exception {
    for (int[] size : new int[][] {{390, 844}, {768, 1024}}) {
      driver.manage().window().setSize(new org.openqa.selenium.Dimension(size[0], size[1]));
      try {
        driver.get(base + "/#i=couverture-fibre&n=departement&p=2024");
        waitPainted("couverture-fibre|departement|2024");
        @SuppressWarnings("unchecked")
        Map<String, Number> m =
            (Map<String, Number>)
                js().executeScript(
                        "const r = (id) => document.getElementById(id).getBoundingClientRect();"
                            + " return {overflow: document.documentElement.scrollWidth - innerWidth,"
                            + " mapW: r('map').width, mapTop: r('map').top, controlsTop:"
                            + " r('controls').top, searchW: r('search-input').width};");
        assertThat(m.get("overflow").intValue())
            .as("overflow at " + size[0])
            .isLessThanOrEqualTo(0);
        assertThat(m.get("mapW").doubleValue()).isGreaterThan(size[0] * 0.6);
        assertThat(m.get("searchW").doubleValue()).isGreaterThan(200);
        if (size[0] < 700) {
          assertThat(m.get("mapTop").doubleValue()).isLessThan(m.get("controlsTop").doubleValue());
        }
        // The panel opens as a sheet, its close button on screen and large enough to touch.
        WebElement input = driver.findElement(By.id("search-input"));
        searchFor(driver, "Laon");
        input.sendKeys(Keys.ENTER);
        waiting().until(d -> d.findElements(By.id("panel-title")).size() == 1);
        var close = driver.findElement(By.id("panel-close")).getRect();
        assertThat(close.getX() + close.getWidth()).isLessThanOrEqualTo(size[0]);
        assertThat(close.getX()).isGreaterThanOrEqualTo(0);
        shot("telephone-" + size[0]);
        noAxeViolations("carte " + size[0] + "×" + size[1]);
      } finally {
        driver.manage().window().setSize(new org.openqa.selenium.Dimension(1400, 900));
      }
    }
  }

  @Test
  void aTerritoryChartsItsSeriesAndTwoTerritoriesCompareSideBySideByPermalink() throws Exception {
    driver.get("about:blank"); // a new page, not a hash change of the last one
    driver.get(base + "/#i=debit-mesure-moyen&n=departement&p=2025&sel=commune%3A02408");
    waiting().until(d -> d.findElements(By.cssSelector("#panel-body figure.chart")).size() == 1);
    JsonNode laon = api("/api/v1/territories/commune/02408");
    int compared = laon.get("comparedWith").size();
    waiting()
        .until(
            d ->
                String.valueOf(js().executeScript("return document.body.dataset.chart"))
                    .equals("commune:02408:" + (compared + 1) + ":debit-mesure-moyen"));
    assertThat(driver.findElements(By.cssSelector("#panel-body .chart-legend li")))
        .hasSize(compared + 1);
    assertThat(driver.findElements(By.cssSelector("#panel-body .chart-svg polyline"))).isNotEmpty();
    // Another indicator with the panel open: its chart follows.
    new Select(driver.findElement(By.id("indicator"))).selectByValue("debit-mesure-median");
    waiting()
        .until(
            d ->
                String.valueOf(js().executeScript("return document.body.dataset.chart"))
                    .endsWith(":debit-mesure-median"));
    assertThat(driver.findElement(By.cssSelector("#panel-body figure.chart figcaption")).getText())
        .startsWith("Débit descendant mesuré médian");
    driver.findElement(By.id("cmp-toggle")).click();
    assertThat(driver.getCurrentUrl()).contains("cmp=commune%3A02408");
    // A second territory, of another level.
    WebElement input = driver.findElement(By.id("search-input"));
    searchFor(driver, "Somme");
    assertThat(
            driver.findElement(By.cssSelector("#search-results li[aria-selected=true]")).getText())
        .startsWith("Somme");
    input.sendKeys(Keys.ENTER);
    waiting().until(d -> d.findElement(By.id("panel-title")).getText().equals("Somme"));
    driver.findElement(By.id("cmp-toggle")).click();
    driver.findElement(By.id("cmp-open")).click();
    waiting().until(d -> "2".equals(js().executeScript("return document.body.dataset.comparison")));
    String permalink = driver.getCurrentUrl();
    assertThat(permalink)
        .contains("sel=comparaison")
        .contains("cmp=commune%3A02408%2Cdepartement%3A80");
    var rows = driver.findElements(By.cssSelector("#panel-body table.cmp-table tbody tr"));
    assertThat(rows).hasSize(laon.get("indicators").size());
    assertThat(driver.findElements(By.cssSelector("#panel-body table.cmp-table thead th")))
        .hasSize(3);
    noAxeViolations("comparaison");
    shot("comparaison");
    driver.get("about:blank");
    driver.get(permalink);
    waiting().until(d -> "2".equals(js().executeScript("return document.body.dataset.comparison")));
    assertThat(driver.findElement(By.id("panel-title")).getText())
        .isEqualTo("Comparaison de 2 territoires");
  }

  @Test
  void anAmiensOfficerLimitsTheCallToHerAcademieAndExportsWhatSheSees() throws Exception {
    driver.get("about:blank");
    driver.get(base + "/#z=6&lat=49.5&lon=2.8&n=departement");
    waiting().until(d -> painted() != null);
    driver.findElement(By.id("ami-open")).click();
    var q = waiting().until(d -> d.findElement(By.id("ami-perimeter-q")));
    q.sendKeys("Amiens");
    waiting()
        .until(
            d ->
                d.findElements(By.cssSelector("#ami-perimeter-results button")).stream()
                    .anyMatch(b -> b.getText().startsWith("Amiens (académie")));
    driver.findElements(By.cssSelector("#ami-perimeter-results button")).stream()
        .filter(b -> b.getText().startsWith("Amiens (académie"))
        .findFirst()
        .orElseThrow()
        .click();
    assertThat(driver.findElement(By.id("ami-perimeter-list")).getText()).contains("Amiens");
    var count = driver.findElement(By.id("ami-count"));
    count.clear();
    count.sendKeys("10");
    driver.findElement(By.id("ami-submit")).click();
    waiting().until(d -> d.findElements(By.cssSelector("#ami-table tbody tr")).size() == 10);
    String id =
        waiting()
            .until(d -> (String) js().executeScript("return document.body.dataset.ami || null"));
    JsonNode s = api("/api/v1/selections/" + id);
    assertThat(s.at("/criteria/eligibility/perimeter/0").asText()).isEqualTo("academie:20");
    for (JsonNode c : s.get("selected")) {
      assertThat(c.at("/departement/code").asText()).isIn("02", "60", "80");
    }
    String result = driver.findElement(By.id("ami-result")).getText();
    assertThat(result).contains("Périmètre : Amiens").doesNotContain("null");
    // The list's estimated cost, and each commune's, as the API computed them.
    assertThat(driver.findElement(By.id("ami-cost")).getText())
        .startsWith("Coût estimé de la liste :")
        .contains("€");
    assertThat(s.at("/summary/estimatedCost").asDouble()).isPositive();
    // A click on the map with the panel open: no territory panel opened unseen underneath.
    new org.openqa.selenium.interactions.Actions(driver)
        .moveToElement(driver.findElement(By.id("map")), -200, 0)
        .click()
        .perform();
    assertThat(driver.findElement(By.id("panel")).isDisplayed()).isFalse();
    assertThat(driver.findElement(By.id("status")).getText())
        .contains("Fermez le panneau de sélection");
    // Escape closes the selection and gives the focus back to its button.
    driver.switchTo().activeElement().sendKeys(Keys.ESCAPE);
    waiting().until(d -> !d.findElement(By.id("ami")).isDisplayed());
    assertThat(driver.switchTo().activeElement().getAttribute("id")).isEqualTo("ami-open");

    // The exports follow the selected territory: the Aisne's communes only.
    driver.get("about:blank");
    driver.get(
        base + "/#i=couverture-fibre&n=commune&p=2024&z=8&lat=49.56&lon=3.62&sel=departement%3A02");
    waiting().until(d -> d.findElement(By.id("download-csv")).getText().contains("Aisne"));
    // Printed: the map, the legend unfolded and the panel, without the controls.
    driver.executeCdpCommand("Emulation.setEmulatedMedia", Map.of("media", "print"));
    try {
      assertThat(driver.findElement(By.id("controls")).isDisplayed()).isFalse();
      assertThat(driver.findElement(By.id("legend-body")).isDisplayed()).isTrue();
      assertThat(driver.findElement(By.id("map")).isDisplayed()).isTrue();
      assertThat(driver.findElement(By.id("print-meta")).getText())
          .startsWith("Locaux raccordables à la fibre (FttH) (%) · Communes · 2024")
          .contains("imprimé le");
    } finally {
      driver.executeCdpCommand("Emulation.setEmulatedMedia", Map.of("media", ""));
    }
    WebElement csv = driver.findElement(By.id("download-csv"));
    assertThat(csv.getText()).isEqualTo("Télécharger : communes, Aisne (CSV)");
    assertThat(csv.getAttribute("href")).contains("within=departement:02").contains("sep=%3B");
    assertThat(csv.getAttribute("download"))
        .isEqualTo("couverture-fibre-commune-departement-02-2024.csv");
    var r =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create(csv.getAttribute("href"))).build(),
                HttpResponse.BodyHandlers.ofString());
    var lines = r.body().lines().toList();
    assertThat(lines.get(0)).startsWith("\uFEFFniveau;code;nom");
    assertThat(lines.subList(1, lines.size()))
        .isNotEmpty()
        .allMatch(l -> l.startsWith("commune;02"));
    csv.click(); // through fetch, with progress said in the status line
    waiting()
        .until(
            d ->
                "couverture-fibre-commune-departement-02-2024.csv"
                    .equals(js().executeScript("return document.body.dataset.downloaded || null")));
    assertThat(driver.findElement(By.id("status")).getText()).contains("téléchargé");
  }
}
