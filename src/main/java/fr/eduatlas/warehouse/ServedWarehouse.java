package fr.eduatlas.warehouse;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Properties;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.duckdb.DuckDBConnection;

/**
 * The warehouse as the server reads it: opened read-only, and reopened when an ingest has swapped a
 * new file in (its file key changes), without a restart. A request holds a {@link Lease} on the
 * file it started with; an old file is closed once its last lease is released, so requests in
 * flight during a swap finish on the data they began with.
 */
public final class ServedWarehouse implements AutoCloseable {
  private final Supplier<Path> locator;
  private final Path stateDir;
  private final long checkIntervalNanos;
  private volatile Opened current;
  private volatile long lastCheck;
  private volatile ScheduledExecutorService watcher;

  public ServedWarehouse(Path file, long checkIntervalMillis) {
    this(constant(file.toAbsolutePath()), file.toAbsolutePath().getParent(), checkIntervalMillis);
  }

  private static Supplier<Path> constant(Path file) {
    return () -> file;
  }

  /**
   * Serves the newest complete release of a directory (replicas): a background thread looks for a
   * newer one every {@code checkIntervalMillis} and switches to it once it is verified, requests in
   * flight finishing on the release they began with. Writable state (selections, the embedded hub
   * store) goes to {@code stateDir}, never into a release.
   */
  public static ServedWarehouse ofReleases(
      Releases.Scanner releases, Path stateDir, long checkIntervalMillis) {
    Supplier<Path> newest =
        () -> releases.newest().map(d -> d.resolve(Releases.WAREHOUSE)).orElse(null);
    if (newest.get() == null) {
      throw new WarehouseException("no complete release in " + releases.dir());
    }
    var served = new ServedWarehouse(newest, stateDir.toAbsolutePath(), Long.MAX_VALUE);
    var exec =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "eduatlas-releases");
              t.setDaemon(true);
              return t;
            });
    // An exception would cancel the schedule: a release that cannot be opened is reported and
    // looked at again at the next check, the current one served meanwhile.
    exec.scheduleWithFixedDelay(
        () -> {
          try {
            served.refresh();
          } catch (RuntimeException e) {
            System.err.println(
                "version non ouverte dans " + releases.dir() + " : " + e.getMessage());
          }
        },
        checkIntervalMillis,
        checkIntervalMillis,
        TimeUnit.MILLISECONDS);
    served.watcher = exec;
    return served;
  }

  private ServedWarehouse(Supplier<Path> locator, Path stateDir, long checkIntervalMillis) {
    this.locator = locator;
    this.stateDir = stateDir;
    if (checkIntervalMillis < 0) {
      throw new IllegalArgumentException("negative check interval: " + checkIntervalMillis);
    }
    // Saturates: Long.MAX_VALUE means "never look for a swapped file".
    this.checkIntervalNanos =
        checkIntervalMillis > Long.MAX_VALUE / 1_000_000L
            ? Long.MAX_VALUE
            : checkIntervalMillis * 1_000_000L;
    Path file = locator.get();
    if (!Files.isRegularFile(file)) {
      throw new WarehouseException("no warehouse at " + file + " (run the ingest first)");
    }
    this.current = open(file);
    this.lastCheck = System.nanoTime();
  }

  /** The file served now. */
  public Path file() {
    return current.file;
  }

  /** Where the server keeps its writable state (beside the warehouse, or the replica's own). */
  public Path stateDir() {
    return stateDir;
  }

  /** The data version served now. */
  public String dataVersion() {
    return current.dataVersion;
  }

  /** A connection to the current file, for one request; close the lease when done. */
  public Lease lease() {
    refreshIfSwapped();
    while (true) {
      Opened o = current;
      if (o.acquire()) {
        return new Lease(o);
      }
    }
  }

  /**
   * Looks for a swapped file if the check interval has passed, as a lease does: for answers served
   * from memory without a lease.
   */
  public void checkForSwap() {
    refreshIfSwapped();
  }

  private void refreshIfSwapped() {
    long now = System.nanoTime();
    if (now - lastCheck < checkIntervalNanos) {
      return;
    }
    synchronized (this) {
      if (now - lastCheck < checkIntervalNanos) {
        return;
      }
      lastCheck = now;
      swapIfChanged();
    }
  }

  /**
   * Whether the next {@link #checkForSwap()} would look at the file system (and might open a new
   * file): a caller that must not block (the tile fast path, on Jetty's selector thread) hands its
   * request to a thread that may.
   */
  public boolean swapCheckDue() {
    return System.nanoTime() - lastCheck >= checkIntervalNanos;
  }

  /**
   * Looks for a swapped file now, whatever the check interval: after a rebuild installed by this
   * process, so that the next request is served from it.
   */
  public synchronized void refresh() {
    lastCheck = System.nanoTime();
    swapIfChanged();
  }

  private void swapIfChanged() {
    Path file = locator.get();
    if (file == null) {
      return;
    }
    Object key = fileKey(file);
    if (key != null && (!key.equals(current.key) || !file.equals(current.file))) {
      Opened old = current;
      current = open(file);
      old.retire();
    }
  }

  private static Object fileKey(Path file) {
    try {
      return Files.readAttributes(file, BasicFileAttributes.class).fileKey();
    } catch (IOException e) {
      return null;
    }
  }

  private static Opened open(Path file) {
    try {
      Object key = fileKey(file);
      var props = new Properties();
      props.setProperty("duckdb.read_only", "true");
      // The driver otherwise hands back the instance it already has for this path, which is the
      // file that was swapped out: each installed file gets its own instance.
      props.setProperty("jdbc_instance_cache", "false");
      var conn = (DuckDBConnection) DriverManager.getConnection("jdbc:duckdb:" + file, props);
      String version;
      try (var st = conn.createStatement();
          var rs = st.executeQuery("SELECT value FROM ingest_meta WHERE key = 'data_version'")) {
        version = rs.next() ? rs.getString(1) : null;
      } catch (SQLException e) {
        version = null;
      }
      return new Opened(file, conn, key, version);
    } catch (SQLException e) {
      throw new WarehouseException("cannot open the warehouse " + file + " read-only", e);
    }
  }

  @Override
  public void close() {
    if (watcher != null) {
      watcher.shutdownNow();
    }
    current.retire();
  }

  /** An open file, reference-counted: closed when retired and no lease holds it. */
  private static final class Opened {
    final Path file;
    final DuckDBConnection conn;
    final Object key;
    final String dataVersion;
    // Leases held, plus one while this is the current file; -1 once closed.
    final AtomicInteger refs = new AtomicInteger(1);

    Opened(Path file, DuckDBConnection conn, Object key, String dataVersion) {
      this.file = file;
      this.conn = conn;
      this.key = key;
      this.dataVersion = dataVersion;
    }

    boolean acquire() {
      int r;
      do {
        r = refs.get();
        if (r <= 0) {
          return false;
        }
      } while (!refs.compareAndSet(r, r + 1));
      return true;
    }

    void release() {
      if (refs.decrementAndGet() == 0) {
        try {
          conn.close();
        } catch (SQLException e) {
          // Nothing more to do with a file no one reads.
        }
        refs.set(-1);
      }
    }

    void retire() {
      release();
    }
  }

  /**
   * One request's hold on the file it started with; its connection is opened on first use, so that
   * a request answered from a cache costs no connection.
   */
  public static final class Lease implements AutoCloseable {
    private final Opened opened;
    private Connection conn;

    private Lease(Opened opened) {
      this.opened = opened;
    }

    /** The data version of the file this lease holds ({@code ingest_meta}), null if none. */
    public String dataVersion() {
      return opened.dataVersion;
    }

    public Connection connection() {
      if (conn == null) {
        try {
          conn = opened.conn.duplicate();
        } catch (SQLException e) {
          throw new WarehouseException("cannot open a connection to the warehouse", e);
        }
      }
      return conn;
    }

    @Override
    public void close() {
      try {
        if (conn != null) {
          conn.close();
        }
      } catch (SQLException e) {
        // A failed close of a read-only duplicate loses nothing.
      } finally {
        opened.release();
      }
    }
  }
}
