package fr.eduatlas.territory;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.YearMonth;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * National programmes that single out territories, from the project's data file {@code
 * data/programmes.json} (packaged as {@code /programmes.json}): territories, waves, phases with
 * their dates, levers, funders, published targets and achievements, each with its source. The file
 * is checked as it is loaded ({@link #check}): a target naming an unknown lever or source, a phase
 * with a malformed date, a wave whose first school year precedes its deployment, stop the load.
 *
 * <p>Territoires numériques éducatifs (TNE): the pilots (Aisne, Val-d'Oise) deployed from September
 * 2020, so their first school year is 2020-2021; the ten départements of the second wave made their
 * territorial diagnosis in 2021, signed their conventions from December 2021 to May 2022 and
 * deployed from September 2022: their first school year is 2022-2023.
 */
public final class Programmes {
  private Programmes() {}

  private static final JsonNode DOCUMENT = load();

  /** TNE départements and the first school year (by its end) of their programme's deployment. */
  public static final Map<String, Integer> TNE_START = members("tne");

  /** Whether a département is a TNE territory (whatever the year). */
  public static boolean isTne(String departement) {
    return departement != null && TNE_START.containsKey(departement);
  }

  /** The programmes' identifiers, in the file's order. */
  public static List<String> ids() {
    var out = new ArrayList<String>();
    DOCUMENT.path("programmes").forEach(p -> out.add(p.path("id").asText()));
    return out;
  }

  /** A programme's definition as the file gives it, or null if there is none with that id. */
  public static JsonNode definition(String id) {
    for (JsonNode p : DOCUMENT.path("programmes")) {
      if (p.path("id").asText().equals(id)) {
        return p.deepCopy();
      }
    }
    return null;
  }

  /** A programme's name, or null if there is none with that id. */
  public static String name(String id) {
    JsonNode p = definition(id);
    return p == null ? null : p.path("name").asText();
  }

  /** The file's version (the day it was last edited). */
  public static String version() {
    return DOCUMENT.path("version").asText();
  }

  /** A programme's départements with their wave's first school year (by its end), sorted. */
  public static Map<String, Integer> members(String id) {
    JsonNode p = definition(id);
    var out = new TreeMap<String, Integer>();
    if (p != null) {
      for (JsonNode w : p.path("waves")) {
        for (JsonNode d : w.path("departements")) {
          out.put(d.asText(), w.path("firstSchoolYear").asInt());
        }
      }
    }
    return java.util.Collections.unmodifiableMap(out);
  }

  /** A lever of a programme and the indicators (catalog ids) that measure it. */
  public record Lever(String id, String label, List<String> indicators) {}

  /**
   * A published target: its wave (null: the whole programme), value (null: not quantified), unit
   * and the indicator that measures it (null: none).
   */
  public record Target(
      String id, String label, String wave, Double value, String unit, String indicator) {}

  /** A programme's levers, in the file's order; empty for an unknown id. */
  public static List<Lever> levers(String id) {
    var out = new ArrayList<Lever>();
    JsonNode p = definition(id);
    if (p != null) {
      for (JsonNode l : p.path("levers")) {
        var ids = new ArrayList<String>();
        l.path("indicators").forEach(x -> ids.add(x.asText()));
        out.add(new Lever(l.path("id").asText(), l.path("label").asText(), List.copyOf(ids)));
      }
    }
    return out;
  }

  /** A programme's published targets, in the file's order; empty for an unknown id. */
  public static List<Target> targets(String id) {
    var out = new ArrayList<Target>();
    JsonNode p = definition(id);
    if (p != null) {
      for (JsonNode t : p.path("targets")) {
        out.add(
            new Target(
                t.path("id").asText(),
                t.path("label").asText(),
                t.path("wave").isTextual() ? t.path("wave").asText() : null,
                t.path("value").isNumber() ? t.path("value").asDouble() : null,
                t.path("unit").asText(),
                t.path("indicator").isTextual() ? t.path("indicator").asText() : null));
      }
    }
    return out;
  }

  /** The levels a wave's {@code territories} may name. */
  public static final Set<String> LEVELS =
      Set.of("commune", "epci", "departement", "academie", "region");

  /**
   * A programme's perimeter as "level:code" keys: its waves' départements and the territories of
   * any level they name (a programme of communes, of EPCI…), sorted; empty for an unknown id.
   */
  public static List<String> perimeter(String id) {
    var out = new java.util.TreeSet<String>();
    JsonNode p = definition(id);
    if (p != null) {
      for (JsonNode w : p.path("waves")) {
        w.path("departements").forEach(d -> out.add("departement:" + d.asText()));
        w.path("territories")
            .forEach(t -> out.add(t.path("level").asText() + ":" + t.path("code").asText()));
      }
    }
    return List.copyOf(out);
  }

  /** A département's wave in a programme, or null. */
  public static String wave(String id, String departement) {
    JsonNode p = definition(id);
    if (p != null) {
      for (JsonNode w : p.path("waves")) {
        for (JsonNode d : w.path("departements")) {
          if (d.asText().equals(departement)) {
            return w.path("id").asText();
          }
        }
      }
    }
    return null;
  }

  private static JsonNode load() {
    try (InputStream in = Programmes.class.getResourceAsStream("/programmes.json")) {
      if (in == null) {
        throw new IllegalStateException("programmes.json is not on the classpath");
      }
      JsonNode doc = new ObjectMapper().readTree(in);
      List<String> errors = check(doc);
      if (!errors.isEmpty()) {
        throw new IllegalStateException("data/programmes.json: " + String.join("; ", errors));
      }
      return doc;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Every inconsistency of a programmes document, empty when it is sound. */
  public static List<String> check(JsonNode doc) {
    var errors = new ArrayList<String>();
    var ids = new java.util.HashSet<String>();
    for (JsonNode p : doc.path("programmes")) {
      String id = p.path("id").asText();
      if (!id.matches("[a-z][a-z0-9-]{1,30}") || !ids.add(id)) {
        errors.add("programme id '" + id + "' malformed or repeated");
      }
      Set<String> sources = new java.util.HashSet<>();
      p.path("sources").fieldNames().forEachRemaining(sources::add);
      Set<String> levers = new java.util.HashSet<>();
      p.path("levers").forEach(l -> levers.add(l.path("id").asText()));
      Map<String, JsonNode> waves = new LinkedHashMap<>();
      p.path("waves").forEach(w -> waves.put(w.path("id").asText(), w));
      var seen = new java.util.HashSet<String>();
      for (JsonNode w : waves.values()) {
        String at = id + "/" + w.path("id").asText();
        for (JsonNode d : w.path("departements")) {
          if (!isDepartement(d.asText()) || !seen.add(d.asText())) {
            errors.add(at + ": département '" + d.asText() + "' malformed or in two waves");
          }
        }
        for (JsonNode t : w.path("territories")) {
          String level = t.path("level").asText();
          String code = t.path("code").asText();
          if (!LEVELS.contains(level) || !code.matches("[0-9A-Za-z]{1,9}")) {
            errors.add(at + ": territory '" + level + ":" + code + "' malformed");
          } else if (!seen.add(level + ":" + code)) {
            errors.add(at + ": territory '" + level + ":" + code + "' in two waves");
          }
        }
        YearMonth deployed = null;
        for (JsonNode ph : w.path("phases")) {
          source(ph, at + "/" + ph.path("id").asText(), sources, errors);
          YearMonth start = month(ph.path("start"), at, errors);
          YearMonth end = month(ph.path("end"), at, errors);
          if (start != null && end != null && end.isBefore(start)) {
            errors.add(at + "/" + ph.path("id").asText() + ": ends before it starts");
          }
          if (ph.path("id").asText().equals("deploiement")) {
            deployed = start;
          }
        }
        int first = w.path("firstSchoolYear").asInt();
        // A school year Y-1/Y runs from September Y-1: the first one after the deployment starts.
        if (deployed == null) {
          errors.add(at + ": no deployment phase");
        } else {
          int expected = deployed.getYear() + (deployed.getMonthValue() >= 9 ? 1 : 0);
          if (first != expected) {
            errors.add(
                at
                    + ": firstSchoolYear "
                    + first
                    + " but deployment from "
                    + deployed
                    + " (school year ending "
                    + expected
                    + ")");
          }
        }
      }
      for (String list : List.of("targets", "achievements")) {
        for (JsonNode t : p.path(list)) {
          String at = id + "/" + list + "/" + t.path("id").asText();
          source(t, at, sources, errors);
          if (!levers.contains(t.path("lever").asText())) {
            errors.add(at + ": unknown lever '" + t.path("lever").asText() + "'");
          }
          if (!t.path("wave").isNull() && !waves.containsKey(t.path("wave").asText())) {
            errors.add(at + ": unknown wave '" + t.path("wave").asText() + "'");
          }
          month(t.path("date"), at, errors);
        }
      }
      for (JsonNode f : p.path("funders")) {
        source(f, id + "/funders/" + f.path("name").asText(), sources, errors);
      }
    }
    return errors;
  }

  private static boolean isDepartement(String code) {
    try {
      return Codes.departement(code).equals(code);
    } catch (Codes.InvalidCodeException e) {
      return false;
    }
  }

  private static void source(JsonNode n, String at, Set<String> sources, List<String> errors) {
    if (!sources.contains(n.path("source").asText())) {
      errors.add(at + ": unknown source '" + n.path("source").asText() + "'");
    }
  }

  /**
   * A date as YYYY, YYYY-MM or YYYY-MM-DD, as its month (January for a year alone); null if none.
   */
  private static YearMonth month(JsonNode n, String at, List<String> errors) {
    if (n.isMissingNode() || n.isNull()) {
      return null;
    }
    String s = n.asText();
    try {
      if (s.matches("[0-9]{4}")) {
        return YearMonth.of(Integer.parseInt(s), 1);
      }
      if (s.matches("[0-9]{4}-[0-9]{2}")) {
        return YearMonth.parse(s);
      }
      return YearMonth.from(java.time.LocalDate.parse(s));
    } catch (DateTimeParseException e) {
      errors.add(at + ": malformed date '" + s + "'");
      return null;
    }
  }
}
