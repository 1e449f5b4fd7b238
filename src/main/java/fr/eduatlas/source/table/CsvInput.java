package fr.eduatlas.source.table;

import de.siegmar.fastcsv.reader.CsvReader;
import de.siegmar.fastcsv.reader.CsvRecord;
import fr.eduatlas.source.SourceException;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;

/**
 * A delimited text file read as UTF-8, with or without BOM, LF or CRLF.
 *
 * <p>Malformed UTF-8 does not stop the file: undecodable bytes become U+FFFD and the row that holds
 * them is quarantined, naming the field, so that the rest of the file still loads. An unclosed
 * quote does not stop it either: the record it swallows is quarantined as malformed.
 */
public final class CsvInput extends TableInput {
  private final CsvReader<CsvRecord> reader;
  private final Iterator<CsvRecord> records;

  private CsvInput(Path file, char separator, int titleLines) throws IOException {
    super(file, separator);
    InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
    String utf16 = utf16(in);
    if (utf16 != null) {
      in.close();
      throw new SourceException(
          file,
          "fichier encodé en "
              + utf16
              + " : enregistrez-le en UTF-8 (avec ou sans BOM) et envoyez-le de nouveau");
    }
    skipBom(in);
    var decoder =
        StandardCharsets.UTF_8
            .newDecoder()
            .onMalformedInput(CodingErrorAction.REPLACE)
            .onUnmappableCharacter(CodingErrorAction.REPLACE);
    this.reader =
        CsvReader.builder()
            .fieldSeparator(separator)
            .skipEmptyLines(true)
            .allowExtraFields(true)
            .allowMissingFields(true)
            .allowUnclosedQuote(true)
            .ofCsvRecord(new InputStreamReader(in, decoder));
    this.records = reader.iterator();
    for (int i = 0; i < titleLines && records.hasNext(); i++) {
      records.next();
    }
    if (!records.hasNext()) {
      reader.close();
      throw new SourceException(file, "fichier vide : aucune ligne d'en-tête");
    }
    setHeader(records.next().getFields().stream().map(String::strip).toList());
  }

  /** Opens {@code file}, skipping {@code titleLines} records before the header. */
  public static CsvInput open(Path file, char separator, int titleLines) throws IOException {
    return new CsvInput(file, separator, titleLines);
  }

  public static CsvInput open(Path file, char separator) throws IOException {
    return open(file, separator, 0);
  }

  /**
   * Opens a file whose separator is {@code ;} or {@code ,}, told by its header line: {@code ;} when
   * the header has one (a decimal comma then reads as a decimal), else {@code ,}.
   */
  public static CsvInput openDetecting(Path file) throws IOException {
    String header;
    try (var r = Files.newBufferedReader(file, StandardCharsets.ISO_8859_1)) {
      header = r.readLine();
    }
    return open(file, header != null && header.indexOf(';') >= 0 ? ';' : ',', 0);
  }

  @Override
  protected Record next() {
    if (!records.hasNext()) {
      return null;
    }
    CsvRecord r = records.next();
    return new Record(r.getStartingLineNumber(), r.getFields());
  }

  @Override
  protected boolean shortRecordIsTruncated() {
    return true;
  }

  @Override
  public void close() throws IOException {
    reader.close();
  }

  /**
   * "UTF-16" when the file starts with a UTF-16 byte order mark or holds NUL bytes in its first
   * kilobytes (UTF-16 text without a mark), else null: such a file would otherwise read as one
   * column of garbage and be reported as missing its columns.
   */
  private static String utf16(InputStream in) throws IOException {
    in.mark(4096);
    byte[] b = in.readNBytes(4096);
    in.reset();
    if (b.length >= 2
        && ((b[0] & 0xFF) == 0xFF && (b[1] & 0xFF) == 0xFE
            || (b[0] & 0xFF) == 0xFE && (b[1] & 0xFF) == 0xFF)) {
      return "UTF-16 (avec marque d'ordre des octets)";
    }
    for (byte x : b) {
      if (x == 0) {
        return "UTF-16 ou un format binaire (octets nuls)";
      }
    }
    return null;
  }

  private static void skipBom(InputStream in) throws IOException {
    in.mark(3);
    byte[] b = in.readNBytes(3);
    if (!(b.length == 3
        && (b[0] & 0xFF) == 0xEF
        && (b[1] & 0xFF) == 0xBB
        && (b[2] & 0xFF) == 0xBF)) {
      in.reset();
    }
  }
}
