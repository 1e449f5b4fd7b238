package fr.eduatlas.hub;

import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * A local data hub: an organisation with a territory (an académie, a région, a département, an
 * EPCI, a commune, or a programme lead) that contributes school-level data within its {@link
 * Scope}.
 *
 * @param level the level of the organisation's own territory (its competence's)
 * @param code the code of the organisation's own territory
 * @param scope what the hub may contribute (its competence unless an administrator widened or
 *     narrowed it)
 */
public record Hub(
    String id, String name, Kind kind, String level, String code, Scope scope, Instant createdAt) {
  /** A hub whose scope is its competence over its own territory. */
  public static Hub ofCompetence(
      String id, String name, Kind kind, String level, String code, Instant createdAt) {
    return new Hub(id, name, kind, level, code, competence(kind, level, code), createdAt);
  }

  /** Hub identifiers: lower-case letters, digits and dashes, as contribution identifiers. */
  public static final Pattern ID = Pattern.compile("[a-z0-9][a-z0-9-]{1,30}");

  /** The school types, as the warehouse names them. */
  public static final List<String> SCHOOL_TYPES = List.of("ecole", "college", "lycee");

  /** The datasets a hub may publish (data/contributions/FORMAT.md), by file name. */
  public static final List<String> DATASETS =
      List.of("connectivite", "equipement", "usages", "tests_debit");

  /** The kinds of organisation that run a hub, each with its legal competence. */
  public enum Kind {
    ACADEMIE("academie", "academie"),
    REGION("region", "region"),
    DEPARTEMENT("departement", "departement"),
    EPCI("epci", "epci"),
    COMMUNE("commune", "commune"),
    /** A programme lead (a TNE "collectivité cheffe de file"), on the territory it leads. */
    PROGRAMME("programme", null);

    private final String code;
    private final String level;

    Kind(String code, String level) {
      this.code = code;
      this.level = level;
    }

    public String code() {
      return code;
    }

    /** The territory level of such a hub, or null when it is chosen (a programme lead). */
    public String level() {
      return level;
    }

    public static Kind of(String code) {
      for (Kind k : values()) {
        if (k.code.equals(code)) {
          return k;
        }
      }
      throw new IllegalArgumentException(
          "type de pôle inconnu : '"
              + code
              + "' (academie, region, departement, epci, commune ou programme)");
    }
  }

  /**
   * What a hub may contribute: the schools of a territory, of some types, for some datasets.
   *
   * @param level the territory level (commune, epci, departement, academie, region)
   * @param code the territory code
   */
  public record Scope(String level, String code, Set<String> types, Set<String> datasets) {
    public Scope {
      types = Set.copyOf(new TreeSet<>(types));
      datasets = Set.copyOf(new TreeSet<>(datasets));
      for (String t : types) {
        if (!SCHOOL_TYPES.contains(t)) {
          throw new IllegalArgumentException(
              "type d'établissement inconnu : '" + t + "' (ecole, college ou lycee)");
        }
      }
      for (String d : datasets) {
        if (!DATASETS.contains(d)) {
          throw new IllegalArgumentException(
              "jeu de données inconnu : '" + d + "' (" + String.join(", ", DATASETS) + ")");
        }
      }
      if (types.isEmpty() || datasets.isEmpty()) {
        throw new IllegalArgumentException(
            "un périmètre nomme au moins un type d'établissement et un jeu de données");
      }
    }

    /** Types and datasets as stored: sorted, comma-separated. */
    static String join(Set<String> s) {
      return String.join(",", new TreeSet<>(s));
    }

    static Set<String> split(String s) {
      return Set.of(s.split(","));
    }
  }

  /**
   * The scope that follows a kind's legal competence over its territory: communes and EPCI own the
   * écoles, départements the collèges, régions the lycées (their connectivity, equipment and speed
   * tests); académies run the usage surveys and measure connectivity in every school of their
   * académie; a programme lead reports the programme's equipment and usage in the écoles and
   * collèges of its territory.
   */
  public static Scope competence(Kind kind, String level, String code) {
    var owner = Set.of("connectivite", "equipement", "tests_debit");
    return switch (kind) {
      case COMMUNE, EPCI -> new Scope(level, code, Set.of("ecole"), owner);
      case DEPARTEMENT -> new Scope(level, code, Set.of("college"), owner);
      case REGION -> new Scope(level, code, Set.of("lycee"), owner);
      case ACADEMIE ->
          new Scope(
              level,
              code,
              Set.copyOf(SCHOOL_TYPES),
              Set.of("usages", "connectivite", "tests_debit"));
      case PROGRAMME ->
          new Scope(level, code, Set.of("ecole", "college"), Set.of("equipement", "usages"));
    };
  }

  /**
   * This hub's legal competence over its own territory, whatever its scope: what precedence among
   * real sources is decided on.
   */
  public Scope competence() {
    return competence(kind, level, code);
  }

  /** The contribution identifier the hub's published data carry in the warehouse. */
  public String contributionId() {
    return contributionId(id);
  }

  public static String contributionId(String hubId) {
    return "pole-" + hubId;
  }

  /** Checks a hub identifier's shape. */
  public static String validId(String id) {
    if (id == null || !ID.matcher(id).matches()) {
      throw new IllegalArgumentException(
          "identifiant de pôle invalide : 2 à 31 caractères parmi minuscules, chiffres et tirets");
    }
    return id;
  }

  static String lower(String s) {
    return s.toLowerCase(Locale.ROOT);
  }
}
