package fr.eduatlas.ingest;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

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
      ended(name, (System.nanoTime() - t0) / 1e9);
    }
  }

  /** Records and logs a stage that took {@code seconds}. */
  private void ended(String name, double seconds) {
    done.add(new IngestReport.Stage(name, Math.round(seconds * 1000) / 1000.0));
    out.printf(Locale.FRANCE, "  étape %-28s %6.2f s%n", name, seconds);
  }

  /** A stage {@link #runAll} runs beside others: it logs to the stream it is given. */
  @FunctionalInterface
  interface Logged {
    void run(PrintStream out) throws Exception;
  }

  /**
   * A named {@link Logged} stage; {@code weight} guesses its cost (the larger are started first, so
   * that the longest does not start last and run alone).
   */
  record Named(String name, long weight, Logged work) {}

  /**
   * Runs {@code stages} on {@code threads} threads, the heaviest first. Each one's log is held
   * until it ends, then printed in the given order with its timing (its own wall time: the stages
   * overlap); then the whole group's wall time is logged as stage {@code group}. Every stage runs
   * to its end; the first failure, in the given order, is then thrown.
   */
  void runAll(String group, List<Named> stages, int threads) throws Exception {
    long t0 = System.nanoTime();
    ExecutorService pool =
        Executors.newFixedThreadPool(
            threads,
            r -> {
              Thread t = new Thread(r, "ingest-" + group);
              t.setDaemon(true);
              return t;
            });
    record Outcome(String log, double seconds, Throwable failure) {}
    try {
      var futures = new ArrayList<Future<Outcome>>(Collections.nCopies(stages.size(), null));
      var order = new ArrayList<Integer>();
      for (int k = 0; k < stages.size(); k++) {
        order.add(k);
      }
      order.sort(Comparator.comparingLong((Integer k) -> stages.get(k).weight()).reversed());
      for (int k : order) {
        Named n = stages.get(k);
        futures.set(
            k,
            pool.submit(
                () -> {
                  var buffer = new ByteArrayOutputStream();
                  long s0 = System.nanoTime();
                  Throwable failure = null;
                  try (var out = new PrintStream(buffer, true, StandardCharsets.UTF_8)) {
                    n.work().run(out);
                  } catch (Throwable e) {
                    failure = e;
                  }
                  return new Outcome(
                      buffer.toString(StandardCharsets.UTF_8),
                      (System.nanoTime() - s0) / 1e9,
                      failure);
                }));
      }
      Throwable first = null;
      for (int k = 0; k < stages.size(); k++) {
        if (terminal) {
          out.printf("  étape %-28s en cours… (%d/%d)\r", group, k, stages.size());
          out.flush();
        }
        Outcome o = futures.get(k).get();
        out.print(o.log());
        ended(stages.get(k).name(), o.seconds());
        if (first == null) {
          first = o.failure();
        }
      }
      ended(group, (System.nanoTime() - t0) / 1e9);
      if (first instanceof Exception e) {
        throw e;
      }
      if (first instanceof Error e) {
        throw e;
      }
    } finally {
      pool.shutdownNow();
    }
  }

  List<IngestReport.Stage> all() {
    return List.copyOf(done);
  }
}
