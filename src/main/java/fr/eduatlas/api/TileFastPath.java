package fr.eduatlas.api;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.PreEncodedHttpField;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * Answers a GET or HEAD of a tile already in the response cache (no query string, the data version
 * served now) in front of the web framework, as a static file server would: the cached bytes (or
 * their stored gzip) and the same headers as the framework's answer, built from pre-encoded fields.
 * Anything else, a miss included, goes on to the framework, whose answer fills the cache. Warm tile
 * throughput was 0.42× nginx's through the framework (routing, parameter checks, lease,
 * before-handlers and a chunked, compressing output stream per request).
 */
final class TileFastPath extends Handler.Wrapper {
  private final Reads reads;
  private final HttpField csp;
  private static final HttpField NOSNIFF =
      new PreEncodedHttpField("X-Content-Type-Options", "nosniff");
  private static final HttpField REFERRER =
      new PreEncodedHttpField("Referrer-Policy", "same-origin");
  private static final HttpField VARY = new PreEncodedHttpField(HttpHeader.VARY, "Accept-Encoding");
  private static final HttpField GZIP =
      new PreEncodedHttpField(HttpHeader.CONTENT_ENCODING, "gzip");
  private static final HttpField ANY_ORIGIN =
      new PreEncodedHttpField(HttpHeader.ACCESS_CONTROL_ALLOW_ORIGIN, "*");
  private static final HttpField EXPOSED =
      new PreEncodedHttpField(HttpHeader.ACCESS_CONTROL_EXPOSE_HEADERS, RequestGuard.EXPOSED);

  /** One encoding of a cached answer: its ETag, every header field, and its body. */
  record Variant(HttpField etag, HttpField[] fields, ByteBuffer body) {}

  /** The header fields common to both encodings (for a 304), and the two encodings. */
  record Prepared(HttpField[] common, Variant identity, Variant gzip) {}

  /**
   * The answer's header fields, pre-encoded, and its bodies as read-only buffers, made once per
   * cached answer (the gzip variant's body compressed on first use by the cache, as before).
   */
  private Prepared prepared(Reads.Cached c) throws java.io.IOException {
    if (c.prepared instanceof Prepared p) {
      return p;
    }
    var common = new java.util.ArrayList<HttpField>(List.of(csp, NOSNIFF, REFERRER));
    for (Map.Entry<String, String> e : c.meta.headers().entrySet()) {
      common.add(new PreEncodedHttpField(e.getKey(), e.getValue()));
    }
    if (!c.meta.headers().containsKey("Cache-Control")) {
      common.add(new PreEncodedHttpField(HttpHeader.CACHE_CONTROL, "public, max-age=300"));
    }
    common.add(new PreEncodedHttpField("X-Data-Version", c.version));
    common.add(VARY);
    // A 304 carries the common fields; the content's type and length go with a body.
    HttpField type = new PreEncodedHttpField(HttpHeader.CONTENT_TYPE, c.meta.type());
    Variant identity = variant(common, type, c.etag, c.identity(), false);
    Variant gzip =
        c.compressible ? variant(common, type, c.gzipEtag, reads.gzip(c), true) : identity;
    var p = new Prepared(common.toArray(HttpField[]::new), identity, gzip);
    c.prepared = p;
    return p;
  }

  private static Variant variant(
      List<HttpField> common, HttpField type, String etag, byte[] body, boolean gzip) {
    var fields = new java.util.ArrayList<>(common);
    fields.add(type);
    HttpField e = new PreEncodedHttpField(HttpHeader.ETAG, etag);
    fields.add(e);
    if (gzip) {
      fields.add(GZIP);
    }
    fields.add(new PreEncodedHttpField(HttpHeader.CONTENT_LENGTH, String.valueOf(body.length)));
    return new Variant(
        e, fields.toArray(HttpField[]::new), ByteBuffer.wrap(body).asReadOnlyBuffer());
  }

  TileFastPath(Reads reads, String contentSecurityPolicy) {
    this.reads = reads;
    this.csp = new PreEncodedHttpField("Content-Security-Policy", contentSecurityPolicy);
  }

  /**
   * Non-blocking: a prepared hit is answered on the selector thread that read the request (a buffer
   * write, no hand-off to a pool thread), as nginx's event loop does; everything else goes to the
   * server's pool ({@link #dispatch}). Jetty's server takes its invocation type from its handler at
   * start: without this override the fast path inherits the framework's (blocking), and every
   * request, hits included, is handed from the selector to a pool thread (0.8x nginx's warm tile
   * throughput against 1.05-1.23x with it, docs/BENCHMARKS.md).
   */
  @Override
  public InvocationType getInvocationType() {
    return InvocationType.NON_BLOCKING;
  }

  @Override
  public boolean handle(Request request, Response response, Callback callback) {
    Reads.Cached c = cached(request, false);
    if (c != null && c.prepared instanceof Prepared p) {
      answer(c, p, request, response, callback);
      return true;
    }
    return dispatch(request, response, callback);
  }

  /**
   * The rest on a pool thread: a cached tile whose answer is not prepared yet (its gzip is
   * compressed there), a miss and every other request, through the framework (which blocks).
   */
  private boolean dispatch(Request request, Response response, Callback callback) {
    try {
      request
          .getComponents()
          .getThreadPool()
          .execute(
              () -> {
                try {
                  Reads.Cached c = cached(request, true);
                  if (c != null) {
                    answer(c, prepared(c), request, response, callback);
                  } else if (!super.handle(request, response, callback)) {
                    Response.writeError(request, response, callback, 404);
                  }
                } catch (Throwable t) {
                  Response.writeError(request, response, callback, t);
                }
              });
    } catch (java.util.concurrent.RejectedExecutionException e) {
      // The pool is stopping (or full): said, not left unanswered.
      Response.writeError(request, response, callback, 503);
    }
    return true;
  }

  /**
   * The cached answer of a GET or HEAD of a tile without query string, else null; on the selector
   * thread ({@code mayBlock} false), null as well when a check for a swapped warehouse is due.
   */
  private Reads.Cached cached(Request request, boolean mayBlock) {
    String method = request.getMethod();
    if (!"HEAD".equals(method) && !"GET".equals(method)) {
      return null;
    }
    var uri = request.getHttpURI();
    String path = uri.getPath();
    if (uri.getQuery() != null
        || path == null
        || !path.startsWith(Reads.FAST_PREFIX)
        || path.indexOf('%') >= 0) {
      return null;
    }
    return mayBlock ? reads.fast(path) : reads.fastWithoutWaiting(path);
  }

  private static void answer(
      Reads.Cached c, Prepared p, Request request, Response response, Callback callback) {
    HttpFields req = request.getHeaders();
    boolean gzip = c.compressible && Reads.acceptsGzip(req.get(HttpHeader.ACCEPT_ENCODING));
    Variant v = gzip ? p.gzip() : p.identity();
    HttpFields.Mutable h = response.getHeaders();
    if (req.contains(HttpHeader.ORIGIN)) {
      h.add(ANY_ORIGIN);
      h.add(EXPOSED);
    }
    String inm = req.get(HttpHeader.IF_NONE_MATCH);
    if (inm != null && (inm.equals(c.etag) || inm.equals(c.gzipEtag))) {
      for (HttpField f : p.common()) {
        h.add(f);
      }
      h.add(inm.equals(c.etag) ? p.identity().etag() : p.gzip().etag());
      response.setStatus(304);
      response.write(true, null, callback);
      return;
    }
    for (HttpField f : v.fields()) {
      h.add(f);
    }
    response.setStatus(200);
    response.write(true, "HEAD".equals(request.getMethod()) ? null : v.body().slice(), callback);
  }
}
