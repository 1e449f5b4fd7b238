package fr.eduatlas.observatory;

/** How figures are served: four decimals, never NaN or an infinity. */
public final class Figures {
  private Figures() {}

  /** Rounded to four decimals (a share's hundredth of a percent). */
  public static double round(double d) {
    return Math.round(d * 10_000d) / 10_000d;
  }
}
