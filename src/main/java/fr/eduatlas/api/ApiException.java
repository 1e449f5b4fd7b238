package fr.eduatlas.api;

/** An error a route reports to the client: it carries its HTTP status and French text. */
public class ApiException extends RuntimeException {
  private final int status;
  private final String title;
  private final java.util.List<String> errors;

  public ApiException(int status, String title, String detail) {
    this(status, title, detail, null);
  }

  /** An error with the list of every problem found (validation), sent as {@code errors}. */
  public ApiException(int status, String title, String detail, java.util.List<String> errors) {
    super(detail);
    this.status = status;
    this.title = title;
    this.errors = errors == null ? null : java.util.List.copyOf(errors);
  }

  public java.util.List<String> errors() {
    return errors;
  }

  public int status() {
    return status;
  }

  public String title() {
    return title;
  }

  public static ApiException badRequest(String detail) {
    return new ApiException(400, "Requête invalide", detail);
  }

  public static ApiException notFound(String detail) {
    return new ApiException(404, "Ressource introuvable", detail);
  }
}
