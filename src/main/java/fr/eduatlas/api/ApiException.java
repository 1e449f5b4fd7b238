package fr.eduatlas.api;

/** An error a route reports to the client: it carries its HTTP status and French text. */
public class ApiException extends RuntimeException {
  private final int status;
  private final String title;

  public ApiException(int status, String title, String detail) {
    super(detail);
    this.status = status;
    this.title = title;
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
