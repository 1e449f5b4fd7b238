package fr.eduatlas.hub;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Rebuilds the warehouse with every hub's published versions, one rebuild at a time, on its own
 * thread: publishing queues a rebuild (or joins the one already queued), the worker exports the
 * publications as contribution folders and runs the build, whose atomic swap installs the new
 * warehouse only when whole. A failed build leaves the served data as they were; its status and
 * reason are kept.
 */
public final class Rebuilder implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Rebuilder.class);

  /** The build: runs the ingest with these contribution folders; returns its report as JSON. */
  @FunctionalInterface
  public interface Build {
    String run(List<Path> contributions) throws Exception;
  }

  private final HubStore store;
  private final Path workDir;
  private final Build build;
  private final Runnable installed;
  private final Thread worker;
  private final Object signal = new Object();
  private volatile boolean stopped;

  /**
   * @param workDir where publications are exported for a build (emptied after each)
   * @param installed called once a build is installed (the server then serves it)
   */
  public Rebuilder(HubStore store, Path workDir, Build build, Runnable installed) {
    this.store = store;
    this.workDir = workDir;
    this.build = build;
    this.installed = installed;
    this.worker = new Thread(this::loop, "hub-rebuild");
    this.worker.setDaemon(true);
  }

  /** Starts the worker; rebuilds left running by a stopped server are marked failed. */
  public Rebuilder start() {
    int n = store.abandonRunningRebuilds();
    if (n > 0) {
      LOG.warn("{} reconstruction(s) interrompue(s) par un arrêt marquée(s) en échec", n);
    }
    worker.start();
    return this;
  }

  /** Queues a rebuild (or returns the one already queued). */
  public HubStore.Rebuild request(String by) {
    HubStore.Rebuild r = store.requestRebuild(by);
    synchronized (signal) {
      signal.notifyAll();
    }
    return r;
  }

  private void loop() {
    while (!stopped) {
      var next = store.claimRebuild();
      if (next.isEmpty()) {
        synchronized (signal) {
          try {
            signal.wait(5_000);
          } catch (InterruptedException e) {
            return;
          }
        }
        continue;
      }
      run(next.get());
    }
  }

  private void run(HubStore.Rebuild r) {
    Path dir = workDir.resolve("rebuild-" + r.id());
    try {
      Files.createDirectories(dir);
      List<Path> folders = ContributionExport.write(store, dir);
      String report = build.run(folders);
      installed.run();
      store.finishRebuild(r.id(), "served", "entrepôt reconstruit et servi", report);
    } catch (Exception e) {
      LOG.error("rebuild {} failed", r.id(), e);
      String detail = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
      store.finishRebuild(
          r.id(),
          "failed",
          "échec de la reconstruction : " + detail + " ; les données servies n'ont pas changé",
          null);
    } finally {
      delete(dir);
    }
  }

  private static void delete(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (java.io.IOException e) {
      LOG.warn("cannot delete {}: {}", dir, e.getMessage());
    }
  }

  @Override
  public void close() {
    stopped = true;
    worker.interrupt();
  }
}
