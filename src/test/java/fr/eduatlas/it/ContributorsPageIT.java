package fr.eduatlas.it;

import static org.assertj.core.api.Assertions.assertThat;

import fr.eduatlas.api.HubTestServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The contributors' space driven end to end in Debian's headless Chromium, against the real server
 * and hub store on the mini dataset with real rebuilds: log in with a one-time link, upload a file
 * with errors, read the report, fix it, publish, wait for the rebuild, and see the map's school
 * change from simulated to the hub's figures. Audited with axe-core at desktop and phone widths.
 */
class ContributorsPageIT {
  static final String COLLEGE = "0021685W"; // public collège of Laon (02)
  static final String PRIVATE = "0020471B";
  static final String ECOLE = "0021531D"; // not the département's competence
  static final String HEADER =
      "uai;annee_scolaire;date_observation;technologie;debit_descendant_souscrit;"
          + "debit_descendant_mesure\n";
  @TempDir static Path tmp;
  static HubTestServer env;
  static ChromeDriver driver;

  @BeforeAll
  static void start() throws Exception {
    env = HubTestServer.start(tmp);
    driver = MapPageIT.chrome("1440,900");
  }

  @AfterAll
  static void stop() {
    if (driver != null) {
      driver.quit();
    }
    if (env != null) {
      env.close();
    }
  }

  static WebDriverWait waiting() {
    // A view re-rendered while it is read leaves stale elements: look again.
    var w = new WebDriverWait(driver, Duration.ofSeconds(60));
    w.ignoring(org.openqa.selenium.StaleElementReferenceException.class);
    return w;
  }

  static Object js(String script, Object... args) {
    return ((JavascriptExecutor) driver).executeScript(script, args);
  }

  static void noAxeViolations(String where) {
    MapPageIT.noAxeViolations(driver, where);
  }

  static Path csv(String name, String body) throws Exception {
    Path dir = Files.createDirectories(tmp.resolve("files-" + System.nanoTime()));
    Path f = dir.resolve(name);
    Files.writeString(f, body, StandardCharsets.UTF_8);
    return f;
  }

  static void upload(Path file) {
    driver.get(env.base() + "/contribuer#depot");
    waiting().until(d -> "true".equals(js("return document.body.dataset.ready || null")));
    driver.findElement(By.id("upload-files")).sendKeys(file.toAbsolutePath().toString());
    js("document.getElementById('report-summary').textContent = ''");
    driver.findElement(By.id("upload-send")).click();
    waiting()
        .until(
            d ->
                d.findElement(By.id("report")).isDisplayed()
                    && d.findElement(By.id("report-summary")).getText().contains("lignes lues"));
  }

  @Test
  void aValideurLogsInUploadsReadsTheReportFixesPublishesAndSeesTheMapChange() throws Exception {
    // Before: the collège's figures on the public API are simulated.
    assertThat(env.schoolJson(COLLEGE)).contains("\"simule\":true");

    String code = env.loginCode("chef@aisne.fr");
    driver.get(env.base() + "/contribuer/connexion#code=" + code);
    assertThat(driver.getCurrentUrl()).doesNotContain("code="); // the fragment is removed
    assertThat(driver.findElement(By.id("code")).getAttribute("value")).isEqualTo(code);
    noAxeViolations("page de connexion");
    driver.findElement(By.cssSelector("#form-code button")).click();
    waiting().until(d -> "true".equals(js("return document.body.dataset.ready || null")));
    assertThat(driver.findElement(By.id("member")).getText()).isEqualTo("chef@aisne.fr");
    waiting().until(d -> d.findElement(By.id("completeness")).getText().contains("Connectivité"));
    assertThat(driver.findElement(By.id("hub-title")).getText())
        .isEqualTo("Conseil départemental de l'Aisne");
    assertThat(driver.findElement(By.id("completeness")).getText()).contains("0 / 2");
    noAxeViolations("tableau de bord");

    // A file with an error and a row outside the scope.
    upload(
        csv(
            "connectivite.csv",
            HEADER
                + COLLEGE
                + ";2024-2025;2025-01-15;fibre;100;abc\n"
                + PRIVATE
                + ";2024-2025;2025-01-15;fibre;100;64\n"
                + ECOLE
                + ";2024-2025;2025-01-15;dsl;8;5\n"));
    String summary = driver.findElement(By.id("report-summary")).getText();
    assertThat(summary).contains("3 lignes lues, 1 acceptées, 2 refusées dont 1 hors périmètre");
    String refused = driver.findElement(By.id("report-rows")).getText();
    assertThat(refused).contains("debit_descendant_mesure").contains("abc");
    String outside = driver.findElement(By.id("report-outside")).getText();
    assertThat(outside).contains("hors périmètre").doesNotContain(";dsl;"); // no text kept
    // The filter by reason keeps the rows of that reason.
    var filter =
        new org.openqa.selenium.support.ui.Select(driver.findElement(By.id("report-filter")));
    assertThat(filter.getOptions()).hasSizeGreaterThan(1);
    filter.selectByIndex(1);
    assertThat(driver.findElement(By.id("report-rows")).findElements(By.cssSelector("tbody tr")))
        .hasSize(1);
    assertThat(driver.findElement(By.id("report-csv")).getAttribute("href"))
        .contains("/uploads/")
        .endsWith("format=csv");
    noAxeViolations("rapport de validation");

    // Fixed, sent again: a second version.
    upload(
        csv(
            "connectivite.csv",
            HEADER
                + COLLEGE
                + ";2024-2025;2025-01-15;fibre;100;91\n"
                + PRIVATE
                + ";2024-2025;2025-01-15;fibre;100;64\n"));
    assertThat(driver.findElement(By.id("report-summary")).getText())
        .contains("2 lignes lues, 2 acceptées, 0 refusées");

    // Versions: diff, then publish the fixed one.
    driver.get(env.base() + "/contribuer#versions");
    waiting()
        .until(d -> d.findElements(By.cssSelector("#versions-table tbody button")).size() == 2);
    driver.findElement(By.cssSelector("#diff-form button")).click();
    waiting().until(d -> d.findElement(By.id("diff")).getText().contains("modifiée"));
    // Version 1 held the private collège only (the public one's row was refused).
    assertThat(driver.findElement(By.id("diff")).getText())
        .contains("1 ligne(s) ajoutée(s), 0 modifiée(s), 0 retirée(s)")
        .contains(COLLEGE);
    noAxeViolations("versions");
    WebElement publish = driver.findElement(By.cssSelector("#versions-table tbody tr button"));
    assertThat(publish.getText()).isEqualTo("Publier la version 2");
    publish.sendKeys(Keys.ENTER); // keyboard-usable
    waiting()
        .withTimeout(Duration.ofMinutes(3))
        .until(
            d ->
                "served"
                    .equals(
                        js(
                            "return document.getElementById('rebuild-status').dataset.status || null")));

    // The map now shows the hub's figure for the collège, no longer simulated.
    driver.get(env.base() + "/");
    var search = driver.findElement(By.id("search-input"));
    MapPageIT.searchFor(driver, COLLEGE);
    search.sendKeys(Keys.ENTER);
    String popup = MapPageIT.popupText(driver);
    assertThat(popup).contains("mesuré 91 Mbit/s").doesNotContain("données simulées");

    // The directory of actors and projects, edited in the space, published, on the map's panel.
    driver.get(env.base() + "/contribuer#annuaire");
    waiting().until(d -> !d.findElement(By.id("directory-json")).getAttribute("value").isEmpty());
    var area = driver.findElement(By.id("directory-json"));
    js(
        "arguments[0].value = arguments[1]",
        area,
        "{\"acteurs\":[{\"id\":\"cd\",\"nom\":\"Conseil départemental de l'Aisne\","
            + "\"nature\":\"collectivite\",\"role\":\"équipement des collèges\"}],"
            + "\"projets\":[{\"id\":\"p\",\"nom\":\"Fibre des collèges\",\"levier\":\"robotique\","
            + "\"statut\":\"en-cours\",\"financeurs\":[\"cd\"]}]}");
    driver.findElement(By.id("directory-save")).click();
    waiting().until(d -> d.findElement(By.id("directory-errors")).getText().contains("levier"));
    js("arguments[0].value = arguments[0].value.replace('robotique', 'equipement')", area);
    driver.findElement(By.id("directory-save")).click();
    waiting()
        .until(d -> d.findElement(By.id("status")).getText().contains("version brouillon n° 1"));
    driver.findElement(By.id("directory-publish")).click();
    waiting()
        .until(
            d ->
                d.findElement(By.id("directory-preview")).getText().contains("Fibre des collèges"));
    driver.get(env.base() + "/#sel=departement%3A02&n=departement");
    waiting()
        .until(d -> d.findElement(By.id("panel-body")).getText().contains("Acteurs et projets"));
    assertThat(driver.findElement(By.id("panel-actors")).getText())
        .contains("Conseil départemental de l'Aisne — équipement des collèges")
        .contains("Fibre des collèges : levier équipement, en cours");

    // The dashboard counts the covered schools; the phone width keeps everything on screen.
    driver.manage().window().setSize(new Dimension(390, 844));
    driver.get(env.base() + "/contribuer#tableau");
    waiting().until(d -> d.findElement(By.id("completeness")).getText().contains("2 / 2"));
    assertThat((Long) js("return document.documentElement.scrollWidth - window.innerWidth"))
        .as(
            "wider than the screen: %s",
            js(
                "return [...document.querySelectorAll('body *')].filter(e =>"
                    + " e.getBoundingClientRect().right > window.innerWidth + 1).slice(0, 8)"
                    + ".map(e => e.tagName + '#' + e.id + '.' + e.className + ' '"
                    + " + Math.round(e.getBoundingClientRect().right)).join(', ')"))
        .isLessThanOrEqualTo(0L);
    noAxeViolations("tableau de bord, téléphone");
    driver.manage().window().setSize(new Dimension(1440, 900));

    // Logout ends the session: the space sends back to the login page.
    driver.findElement(By.id("logout")).click();
    waiting().until(d -> d.getCurrentUrl().endsWith("/contribuer/connexion"));
    driver.get(env.base() + "/contribuer");
    assertThat(driver.getCurrentUrl()).endsWith("/contribuer/connexion");
  }

  /** Logs {@code member} in with a one-time link and opens the space at {@code view}. */
  static void login(String member, String view) {
    // From the login page itself a new fragment would not reload it: leave it first.
    driver.get("about:blank");
    driver.get(env.base() + "/contribuer/connexion#code=" + env.loginCode(member));
    driver.findElement(By.cssSelector("#form-code button")).click();
    waiting().until(d -> "true".equals(js("return document.body.dataset.ready || null")));
    driver.get(env.base() + "/contribuer#" + view);
  }

  /** Shows a campaign in the space's view (choosing it only if another is shown) and waits. */
  static void showCampaign(String id) {
    waiting()
        .until(
            d ->
                d.findElement(By.id("campaign-select"))
                    .getText()
                    .contains("AMI écoles connectées"));
    if (!id.equals(js("return document.getElementById('campaign-select').value"))) {
      new org.openqa.selenium.support.ui.Select(driver.findElement(By.id("campaign-select")))
          .selectByValue(id);
      js("document.getElementById('campaign-select').dispatchEvent(new Event('change'))");
    }
    waiting()
        .until(
            d ->
                id.equals(
                    js("return document.getElementById('campaign').dataset.campaign || null")));
  }

  @Test
  void aCommuneAppliesToACampaignAndTheJuryDecides() throws Exception {
    String id = env.openLaonCampaign();
    // The commune's agent applies for its école, with the form of the space.
    login("agent@laon.fr", "campagnes");
    waiting()
        .until(
            d ->
                d.findElement(By.id("campaign-select"))
                    .getText()
                    .contains("AMI écoles connectées"));
    showCampaign(id);
    waiting()
        .until(
            d ->
                !d.findElements(By.cssSelector("#apply-schools input[value='" + ECOLE + "']"))
                    .isEmpty());
    waiting()
        .until(
            d ->
                d.findElement(By.id("campaign-state")).getText().contains("candidatures ouvertes"));
    noAxeViolations("campagne, formulaire de candidature");
    driver.findElement(By.cssSelector("#apply-schools input[value='" + ECOLE + "']")).click();
    driver.findElement(By.id("apply-project")).sendKeys("Raccordement en fibre de l'école");
    driver.findElement(By.id("apply-cost")).sendKeys("30000");
    driver.findElement(By.id("apply-cofunding")).clear();
    driver.findElement(By.id("apply-cofunding")).sendKeys("10000");
    driver.findElement(By.id("apply-file")).sendKeys(csv("devis.pdf", "%PDF-1.4 devis").toString());
    driver.findElement(By.id("apply-send")).click();
    waiting().until(d -> !d.findElements(By.className("candidature-state")).isEmpty());
    // Intl writes euros with a narrow no-break space between thousands.
    assertThat(
            driver
                .findElement(By.className("candidature-state"))
                .getText()
                .replaceAll("[\u202f\u00a0]", " "))
        .contains("20 000 €")
        .contains("en attente de la décision du jury");
    driver.findElement(By.id("logout")).click();
    waiting().until(d -> d.getCurrentUrl().endsWith("/contribuer/connexion"));

    // The council's valideur closes the applications and decides in the jury's table.
    login("chef@aisne.fr", "campagnes");
    waiting().until(d -> !d.findElements(By.id("campaign-close")).isEmpty());
    showCampaign(id);
    waiting().until(d -> d.findElement(By.id("jury-table")).getText().contains("Laon"));
    driver.findElement(By.id("campaign-close")).click();
    waiting()
        .until(d -> !d.findElements(By.cssSelector("button[data-decision='laureate']")).isEmpty());
    noAxeViolations("campagne, jury");
    driver.findElement(By.cssSelector("#jury-table input[type=text]")).sendKeys("projet complet");
    driver.findElement(By.cssSelector("button[data-decision='laureate']")).click();
    waiting()
        .until(
            d ->
                d.findElement(By.id("jury-table")).getText().contains("lauréate : projet complet"));
    waiting()
        .until(d -> d.findElement(By.id("campaign-state")).getText().contains("1 lauréate(s)"));
    assertThat(driver.findElement(By.linkText("devis.pdf")).getAttribute("href"))
        .contains("/piece");
    assertThat(driver.findElement(By.linkText("ODS")).getAttribute("href")).endsWith("format=ods");
    driver.findElement(By.id("logout")).click();
    waiting().until(d -> d.getCurrentUrl().endsWith("/contribuer/connexion"));
  }

  @Test
  void theFormatPageRendersTheContributionFormat() {
    driver.get(env.base() + "/contribuer/format");
    assertThat(driver.findElement(By.tagName("h1")).getText())
        .isEqualTo("Format de contribution EduAtlas, version 1");
    assertThat(driver.findElements(By.cssSelector("main table"))).isNotEmpty();
    noAxeViolations("format");
    assertThat(List.of(driver.getPageSource())).noneMatch(s -> s.contains("<script>"));
  }

  @Test
  void theProgrammePageShowsCalendarTargetsLeversAndTheEvaluation() {
    driver.get(env.base() + "/programmes?id=tne");
    waiting().until(d -> js("return document.body.dataset.ready || null") != null);
    assertThat(js("return document.body.dataset.ready")).isEqualTo("true");
    assertThat(driver.findElement(By.id("programme-title")).getText())
        .isEqualTo("Territoires numériques éducatifs (TNE)");
    // The phases on a timeline, the second wave's first school year after its deployment.
    assertThat(driver.findElements(By.cssSelector("svg.timeline rect"))).hasSize(6);
    assertThat(driver.findElement(By.id("territories")).getText())
        .contains("première année scolaire 2022-2023")
        .contains("Aisne (02)");
    assertThat(driver.findElement(By.cssSelector("#territories a")).getAttribute("href"))
        .contains("#sel=departement:");
    // A chart per lever's indicator, each with its values as a table.
    assertThat(driver.findElements(By.cssSelector(".lever"))).hasSize(4);
    assertThat(driver.findElements(By.cssSelector("figure.lever-chart svg path"))).isNotEmpty();
    // Targets with their progress and sources; the evaluation says it is on simulated data.
    var walls =
        driver.findElement(By.cssSelector(".target[data-target='classes-socle-equipement']"));
    assertThat(walls.findElements(By.tagName("progress"))).hasSize(1);
    assertThat(walls.getText().replaceAll("[\u202f\u00a0]", " "))
        .contains("2 700")
        .contains("DRANE de Versailles");
    assertThat(driver.findElement(By.id("evaluation-warning")).getText())
        .contains("données simulées");
    assertThat(driver.findElements(By.cssSelector("#evaluation-table tbody tr")))
        .hasSizeGreaterThanOrEqualTo(3);
    assertThat(driver.findElement(By.id("sources")).getText()).contains("Banque des Territoires");
    noAxeViolations("programme TNE");
  }

  @Test
  void theAboutPageListsEverySourceAndTheAccessibilityStatementIsThere() {
    driver.get(env.base() + "/a-propos");
    waiting().until(d -> "true".equals(js("return document.body.dataset.ready || null")));
    String sources = driver.findElement(By.id("sources")).getText();
    assertThat(sources).contains("Licence Ouverte").contains("Indicateurs :");
    noAxeViolations("à propos");
    driver.get(env.base() + "/accessibilite");
    assertThat(driver.findElement(By.tagName("h1")).getText())
        .isEqualTo("Déclaration d'accessibilité");
    assertThat(driver.getPageSource()).contains("partiellement conforme");
    noAxeViolations("accessibilité");
  }
}
