package fr.eduatlas.indicator;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The indicator catalog ({@code /indicators.json}): what each figure means, its unit, how it is
 * aggregated (a ratio of sums of {@link Facts}, or a median over the schools of a school-level
 * measure), its sources and classes. Loaded once and checked whole: a catalog naming an unknown
 * fact or source does not load.
 */
public final class Catalog {
  private static final Pattern ID = Pattern.compile("[a-z][a-z0-9-]{1,60}");
  private static final Set<String> DIRECTIONS = Set.of("higher-better", "lower-better", "neutral");
  private static final Set<String> GRAINS = Set.of("commune", "etablissement");

  /** One indicator, as the catalog file declares it. */
  @JsonIgnoreProperties(ignoreUnknown = false)
  public record Indicator(
      String id,
      String theme,
      String label,
      String description,
      String unit,
      double scale,
      String numerator,
      String denominator,
      String coverage,
      String grain,
      List<String> sources,
      String direction,
      List<Double> classes,
      Integer suppressBelow,
      String statistic,
      List<Gap> knownGaps) {

    /**
     * Whether its values are counts (a sum with no denominator and no statistic: premises,
     * inhabitants, pupils), which grow with the territory and so are not compared with France's.
     */
    public boolean isCount() {
      return denominator == null && statistic == null;
    }

    /** Whether its values come from the school-level contributions (simulated or real). */
    public boolean fromContributions() {
      return coverage != null;
    }

    /**
     * Whether the value is the median over the territory's schools of the school-level measure its
     * numerator names ({@link #MEDIAN_MEASURES}), rather than the ratio of sums.
     */
    public boolean median() {
      return "median".equals(statistic);
    }
  }

  /**
   * A known hole in an indicator's source: the communes of a département it gives no value for, and
   * why (shown on the values, "sans-donnees" or partial, of the territories concerned).
   */
  public record Gap(String departement, String reason) {}

  /**
   * The school-level measures a median indicator may name, by the fact its numerator sums: the
   * measured download of each school with connectivity data (no connection counting as 0).
   */
  public static final Set<String> MEDIAN_MEASURES = Set.of("down_measured");

  /** How a value is appraised against France: {@code margin} is relative (0.1 = 10 %). */
  public record Benchmark(String description, double margin) {}

  private record File(
      String description, int version, Benchmark benchmark, List<Indicator> indicators) {}

  private final Map<String, Indicator> byId;
  private final Benchmark benchmark;

  private Catalog(List<Indicator> indicators, Benchmark benchmark) {
    var m = new LinkedHashMap<String, Indicator>();
    indicators.forEach(i -> m.put(i.id(), i));
    this.byId = java.util.Collections.unmodifiableMap(m);
    this.benchmark = benchmark;
  }

  public Benchmark benchmark() {
    return benchmark;
  }

  /**
   * A value appraised against France's for the same period: {@code favorable}, {@code proche} or
   * {@code defavorable} by the indicator's direction and the catalog's margin; null when the
   * indicator is neutral, counts things (a territory's count against France's says only that it is
   * smaller) or either value is missing.
   */
  public String appraise(Indicator i, Double value, Double france) {
    if (value == null || france == null || i.direction().equals("neutral") || i.isCount()) {
      return null;
    }
    double band = Math.abs(france) * benchmark.margin();
    if (Math.abs(value - france) <= band) {
      return "proche";
    }
    boolean above = value > france;
    return above == i.direction().equals("higher-better") ? "favorable" : "defavorable";
  }

  /** The catalog shipped with EduAtlas, checked against {@code sourceIds}. */
  public static Catalog load(Set<String> sourceIds) {
    try (InputStream in = Catalog.class.getResourceAsStream("/indicators.json")) {
      if (in == null) {
        throw new IllegalStateException("indicators.json is missing from the classpath");
      }
      return parse(in, sourceIds);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static Catalog parse(InputStream in, Set<String> sourceIds) throws IOException {
    var mapper = new ObjectMapper().enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES);
    File f = mapper.readValue(in, File.class);
    var problems = new ArrayList<String>();
    var ids = new HashSet<String>();
    for (Indicator i : f.indicators()) {
      String at = "indicator '" + i.id() + "': ";
      if (i.id() == null || !ID.matcher(i.id()).matches() || !ids.add(i.id())) {
        problems.add(at + "id missing, malformed or repeated");
      }
      for (String text : new String[] {i.theme(), i.label(), i.description(), i.unit()}) {
        if (text == null || text.isBlank()) {
          problems.add(at + "theme, label, description and unit are required");
          break;
        }
      }
      if (!(i.scale() > 0)) {
        problems.add(at + "scale must be positive");
      }
      if (!Facts.NAMES.contains(i.numerator())) {
        problems.add(at + "unknown numerator fact '" + i.numerator() + "'");
      }
      if (i.denominator() != null && !Facts.NAMES.contains(i.denominator())) {
        problems.add(at + "unknown denominator fact '" + i.denominator() + "'");
      }
      if (i.coverage() != null && !Facts.DATASETS.contains(i.coverage())) {
        problems.add(at + "unknown coverage dataset '" + i.coverage() + "'");
      }
      if (!GRAINS.contains(i.grain()) || !DIRECTIONS.contains(i.direction())) {
        problems.add(at + "grain or direction not one of " + GRAINS + ", " + DIRECTIONS);
      }
      if (i.sources() == null || i.sources().isEmpty()) {
        problems.add(at + "no source");
      } else {
        for (String s : i.sources()) {
          boolean contribution =
              s.startsWith("contributions:")
                  && fr.eduatlas.source.contrib.ContributionManifest.DATASETS.contains(
                      s.substring("contributions:".length()));
          if (!contribution && !sourceIds.contains(s)) {
            problems.add(at + "unknown source '" + s + "'");
          }
        }
      }
      List<Double> c = i.classes();
      if (c == null || c.isEmpty()) {
        problems.add(at + "no class thresholds");
      } else {
        for (int k = 1; k < c.size(); k++) {
          if (!(c.get(k) > c.get(k - 1))) {
            problems.add(at + "class thresholds must increase");
          }
        }
      }
      if (i.knownGaps() != null) {
        for (Gap g : i.knownGaps()) {
          if (g.departement() == null
              || !fr.eduatlas.territory.Level.DEPARTEMENT.hasCodeShape(g.departement())
              || g.reason() == null
              || g.reason().isBlank()) {
            problems.add(at + "a known gap names a département and its reason");
          }
        }
      }
      if (i.statistic() != null && !Set.of("ratio", "median").contains(i.statistic())) {
        problems.add(at + "statistic is 'ratio' (the default) or 'median'");
      }
      if (i.median() && !MEDIAN_MEASURES.contains(i.numerator())) {
        problems.add(at + "a median is computed over a school-level measure " + MEDIAN_MEASURES);
      }
      if (i.suppressBelow() != null && !"respondents".equals(i.denominator())) {
        problems.add(at + "suppressBelow applies to a count of respondents only");
      }
    }
    if (f.benchmark() == null || !(f.benchmark().margin() >= 0)) {
      problems.add("benchmark: a margin of 0 or more is required");
    }
    if (!problems.isEmpty()) {
      throw new IllegalStateException("indicators.json: " + String.join("; ", problems));
    }
    return new Catalog(f.indicators(), f.benchmark());
  }

  public List<Indicator> all() {
    return List.copyOf(byId.values());
  }

  public Optional<Indicator> find(String id) {
    return Optional.ofNullable(byId.get(id));
  }

  public Set<String> ids() {
    return byId.keySet();
  }
}
