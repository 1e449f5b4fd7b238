package fr.eduatlas.source.contrib;

import fr.eduatlas.source.RowException;
import fr.eduatlas.source.table.TableRow;
import java.time.LocalDate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** School years written "2023-2024": two consecutive years; the year of the end names it. */
final class SchoolYear {
  private static final Pattern FORM = Pattern.compile("(\\d{4})-(\\d{4})");

  private SchoolYear() {}

  /** The school year's end year, from {@code annee_scolaire}. */
  static int endYear(TableRow row) {
    String v = row.required("annee_scolaire");
    Matcher m = FORM.matcher(v);
    if (!m.matches() || Integer.parseInt(m.group(2)) != Integer.parseInt(m.group(1)) + 1) {
      throw new RowException(
          "annee_scolaire",
          "'" + v + "' n'est pas une année scolaire (AAAA-AAAA, années consécutives)");
    }
    int end = Integer.parseInt(m.group(2));
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
