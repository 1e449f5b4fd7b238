package fr.eduatlas.api;

import io.javalin.http.Context;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * Request bodies read with their size bounded by the bytes actually read, whatever the framing: a
 * chunked body has no Content-Length to check, and a Content-Length can lie.
 */
final class Bodies {
  private Bodies() {}

  /** The body, at most {@code limit} bytes: past it a 413, and the rest is not read. */
  static byte[] read(Context ctx, int limit) {
    String declared = ctx.header("Content-Length");
    if (declared != null) {
      try {
        if (Long.parseLong(declared.strip()) > limit) {
          throw tooLarge(limit);
        }
      } catch (NumberFormatException e) {
        throw ApiException.badRequest("en-tête Content-Length invalide");
      }
    }
    var out = new ByteArrayOutputStream(Math.min(limit, 64 * 1024));
    byte[] buf = new byte[16 * 1024];
    try {
      InputStream in = ctx.req().getInputStream();
      int n;
      while ((n = in.read(buf)) > 0) {
        if (out.size() + n > limit) {
          throw tooLarge(limit);
        }
        out.write(buf, 0, n);
      }
    } catch (IOException e) {
      throw new ApiException(
          400, "Envoi interrompu", "le corps de la requête n'a pas pu être lu en entier");
    }
    return out.toByteArray();
  }

  private static ApiException tooLarge(int limit) {
    return new ApiException(
        413,
        "Requête trop volumineuse",
        "corps de requête refusé au-delà de " + (limit / 1024) + " Kio");
  }
}
