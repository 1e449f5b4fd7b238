package fr.eduatlas.api;

import fr.eduatlas.warehouse.ServedWarehouse;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.zip.CRC32;

/**
 * Every read route goes through {@link #get}: its query parameters checked against those it
 * declares (any other, or a repeated one, is a 400), the answer cached per data version and exact
 * parsed query, an ETag (data version and URL) and {@code Cache-Control}, {@code 304} to a matching
 * {@code If-None-Match}, and HEAD answering what GET would without the body. A handler gets the
 * request, the leased connection and the data version it reads as one {@link Read}.
 */
final class Reads {
  /**
   * The response cache's bound, in bytes of bodies (and their gzip), keys and headers together, in
   * two segments: answers under {@link #LARGE_BODY} (profiles, tiles, searches: the bulk of the
   * requests) and larger ones (every commune of an indicator: tens of megabytes each), each least
   * recently used out within its own bound, so that a few large answers never push out thousands of
   * small ones (after twenty all-communes GeoJSONs, warm profiles had fallen from 20,000 to 40
   * req/s).
   */
  private static final long SMALL_SEGMENT_BYTES = 96L << 20;

  private static final long LARGE_SEGMENT_BYTES = 160L << 20;

  /** A body this large or larger goes to the large answers' segment. */
  static final int LARGE_BODY = 1 << 20;

  /** The largest body cached (the all-communes GeoJSON of an indicator is about 42 MB). */
  private static final int CACHE_MAX_BYTES = 64 << 20;

  /** A request whose query string is longer than this is answered but not cached. */
  static final int CACHE_MAX_QUERY = 512;

  /** What an entry costs beyond its body and key (the entry, the body record, the headers). */
  private static final int ENTRY_OVERHEAD = 256;

  /** One read: the request, the connection of its lease, and the data version it reads. */
  record Read(Context ctx, Connection connection, String dataVersion) {
    /** A query parameter, or null. */
    String param(String name) {
      return ctx.queryParam(name);
    }

    String path(String name) {
      return ctx.pathParam(name);
    }
  }

  /** A read route's handler: parse, ask the read model, write. */
  interface Handler {
    Body handle(Read read) throws Exception;
  }

  private final ServedWarehouse warehouse;
  private final Map<String, Set<String>> declared = new LinkedHashMap<>();

  /** One segment of the cache: least recently used first, bounded in bytes. */
  private static final class Segment {
    final Map<String, Cached> map = new LinkedHashMap<>(1024, 0.75f, true);
    final long bound;
    long bytes;

    Segment(long bound) {
      this.bound = bound;
    }
  }

  /** The cache's lock, for both segments. */
  private final Object cache = new Object();

  private final Segment small;
  private final Segment large;
  private final int largeBody;

  private Segment segment(Body b) {
    return segment(b.bytes().length);
  }

  private Segment segment(int length) {
    return length >= largeBody ? large : small;
  }

  private Cached lookup(String key) {
    Cached c = small.map.get(key);
    return c != null ? c : large.map.get(key);
  }

  private final HeavyWork heavy = new HeavyWork();

  /** The absolute URL links start from, set once the server listens (never from a request). */
  private volatile String publicBase = "";

  Reads(ServedWarehouse warehouse) {
    this(warehouse, SMALL_SEGMENT_BYTES, LARGE_SEGMENT_BYTES, LARGE_BODY);
  }

  /** With the cache's segments bounded as given (tests). */
  Reads(ServedWarehouse warehouse, long smallBytes, long largeBytes, int largeBody) {
    this.warehouse = warehouse;
    this.small = new Segment(smallBytes);
    this.large = new Segment(largeBytes);
    this.largeBody = largeBody;
  }

  /** The served warehouse the reads lease. */
  ServedWarehouse warehouse() {
    return warehouse;
  }

  /** Runs work that costs seconds of CPU: one at a time, else a 503 after a wait. */
  <T> T heavy(java.util.concurrent.Callable<T> work) throws Exception {
    return heavy.run(work);
  }

  /** The absolute URL links start from: the configured public URL, or the listening address. */
  String publicBase() {
    return publicBase;
  }

  void publicBase(String base) {
    this.publicBase = base;
  }

  /** Each registered read's path and the query parameters it accepts. */
  Map<String, Set<String>> declared() {
    return declared;
  }

  /** Declares a route registered elsewhere (not a cached read), for the OpenAPI document. */
  void declare(String path, Set<String> params) {
    declared.put(path, params);
  }

  /** A cached, ETagged read at {@code path} accepting the query parameters {@code params}. */
  void get(RoutesConfig app, String path, Set<String> params, Handler h) {
    declared.put(path, params);
    io.javalin.http.Handler handler =
        ctx -> {
          Params.checkDeclared(ctx, params);
          try (var lease = warehouse.lease()) {
            String version = lease.dataVersion();
            String key = version + " " + ctx.path() + "?" + canonicalQuery(ctx);
            CRC32 crc = new CRC32();
            crc.update(key.getBytes(StandardCharsets.UTF_8));
            String etag = "\"" + version + "-" + Long.toHexString(crc.getValue()) + "\"";
            // The gzip representation has its own ETag (same content, other bytes).
            String gzipEtag = etag.substring(0, etag.length() - 1) + "-gz\"";
            String inm = ctx.header("If-None-Match");
            if (etag.equals(inm) || gzipEtag.equals(inm)) {
              cacheHeaders(ctx, inm, version);
              ctx.status(304);
              return;
            }
            Cached entry;
            synchronized (cache) {
              entry = lookup(key);
            }
            Body b;
            if (entry == null) {
              b = h.handle(new Read(ctx, lease.connection(), version));
              String q = ctx.queryString();
              if (b.bytes().length <= CACHE_MAX_BYTES
                  && (q == null || q.length() <= CACHE_MAX_QUERY)) {
                entry = put(key, b, version, q == null || q.isEmpty() ? ctx.path() : null, etag);
              }
            } else {
              b = entry.meta; // status, type and headers; the bytes are entry.identity()
            }
            // Set once the body exists: an error (thrown above) is never cached. The body's own
            // headers come last: they may override Cache-Control.
            ctx.status(b.status());
            if (b.status() == 204) {
              cacheHeaders(ctx, etag, version);
              b.headers().forEach(ctx::header);
              return;
            }
            ctx.contentType(b.type());
            ctx.header("Vary", "Accept-Encoding");
            boolean gzip =
                entry != null && entry.compressible && acceptsGzip(ctx.header("Accept-Encoding"));
            cacheHeaders(ctx, gzip ? gzipEtag : etag, version);
            b.headers().forEach(ctx::header);
            if (gzip) {
              // Compressed once per cached answer, not per request (the all-communes GeoJSON
              // took 2 s of gzip on every request).
              ctx.header("Content-Encoding", "gzip");
              ctx.result(gzip(key, entry));
            } else {
              ctx.result(entry == null ? b.bytes() : entry.identity());
            }
          }
        };
    app.get(path, handler);
    // HEAD answers what GET would (status, ETag, Cache-Control, length), without the body.
    app.head(path, handler);
  }

  /**
   * A cached answer, its key, version and ETag, and, once a client asked for it, its gzip bytes.
   */
  static final class Cached {
    final String key;

    /** The answer's status, type and headers, with no bytes: those are {@link #identity}'s. */
    final Body meta;

    final String version;
    final String etag;
    final String gzipEtag;
    final String fastPath;

    /** The answer's length uncompressed. */
    final int length;

    /** Whether the answer is worth sending compressed ({@link #worthCompressing}). */
    final boolean compressible;

    /** The uncompressed bytes, or null once dropped to keep the entry compressed only. */
    volatile byte[] plain;

    volatile byte[] gzip;

    /** What {@link TileFastPath} prepared once for this answer (its header fields). */
    volatile Object prepared;

    Cached(String key, Body body, String version, String etag, String fastPath, byte[] gzip) {
      this.key = key;
      this.fastPath = fastPath;
      this.length = body.bytes().length;
      this.compressible = worthCompressing(body);
      this.plain = body.bytes();
      this.gzip = gzip;
      this.meta = new Body(new byte[0], body.type(), body.headers(), body.status());
      this.version = version;
      this.etag = etag;
      this.gzipEtag = etag.substring(0, etag.length() - 1) + "-gz\"";
    }

    /** The answer's bytes uncompressed (inflated from the gzip when only that is kept). */
    byte[] identity() throws java.io.IOException {
      byte[] p = plain;
      if (p != null) {
        return p;
      }
      try (var in =
          new java.util.zip.GZIPInputStream(new java.io.ByteArrayInputStream(gzip), 1 << 16)) {
        return in.readNBytes(length);
      }
    }
  }

  /**
   * Answers compressed when cached, so that under memory pressure they can be kept compressed only:
   * text of at least this size that is not a tile. When a segment is full, its least recently used
   * entries first drop their uncompressed bytes, and only then leave: a profile (about 110 KB of
   * JSON, 12 KB compressed) then takes a ninth of the room, so the profiles of every département,
   * académie and région and hundreds of communes stay cached beside the tiles under a 1 GiB heap;
   * an identity request inflates them (a fraction of a millisecond) instead of recomputing them (80
   * ms). docs/BENCHMARKS.md, memory.
   */
  static final int COMPRESSED_FROM = 8192;

  /** Prefix of the query-free reads that {@link TileFastPath} answers before the web framework. */
  static final String FAST_PREFIX = "/tiles/";

  /** The query-free tile answers of the current data version, by path, for {@link TileFastPath}. */
  private final java.util.concurrent.ConcurrentHashMap<String, Cached> fast =
      new java.util.concurrent.ConcurrentHashMap<>();

  private String fastVersion;

  /**
   * The cached query-free answer of {@code path} if it is a tile of the data version served now,
   * else null (the request then goes through the framework, which fills the cache).
   */
  Cached fast(String path) {
    warehouse.checkForSwap();
    return fastCached(path);
  }

  /**
   * As {@link #fast}, without ever waiting: null when a check for a swapped warehouse is due (it
   * stats the file and may open a new one), so that the caller hands the request to a thread that
   * may block, which then calls {@link #fast}.
   */
  Cached fastWithoutWaiting(String path) {
    return warehouse.swapCheckDue() ? null : fastCached(path);
  }

  private Cached fastCached(String path) {
    Cached c = fast.get(path);
    return c != null && c.version != null && c.version.equals(warehouse.dataVersion()) ? c : null;
  }

  private Cached put(String key, Body b, String version, String queryFreePath, String etag)
      throws java.io.IOException {
    boolean fastable =
        queryFreePath != null
            && queryFreePath.startsWith(FAST_PREFIX)
            && b.status() == 200
            && version != null;
    byte[] gzip =
        !fastable && b.status() == 200 && b.bytes().length >= COMPRESSED_FROM && worthCompressing(b)
            ? compress(b.bytes())
            : null;
    var entry = new Cached(key, b, version, etag, fastable ? queryFreePath : null, gzip);
    synchronized (cache) {
      Segment seg = segment(b);
      Cached old = small.map.remove(key);
      if (old != null) {
        small.bytes -= weight(key, old);
      }
      old = large.map.remove(key);
      if (old != null) {
        large.bytes -= weight(key, old);
      }
      seg.map.put(key, entry);
      seg.bytes += weight(key, entry);
      if (fastable) {
        if (!version.equals(fastVersion)) {
          // A new data version: the previous version's answers leave the fast path at once.
          fast.clear();
          fastVersion = version;
        }
        fast.put(queryFreePath, entry);
      }
      evict(seg);
    }
    return entry;
  }

  /**
   * Until the segment is under its bound: the least recently used entries that are also kept
   * compressed drop their uncompressed bytes first; then the least recently used leave.
   */
  private void evict(Segment seg) {
    if (seg.bytes <= seg.bound) {
      return;
    }
    for (Cached c : seg.map.values()) {
      if (seg.bytes <= seg.bound) {
        return;
      }
      byte[] p = c.plain;
      if (p != null && c.gzip != null && c.fastPath == null) {
        c.plain = null;
        seg.bytes -= p.length;
      }
    }
    var it = seg.map.entrySet().iterator();
    while (seg.bytes > seg.bound && it.hasNext()) {
      var e = it.next();
      seg.bytes -= weight(e.getKey(), e.getValue());
      it.remove();
      if (e.getValue().fastPath != null) {
        fast.remove(e.getValue().fastPath, e.getValue());
      }
    }
  }

  byte[] gzip(Cached entry) throws java.io.IOException {
    return gzip(entry.key, entry);
  }

  private byte[] gzip(String key, Cached entry) throws java.io.IOException {
    byte[] gz = entry.gzip;
    if (gz != null) {
      return gz;
    }
    gz = compress(entry.identity());
    synchronized (cache) {
      if (entry.gzip == null) {
        entry.gzip = gz;
        Segment seg = segment(entry.length);
        if (seg.map.get(key) == entry) {
          seg.bytes += gz.length;
          evict(seg);
        }
      }
      return entry.gzip;
    }
  }

  /** gzip bytes of an answer, compressed once per cached answer. */
  private static byte[] compress(byte[] body) throws java.io.IOException {
    var out = new java.io.ByteArrayOutputStream(body.length / 4 + 64);
    // The fastest level for bodies of megabytes (the all-communes GeoJSON: 0.6 s instead of 2 s,
    // for a fifth more bytes); the default one for the rest.
    int level =
        body.length > (1 << 20)
            ? java.util.zip.Deflater.BEST_SPEED
            : java.util.zip.Deflater.DEFAULT_COMPRESSION;
    try (var z =
        new java.util.zip.GZIPOutputStream(out, 1 << 16) {
          {
            def.setLevel(level);
          }
        }) {
      z.write(body);
    }
    return out.toByteArray();
  }

  /** Bodies worth compressing: text and vector tiles of more than a packet. */
  static boolean worthCompressing(Body b) {
    String t = b.type() == null ? "" : b.type();
    return b.bytes().length >= 1024
        && (t.contains("json")
            || t.startsWith("text/")
            || t.contains("csv")
            || t.contains("vector-tile"));
  }

  /**
   * Whether {@code Accept-Encoding} accepts gzip (RFC 9110 §12.5.3): named, or by {@code *}, with a
   * non-zero weight; an explicit {@code gzip;q=0} refuses it.
   */
  static boolean acceptsGzip(String header) {
    if (header == null) {
      return false;
    }
    Boolean gzip = null;
    boolean star = false;
    for (String part : header.split(",")) {
      String[] p = part.split(";");
      String name = p[0].strip().toLowerCase(java.util.Locale.ROOT);
      double q = 1;
      for (int i = 1; i < p.length; i++) {
        String param = p[i].strip().toLowerCase(java.util.Locale.ROOT);
        if (param.startsWith("q=")) {
          try {
            q = Double.parseDouble(param.substring(2));
          } catch (NumberFormatException e) {
            q = 0;
          }
        }
      }
      if (name.equals("gzip") || name.equals("x-gzip")) {
        gzip = q > 0;
      } else if (name.equals("*")) {
        star = q > 0;
      }
    }
    return gzip != null ? gzip : star;
  }

  /** What a cache entry holds in memory: its body, its gzip bytes, its key (UTF-16), the rest. */
  private static long weight(String key, Cached c) {
    Body b = c.meta;
    long headers = 0;
    for (var h : b.headers().entrySet()) {
      headers += 2L * (h.getKey().length() + h.getValue().length());
    }
    byte[] p = c.plain;
    byte[] gz = c.gzip;
    return (p == null ? 0 : p.length)
        + (gz == null ? 0 : gz.length)
        + 2L * key.length()
        + headers
        + ENTRY_OVERHEAD;
  }

  /** The cache's current weight, for tests. */
  long cachedBytes() {
    synchronized (cache) {
      return small.bytes + large.bytes;
    }
  }

  private static void cacheHeaders(Context ctx, String etag, String version) {
    ctx.header("ETag", etag);
    ctx.header("Cache-Control", "public, max-age=300");
    ctx.header("X-Data-Version", version == null ? "" : version);
  }

  private static String canonicalQuery(Context ctx) {
    var sorted = new TreeMap<String, List<String>>(ctx.queryParamMap());
    StringBuilder s = new StringBuilder();
    sorted.forEach((k, v) -> s.append(k).append('=').append(String.join(",", v)).append('&'));
    return s.toString();
  }
}
