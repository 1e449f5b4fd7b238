package fr.eduatlas.source;

/** One field of one row is invalid; the row goes to quarantine with this field and reason. */
public class RowException extends RuntimeException {
  private final String field;

  public RowException(String field, String reason) {
    super(reason, null, false, false);
    this.field = field;
  }

  public String field() {
    return field;
  }

  public String reason() {
    return getMessage();
  }
}
