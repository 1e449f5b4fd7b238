package fr.eduatlas.observatory;

import java.util.List;

/**
 * A property a collection's features can be filtered on (OGC API – Features – Part 3 queryables):
 * its name as the features show it, its type, a French title, the values it takes when they are
 * few, and the read model's SQL for it (package-private: the web layer sees only the description).
 */
public final class Queryable {
  /** The CQL2 types of the queryables. */
  public enum Type {
    STRING,
    NUMBER,
    INTEGER,
    BOOLEAN,
    /** A point or (multi)polygon; filtered by the spatial functions. */
    GEOMETRY,
    /** An instant, as a normalised UTC string (see {@link FilterSql}). */
    INSTANT,
    /** An interval of instants. */
    INTERVAL
  }

  private final String name;
  private final Type type;
  private final String title;
  private final String format;
  private final List<String> values;
  final FilterSql.Frag sql;
  final FilterSql.Frag end;

  Queryable(
      String name,
      Type type,
      String title,
      String format,
      List<String> values,
      FilterSql.Frag sql,
      FilterSql.Frag end) {
    this.name = name;
    this.type = type;
    this.title = title;
    this.format = format;
    this.values = values;
    this.sql = sql;
    this.end = end;
  }

  static Queryable of(String name, Type type, String title, String sql) {
    return new Queryable(name, type, title, null, null, FilterSql.Frag.of(sql), null);
  }

  Queryable withValues(List<String> v) {
    return new Queryable(name, type, title, format, v, sql, end);
  }

  Queryable withFormat(String f) {
    return new Queryable(name, type, title, f, values, sql, end);
  }

  public String name() {
    return name;
  }

  public Type type() {
    return type;
  }

  public String title() {
    return title;
  }

  /** The JSON Schema format ({@code geometry-point}, {@code date-time}…), or null. */
  public String format() {
    return format;
  }

  /** The values the property takes, when they are a short fixed list; else null. */
  public List<String> values() {
    return values;
  }
}
