package fr.eduatlas.source;

/**
 * Where a reader sends what it reads. Every row of the file is either loaded or quarantined,
 * exactly once: that is what makes the ingest report balance.
 *
 * <p>Threading: a sink is used by one reader on one thread.
 */
public interface RowSink {
  /**
   * A row read at {@code line} (1-based, in the file) and loaded: the values in the order of the
   * primary table's columns, of the Java types the columns declare (null for no value).
   */
  void load(long line, Object... values);

  /**
   * A row of a secondary table (its index in {@link SourceReader#tables()}, from 1), attached to
   * the row last loaded.
   */
  void attach(int table, Object... values);

  /**
   * A row read at {@code line} and not loaded.
   *
   * @param field the field at fault, or null when the whole row is
   * @param reason why, in French, specific enough for the data's producer to fix it
   * @param raw the row's text as read
   */
  void quarantine(long line, String field, String reason, String raw);

  /** A problem in part of a row that was loaded all the same (kept with the quarantine). */
  void warn(long line, String field, String reason, String raw);

  /**
   * For a source made of several files (a directory): the file the following rows come from,
   * relative to the source's path. Line numbers are then within that file.
   */
  default void file(String relative) {}
}
