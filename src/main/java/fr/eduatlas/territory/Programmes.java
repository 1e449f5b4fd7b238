package fr.eduatlas.territory;

import java.util.Map;

/**
 * National programmes that single out territories. Territoires numériques éducatifs (TNE): the
 * départements of the programme and the first school year (by its end) they took part, from the
 * ministry's announcements (2020 pilots in the Aisne and the Val-d'Oise, extended in 2021).
 */
public final class Programmes {
  private Programmes() {}

  /** TNE départements and the first school year (by its end) of their programme. */
  public static final Map<String, Integer> TNE_START =
      Map.ofEntries(
          Map.entry("02", 2021),
          Map.entry("95", 2021),
          Map.entry("13", 2022),
          Map.entry("18", 2022),
          Map.entry("2A", 2022),
          Map.entry("25", 2022),
          Map.entry("29", 2022),
          Map.entry("971", 2022),
          Map.entry("34", 2022),
          Map.entry("38", 2022),
          Map.entry("86", 2022),
          Map.entry("88", 2022));

  /** Whether a département is a TNE territory (whatever the year). */
  public static boolean isTne(String departement) {
    return departement != null && TNE_START.containsKey(departement);
  }
}
