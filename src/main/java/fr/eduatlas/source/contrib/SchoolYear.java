package fr.eduatlas.source.contrib;

import fr.eduatlas.source.RowException;
import fr.eduatlas.source.table.TableRow;
import fr.eduatlas.territory.Codes;
import java.time.LocalDate;

/** School years written "2023-2024": two consecutive years; the year of the end names it. */
final class SchoolYear {
  private SchoolYear() {}

  /** The school year's end year, from {@code annee_scolaire}. */
  static int endYear(TableRow row) {
    return endYear(row.required("annee_scolaire"));
  }

  /** The end year of a school year written {@code v}, as {@link #endYear(TableRow)} reads it. */
  static int endYear(String v) {
    // The form \d{4}-\d{4}, checked by hand rather than by a regular expression per row
    // (docs/BENCHMARKS.md, session 16).
    int start = Codes.digits(v, 0, 4);
    int end = Codes.digits(v, 5, 4);
    if (v.length() != 9 || v.charAt(4) != '-' || start < 0 || end < 0 || end != start + 1) {
      throw new RowException(
          "annee_scolaire",
          "'" + v + "' n'est pas une année scolaire (AAAA-AAAA, années consécutives)");
    }
    if (end < 2000 || end > 2100) {
      throw new RowException("annee_scolaire", "année scolaire invraisemblable : " + v);
    }
    return end;
  }

  /**
   * Claims the (school, year) key of a yearly file's row, after the row was validated: a second row
   * for the same school and year is refused, naming the first.
   */
  static void claim(java.util.Map<String, Long> seen, String uai, int endYear, long line) {
    Long first = seen.putIfAbsent(uai + "/" + endYear, line);
    if (first != null) {
      throw new fr.eduatlas.source.RowException(
          "uai",
          "établissement "
              + uai
              + " en double pour "
              + name(endYear)
              + " : déjà lu ligne "
              + first);
    }
  }

  static String name(int endYear) {
    return (endYear - 1) + "-" + endYear;
  }

  static boolean contains(int endYear, LocalDate d) {
    return !d.isBefore(LocalDate.of(endYear - 1, 9, 1)) && !d.isAfter(LocalDate.of(endYear, 8, 31));
  }
}
