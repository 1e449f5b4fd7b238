package fr.eduatlas.ingest;

import fr.eduatlas.indicator.Catalog;
import fr.eduatlas.simulation.Simulator;
import fr.eduatlas.source.BulkCsv;
import fr.eduatlas.source.SourceEntry;
import fr.eduatlas.source.SourceException;
import fr.eduatlas.source.SourceManifest;
import fr.eduatlas.source.SourceReader;
import fr.eduatlas.source.SourceReaders;
import fr.eduatlas.source.TableSpec;
import fr.eduatlas.source.contrib.ContributionManifest;
import fr.eduatlas.warehouse.BoundaryBuilder;
import fr.eduatlas.warehouse.BoundaryCache;
import fr.eduatlas.warehouse.ContributionModel;
import fr.eduatlas.warehouse.ModelBuilder;
import fr.eduatlas.warehouse.StagingWriter;
import fr.eduatlas.warehouse.WarehouseBuild;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The ingest: reads every source of the manifest into a new warehouse file, builds the model, and
 * installs the file in place of the served one only when the build is whole.
 *
 * <p>Stages, in order: {@code read:<source>} for each manifest source (its reader, into staging
 * tables), {@code remap} (commune codes onto COG 2026), {@code territories}, {@code
 * boundaries:cache} (the boundaries of an earlier build from the same inputs and code, when kept:
 * {@link BoundaryCache}), else {@code
 * boundaries:harmonise|dissolve|project|simplify|measure|crosscheck|cache-store}, {@code schools},
 * {@code commune-facts}, {@code simulate} (when simulation is on and has not been written yet),
 * {@code read:contrib-<id>-<dataset>} for each contribution file, {@code contributions}, {@code
 * checks}, {@code report} (report tables and content checksum), {@code install} (atomic swap).
 */
public final class Ingest {
  /**
   * @param dataDirectory where the manifest's relative paths are resolved
   * @param warehouse the file to (re)place
   * @param allowPartial install the build even when some sources failed
   * @param boundaryCache reuse the boundary stage's outputs of an earlier build from the same
   *     inputs and code ({@link BoundaryCache}, kept in {@link #boundaryCacheDirectory()}); on by
   *     default
   */
  public record Options(
      Path dataDirectory,
      Path warehouse,
      boolean allowPartial,
      Simulation simulation,
      List<Path> contributions,
      boolean boundaryCache) {
    public Options {
      contributions = List.copyOf(contributions);
    }

    public Options(
        Path dataDirectory,
        Path warehouse,
        boolean allowPartial,
        Simulation simulation,
        List<Path> contributions) {
      this(dataDirectory, warehouse, allowPartial, simulation, contributions, true);
    }

    /** These options, with the boundary cache on or off. */
    public Options withBoundaryCache(boolean on) {
      return new Options(dataDirectory, warehouse, allowPartial, simulation, contributions, on);
    }

    /** Beside the warehouse: {@code boundary-cache/} in its directory. */
    public Path boundaryCacheDirectory() {
      return warehouse.toAbsolutePath().getParent().resolve("boundary-cache");
    }

    /** Options without simulated data nor contributions. */
    public Options(Path dataDirectory, Path warehouse, boolean allowPartial) {
      this(dataDirectory, warehouse, allowPartial, Simulation.NONE, List.of());
    }

    public Options(
        Path dataDirectory, Path warehouse, boolean allowPartial, Simulation simulation) {
      this(dataDirectory, warehouse, allowPartial, simulation, List.of());
    }
  }

  /**
   * Simulated school-level data: written to {@code directory} with {@code config} when the
   * directory holds no contribution yet, then read like any contribution.
   */
  public record Simulation(Path directory, Simulator.Config config) {
    public static final Simulation NONE = new Simulation(null, null);

    /** The ingest's default: the default seed, 2018-2019 to 2024-2025, a modest test volume. */
    public static Simulation defaults(Path directory) {
      return new Simulation(
          directory, new Simulator.Config(Simulator.DEFAULT_SEED, 2019, 2025, 0.05, 1));
    }

    public boolean enabled() {
      return directory != null;
    }
  }

  private final SourceManifest manifest;
  private final PrintStream log;

  private final boolean terminal;

  /** An ingest that logs to {@code log}, with live progress when the JVM runs on a terminal. */
  public Ingest(SourceManifest manifest, PrintStream log) {
    this(manifest, log, System.console() != null);
  }

  Ingest(SourceManifest manifest, PrintStream log, boolean terminal) {
    this.manifest = manifest;
    this.log = log;
    this.terminal = terminal;
  }

  /**
   * Runs the ingest.
   *
   * @throws IngestException when no new warehouse was installed (files missing, a source failed
   *     without {@code allowPartial}, a model stage failed); the served warehouse is untouched
   */
  public IngestReport run(Options o) {
    Map<SourceEntry, Path> files = resolveFiles(o.dataDirectory());
    var stages = new Stages(log, terminal);
    var results = new LinkedHashMap<String, Counts>();
    log.println("Ingestion de " + files.size() + " sources depuis " + o.dataDirectory());
    Path seed =
        o.boundaryCache()
            ? BoundaryCache.latestEntry(o.boundaryCacheDirectory()).orElse(null)
            : null;
    try (WarehouseBuild build = WarehouseBuild.begin(o.warehouse(), seed)) {
      if (build.seeded() != null) {
        log.println(
            "  construction commencée sur une copie de l'entrée du cache des contours "
                + build.seeded().getFileName()
                + " (gardée si les fichiers IGN, le COG et le code n'ont pas changé)");
      } else if (build.seedRefused() != null) {
        log.println(
            "  entrée du cache des contours non reprise comme point de départ ("
                + build.seedRefused()
                + ") : construction commencée sur un fichier vide");
      }
      var specs = new LinkedHashMap<SourceEntry, List<TableSpec>>();
      var reads = new ArrayList<Read>();
      for (var e : files.entrySet()) {
        SourceEntry entry = e.getKey();
        SourceReader reader = SourceReaders.create(entry.reader());
        specs.put(entry, reader.tables());
        reads.add(new Read(entry, reader, e.getValue()));
      }
      readAll("reads", build, stages, reads, results);
      ModelBuilder model = build.model(manifest.entries());
      stages.run(
          "remap",
          () -> {
            model.buildCodeMap();
            for (var s : specs.entrySet()) {
              for (TableSpec spec : s.getValue()) {
                if (spec.communeColumn() != null) {
                  ModelBuilder.Remap r = model.remap(s.getKey(), spec);
                  results.get(s.getKey().id()).moveToQuarantine(r.unmapped()).remapped +=
                      r.remapped();
                }
              }
            }
          });
      stages.run(
          "territories",
          () -> {
            model.dropDuplicateSchools().forEach((id, n) -> results.get(id).moveToQuarantine(n));
            model.buildTerritories();
          });
      BoundaryBuilder.Summary boundarySummary = boundaries(o, build, stages);
      stages.run("schools", model::buildSchools);
      stages.run("commune-facts", model::buildCommuneFacts);
      var staged = readContributions(o, build, stages, results, files);
      stages.run(
          "contributions",
          () ->
              build
                  .contributions()
                  .build(staged, build.speedTestDirectory())
                  .forEach((id, n) -> results.get(id).moveToQuarantine(n)));
      var catalog =
          Catalog.load(
              manifest.entries().stream()
                  .map(SourceEntry::id)
                  .collect(java.util.stream.Collectors.toSet()));
      stages.run("indicators", () -> build.indicators(catalog).build());
      stages.run("tiles", build::prerenderTiles);
      var checks = new ArrayList<ModelBuilder.Check>();
      stages.run("checks", () -> checks.addAll(model.checks()));

      List<IngestReport.Source> sources = new ArrayList<>();
      files.forEach((entry, path) -> sources.add(results.get(entry.id()).toReport(entry)));
      boolean failed = sources.stream().anyMatch(s -> !s.status().equals("ok"));
      var gates = new ArrayList<IngestReport.Gate>();
      stages.run("gates", () -> gates.addAll(gates(files, sources, o.warehouse())));
      String status = !failed && gates.isEmpty() ? "ok" : o.allowPartial() ? "partial" : "failed";
      var checksum = new String[1];
      stages.run(
          "report",
          () -> {
            ReportTables.write(build, sources, checks);
            checksum[0] = build.contentChecksum();
          });
      var totals =
          new IngestReport.Totals(
              build.count("commune"),
              build.count("epci"),
              build.count("departement"),
              build.count("academie"),
              build.count("region"),
              build.count("school"),
              sources.stream().mapToLong(IngestReport.Source::quarantined).sum());
      // The report as things stand: the stages list grows with the install stage on success.
      Supplier<IngestReport> report =
          () ->
              new IngestReport(
                  status,
                  o.warehouse().toString(),
                  o.dataDirectory().toString(),
                  checksum[0],
                  sources,
                  stages.all(),
                  checks,
                  boundarySummary,
                  totals,
                  gates);
      if (status.equals("failed") && !failed) {
        throw new IngestException(
            "contrôles de cohérence non passés : "
                + String.join(
                    " ; ", gates.stream().map(g -> g.source() + " : " + g.detail()).toList())
                + " ; l'entrepôt servi n'a pas été remplacé (--allow-partial pour l'installer"
                + " quand même)",
            report.get());
      }
      if (status.equals("failed")) {
        throw new IngestException(
            "des sources n'ont pas pu être lues ("
                + String.join(
                    ", ",
                    sources.stream()
                        .filter(s -> !s.status().equals("ok"))
                        .map(IngestReport.Source::id)
                        .toList())
                + ") : l'entrepôt servi n'a pas été remplacé (--allow-partial pour l'installer"
                + " quand même)",
            report.get());
      }
      stages.run(
          "install",
          () -> ReportTables.writeRun(build, stages.all(), checksum[0], status, sources, gates));
      build.commit();
      return report.get();
    } catch (IngestException e) {
      throw e;
    } catch (Exception e) {
      throw new IngestException(
          "échec de la construction de l'entrepôt : "
              + e.getMessage()
              + " ; l'entrepôt servi n'a"
              + " pas été remplacé",
          e);
    }
  }

  /**
   * The boundary stage: copied from the cache when it holds the boundaries of the same inputs and
   * code, else built (and stored there). A cache that cannot be read or written is said in the log
   * and never fails the ingest.
   */
  private BoundaryBuilder.Summary boundaries(Options o, WarehouseBuild build, Stages stages)
      throws Exception {
    BoundaryCache cache =
        o.boundaryCache() ? build.boundaryCache(o.boundaryCacheDirectory()) : null;
    var key = new String[1];
    var cached = new BoundaryBuilder.Summary[1];
    if (cache != null) {
      stages.run(
          "boundaries:cache",
          () -> {
            key[0] = cache.key();
            cache
                .restore(
                    key[0],
                    e ->
                        log.println(
                            "  entrée du cache des contours inutilisable ("
                                + e.getMessage()
                                + ") : supprimée, contours reconstruits"))
                .ifPresent(s -> cached[0] = s);
          });
      if (cached[0] != null) {
        log.println(
            "  contours repris du cache (mêmes fichiers IGN, même COG, même code) : "
                + cache.entry(key[0]).getFileName());
        return cached[0];
      }
    }
    var boundaries = build.boundaries();
    stages.run("boundaries:harmonise", boundaries::harmonise);
    stages.run("boundaries:dissolve", boundaries::dissolve);
    stages.run("boundaries:project", boundaries::project);
    stages.run("boundaries:simplify", boundaries::simplify);
    stages.run("boundaries:measure", boundaries::measure);
    var summary = new BoundaryBuilder.Summary[1];
    stages.run("boundaries:crosscheck", () -> summary[0] = boundaries.crossCheck());
    if (cache != null) {
      stages.run(
          "boundaries:cache-store",
          () -> {
            try {
              cache.store(key[0], summary[0]);
            } catch (java.io.IOException | java.sql.SQLException e) {
              log.println(
                  "  cache des contours non écrit ("
                      + e.getMessage()
                      + ") : l'entrepôt n'en dépend pas, la prochaine ingestion les reconstruira");
            }
          });
    }
    return summary[0];
  }

  /**
   * Simulates when asked and no simulated contribution exists yet, then stages every contribution's
   * files through their readers, like any source.
   */
  private List<ContributionModel.Staged> readContributions(
      Options o,
      WarehouseBuild build,
      Stages stages,
      Map<String, Counts> results,
      Map<SourceEntry, Path> files)
      throws Exception {
    var dirs = new ArrayList<Path>();
    Simulation sim = o.simulation();
    if (sim.enabled()) {
      if (!Files.isRegularFile(sim.directory().resolve(ContributionManifest.FILE))) {
        stages.run(
            "simulate",
            () -> new Simulator(build.schoolProfiles(), sim.config()).write(sim.directory()));
      }
      dirs.add(sim.directory());
    }
    var contributions = new ArrayList<ContributionManifest>();
    for (Path d : dirs) {
      contributions.add(ContributionManifest.read(d));
    }
    for (Path d : o.contributions()) {
      contributions.addAll(ContributionManifest.discover(d));
    }
    var ids = new java.util.HashSet<String>();
    var staged = new ArrayList<ContributionModel.Staged>();
    var reads = new ArrayList<Read>();
    for (ContributionManifest c : contributions) {
      if (!ids.add(c.id())) {
        throw new IngestException(
            "deux contributions portent l'identifiant '" + c.id() + "' : " + c.directory(),
            (IngestReport) null);
      }
      for (String dataset : ContributionManifest.DATASETS) {
        Path file = c.directory().resolve(dataset + ".csv");
        if (!Files.isRegularFile(file)) {
          continue;
        }
        var entry =
            new SourceEntry(
                "contrib-" + c.id() + "-" + dataset.replace('_', '-'),
                "Contribution « " + c.producer() + " » : " + dataset,
                c.producer(),
                c.directory().toUri().toString(),
                c.licence(),
                c.simulated() ? "données simulées" : "contribution",
                null,
                c.directory().getFileName() + "/" + dataset + ".csv",
                "contrib-" + dataset,
                "contribution EduAtlas v1 (data/contributions/FORMAT.md)");
        SourceReader reader = SourceReaders.create(entry.reader());
        files.put(entry, file);
        reads.add(new Read(entry, reader, file));
        TableSpec spec = reader.tables().get(0);
        staged.add(
            new ContributionModel.Staged(
                entry.id(),
                entry.path(),
                spec.tableName(entry.tablePrefix()),
                spec,
                c.id(),
                c.simulated(),
                dataset,
                c));
      }
    }
    readAll("contribution-reads", build, stages, reads, results);
    return staged;
  }

  /**
   * The sanity gates, for every source of the manifest (contributions vary by design): at least the
   * manifest's {@code minRows} loaded; not 10 % fewer rows loaded than the served warehouse loaded
   * from it; a quarantine share at most one point above the served warehouse's (and above 1 %); a
   * CSV whose last line has no line end (cut short). Each gate failed is reported.
   */
  private List<IngestReport.Gate> gates(
      Map<SourceEntry, Path> files, List<IngestReport.Source> sources, Path target)
      throws Exception {
    var out = new ArrayList<IngestReport.Gate>();
    var previous = previousCounts(target);
    for (IngestReport.Source s : sources) {
      var entry = manifest.byId(s.id()).orElse(null);
      if (entry == null || !s.status().equals("ok")) {
        continue;
      }
      if (unterminated(files.get(entry))) {
        out.add(
            new IngestReport.Gate(
                s.id(),
                "fin-de-fichier",
                "la dernière ligne de "
                    + s.path()
                    + " n'a pas de fin de ligne : fichier tronqué ?"));
      }
      if (entry.minRows() != null && s.loaded() < entry.minRows()) {
        out.add(
            new IngestReport.Gate(
                s.id(),
                "lignes-attendues",
                s.loaded()
                    + " lignes chargées, "
                    + entry.minRows()
                    + " au moins attendues pour ce millésime (manifeste)"));
      }
      long[] p = previous.get(s.id());
      if (p != null && p[1] > 0) {
        if (s.loaded() < 0.9 * p[1]) {
          out.add(
              new IngestReport.Gate(
                  s.id(),
                  "baisse-par-rapport-a-l-entrepot-servi",
                  s.loaded()
                      + " lignes chargées contre "
                      + p[1]
                      + " dans l'entrepôt servi (-10 % au plus)"));
        }
        double share = s.read() == 0 ? 0 : (double) s.quarantined() / s.read();
        double before = p[0] == 0 ? 0 : (double) p[2] / p[0];
        if (share > 0.01 && share > before + 0.01) {
          out.add(
              new IngestReport.Gate(
                  s.id(),
                  "part-en-quarantaine",
                  String.format(
                      java.util.Locale.FRANCE,
                      "%.1f %% des lignes en quarantaine contre %.1f %% dans l'entrepôt servi",
                      100 * share,
                      100 * before)));
        }
      }
    }
    return out;
  }

  /**
   * Whether a CSV file's last line has no line end: official files end with one, so a file cut
   * short ends mid-line (maybe mid-number, "125" for "125.3"), which no row check can see.
   */
  static boolean unterminated(Path file) throws java.io.IOException {
    if (file == null
        || !Files.isRegularFile(file)
        || !file.getFileName().toString().toLowerCase(java.util.Locale.ROOT).endsWith(".csv")) {
      return false;
    }
    try (var ch = Files.newByteChannel(file)) {
      long size = ch.size();
      if (size == 0) {
        return false;
      }
      ch.position(size - 1);
      var b = java.nio.ByteBuffer.allocate(1);
      ch.read(b);
      return b.get(0) != '\n' && b.get(0) != '\r';
    }
  }

  /** Per source: read, loaded, quarantined in the warehouse now at {@code target}, if any. */
  private static Map<String, long[]> previousCounts(Path target) {
    var out = new java.util.HashMap<String, long[]>();
    if (!Files.isRegularFile(target)) {
      return out;
    }
    var props = new java.util.Properties();
    props.setProperty("duckdb.read_only", "true");
    props.setProperty("jdbc_instance_cache", "false");
    try (var c = java.sql.DriverManager.getConnection("jdbc:duckdb:" + target, props);
        var st = c.createStatement();
        var rs = st.executeQuery("SELECT id, read, loaded, quarantined FROM ingest_source")) {
      while (rs.next()) {
        out.put(rs.getString(1), new long[] {rs.getLong(2), rs.getLong(3), rs.getLong(4)});
      }
    } catch (java.sql.SQLException e) {
      // An unreadable or older warehouse gives no comparison; the manifest's still holds.
    }
    return out;
  }

  /** Every manifest file, checked to exist before anything is built; all missing ones named. */
  private Map<SourceEntry, Path> resolveFiles(Path dataDir) {
    var files = new LinkedHashMap<SourceEntry, Path>();
    var missing = new ArrayList<String>();
    for (SourceEntry e : manifest.entries()) {
      Path p = dataDir.resolve(e.path()).normalize();
      // A source is a file, or a directory of files (the communes, one file per département).
      if (!(Files.isRegularFile(p) || Files.isDirectory(p)) || !Files.isReadable(p)) {
        missing.add(
            "source '"
                + e.id()
                + "' du manifeste : fichier "
                + (Files.exists(p) ? "illisible" : "introuvable")
                + " : "
                + p);
      }
      files.put(e, p);
    }
    if (!missing.isEmpty()) {
      throw new IngestException(String.join("\n", missing), (IngestReport) null);
    }
    return files;
  }

  /**
   * Sources read at once, each on a lane (a connection of its own to the build): the readers are
   * single-threaded Java, or DuckDB's CSV reader. As many as the machine has cores, up to four. On
   * this project's two-core machine the contribution files gain about 1.3 s; the sources read first
   * gain little, the JIT compiler taking the second core while the JVM warms up
   * (docs/BENCHMARKS.md).
   */
  static final int READERS = Math.max(1, Math.min(4, Runtime.getRuntime().availableProcessors()));

  /**
   * The build's lanes, one per reading thread, each taken by one source at a time: the build's own
   * connection and connections of their own. A bulk read waits for the build's own.
   */
  private static final class Lanes implements AutoCloseable {
    private final List<WarehouseBuild.Lane> all = new ArrayList<>();
    private final List<WarehouseBuild.Lane> free = new ArrayList<>();

    Lanes(WarehouseBuild build, int n) {
      all.add(build.mainLane());
      for (int k = 1; k < n; k++) {
        all.add(build.lane());
      }
      free.addAll(all);
    }

    synchronized WarehouseBuild.Lane take(boolean main) throws InterruptedException {
      while (true) {
        for (WarehouseBuild.Lane l : free) {
          if (!main || l.main()) {
            free.remove(l);
            return l;
          }
        }
        wait();
      }
    }

    synchronized void give(WarehouseBuild.Lane lane) {
      free.add(lane);
      notifyAll();
    }

    @Override
    public void close() {
      all.forEach(WarehouseBuild.Lane::close);
    }
  }

  /** The bytes of a file or of the files of a directory, as a guess of the time to read it. */
  private static long size(Path file) {
    try (var walk = Files.walk(file)) {
      return walk.filter(Files::isRegularFile).mapToLong(f -> f.toFile().length()).sum();
    } catch (IOException | java.io.UncheckedIOException e) {
      return 0;
    }
  }

  /** A source to read: its entry, reader and file. */
  private record Read(SourceEntry entry, SourceReader reader, Path file) {}

  /**
   * Reads {@code reads} {@link #READERS} at a time, each on a free lane, as stages named {@code
   * read:<id>} then {@code group}; each source's counts are in {@code results} by its id. The lanes
   * are closed when the reads end: the build's file is then held by the build's connection only.
   */
  private void readAll(
      String group,
      WarehouseBuild build,
      Stages stages,
      List<Read> reads,
      Map<String, Counts> results)
      throws Exception {
    try (Lanes lanes = new Lanes(build, READERS)) {
      var named = new ArrayList<Stages.Named>();
      for (Read r : reads) {
        var c = new Counts();
        results.put(r.entry().id(), c);
        named.add(
            new Stages.Named(
                "read:" + r.entry().id(),
                size(r.file()),
                out -> {
                  WarehouseBuild.Lane lane = lanes.take(r.reader() instanceof BulkCsv);
                  try {
                    read(lane, r.entry(), r.reader(), r.file(), c, out);
                  } finally {
                    lanes.give(lane);
                  }
                }));
      }
      stages.runAll(group, named, READERS);
    }
  }

  private void read(
      WarehouseBuild.Lane lane,
      SourceEntry entry,
      SourceReader reader,
      Path file,
      Counts c,
      PrintStream log) {
    if (reader instanceof BulkCsv bulk && Files.isRegularFile(file)) {
      try {
        WarehouseBuild.BulkOutcome o = lane.stageBulk(entry, bulk, file);
        if (o.fallback() == null) {
          c.read = o.read();
          c.loaded = o.loaded();
          c.quarantined = o.quarantined();
          c.warnings = o.warnings();
          logged(entry, c, log);
          return;
        }
        log.println("  " + entry.id() + " : lecture ligne à ligne (" + o.fallback() + ")");
      } catch (IOException | RuntimeException e) {
        c.error = file + " : " + e.getClass().getSimpleName() + " : " + e.getMessage();
        log.println("  ERREUR " + entry.id() + " : " + c.error);
        return;
      }
    }
    StagingWriter w = lane.stage(entry, reader.tables());
    try {
      reader.read(file, w);
      w.close();
    } catch (IOException | RuntimeException e) {
      w.discard();
      c.error =
          e instanceof SourceException
              ? e.getMessage()
              : file + " : " + e.getClass().getSimpleName() + " : " + e.getMessage();
      log.println("  ERREUR " + entry.id() + " : " + c.error);
      return;
    }
    c.read = w.read();
    c.loaded = w.loaded();
    c.quarantined = w.quarantined();
    c.warnings = w.warnings();
    logged(entry, c, log);
  }

  private static void logged(SourceEntry entry, Counts c, PrintStream log) {
    log.printf(
        Locale.FRANCE,
        "  %-24s %,9d lignes lues, %,d en quarantaine%n",
        entry.id(),
        c.read,
        c.quarantined);
  }

  /** One source's running counts, updated as the model stages move rows to the quarantine. */
  private static final class Counts {
    long read;
    long loaded;
    long quarantined;
    long remapped;
    long warnings;
    String error;

    Counts moveToQuarantine(long n) {
      loaded -= n;
      quarantined += n;
      return this;
    }

    IngestReport.Source toReport(SourceEntry e) {
      return new IngestReport.Source(
          e.id(),
          e.path(),
          error == null ? "ok" : "failed",
          error,
          read,
          loaded,
          quarantined,
          remapped,
          warnings);
    }
  }
}
