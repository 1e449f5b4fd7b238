package fr.eduatlas.territory;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/** The territory levels of the observatory, from the finest to France as a whole. */
public enum Level {
  COMMUNE("commune", "Commune"),
  EPCI("epci", "Intercommunalité (EPCI)"),
  DEPARTEMENT("departement", "Département"),
  ACADEMIE("academie", "Académie"),
  REGION("region", "Région"),
  FRANCE("france", "France");

  private final String id;
  private final String label;

  Level(String id, String label) {
    this.id = id;
    this.label = label;
  }

  /** The identifier used in the warehouse, the API and URLs. */
  public String id() {
    return id;
  }

  /** The French label shown to users. */
  public String label() {
    return label;
  }

  public static Optional<Level> fromId(String id) {
    if (id == null) {
      return Optional.empty();
    }
    String wanted = id.trim().toLowerCase(Locale.ROOT);
    return Arrays.stream(values()).filter(l -> l.id.equals(wanted)).findFirst();
  }
}
