package fr.eduatlas.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DataDirectoryTest {
  @TempDir Path tmp;

  @Test
  void explicitThenEnvironmentThenSharedData() throws Exception {
    Path work = Files.createDirectories(tmp.resolve("project"));
    Path shared = Files.createDirectories(tmp.resolve("shared/data"));
    Path other = Files.createDirectories(tmp.resolve("other"));
    assertThat(DataDirectory.resolve(other, Map.of(DataDirectory.ENV, shared.toString()), work))
        .isEqualTo(other);
    assertThat(DataDirectory.resolve(null, Map.of(DataDirectory.ENV, other.toString()), work))
        .isEqualTo(other);
    assertThat(DataDirectory.resolve(null, Map.of(), work)).isEqualTo(shared);
  }

  @Test
  void aMissingDirectorySaysWhereItCameFrom() throws Exception {
    // Two levels down, so that ../shared/data lies inside the test's own directory: a
    // /tmp/shared on the machine must not make the default resolve.
    Path work = Files.createDirectories(tmp.resolve("a/project"));
    assertThatThrownBy(() -> DataDirectory.resolve(null, Map.of(DataDirectory.ENV, "/nope"), work))
        .hasMessageContaining("EDUATLAS_DATA")
        .hasMessageContaining("/nope");
    assertThatThrownBy(() -> DataDirectory.resolve(null, Map.of(), work))
        .hasMessageContaining("--data");
  }

  @Test
  void fetchedDataIsTheLastResortAndTheFetchTargetNeverTheSharedCopy() throws Exception {
    Path work = Files.createDirectories(tmp.resolve("b/project"));
    assertThat(DataDirectory.fetchTarget(null, Map.of(), work)).isEqualTo(work.resolve("var/data"));
    Path fetched = Files.createDirectories(work.resolve("var/data"));
    assertThat(DataDirectory.resolve(null, Map.of(), work)).isEqualTo(fetched);
    Path shared = Files.createDirectories(tmp.resolve("b/shared/data"));
    assertThat(DataDirectory.resolve(null, Map.of(), work)).isEqualTo(shared);
    assertThat(DataDirectory.fetchTarget(null, Map.of(), work)).isEqualTo(fetched);
    assertThat(DataDirectory.fetchTarget(null, Map.of(DataDirectory.ENV, "/x"), work))
        .isEqualTo(Path.of("/x"));
    assertThat(DataDirectory.fetchTarget(Path.of("d"), Map.of(), work))
        .isEqualTo(work.resolve("d"));
  }
}
