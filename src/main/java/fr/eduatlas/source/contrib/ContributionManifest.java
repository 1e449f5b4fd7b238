package fr.eduatlas.source.contrib;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import fr.eduatlas.source.SourceException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A contribution folder's {@code contribution.json} (data/contributions/FORMAT.md): who produced
 * the data, under which licence, and whether they are simulated.
 */
public record ContributionManifest(
    Path directory,
    String id,
    String producer,
    String licence,
    boolean simulated,
    String description,
    Pole pole) {
  public static final String FILE = "contribution.json";
  static final Pattern ID = Pattern.compile("[a-z0-9][a-z0-9-]{0,40}");

  /** The datasets a contribution may hold, by file name, in reading order. */
  public static final List<String> DATASETS =
      List.of("connectivite", "equipement", "usages", "tests_debit");

  /**
   * The hub a contribution comes from (its optional {@code pole} member, written by EduAtlas when
   * it exports a hub's published versions for a build): its legal competence decides precedence
   * among real sources, its versions are the provenance of each figure.
   *
   * @param level the competence's territory level
   * @param code the competence's territory code
   * @param types the school types of its competence
   * @param datasets the datasets of its competence
   * @param versions per dataset, the published version number
   * @param publishedAt per dataset, the publication instant (ISO 8601)
   */
  public record Pole(
      String id,
      String level,
      String code,
      List<String> types,
      List<String> datasets,
      java.util.Map<String, Integer> versions,
      java.util.Map<String, String> publishedAt) {}

  public static ContributionManifest read(Path dir) throws IOException {
    Path f = dir.resolve(FILE);
    JsonNode n;
    try {
      n = new ObjectMapper().readTree(f.toFile());
    } catch (IOException e) {
      throw new SourceException(f, "description de contribution illisible : " + e.getMessage(), e);
    }
    if (!"eduatlas-contribution".equals(text(n, "format"))) {
      throw new SourceException(f, "« format » doit valoir « eduatlas-contribution »");
    }
    if (!"1".equals(text(n, "version"))) {
      throw new SourceException(f, "version de format non prise en charge : " + text(n, "version"));
    }
    String id = text(n, "identifiant");
    if (id == null || !ID.matcher(id).matches()) {
      throw new SourceException(
          f, "« identifiant » manquant ou invalide (minuscules, chiffres, tirets)");
    }
    String producer = text(n, "producteur");
    String licence = text(n, "licence");
    if (producer == null || licence == null) {
      throw new SourceException(f, "« producteur » et « licence » sont obligatoires");
    }
    JsonNode sim = n.get("simule");
    if (sim == null || !sim.isBoolean()) {
      throw new SourceException(f, "« simule » doit valoir true ou false");
    }
    return new ContributionManifest(
        dir, id, producer, licence, sim.asBoolean(), text(n, "description"), pole(f, n));
  }

  /**
   * The contributions under {@code dir}: the folder itself when it holds a {@code
   * contribution.json}, else each of its sub-folders that does, in name order.
   */
  public static List<ContributionManifest> discover(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) {
      throw new SourceException(dir, "dossier de contributions introuvable");
    }
    if (Files.isRegularFile(dir.resolve(FILE))) {
      return List.of(read(dir));
    }
    var out = new ArrayList<ContributionManifest>();
    try (Stream<Path> s = Files.list(dir)) {
      for (Path sub : s.filter(Files::isDirectory).sorted().toList()) {
        if (Files.isRegularFile(sub.resolve(FILE))) {
          out.add(read(sub));
        }
      }
    }
    return out;
  }

  private static Pole pole(Path f, JsonNode n) {
    JsonNode p = n.get("pole");
    if (p == null || p.isNull()) {
      return null;
    }
    JsonNode c = p.path("competence");
    String id = text(p, "id");
    String level = text(c, "niveau");
    String code = text(c, "code");
    if (id == null || level == null || code == null) {
      throw new SourceException(f, "« pole » : « id » et « competence » (niveau, code) attendus");
    }
    var types = new ArrayList<String>();
    c.path("types").forEach(t -> types.add(t.asText()));
    var datasets = new ArrayList<String>();
    c.path("jeux").forEach(t -> datasets.add(t.asText()));
    var versions = new java.util.TreeMap<String, Integer>();
    var published = new java.util.TreeMap<String, String>();
    p.path("versions")
        .properties()
        .forEach(
            e -> {
              versions.put(e.getKey(), e.getValue().path("numero").asInt());
              published.put(e.getKey(), e.getValue().path("publie_le").asText(null));
            });
    return new Pole(
        id, level, code, List.copyOf(types), List.copyOf(datasets), versions, published);
  }

  private static String text(JsonNode n, String field) {
    JsonNode v = n.get(field);
    return v == null || v.isNull() ? null : v.asText();
  }
}
