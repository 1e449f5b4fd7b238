package fr.eduatlas.territory;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The territory levels, from the finest: the one list the warehouse, the API, the OGC collections
 * and the tile layers name them from. {@link #collection()} is the plural identifier of the level's
 * OGC collection and tile layer ({@code communes}, {@code epci}, …); France has none.
 */
public enum Level {
  COMMUNE(
      "commune",
      "Commune",
      "communes",
      "Communes",
      "[0-9][0-9AB][0-9]{3}",
      "5 caractères, ex. 02408 ou 2A004"),
  EPCI(
      "epci",
      "Intercommunalité (EPCI)",
      "epci",
      "Intercommunalités (EPCI)",
      "[0-9]{9}",
      "9 chiffres (SIREN), ex. 200071983"),
  DEPARTEMENT(
      "departement",
      "Département",
      "departements",
      "Départements",
      "[0-9]{2}|2[AB]|97[0-9]",
      "2 ou 3 caractères, ex. 02, 2A ou 971"),
  ACADEMIE("academie", "Académie", "academies", "Académies", "[0-9]{2}", "2 chiffres, ex. 20"),
  REGION("region", "Région", "regions", "Régions", "[0-9]{2}", "2 chiffres, ex. 32"),
  FRANCE("france", "France", null, "France", "FR", "FR");

  private final String id;
  private final String label;
  private final String collection;
  private final String pluralLabel;
  private final Pattern codeShape;
  private final String codeShapeText;

  Level(
      String id,
      String label,
      String collection,
      String pluralLabel,
      String codeShape,
      String codeShapeText) {
    this.id = id;
    this.label = label;
    this.collection = collection;
    this.pluralLabel = pluralLabel;
    this.codeShape = Pattern.compile(codeShape);
    this.codeShapeText = codeShapeText;
  }

  /** The identifier used in the warehouse and the API ({@code commune}, {@code departement}…). */
  public String id() {
    return id;
  }

  /** The level's name in French, singular. */
  public String label() {
    return label;
  }

  /** The plural identifier of its OGC collection and tile layer; null for France. */
  public String collection() {
    return collection;
  }

  /** The level's name in French, plural (a collection's or a layer's title). */
  public String pluralLabel() {
    return pluralLabel;
  }

  /**
   * Whether {@code code} has the shape of a code of this level in COG 2026 (communes 01001…2A004…
   * 97101…98735, EPCI by their SIREN, départements 01…2A/2B…976, académies and régions on two
   * digits): checked before any lookup.
   */
  public boolean hasCodeShape(String code) {
    return code != null && codeShape.matcher(code).matches();
  }

  /** The expected shape of a code, in French, for an error message. */
  public String codeShapeText() {
    return codeShapeText;
  }

  /** Every level, from the finest to France. */
  public static List<Level> all() {
    return List.of(values());
  }

  /** The level of this identifier, if any. */
  public static Optional<Level> of(String id) {
    return Arrays.stream(values()).filter(l -> l.id.equals(id)).findFirst();
  }

  /** The level whose collection or tile layer has this identifier, if any. */
  public static Optional<Level> ofCollection(String collection) {
    return Arrays.stream(values())
        .filter(l -> l.collection != null && l.collection.equals(collection))
        .findFirst();
  }

  /** The identifiers of every level, from the finest. */
  public static List<String> ids() {
    return Arrays.stream(values()).map(Level::id).toList();
  }
}
