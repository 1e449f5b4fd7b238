package fr.eduatlas.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.ByteBuffer;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

/**
 * Jetty's own errors — a request line or headers it cannot parse (400), a URI or headers too long
 * (414, 431), a body over its limits (413) — answered as RFC 9457 problem+json in French like every
 * other error, instead of Jetty's HTML or text pages.
 */
final class ProblemErrorHandler extends ErrorHandler {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String TYPE = Problem.MEDIA_TYPE + "; charset=utf-8";

  ProblemErrorHandler() {
    setShowStacks(false);
  }

  static String title(int status) {
    return switch (status) {
      case 400 -> "Requête invalide";
      case 404 -> "Ressource introuvable";
      case 405 -> "Méthode non permise";
      case 408 -> "Requête trop lente";
      case 413 -> "Requête trop volumineuse";
      case 414 -> "Adresse trop longue";
      case 415 -> "Type de contenu non pris en charge";
      case 431 -> "En-têtes trop volumineux";
      case 503 -> "Service indisponible";
      default -> status >= 500 ? "Erreur interne" : "Requête refusée";
    };
  }

  static String detail(int status) {
    return switch (status) {
      case 400 -> "la requête HTTP est mal formée";
      case 413 -> "le corps de la requête dépasse la taille permise";
      case 414 -> "l'adresse demandée dépasse la longueur permise";
      case 431 -> "les en-têtes de la requête dépassent la taille permise";
      default -> status >= 500 ? "la requête n'a pas pu aboutir" : "requête refusée par le serveur";
    };
  }

  static byte[] body(int status, String instance) {
    try {
      return JSON.writeValueAsBytes(Problem.of(status, title(status), detail(status), instance));
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public ByteBuffer badMessageError(int status, String reason, HttpFields.Mutable fields) {
    fields.put(HttpHeader.CONTENT_TYPE, TYPE);
    fields.put(HttpHeader.CONNECTION, "close");
    return ByteBuffer.wrap(body(status, null));
  }

  @Override
  protected void generateResponse(
      Request request,
      Response response,
      int code,
      String message,
      Throwable cause,
      Callback callback)
      throws IOException {
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, TYPE);
    // Jetty drops a connection whose request it could not parse (a NUL in the path, a URI or
    // headers too long): said in the answer, so that no client sends its next request on it.
    response.getHeaders().put(HttpHeader.CONNECTION, "close");
    String path = request.getHttpURI() == null ? null : request.getHttpURI().getPath();
    response.write(true, ByteBuffer.wrap(body(code, path)), callback);
  }
}
