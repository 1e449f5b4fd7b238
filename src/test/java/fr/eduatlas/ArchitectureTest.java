package fr.eduatlas;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.sql.Connection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Holds the package table of ARCHITECTURE.md: who may import whom, no cycle between packages, the
 * read model free of HTTP and JSON, and no SQL in the web layer.
 */
class ArchitectureTest {
  /** Each package and the project packages it may use (the table of ARCHITECTURE.md). */
  static final Map<String, Set<String>> ALLOWED = new LinkedHashMap<>();

  static {
    ALLOWED.put("config", Set.of());
    ALLOWED.put("territory", Set.of());
    ALLOWED.put("geo", Set.of());
    ALLOWED.put("cql2", Set.of("geo"));
    ALLOWED.put("source", Set.of("territory", "geo"));
    ALLOWED.put("indicator", Set.of("source", "territory"));
    ALLOWED.put("tiles", Set.of("geo", "indicator", "territory"));
    ALLOWED.put("selection", Set.of("geo", "territory"));
    ALLOWED.put("warehouse", Set.of("source", "territory", "geo", "indicator", "tiles"));
    ALLOWED.put("simulation", Set.of("territory", "warehouse"));
    ALLOWED.put("ingest", Set.of("source", "warehouse", "simulation", "indicator"));
    ALLOWED.put("observatory", Set.of("territory", "geo", "indicator", "cql2"));
    ALLOWED.put("hub", Set.of("source", "warehouse"));
    ALLOWED.put(
        "api",
        Set.of(
            "observatory",
            "warehouse",
            "indicator",
            "tiles",
            "selection",
            "hub",
            "source",
            "territory",
            "geo",
            "cql2"));
  }

  private static final String ROOT = "fr.eduatlas";
  private static JavaClasses classes;

  @BeforeAll
  static void importProduct() {
    classes =
        new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages(ROOT);
  }

  @Test
  void everyPackageUsesOnlyThePackagesItsRowAllows() {
    for (var e : ALLOWED.entrySet()) {
      var forbidden = new TreeSet<String>();
      for (String other : ALLOWED.keySet()) {
        if (!other.equals(e.getKey()) && !e.getValue().contains(other)) {
          forbidden.add(ROOT + "." + other + "..");
        }
      }
      forbidden.add(ROOT + ".cli..");
      noClasses()
          .that()
          .resideInAPackage(ROOT + "." + e.getKey() + "..")
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage(forbidden.toArray(String[]::new))
          .because("ARCHITECTURE.md's package table")
          .check(classes);
    }
  }

  @Test
  void everyPackageHasARow() {
    var packages = new TreeSet<String>();
    for (var c : classes) {
      String p = c.getPackageName();
      if (p.startsWith(ROOT + ".")) {
        packages.add(p.substring(ROOT.length() + 1).split("\\.")[0]);
      }
    }
    packages.remove("cli"); // uses everything; nothing uses it
    org.assertj.core.api.Assertions.assertThat(ALLOWED.keySet()).containsAll(packages);
  }

  @Test
  void packagesFormNoCycle() {
    slices().matching(ROOT + ".(*)..").should().beFreeOfCycles().check(classes);
  }

  @Test
  void theReadModelKnowsNothingOfHttpOrJson() {
    noClasses()
        .that()
        .resideInAPackage(ROOT + ".observatory..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("io.javalin..", "com.fasterxml.jackson..", "org.eclipse.jetty..")
        .check(classes);
  }

  @Test
  void theWebLayerWritesNoSql() {
    noClasses()
        .that()
        .resideInAPackage(ROOT + ".api..")
        .should()
        .callMethod(Connection.class, "prepareStatement", String.class)
        .orShould()
        .callMethod(Connection.class, "createStatement")
        .because("the web layer asks the read model (observatory) or a service, never the database")
        .check(classes);
  }
}
