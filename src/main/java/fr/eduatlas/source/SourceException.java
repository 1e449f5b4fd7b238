package fr.eduatlas.source;

import java.nio.file.Path;

/** A file that cannot be read as a whole: its message names the file and what is wrong. */
public class SourceException extends RuntimeException {
  public SourceException(Path file, String problem) {
    super(file + " : " + problem);
  }

  public SourceException(Path file, String problem, Throwable cause) {
    super(file + " : " + problem, cause);
  }

  /** A column every row needs is absent from the header. */
  public static SourceException missingColumn(Path file, String column) {
    return new SourceException(file, "colonne obligatoire absente : '" + column + "'");
  }
}
