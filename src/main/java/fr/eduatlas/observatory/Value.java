package fr.eduatlas.observatory;

/**
 * One value of an indicator for a territory and period, as served: the figure (null when secret or
 * without data), its status, whether it is simulated, the coverage it was computed on (null for
 * indicators not counted over schools), its appraisal against France (null when none applies) and a
 * note saying what the figure is when it is not a plain published value (why there is none, that it
 * covers only part of the territory, why it is doubtful), else null.
 *
 * <p>Statuses ({@link #STATUSES}): {@code publie}; {@code estime} and {@code non-ventile} (a
 * commune re-created after the source's vintage: apportioned, or its former commune's value not
 * split); {@code douteux} (published but built on an implausible source count, see the note);
 * {@code secret} (withheld); {@code sans-donnees} (no figure).
 */
public record Value(
    String period,
    Double value,
    String status,
    boolean simulated,
    Coverage coverage,
    String appraisal,
    String note) {

  /** Every status a value can have. */
  public static final java.util.List<String> STATUSES =
      java.util.List.of("publie", "estime", "non-ventile", "douteux", "secret", "sans-donnees");

  /** The same value appraised. */
  public Value withAppraisal(String a) {
    return new Value(period, value, status, simulated, coverage, a, note);
  }

  /**
   * The schools and pupils a value covers out of those of the territory, and how many of the
   * covered schools have real (contributed, not simulated) data.
   */
  public record Coverage(
      long schools, long schoolsTotal, long pupils, long pupilsTotal, long realSchools) {
    public double schoolsShare() {
      return schoolsTotal == 0 ? 0 : Figures.round((double) schools / schoolsTotal);
    }

    public double pupilsShare() {
      return pupilsTotal == 0 ? 0 : Figures.round((double) pupils / pupilsTotal);
    }

    /** Of the covered schools, the share with real data. */
    public double realShare() {
      return schools == 0 ? 0 : Figures.round((double) realSchools / schools);
    }

    /** Of the covered schools, the share the simulation still stands in for. */
    public double simulatedShare() {
      return schools == 0 ? 0 : Figures.round((double) (schools - realSchools) / schools);
    }
  }
}
