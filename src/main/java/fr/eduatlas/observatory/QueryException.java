package fr.eduatlas.observatory;

/**
 * A request value the served data refuse: an unknown territory, indicator or school (with the
 * nearest that exist), a period an indicator has no value for, a malformed code. The web layer
 * turns it into a 404 or a 400 problem; its title and detail are French, for the user.
 */
public final class QueryException extends RuntimeException {
  /** Whether the value names nothing that exists, or is not a valid value at all. */
  public enum Kind {
    NOT_FOUND,
    INVALID
  }

  private final Kind kind;
  private final String title;

  private QueryException(Kind kind, String title, String detail) {
    super(detail);
    this.kind = kind;
    this.title = title;
  }

  /** Nothing of that name exists: {@code title} names what was looked for. */
  public static QueryException notFound(String title, String detail) {
    return new QueryException(Kind.NOT_FOUND, title, detail);
  }

  /** The value is not valid for the data (a malformed code, a period out of range). */
  public static QueryException invalid(String detail) {
    return new QueryException(Kind.INVALID, "Requête invalide", detail);
  }

  public Kind kind() {
    return kind;
  }

  public String title() {
    return title;
  }
}
