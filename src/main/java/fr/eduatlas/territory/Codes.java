package fr.eduatlas.territory;

import java.util.regex.Pattern;

/**
 * Validation and normalisation of the official codes the sources use: INSEE commune codes (COG),
 * département codes (including Corsica's 2A/2B and the overseas 97x), and school UAI numbers.
 *
 * <p>Every method returns the canonical form or throws {@link InvalidCodeException} with a reason,
 * in French, that can be shown as is in a quarantine entry.
 */
public final class Codes {
  private static final Pattern COMMUNE = Pattern.compile("(\\d{5}|2[AB]\\d{3})");
  private static final Pattern DEPARTEMENT = Pattern.compile("(\\d{2}|2[AB]|9[78]\\d)");
  private static final String UAI_KEYS = "ABCDEFGHJKLMNPRSTUVWXYZ";

  private Codes() {}

  /** A five-character INSEE commune code: {@code 02408}, {@code 2A004}, {@code 97101}. */
  public static String commune(String raw) {
    String code = raw == null ? "" : raw.strip().toUpperCase(java.util.Locale.ROOT);
    if (code.isEmpty()) {
      throw new InvalidCodeException("code commune vide");
    }
    if (!COMMUNE.matcher(code).matches()) {
      throw new InvalidCodeException(
          "'"
              + raw
              + "' n'est pas un code commune INSEE (5 chiffres, ou 2A/2B suivi de 3 chiffres)");
    }
    return code;
  }

  /**
   * A commune code from INSEE files that drop leading zeros (legal populations: département {@code
   * 1}, commune {@code 1001}). Corsican codes ({@code 2A004}) already have five characters.
   */
  public static String communeFromUnpadded(String raw) {
    String code = raw == null ? "" : raw.strip();
    if (code.matches("\\d{1,4}")) {
      code = "0".repeat(5 - code.length()) + code;
    }
    return commune(code);
  }

  /**
   * A département code in COG form: {@code 01}, {@code 2A}, {@code 971}. Accepts the three-digit
   * zero-padded form of the education ministry's files ({@code 001}, {@code 02A}, {@code 971}) and
   * INSEE's unpadded form ({@code 1}).
   */
  public static String departement(String raw) {
    String code = raw == null ? "" : raw.strip().toUpperCase(java.util.Locale.ROOT);
    if (code.length() == 3 && code.charAt(0) == '0') {
      code = code.substring(1);
    } else if (code.length() == 1 && Character.isDigit(code.charAt(0))) {
      code = "0" + code;
    }
    if (!DEPARTEMENT.matcher(code).matches()) {
      throw new InvalidCodeException("'" + raw + "' n'est pas un code de département");
    }
    return code;
  }

  /** The département part of a commune code: {@code 02408 → 02}, {@code 97101 → 971}. */
  public static String departementOfCommune(String communeCode) {
    return communeCode.startsWith("97") ? communeCode.substring(0, 3) : communeCode.substring(0, 2);
  }

  /**
   * A school's UAI (Unité administrative immatriculée): seven digits and a check letter, the letter
   * being the seven-digit number modulo 23 in the alphabet without I, O and Q.
   */
  public static String uai(String raw) {
    String code = raw == null ? "" : raw.strip().toUpperCase(java.util.Locale.ROOT);
    // The form \d{7}[A-Z], checked by hand rather than by a regular expression: a matcher per row
    // stood out in the contribution readers' profile (docs/BENCHMARKS.md, session 16).
    int number =
        code.length() == 8 && code.charAt(7) >= 'A' && code.charAt(7) <= 'Z'
            ? digits(code, 0, 7)
            : -1;
    if (number < 0) {
      throw new InvalidCodeException(
          "'" + raw + "' n'est pas un UAI (7 chiffres suivis d'une lettre)");
    }
    char expected = UAI_KEYS.charAt(number % 23);
    if (code.charAt(7) != expected) {
      throw new InvalidCodeException(
          "UAI '" + code + "' : lettre clé invalide (attendue : " + expected + ")");
    }
    return code;
  }

  /**
   * The number written by the {@code count} ASCII digits of {@code s} from {@code from}, or -1 when
   * one of them is not an ASCII digit or {@code s} ends before them: the forms {@code \d{n}} of the
   * readers' per-row checks, without a regular expression (at most 9 digits).
   */
  public static int digits(String s, int from, int count) {
    if (from < 0 || count > 9 || s.length() < from + count) {
      return -1;
    }
    int v = 0;
    for (int i = from; i < from + count; i++) {
      char c = s.charAt(i);
      if (c < '0' || c > '9') {
        return -1;
      }
      v = v * 10 + (c - '0');
    }
    return v;
  }

  /** Thrown when a code is malformed; the message says why. */
  public static final class InvalidCodeException extends IllegalArgumentException {
    public InvalidCodeException(String message) {
      super(message);
    }
  }
}
