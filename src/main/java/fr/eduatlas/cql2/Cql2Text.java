package fr.eduatlas.cql2;

import java.util.ArrayList;
import java.util.Locale;
import java.util.Set;
import org.locationtech.jts.geom.Geometry;
import org.locationtech.jts.geom.GeometryFactory;
import org.locationtech.jts.io.ParseException;
import org.locationtech.jts.io.WKTReader;

/**
 * The CQL2 text encoding (OGC 21-065 annex A): Basic CQL2, the advanced comparison operators
 * ({@code LIKE}, {@code BETWEEN}, {@code IN}), {@code CASEI}/{@code ACCENTI}, the spatial functions
 * on WKT and {@code BBOX} literals and the temporal functions on {@code DATE}, {@code TIMESTAMP}
 * and {@code INTERVAL} literals. Keywords are case-insensitive; property names are identifiers
 * ({@code a-z}, digits, {@code _ . :}) or double-quoted. A recursive descent over the string,
 * bounded in length (which bounds a literal's vertices too), depth and list size so that a
 * request's work is bounded.
 */
public final class Cql2Text {
  /** Longest filter accepted, in characters. */
  public static final int MAX_LENGTH = 16_384;

  static final int MAX_DEPTH = 64;
  static final int MAX_LIST = 1_000;

  static final Set<String> SPATIAL =
      Set.of(
          "s_intersects",
          "s_equals",
          "s_disjoint",
          "s_touches",
          "s_within",
          "s_overlaps",
          "s_crosses",
          "s_contains");
  static final Set<String> TEMPORAL =
      Set.of(
          "t_after",
          "t_before",
          "t_contains",
          "t_disjoint",
          "t_during",
          "t_equals",
          "t_finishedby",
          "t_finishes",
          "t_intersects",
          "t_meets",
          "t_metby",
          "t_overlappedby",
          "t_overlaps",
          "t_startedby",
          "t_starts");
  private static final Set<String> GEOMETRIES =
      Set.of(
          "point",
          "linestring",
          "polygon",
          "multipoint",
          "multilinestring",
          "multipolygon",
          "geometrycollection");
  private static final Set<String> RESERVED =
      Set.of(
          "and",
          "or",
          "not",
          "like",
          "between",
          "in",
          "is",
          "null",
          "true",
          "false",
          "casei",
          "accenti",
          "date",
          "timestamp",
          "interval",
          "bbox");

  private final String s;
  private int pos;
  private int depth;
  private final GeometryFactory gf = new GeometryFactory();

  private Cql2Text(String s) {
    this.s = s;
  }

  /** The expression {@code text} encodes; a {@link Cql2Exception} says where it is not CQL2. */
  public static Expr parse(String text) {
    if (text.length() > MAX_LENGTH) {
      throw new Cql2Exception(
          "filtre CQL2 trop long : " + text.length() + " caractères, au plus " + MAX_LENGTH);
    }
    var p = new Cql2Text(text);
    Expr e = p.orExpr();
    p.skipSpace();
    if (p.pos < text.length()) {
      throw p.error("fin du filtre attendue");
    }
    return e;
  }

  // ---- boolean expressions ------------------------------------------------------------------

  private Expr orExpr() {
    if (++depth > MAX_DEPTH) {
      throw error("filtre trop imbriqué (au plus " + MAX_DEPTH + " niveaux)");
    }
    var args = new ArrayList<Expr>();
    args.add(andExpr());
    while (keyword("or")) {
      args.add(andExpr());
    }
    depth--;
    return args.size() == 1 ? args.get(0) : new Expr.Logical("or", args);
  }

  private Expr andExpr() {
    var args = new ArrayList<Expr>();
    args.add(notExpr());
    while (keyword("and")) {
      args.add(notExpr());
    }
    return args.size() == 1 ? args.get(0) : new Expr.Logical("and", args);
  }

  private Expr notExpr() {
    if (keyword("not")) {
      return new Expr.Not(notExpr());
    }
    return primary();
  }

  private Expr primary() {
    skipSpace();
    if (peek('(')) {
      pos++;
      Expr e = orExpr();
      expect(')');
      return e;
    }
    String word = peekWord();
    if (word != null) {
      String w = word.toLowerCase(Locale.ROOT);
      if (SPATIAL.contains(w) || TEMPORAL.contains(w)) {
        pos += word.length();
        expect('(');
        Expr a = SPATIAL.contains(w) ? geometryOperand() : temporalOperand();
        expect(',');
        Expr b = SPATIAL.contains(w) ? geometryOperand() : temporalOperand();
        expect(')');
        return SPATIAL.contains(w) ? new Expr.Spatial(w, a, b) : new Expr.Temporal(w, a, b);
      }
    }
    Expr left = scalar();
    boolean not = keyword("not");
    if (keyword("like")) {
      Expr like = new Expr.Like(left, scalar());
      return not ? new Expr.Not(like) : like;
    }
    if (keyword("between")) {
      Expr low = scalar();
      if (!keyword("and")) {
        throw error("'AND' attendu dans BETWEEN");
      }
      Expr between = new Expr.Between(left, low, scalar());
      return not ? new Expr.Not(between) : between;
    }
    if (keyword("in")) {
      expect('(');
      var list = new ArrayList<Expr>();
      do {
        if (list.size() == MAX_LIST) {
          throw error("liste IN trop longue (au plus " + MAX_LIST + " valeurs)");
        }
        list.add(scalar());
      } while (accept(','));
      expect(')');
      Expr in = new Expr.In(left, list);
      return not ? new Expr.Not(in) : in;
    }
    if (not) {
      throw error("'LIKE', 'BETWEEN' ou 'IN' attendu après 'NOT'");
    }
    if (keyword("is")) {
      boolean isNot = keyword("not");
      if (!keyword("null")) {
        throw error("'NULL' attendu après 'IS'");
      }
      Expr isNull = new Expr.IsNull(left);
      return isNot ? new Expr.Not(isNull) : isNull;
    }
    String op = comparison();
    if (op != null) {
      return new Expr.Compare(op, left, scalar());
    }
    if (left instanceof Expr.Bool) {
      return left;
    }
    throw error(
        "opérateur de comparaison attendu (=, <>, <, >, <=, >=, LIKE, BETWEEN, IN, IS NULL)");
  }

  private String comparison() {
    skipSpace();
    for (String op : new String[] {"<>", "<=", ">=", "=", "<", ">"}) {
      if (s.startsWith(op, pos)) {
        pos += op.length();
        return op;
      }
    }
    return null;
  }

  // ---- scalars ------------------------------------------------------------------------------

  private Expr scalar() {
    skipSpace();
    if (pos >= s.length()) {
      throw error("valeur ou propriété attendue");
    }
    char ch = s.charAt(pos);
    if (ch == '\'') {
      return new Expr.Text(string());
    }
    if (ch == '"') {
      return new Expr.Property(quotedIdentifier());
    }
    if (ch == '-' || ch == '+' || ch == '.' || Character.isDigit(ch)) {
      return number();
    }
    String word = peekWord();
    if (word == null) {
      throw error("valeur ou propriété attendue");
    }
    String w = word.toLowerCase(Locale.ROOT);
    switch (w) {
      case "true", "false" -> {
        pos += word.length();
        return new Expr.Bool(w.equals("true"));
      }
      case "casei", "accenti" -> {
        pos += word.length();
        expect('(');
        Expr arg = scalar();
        expect(')');
        return new Expr.Fold(w, arg);
      }
      case "date", "timestamp" -> {
        return instant();
      }
      case "interval" -> {
        return interval();
      }
      default -> {
        if (RESERVED.contains(w) || GEOMETRIES.contains(w)) {
          throw error("'" + word + "' n'est pas une valeur ici");
        }
        pos += word.length();
        return new Expr.Property(word);
      }
    }
  }

  private Expr geometryOperand() {
    skipSpace();
    String word = peekWord();
    if (word != null) {
      String w = word.toLowerCase(Locale.ROOT);
      if (GEOMETRIES.contains(w)) {
        return wkt();
      }
      if (w.equals("bbox")) {
        return bbox();
      }
    }
    Expr e = scalar();
    if (!(e instanceof Expr.Property)) {
      throw error("géométrie (WKT ou BBOX) ou propriété attendue");
    }
    return e;
  }

  private Expr temporalOperand() {
    Expr e = scalar();
    if (!(e instanceof Expr.Property || e instanceof Expr.Instant || e instanceof Expr.Interval)) {
      throw error("DATE, TIMESTAMP, INTERVAL ou propriété attendu");
    }
    return e;
  }

  private Expr.Instant instant() {
    String word = peekWord();
    boolean date = word.equalsIgnoreCase("date");
    pos += word.length();
    expect('(');
    skipSpace();
    int at = pos;
    String v = string();
    expect(')');
    return instant(date, v, at);
  }

  private Expr.Instant instant(boolean date, String v, int at) {
    try {
      return date ? Cql2Json.date(v) : Cql2Json.timestamp(v);
    } catch (Cql2Exception e) {
      pos = at;
      throw error(e.getMessage());
    }
  }

  private Expr interval() {
    pos += "interval".length();
    expect('(');
    Expr a = intervalEnd();
    expect(',');
    Expr b = intervalEnd();
    expect(')');
    return new Expr.Interval(a, b);
  }

  /** An interval's end: a date or timestamp as a string or literal, a property, or '..'. */
  private Expr intervalEnd() {
    skipSpace();
    if (peek('\'')) {
      int at = pos;
      String v = string();
      if (v.equals("..")) {
        return null;
      }
      return instant(v.length() == 10, v, at);
    }
    Expr e = scalar();
    if (!(e instanceof Expr.Instant || e instanceof Expr.Property)) {
      throw error("date, instant, propriété ou '..' attendu dans INTERVAL");
    }
    return e;
  }

  private Expr wkt() {
    int start = pos;
    int open = s.indexOf('(', pos);
    if (open < 0) {
      throw error("'(' attendu après le type de géométrie");
    }
    int level = 0;
    int end = open;
    for (; end < s.length(); end++) {
      char ch = s.charAt(end);
      if (ch == '(') {
        level++;
      } else if (ch == ')' && --level == 0) {
        break;
      }
    }
    if (level != 0) {
      pos = s.length();
      throw error("')' manquante dans la géométrie");
    }
    String text = s.substring(start, end + 1);
    try {
      Geometry g = Cql2Json.valid(new WKTReader(gf).read(text));
      pos = end + 1;
      return new Expr.Geom(g);
    } catch (Cql2Exception e) {
      pos = start;
      throw error(e.getMessage());
    } catch (ParseException | IllegalArgumentException e) {
      pos = start;
      throw error("géométrie WKT invalide : " + e.getMessage());
    }
  }

  private Expr bbox() {
    pos += "bbox".length();
    expect('(');
    var v = new ArrayList<Double>();
    do {
      Expr n = number();
      v.add(((Expr.Number) n).value());
    } while (accept(','));
    expect(')');
    return new Expr.Geom(Cql2Json.bbox(v, gf));
  }

  private Expr number() {
    skipSpace();
    int start = pos;
    if (pos < s.length() && (s.charAt(pos) == '-' || s.charAt(pos) == '+')) {
      pos++;
    }
    while (pos < s.length()
        && (Character.isDigit(s.charAt(pos))
            || s.charAt(pos) == '.'
            || s.charAt(pos) == 'e'
            || s.charAt(pos) == 'E'
            || ((s.charAt(pos) == '-' || s.charAt(pos) == '+')
                && (s.charAt(pos - 1) == 'e' || s.charAt(pos - 1) == 'E')))) {
      pos++;
    }
    String n = s.substring(start, pos);
    try {
      double d = Double.parseDouble(n);
      if (!Double.isFinite(d)) {
        throw new NumberFormatException();
      }
      return new Expr.Number(d);
    } catch (NumberFormatException e) {
      pos = start;
      throw error("nombre invalide '" + n + "'");
    }
  }

  private String string() {
    expect('\'');
    var b = new StringBuilder();
    while (true) {
      if (pos >= s.length()) {
        throw error("chaîne non terminée (apostrophe fermante manquante)");
      }
      char ch = s.charAt(pos++);
      if (ch == '\'') {
        if (pos < s.length() && s.charAt(pos) == '\'') {
          b.append('\'');
          pos++;
        } else {
          return b.toString();
        }
      } else {
        b.append(ch);
      }
    }
  }

  private String quotedIdentifier() {
    int start = pos;
    pos++;
    int end = s.indexOf('"', pos);
    if (end < 0) {
      pos = start;
      throw error("nom de propriété entre guillemets non terminé");
    }
    String name = s.substring(pos, end);
    pos = end + 1;
    if (name.isEmpty()) {
      pos = start;
      throw error("nom de propriété vide");
    }
    return name;
  }

  // ---- lexing -------------------------------------------------------------------------------

  /** The identifier or keyword at the position (after spaces), not consumed; null if none. */
  private String peekWord() {
    skipSpace();
    int end = pos;
    while (end < s.length()) {
      char ch = s.charAt(end);
      boolean ok =
          Character.isLetter(ch)
              || ch == '_'
              || (end > pos && (Character.isDigit(ch) || ch == '.' || ch == ':'));
      if (!ok) {
        break;
      }
      end++;
    }
    return end == pos ? null : s.substring(pos, end);
  }

  private boolean keyword(String k) {
    String w = peekWord();
    if (w != null && w.equalsIgnoreCase(k)) {
      pos += w.length();
      return true;
    }
    return false;
  }

  private boolean peek(char c) {
    skipSpace();
    return pos < s.length() && s.charAt(pos) == c;
  }

  private boolean accept(char c) {
    if (peek(c)) {
      pos++;
      return true;
    }
    return false;
  }

  private void expect(char c) {
    if (!accept(c)) {
      throw error("'" + c + "' attendu");
    }
  }

  private void skipSpace() {
    while (pos < s.length() && Character.isWhitespace(s.charAt(pos))) {
      pos++;
    }
  }

  private Cql2Exception error(String what) {
    String found =
        pos >= s.length()
            ? "la fin du filtre"
            : "'" + s.substring(pos, Math.min(s.length(), pos + 20)) + "'";
    return new Cql2Exception(
        "filtre CQL2, caractère " + (pos + 1) + " : " + what + ", trouvé " + found);
  }
}
