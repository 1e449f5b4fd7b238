package fr.eduatlas.source;

import java.util.Objects;
import java.util.regex.Pattern;

/** A typed column of a staging table. Names are SQL identifiers, checked here. */
public record Column(String name, Type type) {
  private static final Pattern IDENT = Pattern.compile("[a-z][a-z0-9_]{0,62}");

  /** The value types a reader may emit, with the Java type expected for each. */
  public enum Type {
    VARCHAR(String.class),
    INTEGER(Integer.class),
    BIGINT(Long.class),
    DOUBLE(Double.class),
    BOOLEAN(Boolean.class),
    /** Bytes: geometries as WKB. */
    BLOB(byte[].class);

    private final Class<?> javaType;

    Type(Class<?> javaType) {
      this.javaType = javaType;
    }

    public Class<?> javaType() {
      return javaType;
    }
  }

  public Column {
    Objects.requireNonNull(type, "type");
    if (name == null || !IDENT.matcher(name).matches()) {
      throw new IllegalArgumentException("'" + name + "' is not a valid column name");
    }
  }

  public static Column varchar(String name) {
    return new Column(name, Type.VARCHAR);
  }

  public static Column integer(String name) {
    return new Column(name, Type.INTEGER);
  }

  public static Column bigint(String name) {
    return new Column(name, Type.BIGINT);
  }

  public static Column dbl(String name) {
    return new Column(name, Type.DOUBLE);
  }

  public static Column blob(String name) {
    return new Column(name, Type.BLOB);
  }
}
