package fr.eduatlas.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** bin/eduatlas, the README's launcher, runs the packaged jar with its options and arguments. */
class LauncherIT {
  @Test
  void theLauncherRunsTheJarWithItsArguments() throws Exception {
    Path launcher = Path.of("bin/eduatlas").toAbsolutePath();
    assertThat(Files.isExecutable(launcher)).isTrue();
    Path out = Files.createTempFile("launcher", ".txt");
    Process p =
        new ProcessBuilder(launcher.toString(), "hub", "--help")
            .redirectErrorStream(true)
            .redirectOutput(out.toFile())
            .start();
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).isZero();
    assertThat(Files.readString(out)).contains("pôles de données locaux");
    // The ingest runs with C1 alone, the other commands with both compilers (the JVM prints the
    // flags it was started with when asked through JAVA_TOOL_OPTIONS).
    assertThat(flags(launcher, "ingest", "--help")).contains("-XX:TieredStopAtLevel=1");
    assertThat(flags(launcher, "hub", "--help")).doesNotContain("TieredStopAtLevel");
    // EDUATLAS_JAVA_OPTS replaces the default options: a bad one makes the JVM refuse to start.
    var bad = new ProcessBuilder(launcher.toString(), "--version").redirectErrorStream(true);
    bad.environment().put("EDUATLAS_JAVA_OPTS", "-XX:+OptionQuiNExistePas");
    Process q = bad.start();
    q.getInputStream().readAllBytes();
    assertThat(q.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(q.exitValue()).isNotZero();
  }

  private static String flags(Path launcher, String... args) throws Exception {
    var cmd = new java.util.ArrayList<String>();
    cmd.add(launcher.toString());
    cmd.addAll(java.util.List.of(args));
    var pb = new ProcessBuilder(cmd).redirectErrorStream(true);
    pb.environment().put("JAVA_TOOL_OPTIONS", "-XX:+PrintCommandLineFlags");
    pb.environment().remove("EDUATLAS_JAVA_OPTS");
    Process p = pb.start();
    String out =
        new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(out).isZero();
    assertThat(out).contains("-XX:+UseParallelGC");
    return out;
  }
}
