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
 */
public final class SelectionStore {
  private static final Pattern ID = Pattern.compile("[0-9a-f]{20}");

  private final Path dir;

  public SelectionStore(Path dir) {
    this.dir = dir;
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
  }

  /** The stored selection, or null. */
  public Selection load(String id) {
    if (!validId(id)) {
      return null;
    }
    Path f = dir.resolve(id + ".json");
    try {
      return Files.exists(f) ? SelectionFormats.read(Files.readAllBytes(f)) : null;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read selection " + id, e);
    }
  }
}
