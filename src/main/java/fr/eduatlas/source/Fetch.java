package fr.eduatlas.source;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Function;
import java.util.zip.ZipFile;

/**
 * Downloads the files of the source manifest into a data directory, as {@code eduatlas fetch} does
 * on a fresh machine: each from its publisher's address (or from a mirror of a data directory),
 * resuming an interrupted transfer with a range request, and placing a file only when its size and
 * SHA-256 match the manifest's pins. A file whose bytes differ is a new vintage: it is kept aside
 * in {@code .fetch/new-vintage/} for review and reported, never placed where the ingest reads.
 * Partial transfers wait in {@code .fetch/partial/} for the next run.
 */
public final class Fetch {
  /** What became of one file. */
  public enum Outcome {
    /** Already in place with the pinned size and checksum. */
    PRESENT,
    /** Downloaded, checked and placed. */
    DOWNLOADED,
    /** Bytes that differ from the pins: kept aside, not placed. */
    NEW_VINTAGE,
    /** Not obtained (HTTP error, network failure, no address). */
    FAILED
  }

  /** One file's outcome, with a French explanation for the user. */
  public record Result(String source, SourceFile file, Outcome outcome, String detail) {}

  /** Every file's outcome. */
  public record Report(List<Result> results) {
    public boolean complete() {
      return results.stream()
          .allMatch(r -> r.outcome() == Outcome.PRESENT || r.outcome() == Outcome.DOWNLOADED);
    }

    public long count(Outcome o) {
      return results.stream().filter(r -> r.outcome() == o).count();
    }
  }

  /** Where a file is downloaded from: an address, and the ZIP member to take, if any. */
  record Download(URI uri, String member) {}

  static final String WORK = ".fetch";
  private static final int ATTEMPTS = 4;
  private static final long PROGRESS_STEP = 8L << 20;

  private final Path dataDir;
  private final PrintStream log;
  private final Function<SourceFile, Download> plan;
  private final HttpClient http;

  /**
   * How long a transfer may go without receiving a byte before it is given up and resumed: the
   * request's timeout only covers the wait for the answer's headers, and a server (or a proxy) that
   * stops sending mid-body would otherwise hold the fetch forever.
   */
  private final Duration stall;

  static final Duration STALL = Duration.ofSeconds(60);

  Fetch(Path dataDir, PrintStream log, Function<SourceFile, Download> plan) {
    this(dataDir, log, plan, STALL);
  }

  Fetch(Path dataDir, PrintStream log, Function<SourceFile, Download> plan, Duration stall) {
    this.dataDir = dataDir;
    this.log = log;
    this.plan = plan;
    this.stall = stall;
    this.http =
        HttpClient.newBuilder()
            .connectTimeout(Duration.ofSeconds(30))
            .followRedirects(HttpClient.Redirect.NORMAL)
            .build();
  }

  /** Downloads from each file's publisher (the manifest's {@code url}). */
  public static Fetch fromPublishers(Path dataDir, PrintStream log) {
    return new Fetch(
        dataDir, log, f -> f.url() == null ? null : new Download(URI.create(f.url()), f.member()));
  }

  /**
   * Downloads from a mirror: any HTTP server serving a copy of a data directory, each file at its
   * manifest path below {@code base}.
   */
  public static Fetch fromMirror(Path dataDir, URI base, PrintStream log) {
    String root = base.toString().endsWith("/") ? base.toString() : base + "/";
    return new Fetch(
        dataDir, log, f -> new Download(URI.create(root + encodePath(f.path())), null));
  }

  private static String encodePath(String path) {
    var parts = new ArrayList<String>();
    for (String p : path.split("/")) {
      parts.add(URLEncoder.encode(p, StandardCharsets.UTF_8).replace("+", "%20"));
    }
    return String.join("/", parts);
  }

  /** Fetches every file of the given sources (all of the manifest when {@code only} is empty). */
  public Report run(SourceManifest manifest, Set<String> only) {
    record Item(SourceEntry entry, SourceFile file) {}
    var todo = new ArrayList<Item>();
    for (SourceEntry e : manifest.entries()) {
      if (only.isEmpty() || only.contains(e.id())) {
        e.files().forEach(f -> todo.add(new Item(e, f)));
      }
    }
    var results = new ArrayList<Result>();
    int i = 0;
    for (Item t : todo) {
      i++;
      String label = "[" + i + "/" + todo.size() + "] " + t.entry().id() + " " + t.file().path();
      results.add(one(t.entry(), t.file(), label));
    }
    return new Report(List.copyOf(results));
  }

  private Result one(SourceEntry e, SourceFile f, String label) {
    Path target = dataDir.resolve(f.path());
    try {
      if (Files.isRegularFile(target)) {
        Check c = check(target, f);
        if (c.matches()) {
          log.println(label + " : déjà présent, empreinte conforme");
          return new Result(e.id(), f, Outcome.PRESENT, "déjà présent");
        }
        String d =
            "le fichier présent diffère du manifeste ("
                + c.describe(f)
                + ") : il est laissé tel quel ; vérifiez ce millésime puis mettez à jour"
                + " data/sources.json";
        log.println(label + " : " + d);
        return new Result(e.id(), f, Outcome.NEW_VINTAGE, d);
      }
      Download d = plan.apply(f);
      if (d == null) {
        String m =
            "aucune adresse de téléchargement stable chez l'éditeur ; déposez le fichier à "
                + target
                + " (voir "
                + e.page()
                + ") ou utilisez --mirror";
        log.println(label + " : " + m);
        return new Result(e.id(), f, Outcome.FAILED, m);
      }
      Path partial = dataDir.resolve(WORK).resolve("partial").resolve(f.path() + ".part");
      Files.createDirectories(partial.getParent());
      long ceiling = Math.max(4 * f.bytes(), 64L << 20);
      download(d.uri(), partial, d.member() == null ? f.bytes() : -1, ceiling, label);
      Path candidate = partial;
      if (d.member() != null) {
        candidate = partial.resolveSibling(partial.getFileName() + ".member");
        extract(partial, d.member(), candidate, ceiling);
      }
      Check c = check(candidate, f);
      if (!c.matches()) {
        Path aside = dataDir.resolve(WORK).resolve("new-vintage").resolve(f.path());
        Files.createDirectories(aside.getParent());
        Files.move(candidate, aside, StandardCopyOption.REPLACE_EXISTING);
        Files.deleteIfExists(partial);
        String m =
            "nouveau millésime ou fichier altéré ("
                + c.describe(f)
                + ") : conservé à "
                + aside
                + ", non utilisé ; vérifiez-le puis mettez à jour data/sources.json";
        log.println(label + " : " + m);
        return new Result(e.id(), f, Outcome.NEW_VINTAGE, m);
      }
      Files.createDirectories(target.getParent());
      Files.move(candidate, target, StandardCopyOption.ATOMIC_MOVE);
      Files.deleteIfExists(partial);
      log.println(label + " : téléchargé, " + megabytes(f.bytes()) + ", empreinte conforme");
      return new Result(e.id(), f, Outcome.DOWNLOADED, "téléchargé depuis " + d.uri());
    } catch (FetchFailure x) {
      log.println(label + " : échec, " + x.getMessage());
      return new Result(e.id(), f, Outcome.FAILED, x.getMessage());
    } catch (IOException x) {
      String m = "erreur d'écriture dans " + dataDir + " : " + x.getMessage();
      log.println(label + " : " + m);
      return new Result(e.id(), f, Outcome.FAILED, m);
    }
  }

  /**
   * Downloads {@code uri} into {@code partial}, resuming from its current length with a range
   * request, retrying interrupted transfers.
   *
   * @param expected the size the file should have, or -1 when unknown (an archive)
   */
  private void download(URI uri, Path partial, long expected, long ceiling, String label)
      throws IOException, FetchFailure {
    String lastError = null;
    for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
      long have = Files.exists(partial) ? Files.size(partial) : 0;
      if (expected > 0 && have == expected) {
        return;
      }
      var req =
          HttpRequest.newBuilder(uri)
              .timeout(Duration.ofMinutes(2))
              .header("User-Agent", "EduAtlas-fetch (+https://github.com/eduatlas)")
              .GET();
      if (have > 0) {
        req.header("Range", "bytes=" + have + "-");
      }
      HttpResponse<InputStream> resp;
      try {
        resp = http.send(req.build(), HttpResponse.BodyHandlers.ofInputStream());
      } catch (InterruptedException x) {
        Thread.currentThread().interrupt();
        throw new FetchFailure("interrompu");
      } catch (IOException x) {
        lastError = "connexion à " + uri.getHost() + " impossible : " + reason(x);
        continue;
      }
      int status = resp.statusCode();
      boolean append;
      long total;
      if (status == 206 && have > 0) {
        append = true;
        total = contentRangeTotal(resp).orElse(-1L);
      } else if (status == 200) {
        append = false;
        total = resp.headers().firstValueAsLong("Content-Length").orElse(-1L);
      } else if (status == 416 && have > 0) {
        resp.body().close();
        Files.delete(partial);
        lastError = "reprise refusée (HTTP 416), téléchargement recommencé";
        attempt--;
        continue;
      } else {
        resp.body().close();
        throw new FetchFailure("HTTP " + status + " pour " + uri);
      }
      long start = append ? have : 0;
      if (total > ceiling) {
        resp.body().close();
        throw new FetchFailure(
            "le serveur annonce " + megabytes(total) + ", bien plus que la taille attendue");
      }
      if (attempt > 1 || append) {
        log.println(label + " : reprise à " + megabytes(start));
      }
      var watch = new StallWatch(resp.body(), stall);
      try (watch;
          InputStream in = resp.body();
          OutputStream out =
              Files.newOutputStream(
                  partial,
                  StandardOpenOption.CREATE,
                  StandardOpenOption.WRITE,
                  append ? StandardOpenOption.APPEND : StandardOpenOption.TRUNCATE_EXISTING)) {
        long done = start;
        long nextReport = start + PROGRESS_STEP;
        byte[] buf = new byte[1 << 16];
        int n;
        while ((n = in.read(buf)) > 0) {
          watch.progressed();
          out.write(buf, 0, n);
          done += n;
          if (done > ceiling) {
            throw new FetchFailure("le fichier dépasse " + megabytes(ceiling) + " : abandon");
          }
          if (done >= nextReport) {
            log.println(label + " : " + megabytes(done) + percent(done, total));
            nextReport += PROGRESS_STEP;
          }
        }
        if (watch.stalled() && (total < 0 || done < total)) {
          lastError = stalled(done);
          log.println(label + " : " + lastError);
          continue;
        }
        if (total >= 0 && done < total) {
          lastError = "transfert interrompu à " + megabytes(done) + " sur " + megabytes(total);
          continue;
        }
        return;
      } catch (IOException x) {
        if (watch.stalled()) {
          lastError = stalled(Files.exists(partial) ? Files.size(partial) : 0);
          log.println(label + " : " + lastError);
        } else {
          lastError = "transfert interrompu : " + reason(x);
        }
      }
    }
    throw new FetchFailure(
        lastError + " (après " + ATTEMPTS + " tentatives ; relancez pour reprendre)");
  }

  private String stalled(long done) {
    return "transfert bloqué à "
        + megabytes(done)
        + " : aucun octet reçu pendant "
        + (stall.toMillis() % 1000 == 0 ? stall.toSeconds() + " s" : stall.toMillis() + " ms");
  }

  /**
   * Closes a body that has received nothing for {@code stall}: a read blocked on it then returns or
   * fails, and the transfer is resumed from the bytes written.
   */
  private static final class StallWatch implements AutoCloseable {
    private static final java.util.concurrent.ScheduledExecutorService TIMER =
        java.util.concurrent.Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "fetch-stall-watch");
              t.setDaemon(true);
              return t;
            });

    private final InputStream body;
    private final long stallNanos;
    private volatile long last = System.nanoTime();
    private volatile boolean stalled;
    private final java.util.concurrent.ScheduledFuture<?> check;

    StallWatch(InputStream body, Duration stall) {
      this.body = body;
      this.stallNanos = stall.toNanos();
      long every = Math.max(10, stall.toMillis() / 4);
      this.check =
          TIMER.scheduleAtFixedRate(
              this::check, every, every, java.util.concurrent.TimeUnit.MILLISECONDS);
    }

    void progressed() {
      last = System.nanoTime();
    }

    boolean stalled() {
      return stalled;
    }

    private void check() {
      if (!stalled && System.nanoTime() - last > stallNanos) {
        stalled = true;
        try {
          body.close();
        } catch (IOException ignored) {
          // the reader sees the body closed either way
        }
      }
    }

    @Override
    public void close() {
      check.cancel(false);
    }
  }

  /** An exception's message, or its kind when it has none (a refused connection has none). */
  private static String reason(Exception x) {
    return x.getMessage() != null ? x.getMessage() : x.getClass().getSimpleName();
  }

  private static java.util.Optional<Long> contentRangeTotal(HttpResponse<?> resp) {
    return resp.headers()
        .firstValue("Content-Range")
        .map(v -> v.substring(v.lastIndexOf('/') + 1).trim())
        .filter(v -> v.chars().allMatch(Character::isDigit) && !v.isEmpty())
        .map(Long::parseLong);
  }

  private static void extract(Path archive, String member, Path out, long ceiling)
      throws IOException, FetchFailure {
    try (var zip = new ZipFile(archive.toFile())) {
      var entry = zip.getEntry(member);
      if (entry == null) {
        throw new FetchFailure("l'archive téléchargée ne contient pas « " + member + " »");
      }
      try (InputStream in = zip.getInputStream(entry);
          OutputStream o = Files.newOutputStream(out)) {
        long n = in.transferTo(o);
        if (n > ceiling) {
          throw new FetchFailure("« " + member + " » dépasse " + megabytes(ceiling));
        }
      }
    } catch (java.util.zip.ZipException x) {
      throw new FetchFailure("archive ZIP illisible : " + x.getMessage());
    }
  }

  /** A file's size and checksum against the pinned ones. */
  private record Check(long bytes, String sha256, SourceFile pinned) {
    boolean matches() {
      return bytes == pinned.bytes() && sha256.equals(pinned.sha256());
    }

    String describe(SourceFile f) {
      return "taille "
          + bytes
          + " octets, sha256 "
          + sha256
          + " ; attendu "
          + f.bytes()
          + " octets, sha256 "
          + f.sha256();
    }
  }

  private static Check check(Path file, SourceFile f) throws IOException {
    return new Check(Files.size(file), sha256(file), f);
  }

  /** The lower-case hex SHA-256 of a file. */
  public static String sha256(Path file) throws IOException {
    MessageDigest md;
    try {
      md = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
    try (InputStream in = Files.newInputStream(file)) {
      byte[] buf = new byte[1 << 16];
      int n;
      while ((n = in.read(buf)) > 0) {
        md.update(buf, 0, n);
      }
    }
    return HexFormat.of().formatHex(md.digest());
  }

  private static String megabytes(long bytes) {
    return String.format(Locale.FRANCE, "%,.1f Mo", bytes / 1e6);
  }

  private static String percent(long done, long total) {
    return total > 0 ? String.format(Locale.FRANCE, " (%d %%)", done * 100 / total) : "";
  }

  /** A file that could not be obtained, with the reason in French. */
  static final class FetchFailure extends Exception {
    FetchFailure(String message) {
      super(message);
    }
  }
}
