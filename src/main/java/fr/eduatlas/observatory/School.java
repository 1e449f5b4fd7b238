package fr.eduatlas.observatory;

/**
 * A school as every API shows it: identity, pupils and IPS, its commune, its position (null when
 * neither the school nor its commune has one: never NaN) and how it was found, its latest bandwidth
 * class (null when none) and where that class comes from.
 *
 * @param location {@code etablissement}, {@code commune}, {@code commune-ancienne} (the former
 *     commune whose 2018 outline holds its commune's land) or, without position, {@code inconnue}
 * @param bandwidthClass 0 (none or under 2 Mbit/s) to 4 (100 Mbit/s and more), or null
 * @param provenance where the bandwidth class comes from, or null
 */
public record School(
    String uai,
    String name,
    String type,
    String sector,
    Integer pupils,
    Double ips,
    String commune,
    String communeName,
    Double lon,
    Double lat,
    String location,
    Integer bandwidthClass,
    Integer bandwidthYear,
    Boolean simulated,
    Integer communeDensityLevel,
    Provenance provenance) {

  /**
   * The contribution a figure comes from and, for a hub's data, the hub, its version and when it
   * was published (all three null for the simulator's or a file's contribution).
   */
  public record Provenance(
      String contribution, boolean simulated, String hub, Integer version, String publishedAt) {}

  /** The measured download classes (0: none or under 2 Mbit/s). */
  public static final java.util.List<String> BANDWIDTH_CLASSES =
      java.util.List.of(
          "sans connexion ou moins de 2 Mbit/s",
          "2 à 8 Mbit/s",
          "8 à 30 Mbit/s",
          "30 à 100 Mbit/s",
          "100 Mbit/s et plus");

  public boolean located() {
    return lon != null && lat != null;
  }

  /** What the position is, in French. */
  public String locationNote() {
    if (!located()) {
      return "position inconnue : ni l'établissement ni sa commune n'ont de position connue";
    }
    return switch (location) {
      case "etablissement" -> "position de l'établissement";
      case "commune-ancienne" ->
          "position de l'ancienne commune dont les contours de 2018 comprennent le territoire de"
              + " sa commune (commune rétablie depuis, sans contour propre ; l'établissement n'est"
              + " pas géolocalisé à son adresse)";
      default -> "position de la commune (l'établissement n'est pas géolocalisé à son adresse)";
    };
  }
}
