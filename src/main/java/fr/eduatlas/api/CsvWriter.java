package fr.eduatlas.api;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The one CSV writer of the read routes (RFC 4180, CRLF line ends, UTF-8), with the French options:
 * {@code ;} as separator and {@code ,} as decimal mark. Numbers are written without exponent noise
 * (whole values without {@code .0}); a cell holding the separator, a quote or a line break is
 * quoted. With {@code ;} the file begins with a UTF-8 byte order mark (for Excel).
 */
final class CsvWriter {
  /** Separator and decimal mark. */
  record Options(char sep, char decimal) {}

  private final Options options;
  private final StringBuilder out = new StringBuilder();

  CsvWriter(Options options, List<String> header) {
    this.options = options;
    if (options.sep() == ';') {
      // The French, spreadsheet-bound flavour: a byte order mark, without which Excel reads
      // UTF-8 as Windows-1252 ("Ã©" for "é").
      out.append('\uFEFF');
    }
    row(header);
  }

  /** One row of cells already formatted ({@link #text}, {@link #number}). */
  CsvWriter row(List<String> cells) {
    out.append(String.join(String.valueOf(options.sep()), cells)).append("\r\n");
    return this;
  }

  /** A text cell, quoted when it needs to be; null is empty. */
  String text(String s) {
    if (s == null) {
      return "";
    }
    return s.indexOf(options.sep()) >= 0 || s.contains("\"") || s.contains("\n")
        ? "\"" + s.replace("\"", "\"\"") + "\""
        : s;
  }

  /** A number with the decimal mark of the options; null is empty. */
  String number(Double d) {
    if (d == null || !Double.isFinite(d)) {
      return "";
    }
    String s =
        d == Math.rint(d) && Math.abs(d) < 1e15 ? String.valueOf(d.longValue()) : String.valueOf(d);
    return options.decimal() == ',' ? s.replace('.', ',') : s;
  }

  /** A whole number, or empty. */
  static String whole(Number n) {
    return n == null ? "" : String.valueOf(n.longValue());
  }

  byte[] bytes() {
    return out.toString().getBytes(StandardCharsets.UTF_8);
  }
}
