package fr.eduatlas.source;

import java.util.List;

/**
 * A CSV reader whose files may also be loaded in bulk by the warehouse, with DuckDB's own CSV
 * reader, for files of tens of millions of rows (raw speed tests).
 *
 * <p>The reader's {@link SourceReader#read} stays the reference: the bulk path hands it every row
 * DuckDB could not read or that fails the checks below, so a row's fate and its quarantine reason
 * are the same on both paths; and any file the bulk path cannot map back to exact line numbers is
 * read by {@link SourceReader#read} from the start.
 */
public interface BulkCsv extends SourceReader {
  /** How a field is checked in bulk; each kind mirrors the reader's own check of that field. */
  enum Kind {
    /** A UAI in canonical form, its check letter right. */
    UAI,
    /** An ISO 8601 date-time with offset, as {@code SpeedTestReader.isoOffsetDateTime}. */
    ISO_OFFSET_DATE_TIME,
    /** A finite decimal within [min, max]. */
    DECIMAL
  }

  /**
   * One column of the primary table, in the table's order.
   *
   * @param header the field's name in the file's header
   * @param required whether a row without it is rejected (its header must then be present too)
   */
  record Field(String header, Kind kind, boolean required, double min, double max) {
    public static Field uai(String header) {
      return new Field(header, Kind.UAI, true, 0, 0);
    }

    public static Field isoOffsetDateTime(String header) {
      return new Field(header, Kind.ISO_OFFSET_DATE_TIME, true, 0, 0);
    }

    public static Field decimal(String header, boolean required, double min, double max) {
      return new Field(header, Kind.DECIMAL, required, min, max);
    }
  }

  /** The primary table's columns as fields of the file, in the table's column order. */
  List<Field> bulkFields();
}
