package fr.eduatlas.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import fr.eduatlas.Main;
import fr.eduatlas.source.SourceEntry;
import fr.eduatlas.source.SourceManifest;
import fr.eduatlas.testing.Fixtures;
import fr.eduatlas.testing.WarehouseQuery;
import fr.eduatlas.warehouse.WarehouseBuild;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An ingest never installs a broken warehouse: a file cut short, a source that lost rows against
 * the served warehouse or its manifest's expectation, or a quarantine share that jumps stops the
 * build unless {@code --allow-partial}, and the report says which gate stopped it; a UTF-16 file
 * says so; two builds of one target do not both install; what killed ingests left is cleared.
 */
class IngestGatesTest {
  @TempDir Path tmp;
  Path data;
  Path warehouse;

  @BeforeEach
  void setUp() throws Exception {
    data = Fixtures.copyMini(tmp);
    warehouse = tmp.resolve("out/eduatlas.duckdb");
  }

  IngestReport ingest(SourceManifest manifest, boolean allowPartial) {
    var log = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
    return new Ingest(manifest, log).run(new Ingest.Options(data, warehouse, allowPartial));
  }

  IngestReport ingest(boolean allowPartial) {
    return ingest(Fixtures.miniManifest(), allowPartial);
  }

  static String checksum(Path wh) throws Exception {
    try (var q = WarehouseQuery.open(wh)) {
      return q.string("SELECT value FROM ingest_meta WHERE key = 'checksum'");
    }
  }

  @Test
  void aFileCutMidLineIsNotInstalledAndTheReportNamesTheGate() throws Exception {
    ingest(false);
    String before = checksum(warehouse);
    Path ecoles = data.resolve("ecoles.csv");
    String text = Files.readString(ecoles);
    // Cut inside the last number: "72.9" becomes "72." and the row still reads.
    Files.writeString(ecoles, text.substring(0, text.stripTrailing().length() - 1));
    assertThatThrownBy(() -> ingest(false))
        .isInstanceOfSatisfying(
            IngestException.class,
            e -> {
              assertThat(e.getMessage()).contains("fichier tronqué").contains("--allow-partial");
              assertThat(e.report().status()).isEqualTo("failed");
              assertThat(e.report().gates())
                  .extracting(IngestReport.Gate::source, IngestReport.Gate::gate)
                  .containsExactly(
                      org.assertj.core.groups.Tuple.tuple("depp-ips-ecoles", "fin-de-fichier"));
            });
    assertThat(checksum(warehouse)).isEqualTo(before);
    // On request it is installed, and says it is partial, with the reason.
    IngestReport partial = ingest(true);
    assertThat(partial.status()).isEqualTo("partial");
    try (var q = WarehouseQuery.open(warehouse)) {
      assertThat(q.string("SELECT value FROM ingest_meta WHERE key = 'status'"))
          .isEqualTo("partial");
      assertThat(q.string("SELECT value FROM ingest_meta WHERE key = 'problems'"))
          .contains("depp-ips-ecoles")
          .contains("tronqué");
    }
  }

  @Test
  void aSourceThatLostRowsAgainstTheServedWarehouseOrTheManifestStopsTheBuild() throws Exception {
    ingest(false);
    String before = checksum(warehouse);
    // The BPE file loses most of its rows (but ends cleanly).
    Path bpe = data.resolve("bpe.csv");
    var lines = Files.readAllLines(bpe);
    Files.write(bpe, lines.subList(0, 2));
    assertThatThrownBy(() -> ingest(false))
        .isInstanceOfSatisfying(
            IngestException.class,
            e ->
                assertThat(e.report().gates())
                    .extracting(IngestReport.Gate::gate)
                    .containsExactly("baisse-par-rapport-a-l-entrepot-servi"));
    assertThat(checksum(warehouse)).isEqualTo(before);

    // With no warehouse served yet, the manifest's expectation holds.
    Files.write(bpe, lines);
    Path fresh = tmp.resolve("fresh/eduatlas.duckdb");
    SourceManifest strict =
        new SourceManifest(
            Fixtures.miniManifest().entries().stream()
                .map(
                    x ->
                        x.id().equals("insee-bpe-primary")
                            ? new SourceEntry(
                                x.id(),
                                x.title(),
                                x.publisher(),
                                x.page(),
                                x.licence(),
                                x.vintage(),
                                x.year(),
                                x.path(),
                                x.reader(),
                                x.format(),
                                1000L)
                            : x)
                .collect(Collectors.toList()));
    var log = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
    assertThatThrownBy(() -> new Ingest(strict, log).run(new Ingest.Options(data, fresh, false)))
        .isInstanceOfSatisfying(
            IngestException.class,
            e ->
                assertThat(e.report().gates())
                    .singleElement()
                    .satisfies(
                        g -> {
                          assertThat(g.gate()).isEqualTo("lignes-attendues");
                          assertThat(g.detail()).contains("1000 au moins attendues");
                        }));
    assertThat(fresh).doesNotExist();
  }

  @Test
  void aJumpInTheQuarantineShareStopsTheBuild() throws Exception {
    ingest(false);
    Path pop = data.resolve("populations.csv");
    var lines = Files.readAllLines(pop);
    // Every data row now has a non-numeric population.
    var broken = new java.util.ArrayList<String>();
    broken.add(lines.get(0));
    for (String l : lines.subList(1, lines.size())) {
      broken.add(l.replaceAll(";[0-9]+$", ";beaucoup"));
    }
    Files.write(pop, broken);
    assertThatThrownBy(() -> ingest(false))
        .isInstanceOfSatisfying(
            IngestException.class,
            e ->
                assertThat(e.report().gates())
                    .extracting(IngestReport.Gate::gate)
                    .contains("part-en-quarantaine"));
  }

  @Test
  void aUtf16FileIsNamedAsSuch() throws Exception {
    Path ecoles = data.resolve("ecoles.csv");
    byte[] utf8 = Files.readAllBytes(ecoles);
    var out = new ByteArrayOutputStream();
    out.write(0xFF);
    out.write(0xFE);
    out.write(new String(utf8, StandardCharsets.UTF_8).getBytes(StandardCharsets.UTF_16LE));
    Files.write(ecoles, out.toByteArray());
    IngestReport r = ingest(true);
    var src = r.sources().stream().filter(s -> s.id().equals("depp-ips-ecoles")).findFirst().get();
    assertThat(src.status()).isEqualTo("failed");
    assertThat(src.error()).contains("UTF-16").contains("UTF-8");
  }

  @Test
  void twoBuildsOfOneTargetDoNotBothRunAndLeftoversOfDeadIngestsGo() throws Exception {
    Files.createDirectories(warehouse.getParent());
    // A dead process's set-aside speed tests (pid 2^22 + 1 is above Linux's pid_max default).
    Path old = warehouse.resolveSibling("eduatlas.duckdb.speedtests.old-4194305");
    Files.createDirectories(old.resolve("annee_scolaire=2025"));
    try (var first = WarehouseBuild.begin(warehouse)) {
      assertThat(old).doesNotExist();
      assertThatThrownBy(() -> WarehouseBuild.begin(warehouse))
          .hasMessageContaining("une autre ingestion construit déjà");
    }
    // Released with the first: the next build may start.
    WarehouseBuild.begin(warehouse).close();
  }

  @Test
  void theReportFileIsWrittenEvenWhenAnInputIsMissing() throws Exception {
    Path report = tmp.resolve("rapport.json");
    Files.delete(data.resolve("ecoles.csv"));
    int rc =
        Main.commandLine()
            .execute(
                "ingest",
                "--data",
                data.toString(),
                "--warehouse",
                warehouse.toString(),
                "--report",
                report.toString(),
                "--no-simulation");
    assertThat(rc).isEqualTo(1);
    assertThat(Files.readString(report)).contains("\"status\" : \"failed\"").contains("ecoles");
  }
}
