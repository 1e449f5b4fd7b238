package fr.eduatlas.selection;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.regex.Pattern;

/**
 * Selections kept as files ({@code <id>.json}), so that a shortlist in a decision file can be
 * fetched again as it was computed, even after the data were replaced. Writes are atomic (a
 * temporary file moved into place); ids are checked before they name a file.
 *
 * <p>Bounded: after each new selection, those not read for {@link #maxAge} go, then the least
 * recently read until the folder holds at most {@link #maxBytes}. A selection marked kept (a {@code
 * <id>.keep} file, set by {@link #keep}) is never removed.
 */
public final class SelectionStore {
  private static final Pattern ID = Pattern.compile("[0-9a-f]{20}");

  /** Default bounds: 512 MiB of selections, each kept 90 days after it was last read. */
  public static final long DEFAULT_MAX_BYTES = 512L << 20;

  public static final java.time.Duration DEFAULT_MAX_AGE = java.time.Duration.ofDays(90);

  private final Path dir;
  private final long maxBytes;
  private final java.time.Duration maxAge;

  public SelectionStore(Path dir) {
    this(dir, DEFAULT_MAX_BYTES, DEFAULT_MAX_AGE);
  }

  public SelectionStore(Path dir, long maxBytes, java.time.Duration maxAge) {
    this.dir = dir;
    this.maxBytes = maxBytes;
    this.maxAge = maxAge;
  }

  public Path dir() {
    return dir;
  }

  public static boolean validId(String id) {
    return id != null && ID.matcher(id).matches();
  }

  /** Stores the selection unless one with its id is there already (same id, same result). */
  public void save(Selection s) {
    if (!validId(s.id())) {
      throw new IllegalArgumentException("bad selection id " + s.id());
    }
    Path target = dir.resolve(s.id() + ".json");
    if (Files.exists(target)) {
      return;
    }
    try {
      Files.createDirectories(dir);
      Path tmp = Files.createTempFile(dir, s.id() + ".", ".tmp");
      Files.write(tmp, SelectionFormats.json(s, false));
      try {
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot store selection " + s.id() + " in " + dir, e);
    }
    prune();
  }

  /** Marks a stored selection as kept: the bounds never remove it. */
  public boolean keep(String id) {
    if (!validId(id) || !Files.exists(dir.resolve(id + ".json"))) {
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

  public boolean kept(String id) {
    return validId(id) && Files.exists(dir.resolve(id + ".keep"));
  }

  /** Removes what is past the age, then the least recently read past the size; never kept ones. */
  synchronized void prune() {
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
    long oldest = System.currentTimeMillis() - maxAge.toMillis();
    for (Entry e : entries) {
      if (e.read() >= oldest && total <= maxBytes) {
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

  /** The stored selection, or null. */
  public Selection load(String id) {
    if (!validId(id)) {
      return null;
    }
    Path f = dir.resolve(id + ".json");
    try {
      if (!Files.exists(f)) {
        return null;
      }
      // The file's time is its last read: the store's bounds remove the least recently read.
      Files.setLastModifiedTime(
          f, java.nio.file.attribute.FileTime.fromMillis(System.currentTimeMillis()));
      return SelectionFormats.read(Files.readAllBytes(f));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read selection " + id, e);
    }
  }
}
