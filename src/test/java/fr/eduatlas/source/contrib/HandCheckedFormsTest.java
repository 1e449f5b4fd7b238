package fr.eduatlas.source.contrib;

import static org.assertj.core.api.Assertions.assertThat;

import fr.eduatlas.source.RowException;
import fr.eduatlas.territory.Codes;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The contribution readers check three forms by hand (a UAI, a school year, an ISO date) where they
 * used a regular expression or the date formatter: over a sweep of each form's neighbourhood, the
 * hand-written check accepts exactly what the reference accepted, with the same value.
 */
class HandCheckedFormsTest {
  /** Characters a field may hold around the expected ones: digits, letters, signs, non-ASCII. */
  private static final String ALPHABET = "0123456789AZaz-/ +\u0660\u00c9";

  @Test
  void isoDatesAreReadAsTheFormatterReadsThem() {
    var inputs = new ArrayList<String>();
    for (String y : List.of("0000", "1999", "2000", "2023", "2024", "2100", "9999")) {
      for (int m = 0; m <= 13; m++) {
        for (int d = 0; d <= 32; d++) {
          inputs.add(String.format(Locale.ROOT, "%s-%02d-%02d", y, m, d));
        }
      }
    }
    // One character changed anywhere in a valid date, and other lengths and signs.
    for (int i = 0; i < 10; i++) {
      for (char c : ALPHABET.toCharArray()) {
        inputs.add("2024-02-29".substring(0, i) + c + "2024-02-29".substring(i + 1));
      }
    }
    inputs.addAll(
        List.of("2024-1-01", "2024-01-1", "+2024-01-01", "02024-01-01", "2024-01-01T00:00", ""));
    int accepted = 0;
    for (String v : inputs) {
      LocalDate expected;
      try {
        expected = LocalDate.parse(v);
      } catch (DateTimeParseException e) {
        expected = null;
      }
      LocalDate actual;
      try {
        actual = ConnectivityReader.isoDate(v);
      } catch (java.time.DateTimeException e) {
        actual = null;
      }
      assertThat(actual).as(v).isEqualTo(expected);
      accepted += expected == null ? 0 : 1;
    }
    // The sweep holds both kinds: every real day of the seven years, and the rest refused.
    assertThat(accepted).isGreaterThan(7 * 365);
    assertThat(inputs.size() - accepted).isGreaterThan(500);
  }

  @Test
  void schoolYearsAreReadAsTheirFormReadsThem() {
    Pattern form = Pattern.compile("(\\d{4})-(\\d{4})");
    var inputs = new ArrayList<String>();
    for (int start : new int[] {0, 1998, 1999, 2000, 2023, 2099, 2100, 9998}) {
      for (int delta = -1; delta <= 2; delta++) {
        inputs.add(String.format(Locale.ROOT, "%04d-%04d", start, start + delta));
      }
    }
    for (int i = 0; i < 9; i++) {
      for (char c : ALPHABET.toCharArray()) {
        inputs.add("2023-2024".substring(0, i) + c + "2023-2024".substring(i + 1));
      }
    }
    // A character changed in one year, beside every plausible other year: whatever number a
    // misread character would make, some input pairs it with its successor or predecessor.
    for (int i = 0; i < 4; i++) {
      for (char c : ALPHABET.toCharArray()) {
        String start = "2023".substring(0, i) + c + "2023".substring(i + 1);
        String end = "2024".substring(0, i) + c + "2024".substring(i + 1);
        for (int y = 1999; y <= 2101; y++) {
          inputs.add(start + "-" + y);
          inputs.add(y + "-" + end);
        }
      }
    }
    inputs.addAll(List.of("2023-24", "2023/2024", "02023-2024", "2023-02024", "2023-2024-"));
    int accepted = 0;
    for (String v : inputs) {
      Integer expected = null;
      Matcher m = form.matcher(v);
      if (m.matches()
          && Integer.parseInt(m.group(2)) == Integer.parseInt(m.group(1)) + 1
          && Integer.parseInt(m.group(2)) >= 2000
          && Integer.parseInt(m.group(2)) <= 2100) {
        expected = Integer.parseInt(m.group(2));
      }
      Integer actual;
      try {
        actual = SchoolYear.endYear(v);
      } catch (RowException e) {
        actual = null;
        assertThat(e.field()).as(v).isEqualTo("annee_scolaire");
      }
      assertThat(actual).as(v).isEqualTo(expected);
      accepted += expected == null ? 0 : 1;
    }
    assertThat(accepted).isGreaterThan(3).isLessThan(inputs.size() / 2);
  }

  @Test
  void uaisAreReadAsTheirFormReadsThem() {
    Pattern form = Pattern.compile("\\d{7}[A-Z]");
    String keys = "ABCDEFGHJKLMNPRSTUVWXYZ";
    var inputs = new ArrayList<String>();
    for (String digits : List.of("0000000", "0010005", "6200040", "9760102", "9999999")) {
      for (char c : (keys + "IOQaz0\u00e9").toCharArray()) {
        inputs.add(digits + c);
      }
    }
    // A character changed anywhere, with every check letter: whatever number a misread digit would
    // make, one of them is its key.
    for (int i = 0; i < 8; i++) {
      for (char c : ALPHABET.toCharArray()) {
        String changed = "0010005A".substring(0, i) + c + "0010005A".substring(i + 1);
        for (char k = 'A'; k <= 'Z'; k++) {
          inputs.add(changed.substring(0, 7) + k);
        }
        inputs.add(changed);
      }
    }
    inputs.addAll(List.of("001005A", "00100050A", " 0010005a ", "", "0010005AA", "ß0010005"));
    int accepted = 0;
    for (String v : inputs) {
      String code = v.strip().toUpperCase(Locale.ROOT);
      String expected = null;
      if (form.matcher(code).matches()
          && code.charAt(7) == keys.charAt(Integer.parseInt(code.substring(0, 7)) % 23)) {
        expected = code;
      }
      String actual;
      try {
        actual = Codes.uai(v);
      } catch (Codes.InvalidCodeException e) {
        actual = null;
      }
      assertThat(actual).as(v).isEqualTo(expected);
      accepted += expected == null ? 0 : 1;
    }
    assertThat(accepted).isGreaterThan(5).isLessThan(inputs.size() / 2);
  }
}
