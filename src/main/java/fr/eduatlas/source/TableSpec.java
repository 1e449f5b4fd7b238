package fr.eduatlas.source;

import java.util.HashSet;
import java.util.List;
import java.util.regex.Pattern;

/**
 * A staging table a reader fills, named after its source ({@code src_<id>} or {@code
 * src_<id>_<suffix>}). The warehouse adds a {@code _line} column (the row's line in the file) to
 * the primary table of each source.
 *
 * @param suffix empty for the source's primary table (one row per row read), else the name of a
 *     secondary table (e.g. the members of an EPCI)
 * @param columns the columns in the order the reader emits values
 * @param communeColumn the column holding a commune code to map onto COG 2026, or null
 * @param communeField the name of that field in the source file, for error messages
 */
public record TableSpec(
    String suffix, List<Column> columns, String communeColumn, String communeField) {
  private static final Pattern SUFFIX = Pattern.compile("|[a-z][a-z0-9_]{0,30}");

  public TableSpec {
    columns = List.copyOf(columns);
    if (suffix == null || !SUFFIX.matcher(suffix).matches()) {
      throw new IllegalArgumentException("'" + suffix + "' is not a valid table suffix");
    }
    var names = new HashSet<String>();
    for (Column c : columns) {
      if (c.name().startsWith("_") || !names.add(c.name())) {
        throw new IllegalArgumentException("column '" + c.name() + "' is reserved or repeated");
      }
    }
    if (communeColumn != null && !names.contains(communeColumn)) {
      throw new IllegalArgumentException("commune column '" + communeColumn + "' is not declared");
    }
  }

  public static TableSpec primary(List<Column> columns) {
    return new TableSpec("", columns, null, null);
  }

  /** A primary table whose rows carry a commune code to remap onto COG 2026. */
  public static TableSpec primary(List<Column> columns, String communeColumn, String field) {
    return new TableSpec("", columns, communeColumn, field);
  }

  public static TableSpec secondary(String suffix, List<Column> columns) {
    return new TableSpec(suffix, columns, null, null);
  }

  /** The table's name for a source whose tables are prefixed {@code prefix}. */
  public String tableName(String prefix) {
    return suffix.isEmpty() ? prefix : prefix + "_" + suffix;
  }
}
