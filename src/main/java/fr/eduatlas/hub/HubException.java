package fr.eduatlas.hub;

/**
 * A refused hub operation, with the HTTP status that says why (401, 403, 404, 409, 413, 415, 422…)
 * and a French message for the user. The command line prints the message.
 */
public class HubException extends RuntimeException {
  private final int status;
  private final String title;
  private final java.util.List<String> errors;

  public HubException(int status, String title, String detail) {
    this(status, title, detail, java.util.List.of());
  }

  /** With each of several errors (a document's invalid fields), for the problem's "errors". */
  public HubException(int status, String title, String detail, java.util.List<String> errors) {
    super(detail);
    this.status = status;
    this.title = title;
    this.errors = java.util.List.copyOf(errors);
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

  public static HubException notFound(String detail) {
    return new HubException(404, "Ressource introuvable", detail);
  }

  public static HubException forbidden(String detail) {
    return new HubException(403, "Action non autorisée", detail);
  }

  public static HubException invalid(String detail) {
    return new HubException(400, "Requête invalide", detail);
  }

  /** A document with invalid fields: 422, each error listed. */
  public static HubException invalid(String detail, java.util.List<String> errors) {
    return new HubException(
        422, "Document invalide", detail + " : " + String.join(" ; ", errors), errors);
  }
}
