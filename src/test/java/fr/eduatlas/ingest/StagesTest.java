package fr.eduatlas.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class StagesTest {
  private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
  private final Stages stages =
      new Stages(new PrintStream(bytes, true, StandardCharsets.UTF_8), false);

  private String log() {
    return bytes.toString(StandardCharsets.UTF_8);
  }

  @Test
  void stagesRunSideBySideAreLoggedAndReportedInTheirOrderThenTheGroup() throws Exception {
    // "a" cannot end before "b" has started: they run at once, and "a" ends last.
    var bStarted = new CountDownLatch(1);
    stages.runAll(
        "reads",
        List.of(
            new Stages.Named(
                "read:a",
                1,
                out -> {
                  assertThat(bStarted.await(10, TimeUnit.SECONDS)).isTrue();
                  Thread.sleep(50);
                  out.println("  a lu");
                }),
            new Stages.Named(
                "read:b",
                2,
                out -> {
                  bStarted.countDown();
                  out.println("  b lu");
                })),
        2);
    assertThat(stages.all())
        .extracting(IngestReport.Stage::name)
        .containsExactly("read:a", "read:b", "reads");
    String log = log();
    assertThat(log.indexOf("a lu")).isLessThan(log.indexOf("étape read:a"));
    assertThat(log.indexOf("étape read:a")).isLessThan(log.indexOf("b lu"));
    assertThat(log.indexOf("b lu")).isLessThan(log.indexOf("étape read:b"));
    assertThat(log.indexOf("étape read:b")).isLessThan(log.indexOf("étape reads"));
  }

  @Test
  void theHeaviestStartFirst() throws Exception {
    var started = Collections.synchronizedList(new ArrayList<String>());
    var named = new ArrayList<Stages.Named>();
    long[] weights = {5, 40, 1, 300, 40};
    for (int k = 0; k < weights.length; k++) {
      String name = "s" + k;
      named.add(new Stages.Named(name, weights[k], out -> started.add(name)));
    }
    stages.runAll("group", named, 1);
    // Equal weights keep their given order.
    assertThat(started).containsExactly("s3", "s1", "s4", "s0", "s2");
  }

  @Test
  void everyStageRunsToItsEndAndTheFirstFailureInTheGivenOrderIsThrown() {
    var ran = Collections.synchronizedList(new ArrayList<String>());
    assertThatThrownBy(
            () ->
                stages.runAll(
                    "reads",
                    List.of(
                        new Stages.Named("read:ok", 1, out -> ran.add("ok")),
                        new Stages.Named(
                            "read:first",
                            1,
                            out -> {
                              ran.add("first");
                              throw new IllegalStateException("first");
                            }),
                        new Stages.Named(
                            "read:second",
                            9,
                            out -> {
                              ran.add("second");
                              throw new java.io.IOException("second");
                            })),
                    2))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("first");
    assertThat(ran).containsExactlyInAnyOrder("ok", "first", "second");
    assertThat(stages.all())
        .extracting(IngestReport.Stage::name)
        .containsExactly("read:ok", "read:first", "read:second", "reads");
  }
}
