package fr.eduatlas;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The committed notebooks carry no outputs (they are produced by running them) and talk to EduAtlas
 * over HTTP only, through notebooks/eduatlas.py and its EDUATLAS_URL.
 */
class NotebookFilesTest {
  @Test
  void notebooksAreCommittedWithoutOutputsAndUseOnlyTheHttpClient() throws Exception {
    List<Path> notebooks;
    try (var s = Files.list(Path.of("notebooks"))) {
      notebooks = s.filter(p -> p.toString().endsWith(".ipynb")).sorted().toList();
    }
    assertThat(notebooks).hasSizeGreaterThanOrEqualTo(4);
    for (Path nb : notebooks) {
      JsonNode doc = new ObjectMapper().readTree(nb.toFile());
      assertThat(doc.get("nbformat").asInt()).as(nb.toString()).isEqualTo(4);
      StringBuilder source = new StringBuilder();
      for (JsonNode cell : doc.get("cells")) {
        if (cell.get("cell_type").asText().equals("code")) {
          assertThat(cell.get("outputs")).as(nb + ": outputs are not committed").isEmpty();
          assertThat(cell.get("execution_count").isNull()).as(nb.toString()).isTrue();
        }
        cell.get("source").forEach(x -> source.append(x.asText()));
        source.append(cell.get("source").isTextual() ? cell.get("source").asText() : "");
      }
      String text = source.toString();
      assertThat(text).as(nb.toString()).contains("import eduatlas as ea");
      assertThat(text.toLowerCase(java.util.Locale.ROOT))
          .as(nb + ": HTTP only")
          .doesNotContain("duckdb")
          .doesNotContain("jdbc")
          .doesNotContain("127.0.0.1");
    }
    String client = Files.readString(Path.of("notebooks", "eduatlas.py"));
    assertThat(client).contains("os.environ.get(\"EDUATLAS_URL\"").contains("\"decimal\": \",\"");
  }
}
