package fr.eduatlas.hub;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import fr.eduatlas.source.contrib.ContributionColumns;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Writes every hub's published versions as contribution folders in the format the ingest reads
 * (data/contributions/FORMAT.md), with the hub's identity, competence and versions in {@code
 * contribution.json}'s {@code pole} member: the build then decides precedence and reports conflicts
 * from them.
 */
public final class ContributionExport {
  private static final ObjectMapper JSON = new ObjectMapper();

  private ContributionExport() {}

  /** One folder per hub with a publication, under {@code dir}; returns them. */
  public static List<Path> write(HubStore store, Path dir) throws IOException {
    var byHub = new TreeMap<String, Map<String, HubStore.Publication>>();
    store
        .allPublications()
        .values()
        .forEach(p -> byHub.computeIfAbsent(p.hub(), k -> new TreeMap<>()).put(p.dataset(), p));
    var feed = new Feed(store);
    for (String h : feed.hubsWithTests()) {
      byHub.computeIfAbsent(h, k -> new TreeMap<>());
    }
    var out = new ArrayList<Path>();
    for (var e : byHub.entrySet()) {
      Hub hub = store.hub(e.getKey()).orElseThrow();
      Path folder = Files.createDirectories(dir.resolve(hub.id()));
      ObjectNode m = JSON.createObjectNode();
      m.put("format", "eduatlas-contribution").put("version", "1");
      m.put("identifiant", hub.contributionId());
      m.put("producteur", hub.name());
      m.put("licence", "Licence Ouverte 2.0");
      m.put("simule", false);
      m.put("description", "Données publiées par le pôle « " + hub.name() + " » dans EduAtlas");
      ObjectNode pole = m.putObject("pole");
      pole.put("id", hub.id()).put("type", hub.kind().code());
      Hub.Scope c = hub.competence();
      ObjectNode comp = pole.putObject("competence");
      comp.put("niveau", c.level()).put("code", c.code());
      c.types().stream().sorted().forEach(comp.putArray("types")::add);
      c.datasets().stream().sorted().forEach(comp.putArray("jeux")::add);
      ObjectNode versions = pole.putObject("versions");
      for (HubStore.Publication p : e.getValue().values()) {
        versions
            .putObject(p.dataset())
            .put("numero", p.number())
            .put("publie_le", p.at().toString());
        if (!p.dataset().equals("tests_debit")) {
          writeCsv(
              folder.resolve(p.dataset() + ".csv"),
              p.dataset(),
              store.rows(hub.id(), p.dataset(), p.number()).values());
        }
      }
      // Speed tests: the published version's, then the live feed's not already in it.
      var published = e.getValue().get("tests_debit");
      var fromVersion =
          published == null
              ? Map.<String, HubStore.StoredRow>of()
              : store.rows(hub.id(), "tests_debit", published.number());
      var summary = feed.summary(hub.id());
      if (published != null || summary.tests() > 0) {
        try (var w = new TestsWriter(folder.resolve("tests_debit.csv"))) {
          for (HubStore.StoredRow r : fromVersion.values()) {
            w.write(r);
          }
          feed.forEach(
              hub.id(),
              r -> {
                if (!fromVersion.containsKey(r.key())) {
                  w.write(r);
                }
              });
        }
        if (summary.tests() > 0) {
          pole.putObject("flux_tests")
              .put("lots", summary.batches())
              .put("tests", summary.tests())
              .put("dernier_lot", summary.last().toString());
        }
      }
      JSON.writerWithDefaultPrettyPrinter()
          .writeValue(folder.resolve("contribution.json").toFile(), m);
      out.add(folder);
    }
    return out;
  }

  /** Rows of a dataset as its CSV file (comma separator, decimal point). */
  static void writeCsv(Path f, String dataset, Iterable<HubStore.StoredRow> rows)
      throws IOException {
    var cols = ContributionColumns.of(dataset);
    try (BufferedWriter w = Files.newBufferedWriter(f, StandardCharsets.UTF_8)) {
      header(w, cols);
      for (HubStore.StoredRow r : rows) {
        row(w, cols, r);
      }
    }
  }

  private static void header(BufferedWriter w, List<ContributionColumns.Pair> cols)
      throws IOException {
    w.write(String.join(",", cols.stream().map(ContributionColumns.Pair::file).toList()));
    w.write('\n');
  }

  private static void row(
      BufferedWriter w, List<ContributionColumns.Pair> cols, HubStore.StoredRow r)
      throws IOException {
    JsonNode n = JSON.readTree(r.payload());
    for (int k = 0; k < cols.size(); k++) {
      if (k > 0) {
        w.write(',');
      }
      JsonNode v = n.get(cols.get(k).staging());
      Object o =
          v == null || v.isNull()
              ? null
              : v.isIntegralNumber() && cols.get(k).staging().equals("year")
                  ? (Object) v.asInt()
                  : v.isNumber() ? (Object) v.asDouble() : v.asText();
      w.write(csv(ContributionColumns.fileValue(cols.get(k), o)));
    }
    w.write('\n');
  }

  /** tests_debit.csv written row by row (from a version, then from the streamed feed). */
  private static final class TestsWriter implements AutoCloseable {
    private final BufferedWriter w;
    private final List<ContributionColumns.Pair> cols = ContributionColumns.of("tests_debit");

    TestsWriter(Path f) throws IOException {
      w = Files.newBufferedWriter(f, StandardCharsets.UTF_8);
      header(w, cols);
    }

    void write(HubStore.StoredRow r) {
      try {
        row(w, cols, r);
      } catch (IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    }

    @Override
    public void close() throws IOException {
      w.close();
    }
  }

  private static String csv(String s) {
    return s.contains(",") || s.contains("\"") || s.contains("\n")
        ? "\"" + s.replace("\"", "\"\"") + "\""
        : s;
  }
}
