package fr.eduatlas.api;

import java.util.concurrent.Callable;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * The requests that cost seconds of CPU (a selection with its sensitivity runs, the GeoJSON of
 * every commune or EPCI, a selection's every-commune CSV) run one at a time, so that one core stays
 * for the cheap reads (profiles, tiles, catalog) whatever the load. A request waits for its turn up
 * to {@link #QUEUE_WAIT_MILLIS}, then gets a 503 with {@code Retry-After}. Their answers are cached
 * like any read, so a repeat costs nothing.
 */
final class HeavyWork {
  /** Heavy computations at once: one, on a two-core machine (docs/BENCHMARKS.md, load). */
  static final int PERMITS = 1;

  /** How long a heavy request waits for its turn before a 503. */
  static final long QUEUE_WAIT_MILLIS = 15_000;

  private final Semaphore permits = new Semaphore(PERMITS, true);

  <T> T run(Callable<T> work) throws Exception {
    boolean admitted;
    try {
      admitted = permits.tryAcquire(QUEUE_WAIT_MILLIS, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      admitted = false;
    }
    if (!admitted) {
      throw new Busy();
    }
    try {
      return work.call();
    } finally {
      permits.release();
    }
  }

  /** No turn came in time: answered 503 with Retry-After. */
  static final class Busy extends ApiException {
    Busy() {
      super(
          503,
          "Serveur occupé",
          "d'autres calculs longs sont en cours : réessayez dans quelques secondes");
    }
  }
}
