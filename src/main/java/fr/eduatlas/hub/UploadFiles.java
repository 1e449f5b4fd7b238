package fr.eduatlas.hub;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

/**
 * The files of one upload, written to a private temporary folder with their sizes bounded by the
 * bytes actually read (whatever the request's framing or the sizes a zip declares): CSV files one
 * by one, or a contribution folder as a zip. Closing deletes the folder.
 */
public final class UploadFiles implements AutoCloseable {
  /** Bounds on one upload. */
  public record Limits(long maxBytes, long maxUnzippedBytes, int maxEntries) {
    /** 64 MiB sent, 512 MiB once unzipped, 64 files in an archive. */
    public static final Limits DEFAULT = new Limits(64L << 20, 512L << 20, 64);
  }

  private final Path dir;
  private final Limits limits;
  private final List<UploadValidator.IncomingFile> files = new ArrayList<>();
  private long sent;
  private long unzipped;

  public UploadFiles(Limits limits) throws IOException {
    this.limits = limits;
    this.dir = Files.createTempDirectory("eduatlas-upload-");
  }

  public List<UploadValidator.IncomingFile> files() {
    return List.copyOf(files);
  }

  /**
   * Adds what a client sent under {@code name} (a file name, or null for a raw body): a zip (by
   * name or when {@code zip}), else one CSV file of {@code dataset} (from the name {@code
   * connectivite.csv}… when null).
   */
  public void add(String name, InputStream in, boolean zip, String dataset) throws IOException {
    if (dataset != null) {
      HubService.dataset(dataset);
    }
    String base = name == null ? null : baseName(name);
    if (zip || (base != null && base.toLowerCase(Locale.ROOT).endsWith(".zip"))) {
      addZip(new Limited(in, true));
      return;
    }
    String d = dataset != null ? dataset : datasetOf(base);
    if (d == null) {
      throw HubException.invalid(
          "jeu de données inconnu pour le fichier « "
              + (base == null ? "(corps de la requête)" : base)
              + " » : nommez-le connectivite.csv, equipement.csv, usages.csv ou tests_debit.csv,"
              + " ou précisez le paramètre 'jeu'");
    }
    write(base == null ? d + ".csv" : base, d, new Limited(in, true));
  }

  private void addZip(InputStream in) throws IOException {
    int entries = 0;
    try (var zin = new ZipInputStream(in)) {
      ZipEntry e;
      while ((e = zin.getNextEntry()) != null) {
        String n = e.getName();
        if (n.startsWith("/")
            || n.contains("\\")
            || n.contains(":")
            || Stream.of(n.split("/")).anyMatch(p -> p.equals("..") || p.equals("."))) {
          throw HubException.invalid(
              "archive refusée : le chemin « " + n + " » sort du dossier de la contribution");
        }
        if (++entries > limits.maxEntries()) {
          throw new HubException(
              413,
              "Archive trop volumineuse",
              "archive refusée : plus de " + limits.maxEntries() + " fichiers");
        }
        String base = baseName(n);
        if (e.isDirectory()
            || n.startsWith("__MACOSX/")
            || base.startsWith(".")
            || base.equals("contribution.json")) {
          continue; // the hub, not the archive, says who contributes
        }
        String d = datasetOf(base);
        if (d == null) {
          throw HubException.invalid(
              "archive refusée : fichier inattendu « "
                  + n
                  + " » (connectivite.csv, equipement.csv, usages.csv, tests_debit.csv)");
        }
        write(n, d, new Limited(zin, false));
      }
    } catch (java.util.zip.ZipException e) {
      throw HubException.invalid("archive zip illisible : " + e.getMessage());
    }
  }

  /** The columns of a speed test, as tests_debit.csv names them. */
  private static final List<String> TEST_COLUMNS =
      List.of(
          "uai",
          "horodatage",
          "debit_descendant",
          "debit_montant",
          "latence",
          "gigue",
          "perte_paquets");

  /**
   * Adds a batch of speed tests sent as NDJSON (one JSON object per line, the tests_debit.csv
   * columns as members), written as that CSV file so that the very same reader judges it. Line
   * {@code k} of the NDJSON is line {@code k + 1} of the CSV (after its header). Returns, per CSV
   * line, why a line was not a JSON object (those rows are written empty and the reader rejects
   * them; the caller reports this reason instead).
   */
  public java.util.Map<Long, String> addNdjsonTests(InputStream in) throws IOException {
    var errors = new java.util.HashMap<Long, String>();
    Path f = dir.resolve(files.size() + "-tests_debit.csv");
    var mapper = new com.fasterxml.jackson.databind.ObjectMapper();
    try (var reader =
            new java.io.BufferedReader(
                new java.io.InputStreamReader(
                    new Limited(in, true), java.nio.charset.StandardCharsets.UTF_8));
        var w = Files.newBufferedWriter(f, java.nio.charset.StandardCharsets.UTF_8)) {
      w.write(String.join(";", TEST_COLUMNS));
      w.write('\n');
      long line = 1;
      String l;
      while ((l = reader.readLine()) != null) {
        if (l.isBlank()) {
          continue; // a trailing newline, or blank lines between objects
        }
        line++;
        com.fasterxml.jackson.databind.JsonNode n;
        try {
          n = mapper.readTree(l);
        } catch (IOException e) {
          n = null;
        }
        if (n == null || !n.isObject()) {
          errors.put(line, "ligne NDJSON qui n'est pas un objet JSON");
          w.write(";".repeat(TEST_COLUMNS.size() - 1));
          w.write('\n');
          continue;
        }
        for (int k = 0; k < TEST_COLUMNS.size(); k++) {
          if (k > 0) {
            w.write(';');
          }
          var v = n.get(TEST_COLUMNS.get(k));
          if (v != null && !v.isNull()) {
            String t = v.isValueNode() ? v.asText() : v.toString();
            w.write(
                t.contains(";") || t.contains("\"") || t.contains("\n") || t.contains("\r")
                    ? "\"" + t.replace("\"", "\"\"") + "\""
                    : t);
          }
        }
        w.write('\n');
      }
    }
    files.add(new UploadValidator.IncomingFile("lot.ndjson", "tests_debit", f));
    return errors;
  }

  private void write(String name, String dataset, InputStream in) throws IOException {
    Path f = dir.resolve(files.size() + "-" + dataset + ".csv");
    Files.copy(in, f);
    files.add(new UploadValidator.IncomingFile(name, dataset, f));
  }

  private static String baseName(String n) {
    int k = n.lastIndexOf('/');
    return k < 0 ? n : n.substring(k + 1);
  }

  private static String datasetOf(String base) {
    if (base == null || !base.toLowerCase(Locale.ROOT).endsWith(".csv")) {
      return null;
    }
    String d = base.substring(0, base.length() - 4).toLowerCase(Locale.ROOT);
    return Hub.DATASETS.contains(d) ? d : null;
  }

  /** Counts the bytes read: sent bytes against maxBytes, inflated ones against the unzip bound. */
  private final class Limited extends FilterInputStream {
    private final boolean fromClient;

    Limited(InputStream in, boolean fromClient) {
      super(in);
      this.fromClient = fromClient;
    }

    @Override
    public int read() throws IOException {
      int b = super.read();
      if (b >= 0) {
        count(1);
      }
      return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      int n = super.read(b, off, len);
      if (n > 0) {
        count(n);
      }
      return n;
    }

    @Override
    public void close() {
      // the zip stream stays open between entries; the request's stream is the server's
    }

    private void count(long n) {
      if (fromClient) {
        sent += n;
        if (sent > limits.maxBytes()) {
          throw new HubException(
              413,
              "Envoi trop volumineux",
              "envoi refusé au-delà de " + (limits.maxBytes() >> 20) + " Mio");
        }
      } else {
        unzipped += n;
        if (unzipped > limits.maxUnzippedBytes()) {
          throw new HubException(
              413,
              "Archive trop volumineuse",
              "archive refusée : plus de "
                  + (limits.maxUnzippedBytes() >> 20)
                  + " Mio une fois décompressée");
        }
      }
    }
  }

  @Override
  public void close() {
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      // a temporary folder left behind is not worth failing a request for
    }
  }
}
