package fr.eduatlas.api;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * An RFC 9457 problem detail, the body of every error response ({@code application/problem+json}).
 * Titles and details are in French: they are shown to users.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Problem(
    String type,
    String title,
    int status,
    String detail,
    String instance,
    java.util.List<String> errors) {
  public static final String MEDIA_TYPE = "application/problem+json";

  public static Problem of(int status, String title, String detail, String instance) {
    return new Problem("about:blank", title, status, detail, shortened(instance), null);
  }

  /** A request path as the problem names it: long ones cut, the answer stays small. */
  private static String shortened(String instance) {
    return instance == null || instance.length() <= 200
        ? instance
        : instance.substring(0, 200) + "…";
  }

  /** A problem with the list of every error found (an RFC 9457 extension member). */
  public static Problem of(
      int status, String title, String detail, String instance, java.util.List<String> errors) {
    return new Problem("about:blank", title, status, detail, shortened(instance), errors);
  }
}
