package fr.eduatlas.source.table;

import fr.eduatlas.source.RowException;
import fr.eduatlas.territory.Codes;
import java.util.List;
import java.util.Map;

/**
 * One data row of a {@link TableInput}, with typed accessors that turn a bad value into a {@link
 * RowException} naming the field.
 */
public final class TableRow {
  private final long line;
  private final List<String> fields;
  private final Map<String, Integer> index;
  private final char separator;

  TableRow(long line, List<String> fields, Map<String, Integer> index, char separator) {
    this.line = line;
    this.fields = fields;
    this.index = index;
    this.separator = separator;
  }

  public long line() {
    return line;
  }

  /** The row as read, fields joined by the file's separator. */
  public String raw() {
    return String.join(String.valueOf(separator), fields);
  }

  int firstUndecodedField() {
    for (int i = 0; i < fields.size(); i++) {
      if (fields.get(i).indexOf('\uFFFD') >= 0) {
        return i;
      }
    }
    return -1;
  }

  /** Whether the file has this column (optional columns of a contribution). */
  public boolean hasColumn(String column) {
    return index.containsKey(column);
  }

  /** The field's text, stripped; null when empty. */
  public String text(String column) {
    Integer i = index.get(column);
    if (i == null) {
      throw new IllegalStateException("column '" + column + "' was not required by the reader");
    }
    String v = fields.get(i).strip();
    return v.isEmpty() ? null : v;
  }

  public String required(String column) {
    String v = text(column);
    if (v == null) {
      throw new RowException(column, "valeur obligatoire manquante");
    }
    return v;
  }

  /** A number written with a decimal point or comma, or null when empty. */
  public Double decimal(String column) {
    String v = text(column);
    if (v == null) {
      return null;
    }
    try {
      double d = Double.parseDouble(v.replace(',', '.'));
      if (!Double.isFinite(d)) {
        throw new NumberFormatException();
      }
      return d;
    } catch (NumberFormatException e) {
      throw new RowException(column, "'" + v + "' n'est pas un nombre");
    }
  }

  /** A decimal within [min, max], or null when empty. */
  public Double decimal(String column, double min, double max) {
    Double d = decimal(column);
    if (d != null && (d < min || d > max)) {
      throw new RowException(
          column,
          "valeur hors limites : " + text(column) + " (attendu entre " + min + " et " + max + ")");
    }
    return d;
  }

  /** A non-negative whole count ("540" or "540.0"), or null when empty. */
  public Integer count(String column) {
    Double d = decimal(column);
    if (d == null) {
      return null;
    }
    if (d < 0) {
      throw new RowException(column, "effectif négatif : " + text(column));
    }
    if (d != Math.rint(d) || d > Integer.MAX_VALUE) {
      throw new RowException(column, "'" + text(column) + "' n'est pas un nombre entier");
    }
    return (int) Math.rint(d);
  }

  /** A count where an empty field means zero (as in ARCEP's coverage statistics). */
  public int countOrZero(String column) {
    Integer c = count(column);
    return c == null ? 0 : c;
  }

  public String communeCode(String column) {
    try {
      return Codes.commune(required(column));
    } catch (Codes.InvalidCodeException e) {
      throw new RowException(column, e.getMessage());
    }
  }

  public String departementCode(String column) {
    try {
      return Codes.departement(required(column));
    } catch (Codes.InvalidCodeException e) {
      throw new RowException(column, e.getMessage());
    }
  }

  public String uai(String column) {
    try {
      return Codes.uai(required(column));
    } catch (Codes.InvalidCodeException e) {
      throw new RowException(column, e.getMessage());
    }
  }
}
