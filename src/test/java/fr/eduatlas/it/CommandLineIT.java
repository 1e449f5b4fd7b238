package fr.eduatlas.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import fr.eduatlas.testing.Fixtures;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command-line contract, through the packaged jar. */
class CommandLineIT {
  @TempDir Path tmp;

  @Test
  void everyCommandHasHelp() throws Exception {
    for (String[] args : new String[][] {{"--help"}, {"ingest", "--help"}, {"serve", "--help"}}) {
      var r = JarProcess.run(tmp, args);
      assertThat(r.exitCode()).isZero();
      assertThat(r.output()).contains("Usage:").contains("--warehouse");
    }
  }

  /** An ingest of the real data into {@code tmp/w.duckdb}; its JSON report. */
  private JsonNode ingest(String name, String... extra) throws Exception {
    Path report = tmp.resolve(name + ".json");
    var args = new java.util.ArrayList<String>(List.of("ingest", "--data"));
    args.addAll(
        List.of(
            Fixtures.realData().toString(),
            "--warehouse",
            tmp.resolve("w.duckdb").toString(),
            "--report",
            report.toString()));
    args.addAll(List.of(extra));
    var r = JarProcess.run(tmp, args.toArray(String[]::new));
    assertThat(r.exitCode()).as(r.output()).isZero();
    assertThat(r.output()).contains("Entrepôt installé");
    return new ObjectMapper().readTree(report.toFile());
  }

  private static List<String> stageNames(JsonNode report) {
    var out = new java.util.ArrayList<String>();
    report.get("stages").forEach(s -> out.add(s.get("name").asText()));
    return out;
  }

  /**
   * The boundary cache on the real data: off, nothing stored; on, the first build stores, the next
   * reuses, and all three warehouses are the same to the byte (content checksum) with the same
   * boundary report.
   */
  @Test
  void theBoundaryCacheGivesTheSameWarehouseOnTheRealData() throws Exception {
    JsonNode off = ingest("off", "--no-boundary-cache");
    assertThat(tmp.resolve("boundary-cache")).doesNotExist();
    assertThat(stageNames(off)).contains("boundaries:simplify").doesNotContain("boundaries:cache");

    JsonNode stored = ingest("stored");
    assertThat(stageNames(stored)).contains("boundaries:cache", "boundaries:cache-store");
    JsonNode reused = ingest("reused");
    assertThat(stageNames(reused))
        .contains("boundaries:cache")
        .doesNotContain("boundaries:harmonise", "boundaries:simplify", "boundaries:cache-store");
    for (JsonNode r : List.of(stored, reused)) {
      assertThat(r.get("checksum")).isEqualTo(off.get("checksum"));
      assertThat(r.get("boundaries")).isEqualTo(off.get("boundaries"));
    }
  }

  @Test
  void ingestWritesItsReportAsJson() throws Exception {
    Path report = tmp.resolve("report.json");
    var r =
        JarProcess.run(
            tmp,
            "ingest",
            "--data",
            Fixtures.realData().toString(),
            "--warehouse",
            tmp.resolve("w.duckdb").toString(),
            "--report",
            report.toString());
    assertThat(r.exitCode()).as(r.output()).isZero();
    assertThat(r.output()).contains("Entrepôt installé");
    JsonNode json = new ObjectMapper().readTree(report.toFile());
    assertThat(json.get("totals").get("communes").asLong()).isEqualTo(34_969);
    assertThat(json.get("totals").get("schools").asLong()).isEqualTo(40_630);
    for (JsonNode s : json.get("sources")) {
      assertThat(s.get("read").asLong())
          .isEqualTo(s.get("loaded").asLong() + s.get("quarantined").asLong());
      assertThat(s.has("remapped")).isTrue();
    }
    assertThat(json.get("stages").get(0).get("name").asText()).isEqualTo("read:cog-communes");
    JsonNode boundaries = json.get("boundaries");
    assertThat(boundaries.get("communesWithGeometry").asLong()).isGreaterThan(34_800);
    assertThat(boundaries.get("crossCheck")).hasSize(101 + 18 + 30);
    assertThat(boundaries.get("crossCheck").get(0).has("differencePct")).isTrue();
    assertThat(json.get("stages").get(0).get("seconds").isNumber()).isTrue();
  }

  @Test
  void aMissingDataDirectoryIsAClearError() throws Exception {
    var r = JarProcess.run(tmp, "ingest", "--data", tmp.resolve("nowhere").toString());
    assertThat(r.exitCode()).isEqualTo(1);
    assertThat(r.output()).contains("répertoire de données introuvable").contains("nowhere");
  }

  @Test
  void anUnknownOptionIsAUsageError() throws Exception {
    var r = JarProcess.run(tmp, "ingest", "--colour", "red");
    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.output()).contains("--colour");
  }
}
