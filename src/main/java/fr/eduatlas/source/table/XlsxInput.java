package fr.eduatlas.source.table;

import fr.eduatlas.source.SourceException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.stream.Stream;
import org.dhatim.fastexcel.reader.Cell;
import org.dhatim.fastexcel.reader.CellType;
import org.dhatim.fastexcel.reader.ReadableWorkbook;
import org.dhatim.fastexcel.reader.Row;

/**
 * One sheet of an Excel workbook read as a table, streaming. Published workbooks put titles and
 * long labels above the real header: the header is the first row whose first cell is {@code
 * headerFirstCell}. Line numbers are the sheet's row numbers, as a spreadsheet shows them.
 */
public final class XlsxInput extends TableInput {
  private final ReadableWorkbook workbook;
  private final Stream<Row> stream;
  private final Iterator<Row> rows;

  private XlsxInput(Path file, String sheetName, String headerFirstCell) throws IOException {
    super(file, ';');
    this.workbook = new ReadableWorkbook(file.toFile());
    var sheet =
        workbook
            .getSheets()
            .filter(s -> s.getName().equals(sheetName))
            .findFirst()
            .orElseThrow(() -> new SourceException(file, "feuille '" + sheetName + "' absente"));
    this.stream = sheet.openStream();
    this.rows = stream.iterator();
    while (rows.hasNext()) {
      Row r = rows.next();
      if (headerFirstCell.equals(r.getCellText(0).strip())) {
        setHeader(fields(r));
        return;
      }
    }
    close();
    throw new SourceException(
        file,
        "feuille '" + sheetName + "' : aucune ligne d'en-tête commençant par " + headerFirstCell);
  }

  public static XlsxInput open(Path file, String sheetName, String headerFirstCell)
      throws IOException {
    return new XlsxInput(file, sheetName, headerFirstCell);
  }

  private static List<String> fields(Row r) {
    var out = new ArrayList<String>(r.getCellCount());
    for (int i = 0; i < r.getCellCount(); i++) {
      out.add(r.hasCell(i) ? text(r.getCell(i)) : "");
    }
    return out;
  }

  /**
   * A cell's text as the publisher's (French) spreadsheet shows it. French Excel turns some text
   * into booleans on entry (INSEE's density grid has the commune "Faux" stored as FALSE), so a
   * boolean cell reads as {@code FAUX} or {@code VRAI}, as it appears on screen.
   */
  static String text(Cell c) {
    if (c == null) {
      return "";
    }
    if (c.getType() == CellType.BOOLEAN) {
      return Boolean.TRUE.equals(c.asBoolean()) ? "VRAI" : "FAUX";
    }
    return c.getText().strip();
  }

  @Override
  protected Record next() {
    while (rows.hasNext()) {
      Row r = rows.next();
      List<String> f = fields(r);
      if (f.stream().anyMatch(s -> !s.isEmpty())) {
        return new Record(r.getRowNum(), f);
      }
    }
    return null;
  }

  @Override
  protected boolean shortRecordIsTruncated() {
    return false;
  }

  @Override
  public void close() throws IOException {
    stream.close();
    workbook.close();
  }
}
