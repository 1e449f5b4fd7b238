package fr.eduatlas.territory;

import java.text.Normalizer;
import java.util.Locale;
import java.util.regex.Pattern;

/** Name folding for matching and search: "Orléans-Tours" and "ORLEANS TOURS" fold alike. */
public final class Names {
  private static final Pattern MARKS = Pattern.compile("\\p{M}+");
  private static final Pattern NON_ALNUM = Pattern.compile("[^a-z0-9]+");

  private Names() {}

  /** Lower case, without accents, every run of other characters folded to one space. */
  public static String fold(String name) {
    if (name == null) {
      return "";
    }
    String decomposed = Normalizer.normalize(name, Normalizer.Form.NFD);
    String bare = MARKS.matcher(decomposed).replaceAll("").toLowerCase(Locale.ROOT);
    return NON_ALNUM.matcher(bare.replace("œ", "oe").replace("æ", "ae")).replaceAll(" ").strip();
  }
}
