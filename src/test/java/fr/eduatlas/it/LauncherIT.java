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
    // EDUATLAS_JAVA_OPTS replaces the default options: a bad one makes the JVM refuse to start.
    var bad = new ProcessBuilder(launcher.toString(), "--version").redirectErrorStream(true);
    bad.environment().put("EDUATLAS_JAVA_OPTS", "-XX:+OptionQuiNExistePas");
    Process q = bad.start();
    q.getInputStream().readAllBytes();
    assertThat(q.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(q.exitValue()).isNotZero();
  }
}
