package fr.eduatlas.warehouse;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicInteger;
import org.duckdb.DuckDBConnection;

/**
 * The warehouse as the server reads it: opened read-only, and reopened when an ingest has swapped a
 * new file in (its file key changes), without a restart. A request holds a {@link Lease} on the
 * file it started with; an old file is closed once its last lease is released, so requests in
 * flight during a swap finish on the data they began with.
 */
public final class ServedWarehouse implements AutoCloseable {
  private final Path file;
  private final long checkIntervalNanos;
  private volatile Opened current;
  private volatile long lastCheck;

  public ServedWarehouse(Path file, long checkIntervalMillis) {
    this.file = file.toAbsolutePath();
    if (checkIntervalMillis < 0) {
      throw new IllegalArgumentException("negative check interval: " + checkIntervalMillis);
    }
    // Saturates: Long.MAX_VALUE means "never look for a swapped file".
    this.checkIntervalNanos =
        checkIntervalMillis > Long.MAX_VALUE / 1_000_000L
            ? Long.MAX_VALUE
            : checkIntervalMillis * 1_000_000L;
    if (!Files.isRegularFile(this.file)) {
      throw new WarehouseException("no warehouse at " + this.file + " (run the ingest first)");
    }
    this.current = open();
    this.lastCheck = System.nanoTime();
  }

  public Path file() {
    return file;
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
   * Looks for a swapped file now, whatever the check interval: after a rebuild installed by this
   * process, so that the next request is served from it.
   */
  public synchronized void refresh() {
    lastCheck = System.nanoTime();
    swapIfChanged();
  }

  private void swapIfChanged() {
    Object key = fileKey();
    if (key != null && !key.equals(current.key)) {
      Opened old = current;
      current = open();
      old.retire();
    }
  }

  private Object fileKey() {
    try {
      return Files.readAttributes(file, BasicFileAttributes.class).fileKey();
    } catch (IOException e) {
      return null;
    }
  }

  private Opened open() {
    try {
      Object key = fileKey();
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
      return new Opened(conn, key, version);
    } catch (SQLException e) {
      throw new WarehouseException("cannot open the warehouse " + file + " read-only", e);
    }
  }

  @Override
  public void close() {
    current.retire();
  }

  /** An open file, reference-counted: closed when retired and no lease holds it. */
  private static final class Opened {
    final DuckDBConnection conn;
    final Object key;
    final String dataVersion;
    // Leases held, plus one while this is the current file; -1 once closed.
    final AtomicInteger refs = new AtomicInteger(1);

    Opened(DuckDBConnection conn, Object key, String dataVersion) {
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
