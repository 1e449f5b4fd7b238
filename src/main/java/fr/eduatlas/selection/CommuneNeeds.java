package fr.eduatlas.selection;

/**
 * One commune's facts for a selection: what eligibility tests and the need criteria's raw values.
 * Territory codes may be null (a commune of a collectivité d'outre-mer has none).
 *
 * @param densityLevel INSEE density grid level 1-7, null if unknown
 * @param population legal municipal population, null if unknown
 * @param schools schools of the selected types in the commune
 * @param schoolsKnown of which the connectivity is known for the year
 * @param schoolsWeak of which under the bandwidth threshold or without connection
 * @param pupilsAffected pupils of the weak schools
 * @param fibreCoverage share of premises connectable to FttH, %, NaN if unknown
 * @param trend mean measured bandwidth change, Mbit/s per year, NaN if not measurable
 * @param ips pupil-weighted mean social position index, NaN if unknown
 * @param simulated whether the connectivity facts used are simulated
 * @param epciCode the SIREN of the commune's EPCI à fiscalité propre, null if none
 */
public record CommuneNeeds(
    String code,
    String name,
    String departementCode,
    String academieCode,
    String regionCode,
    Integer densityLevel,
    Integer population,
    int schools,
    int schoolsKnown,
    int schoolsWeak,
    long pupils,
    long pupilsAffected,
    double fibreCoverage,
    double trend,
    double ips,
    boolean simulated,
    String epciCode) {

  /** A commune outside any EPCI (or whose EPCI is not known). */
  public CommuneNeeds(
      String code,
      String name,
      String departementCode,
      String academieCode,
      String regionCode,
      Integer densityLevel,
      Integer population,
      int schools,
      int schoolsKnown,
      int schoolsWeak,
      long pupils,
      long pupilsAffected,
      double fibreCoverage,
      double trend,
      double ips,
      boolean simulated) {
    this(
        code,
        name,
        departementCode,
        academieCode,
        regionCode,
        densityLevel,
        population,
        schools,
        schoolsKnown,
        schoolsWeak,
        pupils,
        pupilsAffected,
        fibreCoverage,
        trend,
        ips,
        simulated,
        null);
  }

  /** A commune is "fibred" from this share of FttH-connectable premises, %. */
  public static final double FIBRED = 80.0;

  /** The raw value of a criterion, NaN if unknown. */
  public double raw(Criterion c) {
    return switch (c) {
      case WEAK_SHARE -> schoolsKnown == 0 ? Double.NaN : 100.0 * schoolsWeak / schoolsKnown;
      case PUPILS_AFFECTED -> schoolsKnown == 0 ? Double.NaN : pupilsAffected;
      case FIBRE_COVERAGE -> fibreCoverage;
      case TREND -> trend;
      case FIBRED_WEAK ->
          schoolsKnown == 0 || Double.isNaN(fibreCoverage)
              ? Double.NaN
              : fibreCoverage >= FIBRED ? 100.0 * schoolsWeak / schoolsKnown : 0.0;
      case IPS -> ips;
    };
  }
}
