package fr.eduatlas.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class SourceManifestTest {
  @Test
  void theBundledManifestNamesEveryTabularSourceWithAKnownReader() {
    SourceManifest m = SourceManifest.bundled();
    assertThat(m.entries()).hasSize(18);
    assertThat(m.entries())
        .allSatisfy(
            e -> {
              assertThat(SourceReaders.has(e.reader())).isTrue();
              assertThat(e.licence()).isNotBlank();
              assertThat(e.page()).startsWith("https://");
            });
    assertThat(m.byId("insee-density-grid").orElseThrow().path()).endsWith(".xlsx");
  }

  @Test
  void anEntryMustBeComplete() {
    assertThatThrownBy(
            () -> new SourceEntry("x-1", "t", "p", "https://a", "l", "v", null, "a.csv", " ", null))
        .hasMessageContaining("'reader' is missing");
    assertThatThrownBy(
            () ->
                new SourceEntry(
                    "x-1", "t", "p", "https://a", "l", "v", null, "../a.csv", "r", null))
        .hasMessageContaining("relative to the data directory");
    assertThatThrownBy(
            () -> new SourceEntry("X", "t", "p", "https://a", "l", "v", null, "a.csv", "r", null))
        .hasMessageContaining("lower case");
  }

  @Test
  void unknownReadersAndRepeatedIdsAreRefused() {
    var a =
        new SourceEntry("a-b", "t", "p", "https://a", "l", "v", 2024, "a.csv", "cog-regions", null);
    var b = new SourceEntry("a-b", "t", "p", "https://a", "l", "v", 2024, "b.csv", "nope", null);
    assertThatThrownBy(() -> new SourceManifest(List.of(a, a)))
        .hasMessageContaining("appears twice");
    assertThatThrownBy(() -> new SourceManifest(List.of(b)))
        .hasMessageContaining("no reader named 'nope'");
  }

  @Test
  void unknownManifestFieldsAreRefused() {
    String json =
        """
        {"sources": [{"id": "a-b", "title": "t", "publisher": "p", "page": "https://a",
          "licence": "l", "vintage": "v", "year": 2024, "path": "a.csv",
          "reader": "cog-regions", "format": "f", "colour": "red"}]}
        """;
    assertThatThrownBy(
            () ->
                SourceManifest.read(
                    new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8))))
        .hasMessageContaining("colour");
  }
}
