package fr.eduatlas.cli;

import static org.assertj.core.api.Assertions.assertThat;

import fr.eduatlas.Main;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code serve --release-dir} on a directory with no complete release says so, in French. */
class ServeReleasesTest {
  @TempDir Path tmp;

  @Test
  void aReleaseDirectoryWithoutACompleteReleaseIsRefusedWithItsRemedy() throws Exception {
    Files.createDirectories(tmp.resolve("releases/.partial-20261207T000000000Z-ab"));
    var err = new ByteArrayOutputStream();
    PrintStream old = System.err;
    int rc;
    try {
      System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
      rc =
          Main.commandLine()
              .execute(
                  "serve",
                  "--release-dir",
                  tmp.resolve("releases").toString(),
                  "--state-dir",
                  tmp.resolve("state").toString(),
                  "--port",
                  "0");
    } finally {
      System.setErr(old);
    }
    assertThat(rc).isEqualTo(1);
    assertThat(err.toString(StandardCharsets.UTF_8))
        .contains("aucune version complète")
        .contains("eduatlas release --out");
    assertThat(tmp.resolve("state")).doesNotExist();
  }
}
