package fr.eduatlas.selection;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.regex.Pattern;

/**
 * Stored selections, so that a shortlist in a decision file can be fetched again as it was
 * computed, even after the data were replaced: as files in a folder (one server), or in a shared
 * database through a {@link Backend} (replicas: the hub store). Ids are checked before they reach
 * the backend.
 *
 * <p>Bounded: after each new selection, those not read for {@link #maxAge} go, then the least
 * recently read until the store holds at most {@link #maxBytes}. A selection marked kept (by {@link
 * #keep}) is never removed.
 */
public final class SelectionStore {
  private static final Pattern ID = Pattern.compile("[0-9a-f]{20}");

  /** Default bounds: 512 MiB of selections, each kept 90 days after it was last read. */
  public static final long DEFAULT_MAX_BYTES = 512L << 20;

  public static final java.time.Duration DEFAULT_MAX_AGE = java.time.Duration.ofDays(90);

  /**
   * Where stored selections live: files in a folder (one server), or a database shared by replicas.
   * Ids given to a backend are valid ({@link #validId}).
   */
  public interface Backend {
    /** Stores the JSON unless a selection with this id is stored already. */
    void put(String id, byte[] json);

    /** The stored JSON, its read time set to now; null if absent. */
    byte[] read(String id);

    /** Marks a stored selection as kept; false if absent. */
    boolean keep(String id);

    boolean kept(String id);

    /**
     * Removes selections not kept that were last read before {@code oldestRead}, then the least
     * recently read until at most {@code maxBytes} remain.
     */
    void prune(long maxBytes, long oldestRead);
  }

  private final Backend backend;
  private final long maxBytes;
  private final java.time.Duration maxAge;

  public SelectionStore(Path dir) {
    this(dir, DEFAULT_MAX_BYTES, DEFAULT_MAX_AGE);
  }

  public SelectionStore(Path dir, long maxBytes, java.time.Duration maxAge) {
    this(new Folder(dir), maxBytes, maxAge);
  }

  public SelectionStore(Backend backend) {
    this(backend, DEFAULT_MAX_BYTES, DEFAULT_MAX_AGE);
  }

  public SelectionStore(Backend backend, long maxBytes, java.time.Duration maxAge) {
    this.backend = backend;
    this.maxBytes = maxBytes;
    this.maxAge = maxAge;
  }

  /** The folder backend: one file per selection in {@code dir}. */
  public static Backend folder(Path dir) {
    return new Folder(dir);
  }

  public static boolean validId(String id) {
    return id != null && ID.matcher(id).matches();
  }

  /** Stores the selection unless one with its id is there already (same id, same result). */
  public void save(Selection s) {
    if (!validId(s.id())) {
      throw new IllegalArgumentException("bad selection id " + s.id());
    }
    backend.put(s.id(), SelectionFormats.json(s, false));
    prune();
  }

  /** Marks a stored selection as kept: the bounds never remove it. */
  public boolean keep(String id) {
    return validId(id) && backend.keep(id);
  }

  public boolean kept(String id) {
    return validId(id) && backend.kept(id);
  }

  /** Removes what is past the age, then the least recently read past the size; never kept ones. */
  synchronized void prune() {
    backend.prune(maxBytes, System.currentTimeMillis() - maxAge.toMillis());
  }

  /** The stored selection, or null. */
  public Selection load(String id) {
    if (!validId(id)) {
      return null;
    }
    byte[] json = backend.read(id);
    return json == null ? null : SelectionFormats.read(json);
  }

  /**
   * Selections as files ({@code <id>.json}, kept ones marked by {@code <id>.keep}); writes are
   * atomic (a temporary file moved into place); a file's time is its last read.
   */
  static final class Folder implements Backend {
    private final Path dir;

    Folder(Path dir) {
      this.dir = dir;
    }

    @Override
    public void put(String id, byte[] json) {
      Path target = dir.resolve(id + ".json");
      if (Files.exists(target)) {
        return;
      }
      try {
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, id + ".", ".tmp");
        Files.write(tmp, json);
        try {
          Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
          Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
        }
      } catch (IOException e) {
        throw new UncheckedIOException("cannot store selection " + id + " in " + dir, e);
      }
    }

    @Override
    public byte[] read(String id) {
      Path f = dir.resolve(id + ".json");
      try {
        if (!Files.exists(f)) {
          return null;
        }
        Files.setLastModifiedTime(
            f, java.nio.file.attribute.FileTime.fromMillis(System.currentTimeMillis()));
        return Files.readAllBytes(f);
      } catch (java.nio.file.NoSuchFileException e) {
        return null;
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read selection " + id, e);
      }
    }

    @Override
    public boolean keep(String id) {
      if (!Files.exists(dir.resolve(id + ".json"))) {
        return false;
      }
      try {
        Path k = dir.resolve(id + ".keep");
        if (!Files.exists(k)) {
          Files.createFile(k);
        }
        return true;
      } catch (IOException e) {
        throw new UncheckedIOException("cannot keep selection " + id, e);
      }
    }

    @Override
    public boolean kept(String id) {
      return Files.exists(dir.resolve(id + ".keep"));
    }

    @Override
    public void prune(long maxBytes, long oldestRead) {
      record Entry(Path file, long size, long read) {}
      var entries = new java.util.ArrayList<Entry>();
      long total = 0;
      try (var s = Files.newDirectoryStream(dir, "*.json")) {
        for (Path f : s) {
          String id = f.getFileName().toString().replace(".json", "");
          long size = Files.size(f);
          total += size;
          if (!kept(id)) {
            entries.add(new Entry(f, size, Files.getLastModifiedTime(f).toMillis()));
          }
        }
      } catch (IOException e) {
        return; // a store that cannot be listed is not worth failing a request for
      }
      entries.sort(java.util.Comparator.comparingLong(Entry::read));
      for (Entry e : entries) {
        if (e.read() >= oldestRead && total <= maxBytes) {
          break;
        }
        try {
          Files.deleteIfExists(e.file());
          total -= e.size();
        } catch (IOException ex) {
          // left for the next prune
        }
      }
    }
  }
}
