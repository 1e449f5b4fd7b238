package fr.eduatlas.source;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import fr.eduatlas.cli.FetchCommand;
import fr.eduatlas.testing.Fixtures;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code eduatlas fetch} against a real HTTP server on loopback: downloads checked against the
 * pins, a transfer cut half-way resumed by a range request, a ZIP member extracted, a corrupted
 * file kept aside as a new vintage, a 404 and a source without address reported, and the bundled
 * manifest's pins checked against every file of the real data served as a mirror.
 */
class FetchTest {
  @TempDir Path tmp;

  private HttpServer server;
  private String base;

  /** Path → bytes the server answers with. */
  private final Map<String, byte[]> served = new ConcurrentHashMap<>();

  /** Paths whose next full (non-range) answer is cut half-way. */
  private final Set<String> cutOnce = ConcurrentHashMap.newKeySet();

  /** Paths whose next full answer stops sending half-way and holds the connection open. */
  private final Set<String> stallOnce = ConcurrentHashMap.newKeySet();

  /** Released when the test ends: a stalled answer's handler waits on it. */
  private final java.util.concurrent.CountDownLatch ended =
      new java.util.concurrent.CountDownLatch(1);

  /** Every request, as "path range". */
  private final List<String> requests = new CopyOnWriteArrayList<>();

  private final ByteArrayOutputStream logBytes = new ByteArrayOutputStream();
  private final PrintStream log = new PrintStream(logBytes, true, StandardCharsets.UTF_8);

  @BeforeEach
  void start() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/", this::handle);
    // A stalled answer holds its thread: the others (the resumed request) need their own.
    server.setExecutor(java.util.concurrent.Executors.newCachedThreadPool());
    server.start();
    base = "http://127.0.0.1:" + server.getAddress().getPort() + "/";
  }

  @AfterEach
  void stop() {
    ended.countDown();
    server.stop(0);
  }

  private void handle(HttpExchange ex) throws IOException {
    String path = URLDecoder.decode(ex.getRequestURI().getRawPath(), StandardCharsets.UTF_8);
    String range = ex.getRequestHeaders().getFirst("Range");
    requests.add(path + " " + range);
    byte[] body = served.get(path);
    try (ex) {
      if (body == null) {
        ex.sendResponseHeaders(404, -1);
        return;
      }
      if (range != null) {
        int from = Integer.parseInt(range.replaceAll("bytes=(\\d+)-", "$1"));
        ex.getResponseHeaders()
            .add("Content-Range", "bytes " + from + "-" + (body.length - 1) + "/" + body.length);
        ex.sendResponseHeaders(206, body.length - from);
        ex.getResponseBody().write(body, from, body.length - from);
        return;
      }
      ex.sendResponseHeaders(200, body.length);
      OutputStream out = ex.getResponseBody();
      if (stallOnce.remove(path)) {
        out.write(body, 0, body.length / 2);
        out.flush();
        // The connection stays open with nothing more sent, as a stuck server or proxy does.
        ended.await();
        return;
      }
      if (cutOnce.remove(path)) {
        out.write(body, 0, body.length / 2);
        out.flush();
        // Closing with bytes missing makes the server drop the connection: a truncated transfer.
        return;
      }
      out.write(body);
    } catch (IOException expectedWhenCut) {
      // the cut transfer's "insufficient bytes written"
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static byte[] bytes(int n, int seed) {
    byte[] b = new byte[n];
    for (int i = 0; i < n; i++) {
      b[i] = (byte) ('a' + (i * 31 + seed) % 26);
    }
    return b;
  }

  private static String sha(byte[] b) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
  }

  private static SourceFile pin(String path, String url, String member, byte[] b) throws Exception {
    return new SourceFile(path, url, member, b.length, sha(b), null);
  }

  private static SourceEntry entry(String id, String path, SourceFile... files) {
    return new SourceEntry(
        id,
        "t",
        "p",
        "https://p.test/",
        "l",
        "v",
        null,
        path,
        "cog-regions",
        "f",
        null,
        List.of(files));
  }

  /** The publishers' https addresses, answered by the loopback server. */
  private Fetch publishers(Path dir) {
    Function<SourceFile, Fetch.Download> plan =
        f ->
            f.url() == null
                ? null
                : new Fetch.Download(
                    URI.create(f.url().replace("https://publisher.test/", base)), f.member());
    return new Fetch(dir, log, plan);
  }

  @Test
  void downloadsChecksResumesACutTransferExtractsAZipMemberAndIsIdempotent() throws Exception {
    byte[] a = bytes(300_000, 1);
    byte[] b1 = bytes(2_000_000, 2);
    byte[] b2 = bytes(10, 3);
    byte[] inner = bytes(50_000, 4);
    var zip = new ByteArrayOutputStream();
    try (var z = new ZipOutputStream(zip)) {
      z.putNextEntry(new ZipEntry("notes.txt"));
      z.write("autre".getBytes(StandardCharsets.UTF_8));
      z.putNextEntry(new ZipEntry("donnees_communes.csv"));
      z.write(inner);
    }
    served.put("/a.csv", a);
    served.put("/dir/one.json", b1);
    served.put("/dir/two.json", b2);
    served.put("/ensemble.zip", zip.toByteArray());
    cutOnce.add("/dir/one.json");
    var manifest =
        new SourceManifest(
            List.of(
                entry("s-a", "x/a.csv", pin("x/a.csv", "https://publisher.test/a.csv", null, a)),
                entry(
                    "s-b",
                    "bnd",
                    pin("bnd/one.json", "https://publisher.test/dir/one.json", null, b1),
                    pin("bnd/two.json", "https://publisher.test/dir/two.json", null, b2)),
                entry(
                    "s-c",
                    "pop.csv",
                    pin(
                        "pop.csv",
                        "https://publisher.test/ensemble.zip",
                        "donnees_communes.csv",
                        inner))));
    Path dir = tmp.resolve("data");

    Fetch.Report r = publishers(dir).run(manifest, Set.of());

    assertThat(r.results())
        .extracting(Fetch.Result::outcome)
        .containsOnly(Fetch.Outcome.DOWNLOADED)
        .hasSize(4);
    assertThat(r.complete()).isTrue();
    assertThat(Files.readAllBytes(dir.resolve("x/a.csv"))).isEqualTo(a);
    assertThat(Files.readAllBytes(dir.resolve("bnd/one.json"))).isEqualTo(b1);
    assertThat(Files.readAllBytes(dir.resolve("bnd/two.json"))).isEqualTo(b2);
    assertThat(Files.readAllBytes(dir.resolve("pop.csv"))).isEqualTo(inner);
    // The cut transfer was resumed where it stopped, not started again: a range from the bytes
    // the client had received (at most the half the server sent before dropping the connection).
    assertThat(requests).contains("/dir/one.json null");
    long resumedAt =
        requests.stream()
            .filter(q -> q.startsWith("/dir/one.json bytes="))
            .map(q -> Long.parseLong(q.replaceAll(".*bytes=(\\d+)-", "$1")))
            .findFirst()
            .orElseThrow(() -> new AssertionError("no range request: " + requests));
    assertThat(resumedAt).isPositive().isLessThanOrEqualTo(1_000_000);
    assertThat(logBytes.toString(StandardCharsets.UTF_8)).contains("reprise à");
    try (Stream<Path> left = Files.walk(dir.resolve(Fetch.WORK))) {
      assertThat(left.filter(Files::isRegularFile)).isEmpty();
    }

    requests.clear();
    Fetch.Report again = publishers(dir).run(manifest, Set.of());
    assertThat(again.results())
        .extracting(Fetch.Result::outcome)
        .containsOnly(Fetch.Outcome.PRESENT);
    assertThat(requests).as("nothing downloaded twice").isEmpty();
  }

  @Test
  void aTransferInterruptedByAnEarlierRunResumesFromThePartialFile() throws Exception {
    byte[] a = bytes(400_000, 5);
    served.put("/a.csv", a);
    Path dir = tmp.resolve("data");
    Path partial = dir.resolve(Fetch.WORK).resolve("partial/a.csv.part");
    Files.createDirectories(partial.getParent());
    Files.write(partial, java.util.Arrays.copyOf(a, 123_456));
    var manifest =
        new SourceManifest(
            List.of(entry("s-a", "a.csv", pin("a.csv", "https://publisher.test/a.csv", null, a))));

    Fetch.Report r = publishers(dir).run(manifest, Set.of());

    assertThat(r.complete()).isTrue();
    assertThat(requests).containsExactly("/a.csv bytes=123456-");
    assertThat(Files.readAllBytes(dir.resolve("a.csv"))).isEqualTo(a);
  }

  @Test
  // Without the stall watch the read waits for the server forever (the request's timeout covers
  // the headers only): failed here, not hung.
  @org.junit.jupiter.api.Timeout(
      value = 30,
      threadMode = org.junit.jupiter.api.Timeout.ThreadMode.SEPARATE_THREAD)
  void aTransferThatStopsSendingIsGivenUpAfterTheStallDelayAndResumed() throws Exception {
    byte[] a = bytes(600_000, 6);
    served.put("/a.csv", a);
    stallOnce.add("/a.csv");
    Path dir = tmp.resolve("data");
    var manifest =
        new SourceManifest(
            List.of(entry("s-a", "a.csv", pin("a.csv", "https://publisher.test/a.csv", null, a))));
    Function<SourceFile, Fetch.Download> plan =
        f -> new Fetch.Download(URI.create(f.url().replace("https://publisher.test/", base)), null);

    Fetch.Report r =
        new Fetch(dir, log, plan, java.time.Duration.ofMillis(500)).run(manifest, Set.of());

    assertThat(r.complete()).isTrue();
    assertThat(Files.readAllBytes(dir.resolve("a.csv"))).isEqualTo(a);
    // Resumed from what had arrived before the server stopped sending (its first half at most).
    // (A loaded machine may stall the resumed transfer too: each later attempt is a range.)
    assertThat(requests).hasSizeBetween(2, 4).first().isEqualTo("/a.csv null");
    assertThat(requests.subList(1, requests.size())).allMatch(q -> q.startsWith("/a.csv bytes="));
    long resumedAt = Long.parseLong(requests.get(1).replaceAll(".*bytes=(\\d+)-", "$1"));
    assertThat(resumedAt).isPositive().isLessThanOrEqualTo(300_000);
    assertThat(logBytes.toString(StandardCharsets.UTF_8))
        .contains("transfert bloqué à", "aucun octet reçu pendant 500 ms", "reprise à");
  }

  @Test
  void aCorruptedFileIsANewVintageKeptAsideAndNeverPlaced() throws Exception {
    byte[] pinned = bytes(100_000, 6);
    byte[] changed = pinned.clone();
    changed[5_000] ^= 1;
    served.put("/a.csv", changed);
    Path dir = tmp.resolve("data");
    var manifest =
        new SourceManifest(
            List.of(
                entry("s-a", "a.csv", pin("a.csv", "https://publisher.test/a.csv", null, pinned))));

    Fetch.Report r = publishers(dir).run(manifest, Set.of());

    assertThat(r.complete()).isFalse();
    Fetch.Result res = r.results().get(0);
    assertThat(res.outcome()).isEqualTo(Fetch.Outcome.NEW_VINTAGE);
    assertThat(res.detail()).contains("nouveau millésime").contains(sha(changed));
    assertThat(dir.resolve("a.csv")).doesNotExist();
    assertThat(Files.readAllBytes(dir.resolve(Fetch.WORK).resolve("new-vintage/a.csv")))
        .isEqualTo(changed);

    // A file already in place that differs from the pins is reported and left untouched.
    Files.write(dir.resolve("a.csv"), changed);
    requests.clear();
    Fetch.Result local = publishers(dir).run(manifest, Set.of()).results().get(0);
    assertThat(local.outcome()).isEqualTo(Fetch.Outcome.NEW_VINTAGE);
    assertThat(local.detail()).contains("laissé tel quel");
    assertThat(Files.readAllBytes(dir.resolve("a.csv"))).isEqualTo(changed);
    assertThat(requests).isEmpty();
  }

  @Test
  void aMissingFileAndASourceWithoutAddressFailWithoutStoppingTheOthers() throws Exception {
    byte[] ok = bytes(1_000, 7);
    byte[] gone = bytes(1_000, 8);
    byte[] manual = bytes(1_000, 9);
    served.put("/ok.csv", ok);
    Path dir = tmp.resolve("data");
    var manifest =
        new SourceManifest(
            List.of(
                entry(
                    "s-gone",
                    "gone.csv",
                    pin("gone.csv", "https://publisher.test/gone.csv", null, gone)),
                entry("s-manual", "manual.csv", pin("manual.csv", null, null, manual)),
                entry("s-ok", "ok.csv", pin("ok.csv", "https://publisher.test/ok.csv", null, ok))));

    Fetch.Report r = publishers(dir).run(manifest, Set.of());

    assertThat(r.results())
        .extracting(Fetch.Result::outcome)
        .containsExactly(Fetch.Outcome.FAILED, Fetch.Outcome.FAILED, Fetch.Outcome.DOWNLOADED);
    assertThat(r.results().get(0).detail()).contains("HTTP 404").contains("/gone.csv");
    assertThat(r.results().get(1).detail())
        .contains("aucune adresse de téléchargement stable")
        .contains("https://p.test/")
        .contains("--mirror");
    assertThat(dir.resolve("gone.csv")).doesNotExist();
    assertThat(dir.resolve("ok.csv")).exists();
  }

  @Test
  void theBundledManifestPinsEveryFileOfTheRealDataAndAMirrorFetchPlacesThemAll() throws Exception {
    Path real = Fixtures.realData();
    SourceManifest bundled = SourceManifest.bundled();
    var paths = new ArrayList<String>();
    for (SourceEntry e : bundled.entries()) {
      assertThat(e.files()).as(e.id() + " has pinned files").isNotEmpty();
      for (SourceFile f : e.files()) {
        paths.add(f.path());
        served.put("/" + f.path(), Files.readAllBytes(real.resolve(f.path())));
      }
    }
    // Every file below a directory source is pinned, none forgotten.
    try (Stream<Path> communes = Files.list(real.resolve("boundaries/communes"))) {
      assertThat(communes.count())
          .isEqualTo(paths.stream().filter(p -> p.startsWith("boundaries/communes/")).count());
    }
    Path dir = tmp.resolve("fetched");

    int rc = FetchCommand.run(dir, URI.create(base), Set.of(), log);

    assertThat(rc).as(logBytes.toString(StandardCharsets.UTF_8)).isZero();
    for (String p : paths) {
      assertThat(Fetch.sha256(dir.resolve(p))).isEqualTo(Fetch.sha256(real.resolve(p)));
    }
    assertThat(dir.resolve(FetchCommand.COMPLETE)).exists();
  }
}
