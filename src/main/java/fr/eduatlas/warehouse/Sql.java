package fr.eduatlas.warehouse;

import fr.eduatlas.source.Column;
import fr.eduatlas.source.TableSpec;
import java.util.stream.Collectors;

/**
 * DDL generated from declared table specs. Identifiers come only from {@link TableSpec} and {@link
 * Column}, which validate them as plain lower-case identifiers; no user input reaches here.
 */
final class Sql {
  private Sql() {}

  static String createStagingTable(String name, TableSpec spec) {
    String cols =
        spec.columns().stream()
            .map(c -> c.name() + " " + c.type().name())
            .collect(Collectors.joining(", "));
    return "CREATE TABLE " + name + " (_line BIGINT NOT NULL, " + cols + ")";
  }
}
