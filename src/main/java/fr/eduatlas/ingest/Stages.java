package fr.eduatlas.ingest;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Named, timed stages: each is logged as it ends, so a slow run says which stage was slow. */
final class Stages {
  private final List<IngestReport.Stage> done = new ArrayList<>();
  private final PrintStream out;
  private final boolean terminal;

  /**
   * @param terminal whether {@code out} is a terminal: then the running stage is shown while it
   *     runs, and overwritten by its timing when it ends
   */
  Stages(PrintStream out, boolean terminal) {
    this.out = out;
    this.terminal = terminal;
  }

  @FunctionalInterface
  interface Work {
    void run() throws Exception;
  }

  void run(String name, Work work) throws Exception {
    long t0 = System.nanoTime();
    if (terminal) {
      out.printf("  étape %-28s en cours…\r", name);
      out.flush();
    }
    try {
      work.run();
    } finally {
      double s = (System.nanoTime() - t0) / 1e9;
      done.add(new IngestReport.Stage(name, Math.round(s * 1000) / 1000.0));
      out.printf(Locale.FRANCE, "  étape %-28s %6.2f s%n", name, s);
    }
  }

  List<IngestReport.Stage> all() {
    return List.copyOf(done);
  }
}
