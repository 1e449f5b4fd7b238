package fr.eduatlas.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import fr.eduatlas.api.ApiServer;
import fr.eduatlas.testing.RealWarehouse;
import fr.eduatlas.warehouse.ServedWarehouse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Every analyst notebook of notebooks/, executed with Debian's Jupyter ({@code jupyter nbconvert
 * --execute}) against the real server on the real warehouse, over HTTP only: a failing cell fails
 * the test. Debian's jupyter-nbconvert, python3-nbclient, python3-ipykernel, python3-pandas,
 * python3-matplotlib and python3-requests are installed with apt-get when missing (root, as in CI).
 * The executed notebooks, with their charts, go to target/notebooks.
 */
class NotebooksIT {
  static final Path NOTEBOOKS = Path.of("notebooks");
  static final Path OUT = Path.of("target", "notebooks");
  static final List<String> PACKAGES =
      List.of(
          "jupyter-nbconvert",
          "python3-nbclient",
          "python3-ipykernel",
          "python3-pandas",
          "python3-matplotlib",
          "python3-requests");
  static ApiServer server;

  @BeforeAll
  static void start() throws Exception {
    ensureJupyter();
    server = ApiServer.start(new ServedWarehouse(RealWarehouse.get(), 1000), "127.0.0.1", 0);
    Files.createDirectories(OUT);
  }

  @AfterAll
  static void stop() {
    if (server != null) {
      server.close();
    }
  }

  /** Installs Debian's Jupyter and the notebooks' libraries when one is missing (root only). */
  static void ensureJupyter() throws Exception {
    var check =
        new ProcessBuilder(
                "/usr/bin/python3",
                "-c",
                "import nbclient, ipykernel, pandas, matplotlib, requests, nbconvert")
            .redirectErrorStream(true)
            .start();
    boolean ready =
        Files.isExecutable(Path.of("/usr/bin/jupyter"))
            && check.waitFor(60, TimeUnit.SECONDS)
            && check.exitValue() == 0;
    if (ready) {
      return;
    }
    fr.eduatlas.testing.Apt.install(PACKAGES);
  }

  @TestFactory
  Stream<DynamicTest> everyNotebookRunsAgainstTheServer() throws Exception {
    List<Path> notebooks;
    try (var s = Files.list(NOTEBOOKS)) {
      notebooks = s.filter(p -> p.toString().endsWith(".ipynb")).sorted().toList();
    }
    assertThat(notebooks).hasSizeGreaterThanOrEqualTo(4);
    return notebooks.stream()
        .map(nb -> DynamicTest.dynamicTest(nb.getFileName().toString(), () -> execute(nb)));
  }

  private static void execute(Path notebook) throws Exception {
    Path log = Files.createTempFile("nbconvert", ".log");
    var pb =
        new ProcessBuilder(
                "/usr/bin/jupyter",
                "nbconvert",
                "--to",
                "notebook",
                "--execute",
                "--ExecutePreprocessor.timeout=900",
                "--output-dir",
                OUT.toAbsolutePath().toString(),
                notebook.toAbsolutePath().toString())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile());
    pb.environment().put("EDUATLAS_URL", "http://127.0.0.1:" + server.port());
    // Debian's Python and Jupyter, whatever else is first on the PATH.
    pb.environment().put("PATH", "/usr/bin:/bin:" + pb.environment().getOrDefault("PATH", ""));
    pb.environment().remove("MPLBACKEND");
    Process p = pb.start();
    if (!p.waitFor(20, TimeUnit.MINUTES)) {
      p.destroyForcibly();
      throw new AssertionError(notebook + " did not finish in 20 minutes");
    }
    String output = Files.readString(log);
    assertThat(p.exitValue()).as(notebook + " failed:\n" + tail(output)).isZero();
    JsonNode done = new ObjectMapper().readTree(OUT.resolve(notebook.getFileName()).toFile());
    var errors = new ArrayList<String>();
    int images = 0;
    for (JsonNode cell : done.get("cells")) {
      for (JsonNode o : cell.path("outputs")) {
        if (o.path("output_type").asText().equals("error")) {
          errors.add(o.path("ename").asText() + ": " + o.path("evalue").asText());
        }
        if (o.path("data").has("image/png")) {
          images++;
        }
      }
    }
    assertThat(errors).as(notebook + " cell errors").isEmpty();
    assertThat(images).as(notebook + " draws at least one chart").isPositive();
  }

  private static String tail(String s) {
    return s.length() <= 4000 ? s : s.substring(s.length() - 4000);
  }
}
