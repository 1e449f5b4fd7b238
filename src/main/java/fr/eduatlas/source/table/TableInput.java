package fr.eduatlas.source.table;

import fr.eduatlas.source.RowException;
import fr.eduatlas.source.RowSink;
import fr.eduatlas.source.SourceException;
import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A file of rows under a header (CSV, or a spreadsheet's sheet), with the checks every tabular
 * reader shares: required columns, field count, encoding. Readers only say what a valid row is.
 */
public abstract class TableInput implements Closeable {
  private final Path file;
  private final char separator;
  private List<String> header = List.of();
  private final Map<String, Integer> index = new HashMap<>();

  protected TableInput(Path file, char separator) {
    this.file = file;
    this.separator = separator;
  }

  /** One record as read: its line in the file (1-based) and its fields. */
  protected record Record(long line, List<String> fields) {}

  /** The next data record, or null at the end of the file. */
  protected abstract Record next() throws IOException;

  /** Whether a record with fewer fields than the header is truncated (CSV) or just sparse. */
  protected abstract boolean shortRecordIsTruncated();

  protected final void setHeader(List<String> names) {
    this.header = List.copyOf(names);
    for (int i = 0; i < header.size(); i++) {
      index.putIfAbsent(header.get(i), i);
    }
  }

  public Path file() {
    return file;
  }

  public List<String> header() {
    return header;
  }

  /** Fails the whole source, naming the first column of {@code required} that is absent. */
  public TableInput require(String... required) {
    for (String c : required) {
      if (!index.containsKey(c)) {
        throw SourceException.missingColumn(file, c);
      }
    }
    return this;
  }

  /** Handles one well-formed row; throws {@link RowException} to quarantine it. */
  @FunctionalInterface
  public interface RowHandler {
    void handle(TableRow row);
  }

  /**
   * Sends every data row to {@code handler}, after quarantining the rows whose field count differs
   * from the header's or which hold bytes that are not UTF-8.
   */
  public void forEach(RowSink sink, RowHandler handler) throws IOException {
    Record rec;
    while ((rec = next()) != null) {
      List<String> fields = rec.fields();
      int n = fields.size();
      if (n < header.size() && !shortRecordIsTruncated()) {
        fields = new java.util.ArrayList<>(fields);
        while (fields.size() < header.size()) {
          fields.add("");
        }
      }
      var row = new TableRow(rec.line(), fields, index, separator);
      if (n < header.size() && shortRecordIsTruncated()) {
        sink.quarantine(
            row.line(),
            header.get(n == 0 ? 0 : n - 1),
            "ligne tronquée : " + n + " champ(s) au lieu de " + header.size(),
            row.raw());
        continue;
      }
      if (n > header.size()) {
        sink.quarantine(
            row.line(),
            null,
            "ligne mal formée : " + n + " champs au lieu de " + header.size(),
            row.raw());
        continue;
      }
      int bad = row.firstUndecodedField();
      if (bad >= 0) {
        sink.quarantine(
            row.line(),
            header.get(bad),
            "octets invalides en UTF-8 (fichier dans un autre encodage ?)",
            row.raw());
        continue;
      }
      try {
        handler.handle(row);
      } catch (RowException e) {
        sink.quarantine(row.line(), e.field(), e.reason(), row.raw());
      }
    }
  }
}
