package fr.eduatlas.warehouse;

import java.util.regex.Pattern;

/** Checks identifiers that are spliced into SQL: only plain lower-case names pass. */
final class Identifiers {
  private static final Pattern PLAIN = Pattern.compile("[a-z][a-z0-9_]{0,62}");

  private Identifiers() {}

  static String table(String name) {
    if (name == null || !PLAIN.matcher(name).matches()) {
      throw new IllegalArgumentException("'" + name + "' is not a plain table name");
    }
    return name;
  }
}
