package fr.eduatlas.observatory;

import java.util.List;

/** A national programme and its départements with their first school year. */
public record Programme(String id, String label, String source, List<Member> departements) {
  /** A département of the programme; {@code name} null if the warehouse does not know it. */
  public record Member(String code, String name, String firstSchoolYear, String wave) {}
}
