package fr.eduatlas.it;

import static org.assertj.core.api.Assertions.assertThat;

import fr.eduatlas.testing.Fixtures;
import fr.eduatlas.testing.WarehouseQuery;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** An ingest killed with SIGKILL mid-build leaves the previous warehouse intact. */
class IngestKillIT {
  @TempDir Path tmp;

  @Test
  void aKilledIngestLeavesThePreviousWarehouseAsItWas() throws Exception {
    Path wh = tmp.resolve("var/eduatlas.duckdb");
    // The previous warehouse: the mini dataset, with its manifest paths, through the real jar is
    // not possible (the jar carries the real manifest), so build it in-process.
    new fr.eduatlas.ingest.Ingest(Fixtures.miniManifest(), System.err)
        .run(new fr.eduatlas.ingest.Ingest.Options(Fixtures.miniDir(), wh, false));
    String checksum;
    try (var q = WarehouseQuery.open(wh)) {
      checksum = q.string("SELECT value FROM ingest_meta WHERE key = 'checksum'");
      assertThat(q.count("SELECT count(*) FROM commune")).isEqualTo(9);
    }

    Process p =
        JarProcess.builder(
                tmp,
                "ingest",
                "--data",
                Fixtures.realData().toString(),
                "--warehouse",
                wh.toString())
            .redirectErrorStream(true)
            .redirectOutput(tmp.resolve("ingest.log").toFile())
            .start();
    Path building = wh.resolveSibling("eduatlas.duckdb.building-" + p.pid());
    // Kill it once the new file has grown past its first megabytes: mid-build, not at start-up.
    Instant deadline = Instant.now().plus(Duration.ofSeconds(60));
    while (!(Files.exists(building) && Files.size(building) > 4_000_000)) {
      assertThat(p.isAlive()).as("ingest still running").isTrue();
      assertThat(Instant.now()).isBefore(deadline);
      Thread.sleep(20);
    }
    p.destroyForcibly(); // SIGKILL: no shutdown hook, no clean-up
    assertThat(p.waitFor(10, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).isEqualTo(137);

    try (var q = WarehouseQuery.open(wh)) {
      assertThat(q.string("SELECT value FROM ingest_meta WHERE key = 'checksum'"))
          .isEqualTo(checksum);
      assertThat(q.count("SELECT count(*) FROM commune")).isEqualTo(9);
    }
    // The next build clears what the killed one left.
    assertThat(building).exists();
    new fr.eduatlas.ingest.Ingest(Fixtures.miniManifest(), System.err)
        .run(new fr.eduatlas.ingest.Ingest.Options(Fixtures.miniDir(), wh, false));
    assertThat(building).doesNotExist();
  }
}
