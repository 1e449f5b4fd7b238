package fr.eduatlas.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import fr.eduatlas.indicator.Catalog;
import fr.eduatlas.observatory.IndicatorValues;
import fr.eduatlas.observatory.Observatory;
import fr.eduatlas.observatory.Page;
import fr.eduatlas.observatory.School;
import fr.eduatlas.observatory.SchoolQuery;
import fr.eduatlas.observatory.SearchHit;
import fr.eduatlas.observatory.ValuesQuery;
import fr.eduatlas.source.SourceEntry;
import fr.eduatlas.source.SourceManifest;
import fr.eduatlas.territory.Names;
import fr.eduatlas.tiles.Tiles;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.zip.GZIPOutputStream;

/**
 * The map as a static site inside a release: the page and its libraries, and every answer of the
 * API the page reads, written as files (docs/DEPLOYMENT.md §3). Any static web server, object store
 * or CDN then serves the map with no JVM behind it; the page knows it is static by {@code <html
 * data-mode="static">} and maps its API reads onto these files ({@code web/js/source.js}).
 *
 * <p>The files are the API's own answers, written by the same views ({@link JsonViews}, {@link
 * V1Routes#values}), so the static map and the served one show the same figures. Under {@code
 * api/}, gzip-compressed ({@code .gz}, decompressed by the page, so no server setting is needed):
 *
 * <ul>
 *   <li>{@code config.json.gz}, {@code indicators.json.gz} (the catalogue), {@code
 *       indicators/<id>.json.gz};
 *   <li>{@code values/<id>/<level>/<period>.json.gz} and {@code .csv.gz} (the download) for every
 *       indicator, period and level;
 *   <li>{@code labels/<level>.json.gz}: every name of the level (the page filters by view);
 *   <li>{@code territories/<level>/<code>.json.gz}: every territory's profile, France's included,
 *       with each indicator reduced to its id and figures (the page completes it from the
 *       catalogue) and the territory's bounding box;
 *   <li>{@code search.json.gz}: the territories' names, folded as the server's search folds them;
 *   <li>{@code schools/departement/<code>.json.gz} (the panel's lists) and {@code
 *       schools/uai/<first 3 characters>.json.gz} (a school by UAI): the schools' list entries.
 * </ul>
 *
 * <p>Not in a static site: the hubs, the contributors' space, selections and campaigns (they
 * write), the programmes' page, values within a territory, a school's yearly series, school search,
 * and GeoJSON of values (the release's GeoParquet holds the outlines).
 */
public final class StaticSite {
  /** What was written: files and bytes. */
  public record Summary(long files, long bytes) {}

  /** The levels whose values and profiles are written (France's profile too). */
  static final List<String> VALUE_LEVELS =
      List.of("region", "academie", "departement", "epci", "commune");

  /** A path segment written from the warehouse: codes, ids, periods. */
  private static final Pattern SEGMENT = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,63}");

  private final Path root;
  private final Observatory observatory;
  private final JsonViews views;
  private final PrintStream log;
  private long files;
  private long bytes;

  /** Files compressed but not yet written, at most. */
  private static final int PENDING = 16;

  private final java.util.concurrent.ExecutorService writers =
      java.util.concurrent.Executors.newFixedThreadPool(
          Math.max(1, Math.min(4, Runtime.getRuntime().availableProcessors())));
  private final java.util.concurrent.Semaphore pending =
      new java.util.concurrent.Semaphore(PENDING);
  private final java.util.concurrent.atomic.AtomicReference<Exception> failure =
      new java.util.concurrent.atomic.AtomicReference<>();
  private final java.util.Queue<Path> written = new java.util.concurrent.ConcurrentLinkedQueue<>();

  private StaticSite(Path root, Catalog catalog, PrintStream log) {
    this.root = root;
    this.observatory = new Observatory(catalog);
    this.views = new JsonViews(catalog);
    this.log = log;
  }

  /**
   * Writes the static site of the warehouse open on {@code c} into {@code root} (a release's
   * directory being written).
   *
   * @param version the release's version, shown by the page
   * @param maxZoom the last zoom of the release's PMTiles
   */
  public static Summary write(Connection c, Path root, String version, int maxZoom, PrintStream log)
      throws IOException, SQLException {
    var catalog =
        Catalog.load(
            SourceManifest.bundled().entries().stream()
                .map(SourceEntry::id)
                .collect(Collectors.toSet()));
    var site = new StaticSite(root, catalog, log);
    try {
      site.page();
      site.catalog(c, version, maxZoom);
      site.values(c);
      site.labels(c);
      site.profiles(c);
      var territories = site.observatory.territories(c);
      site.search(territories);
      site.schools(c, territories);
      site.finish();
    } finally {
      site.writers.shutdownNow();
    }
    return new Summary(site.files, site.bytes);
  }

  // ---- the page ----------------------------------------------------------------------------

  private void page() throws IOException {
    long t0 = System.nanoTime();
    for (var f : new WebRoutes(new WebConfig(null, null)).staticFiles().entrySet()) {
      Path p = file(f.getKey());
      Files.write(p, f.getValue());
      files++;
      bytes += f.getValue().length;
    }
    log.printf("site statique : page et bibliothèques (%.1f s)%n", seconds(t0));
  }

  // ---- catalogue and configuration ---------------------------------------------------------

  private void catalog(Connection c, String version, int maxZoom) throws IOException, SQLException {
    ArrayNode all = JsonNodeFactory.instance.arrayNode();
    for (var i : observatory.catalog().all()) {
      ObjectNode n = views.indicator(i, observatory.periods(c, i.id()));
      all.add(n);
      json("api/indicators/" + segment(i.id()) + ".json.gz", n);
    }
    json("api/indicators.json.gz", all);
    ObjectNode config = JsonNodeFactory.instance.objectNode();
    config.putNull("basemap");
    config.putNull("basemapAttribution");
    config.put("static", true);
    config.put("release", version);
    ObjectNode tiles = config.putObject("tiles");
    for (Tiles.Layer l : Tiles.LAYERS.values()) {
      if (l.minZoom() <= maxZoom) {
        tiles
            .putObject(l.id())
            .put("url", "tiles/" + l.id() + ".pmtiles")
            .put("minzoom", l.minZoom())
            .put("maxzoom", maxZoom);
      }
    }
    json("api/config.json.gz", config);
  }

  // ---- values ------------------------------------------------------------------------------

  private void values(Connection c) throws IOException, SQLException {
    long t0 = System.nanoTime();
    int n = 0;
    var csv = new CsvWriter.Options(';', ',');
    for (var i : observatory.catalog().all()) {
      for (String period : observatory.periods(c, i.id())) {
        for (String level : VALUE_LEVELS) {
          IndicatorValues v =
              observatory.values(c, new ValuesQuery(i.id(), level, period, null, null));
          String stem = "api/values/" + segment(i.id()) + "/" + level + "/" + segment(v.period());
          gzip(stem + ".json.gz", body(v, "json", csv));
          gzip(stem + ".csv.gz", body(v, "csv", csv));
          n++;
        }
      }
    }
    log.printf(
        "site statique : valeurs de %d indicateurs, périodes et niveaux (%.1f s)%n",
        n, seconds(t0));
  }

  /** The route's answer for values, as bytes. */
  private byte[] body(IndicatorValues v, String format, CsvWriter.Options csv)
      throws IOException, SQLException {
    try {
      return V1Routes.values(views, v, format, csv).bytes();
    } catch (IOException | SQLException | RuntimeException e) {
      throw e;
    } catch (Exception e) {
      throw new IOException(e);
    }
  }

  // ---- labels ------------------------------------------------------------------------------

  private void labels(Connection c) throws IOException, SQLException {
    for (String level : VALUE_LEVELS) {
      var labels = observatory.labels(c, level, null, Integer.MAX_VALUE);
      json("api/labels/" + level + ".json.gz", V1Routes.labels(level, labels));
    }
  }

  // ---- profiles ----------------------------------------------------------------------------

  private void profiles(Connection c) throws IOException, SQLException {
    long t0 = System.nanoTime();
    var boxes = observatory.envelopes(c);
    long[] n = {0};
    var levels = new ArrayList<String>(VALUE_LEVELS);
    levels.add(0, "france");
    for (String level : levels) {
      observatory.profiles(
          c,
          level,
          p -> {
            ObjectNode node = views.profile(p);
            for (JsonNode i : node.get("indicators")) {
              // The catalogue's fields are the page's already: the figures only.
              ((ObjectNode) i).retain("id", "latest", "series", "compared");
            }
            double[] b = boxes.get(p.territory().level() + "/" + p.territory().code());
            if (b != null) {
              ArrayNode bbox = node.putArray("bbox");
              for (double d : b) {
                bbox.add(Math.round(d * 1e5) / 1e5);
              }
            }
            json(
                "api/territories/" + level + "/" + segment(p.territory().code()) + ".json.gz",
                node);
            n[0]++;
          });
    }
    log.printf("site statique : %d fiches de territoire (%.1f s)%n", n[0], seconds(t0));
  }

  // ---- search ------------------------------------------------------------------------------

  private void search(List<SearchHit> territories) throws IOException {
    ObjectNode out = JsonNodeFactory.instance.objectNode();
    out.put("columns", "level, code, name, folded name, parent level, parent code, parent name");
    ArrayNode rows = out.putArray("territories");
    for (var h : territories) {
      var t = h.territory();
      ArrayNode r = rows.addArray();
      r.add(t.level()).add(t.code()).add(t.name()).add(Names.fold(t.name()));
      var p = h.parent();
      r.add(p == null ? null : p.level());
      r.add(p == null ? null : p.code());
      r.add(p == null ? null : p.name());
    }
    json("api/search.json.gz", out);
  }

  // ---- schools -----------------------------------------------------------------------------

  private void schools(Connection c, List<SearchHit> territories) throws IOException, SQLException {
    long t0 = System.nanoTime();
    var byPrefix = new TreeMap<String, ObjectNode>();
    var departements = new ArrayList<String>();
    for (var h : territories) {
      if (h.territory().level().equals("departement")) {
        departements.add(h.territory().code());
      }
    }
    long n = 0;
    for (String d : departements) {
      ArrayNode list = JsonNodeFactory.instance.arrayNode();
      int offset = 0;
      while (true) {
        Page<School> page =
            observatory.schools(
                c,
                new SchoolQuery(
                    Map.of("departement", d),
                    null,
                    null,
                    null,
                    null,
                    Observatory.MAX_LIMIT,
                    offset));
        for (School s : page.items()) {
          ObjectNode item = JsonViews.school(s);
          list.add(item);
          String uai = s.uai();
          byPrefix
              .computeIfAbsent(
                  segment(uai.substring(0, Math.min(3, uai.length()))),
                  k -> JsonNodeFactory.instance.objectNode())
              .set(uai, item);
          n++;
        }
        offset += page.items().size();
        if (page.items().isEmpty() || offset >= page.matched()) {
          break;
        }
      }
      ObjectNode out = JsonNodeFactory.instance.objectNode();
      out.put("departement", d);
      out.set("schools", list);
      json("api/schools/departement/" + segment(d) + ".json.gz", out);
    }
    for (var e : byPrefix.entrySet()) {
      json("api/schools/uai/" + e.getKey() + ".json.gz", e.getValue());
    }
    log.printf("site statique : %d établissements (%.1f s)%n", n, seconds(t0));
  }

  // ---- files -------------------------------------------------------------------------------

  private void json(String path, JsonNode n) throws IOException {
    gzip(path, views.bytes(n));
  }

  /**
   * Writes {@code content} gzip-compressed, on a writer thread (compression is most of a static
   * site's time; the warehouse is read meanwhile); at most {@link #PENDING} files wait in memory.
   */
  private void gzip(String path, byte[] content) throws IOException {
    Path p = file(path);
    try {
      pending.acquire();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new java.io.InterruptedIOException("site statique interrompu");
    }
    failed();
    writers.submit(
        () -> {
          try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(p), 65536)) {
            out.write(content);
          } catch (IOException | RuntimeException e) {
            failure.compareAndSet(null, e);
          } finally {
            pending.release();
          }
        });
    files++; // counted on the site's thread; the bytes once the writers are done
    written.add(p);
  }

  /** The first failure of a writer thread, thrown on the site's thread. */
  private void failed() throws IOException {
    Exception e = failure.get();
    if (e instanceof IOException io) {
      throw io;
    }
    if (e != null) {
      throw new IOException(e);
    }
  }

  /** Waits for the writer threads, then counts the bytes written. */
  private void finish() throws IOException {
    writers.shutdown();
    try {
      if (!writers.awaitTermination(1, java.util.concurrent.TimeUnit.HOURS)) {
        throw new IOException("site statique : écriture des fichiers trop longue");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new java.io.InterruptedIOException("site statique interrompu");
    }
    failed();
    for (Path p : written) {
      bytes += Files.size(p);
    }
  }

  private Path file(String path) throws IOException {
    Path p = root.resolve(path).normalize();
    if (!p.startsWith(root.normalize())) {
      throw new IOException("chemin hors du site : " + path);
    }
    Files.createDirectories(p.getParent());
    return p;
  }

  /** A path segment from the warehouse, checked: never a separator, never "..". */
  private static String segment(String s) throws IOException {
    if (s == null || !SEGMENT.matcher(s).matches() || s.contains("..")) {
      // A code, id or period of the warehouse that cannot name a file: the release stops,
      // saying which, and its partial directory is removed (Releases.write).
      throw new IOException("site statique : nom de fichier impossible pour '" + s + "'");
    }
    return s;
  }

  private static double seconds(long t0) {
    return (System.nanoTime() - t0) / 1e9;
  }
}
