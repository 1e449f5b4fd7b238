package fr.eduatlas.api;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import fr.eduatlas.geo.GeoJson;
import fr.eduatlas.indicator.Catalog;
import fr.eduatlas.observatory.IndicatorValues;
import fr.eduatlas.observatory.LevelCount;
import fr.eduatlas.observatory.Programme;
import fr.eduatlas.observatory.School;
import fr.eduatlas.observatory.SchoolDetail;
import fr.eduatlas.observatory.SearchHit;
import fr.eduatlas.observatory.Territory;
import fr.eduatlas.observatory.TerritoryProfile;
import fr.eduatlas.observatory.Value;
import fr.eduatlas.source.SourceEntry;
import fr.eduatlas.source.SourceManifest;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.locationtech.jts.geom.Geometry;

/**
 * The JSON representation of the read model's records, the same wherever they show ({@code
 * /api/v1}, {@code /ogc}, the tiles' TileJSON): one place that names the fields.
 */
final class JsonViews {
  /** The contribution datasets, in words (a source's title, never a raw identifier). */
  private static final java.util.Map<String, String> DATASET_WORDS =
      java.util.Map.of(
          "connectivite", "connectivité",
          "equipement", "équipement numérique",
          "usages", "usages du numérique",
          "tests_debit", "tests de débit");

  static final String SIMULATED_NOTE =
      "données simulées : chiffres d'établissement produits par le simulateur d'EduAtlas,"
          + " calibrés sur les agrégats publiés";

  private static final Map<String, SourceEntry> SOURCES =
      SourceManifest.bundled().entries().stream()
          .collect(Collectors.toMap(SourceEntry::id, e -> e));

  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
  private final ObjectMapper json = new ObjectMapper();
  private final Catalog catalog;

  JsonViews(Catalog catalog) {
    this.catalog = catalog;
  }

  byte[] bytes(JsonNode n) throws IOException {
    return json.writeValueAsBytes(n);
  }

  ArrayNode levels(List<LevelCount> levels) {
    ArrayNode out = NODES.arrayNode();
    for (LevelCount l : levels) {
      out.addObject().put("id", l.id()).put("label", l.label()).put("territories", l.territories());
    }
    return out;
  }

  ObjectNode search(String q, List<SearchHit> hits) {
    ObjectNode out = NODES.objectNode();
    out.put("q", q);
    ArrayNode items = out.putArray("territories");
    for (SearchHit h : hits) {
      Territory t = h.territory();
      ObjectNode n = items.addObject();
      n.put("level", t.level()).put("code", t.code()).put("name", t.name());
      if (h.parent() != null) {
        n.putObject("parent")
            .put("level", h.parent().level())
            .put("code", h.parent().code())
            .put("name", h.parent().name());
      }
      n.put("href", href(t));
    }
    return out;
  }

  private static String href(Territory t) {
    return "/api/v1/territories/" + t.level() + "/" + t.code();
  }

  ObjectNode profile(TerritoryProfile p) {
    Territory t = p.territory();
    ObjectNode out = NODES.objectNode();
    out.put("level", t.level()).put("code", t.code()).put("name", t.name());
    ArrayNode crumbs = out.putArray("breadcrumb");
    for (Territory a : p.breadcrumb()) {
      crumbs
          .addObject()
          .put("level", a.level())
          .put("code", a.code())
          .put("name", a.name())
          .put("href", href(a));
    }
    ArrayNode cmp = out.putArray("comparedWith");
    for (Territory x : p.comparedWith()) {
      cmp.addObject().put("level", x.level()).put("code", x.code()).put("name", x.name());
    }
    out.putObject("schools")
        .put("count", p.schools())
        .put("pupils", p.pupils())
        // France's schools are all of them: the schools route has no "france" filter.
        .put(
            "href",
            t.level().equals("france")
                ? "/api/v1/schools"
                : "/api/v1/schools?" + t.level() + "=" + t.code());
    ArrayNode indicators = out.putArray("indicators");
    for (TerritoryProfile.IndicatorSeries s : p.indicators()) {
      ObjectNode n = indicators.addObject();
      describe(n, s.indicator());
      if (s.latest() == null) {
        n.putNull("latest");
        n.putArray("series");
        continue;
      }
      n.set("latest", value(s.latest()));
      ArrayNode series = n.putArray("series");
      s.series().forEach(v -> series.add(value(v)));
      ArrayNode parents = n.putArray("compared");
      for (TerritoryProfile.Compared c : s.compared()) {
        ObjectNode x = parents.addObject();
        x.put("level", c.territory().level()).put("code", c.territory().code());
        x.put("name", c.territory().name());
        x.put("value", c.value());
        x.put("period", c.period());
      }
    }
    if (p.withOutline()) {
      out.set("geometry", geometry(p.outline(), 6));
    }
    return out;
  }

  /** An outline as GeoJSON with {@code decimals} decimals, or JSON null. */
  static JsonNode geometry(Geometry g, int decimals) {
    return g == null ? NODES.nullNode() : GeoJson.write(g, decimals);
  }

  /** One value: period, figure, status, simulated, coverage, appraisal. */
  static ObjectNode value(Value v) {
    ObjectNode n = NODES.objectNode();
    n.put("period", v.period());
    n.put("value", v.value());
    n.put("status", v.status());
    n.put("simulated", v.simulated());
    Value.Coverage c = v.coverage();
    if (c != null) {
      ObjectNode cov = n.putObject("coverage");
      cov.put("schools", c.schools()).put("schoolsTotal", c.schoolsTotal());
      cov.put("schoolsShare", c.schoolsShare());
      cov.put("pupils", c.pupils()).put("pupilsTotal", c.pupilsTotal());
      cov.put("pupilsShare", c.pupilsShare());
      real(cov, c);
    }
    if (v.appraisal() != null) {
      n.put("appraisal", v.appraisal());
    }
    if (v.note() != null) {
      n.put("note", v.note());
    }
    return n;
  }

  /** What the simulation still stands in for among the covered schools. */
  private static void real(ObjectNode cov, Value.Coverage c) {
    cov.put("realSchools", c.realSchools());
    cov.put("realShare", c.realShare());
    cov.put("simulatedShare", c.simulatedShare());
  }

  /** An indicator's definition: unit, sources with their vintage, aggregation, simulation. */
  void describe(ObjectNode n, Catalog.Indicator i) {
    n.put("id", i.id());
    n.put("label", i.label());
    n.put("description", i.description());
    n.put("theme", i.theme());
    n.put("unit", i.unit());
    n.put("direction", i.direction());
    n.put("grain", i.grain());
    ArrayNode s = n.putArray("sources");
    i.sources().forEach(s::add);
    // What a legend or a footnote cites: each source's title, publisher and vintage.
    ArrayNode sd = n.putArray("sourceDetails");
    for (String id : i.sources()) {
      ObjectNode d = sd.addObject().put("id", id);
      SourceEntry e = SOURCES.get(id);
      if (e != null) {
        d.put("title", e.title()).put("publisher", e.publisher()).put("vintage", e.vintage());
        d.put("licence", e.licence()).put("page", e.page());
      } else if (id.startsWith("contributions:")) {
        d.put(
            "title",
            "Données des établissements : "
                + DATASET_WORDS.getOrDefault(id.substring(14), id.substring(14)));
        d.put("publisher", "académies et collectivités ; ici simulées par EduAtlas");
        d.put("licence", "Licence Ouverte 2.0");
      }
    }
    ArrayNode cl = n.putArray("classes");
    i.classes().forEach(cl::add);
    n.put(
        "aggregation",
        i.median()
            ? "médiane de « " + i.numerator() + " » sur les établissements du territoire"
            : i.denominator() == null
                ? "somme de « " + i.numerator() + " »" + (i.scale() == 1 ? "" : " × " + i.scale())
                : "somme de « "
                    + i.numerator()
                    + " » / somme de « "
                    + i.denominator()
                    + " »"
                    + (i.scale() == 1 ? "" : " × " + fmt(i.scale())));
    if (!i.direction().equals("neutral")) {
      n.put("appraisal", catalog.benchmark().description());
    }
    n.put("simulated", i.fromContributions());
    if (i.fromContributions()) {
      n.put("simulatedNote", SIMULATED_NOTE);
    }
    if (i.suppressBelow() != null) {
      n.put(
          "secret",
          "valeur non publiée en dessous de "
              + i.suppressBelow()
              + " enseignants répondants, ou si elle pouvait s'en déduire");
    }
    n.put("href", "/api/v1/indicators/" + i.id());
  }

  private static String fmt(double d) {
    return d == Math.rint(d) ? String.valueOf((long) d) : String.valueOf(d);
  }

  ObjectNode indicator(Catalog.Indicator i, List<String> periods) {
    ObjectNode n = NODES.objectNode();
    describe(n, i);
    ArrayNode p = n.putArray("periods");
    periods.forEach(p::add);
    n.put("values", "/api/v1/indicators/" + i.id() + "/values");
    return n;
  }

  /** An indicator's values, streamed: 35k values would otherwise be built as a tree first. */
  byte[] values(IndicatorValues v) throws IOException {
    var bytes = new ByteArrayOutputStream(v.rows().size() * 160 + 2048);
    try (JsonGenerator g = json.getFactory().createGenerator(bytes)) {
      g.writeStartObject();
      ObjectNode meta = NODES.objectNode();
      describe(meta, v.indicator());
      g.writeFieldName("indicator");
      g.writeTree(meta);
      g.writeStringField("level", v.level());
      g.writeStringField("period", v.period());
      if (v.within() != null) {
        g.writeObjectFieldStart("within");
        g.writeStringField("level", v.within().level());
        g.writeStringField("code", v.within().code());
        g.writeStringField("name", v.within().name());
        g.writeEndObject();
      }
      g.writeArrayFieldStart("values");
      for (IndicatorValues.Row r : v.rows()) {
        Value x = r.value();
        g.writeStartObject();
        g.writeStringField("code", r.code());
        g.writeStringField("name", r.name());
        g.writeStringField("period", v.period());
        if (x.value() == null) {
          g.writeNullField("value");
        } else {
          g.writeNumberField("value", x.value());
        }
        g.writeStringField("unit", v.indicator().unit());
        g.writeStringField("status", x.status());
        if (x.appraisal() != null) {
          g.writeStringField("appraisal", x.appraisal());
        }
        if (x.note() != null) {
          g.writeStringField("note", x.note());
        }
        g.writeBooleanField("simulated", x.simulated());
        Value.Coverage c = x.coverage();
        if (c != null) {
          g.writeObjectFieldStart("coverage");
          g.writeNumberField("schools", c.schools());
          g.writeNumberField("schoolsTotal", c.schoolsTotal());
          g.writeNumberField("pupils", c.pupils());
          g.writeNumberField("pupilsTotal", c.pupilsTotal());
          g.writeNumberField("realSchools", c.realSchools());
          g.writeNumberField("realShare", c.realShare());
          g.writeNumberField("simulatedShare", c.simulatedShare());
          g.writeEndObject();
        }
        g.writeEndObject();
      }
      g.writeEndArray();
      g.writeEndObject();
    }
    return bytes.toByteArray();
  }

  /** A value's properties as a GeoJSON feature carries them. */
  static ObjectNode valueProperties(IndicatorValues v, IndicatorValues.Row r) {
    ObjectNode p = NODES.objectNode();
    Value x = r.value();
    p.put("code", r.code()).put("name", r.name()).put("period", v.period());
    p.put("value", x.value());
    p.put("unit", v.indicator().unit()).put("status", x.status()).put("simulated", x.simulated());
    Value.Coverage c = x.coverage();
    if (c != null) {
      ObjectNode cov = p.putObject("coverage");
      cov.put("schools", c.schools()).put("schoolsTotal", c.schoolsTotal());
      cov.put("pupils", c.pupils()).put("pupilsTotal", c.pupilsTotal());
      real(cov, c);
    }
    if (x.appraisal() != null) {
      p.put("appraisal", x.appraisal());
    }
    if (x.note() != null) {
      p.put("note", x.note());
    }
    return p;
  }

  /** A school as JSON: the same in every API. */
  static ObjectNode school(School s) {
    ObjectNode n = NODES.objectNode();
    n.put("uai", s.uai()).put("name", s.name()).put("type", s.type());
    n.put("sector", s.sector());
    n.put("pupils", s.pupils());
    n.put("ips", s.ips());
    n.put("commune", s.commune()).put("communeName", s.communeName());
    n.put("lon", s.lon()).put("lat", s.lat());
    n.put("location", s.location());
    n.put("locationNote", s.locationNote());
    if (s.bandwidthClass() == null) {
      n.putNull("bandwidthClass");
    } else {
      n.put("bandwidthClass", s.bandwidthClass());
      n.put("bandwidthClassLabel", School.BANDWIDTH_CLASSES.get(s.bandwidthClass()));
      n.put("bandwidthYear", s.bandwidthYear());
      n.put("simulated", s.simulated());
    }
    n.put("communeDensityLevel", s.communeDensityLevel());
    // Where the bandwidth class comes from: the contribution and, for a hub's data, its version.
    School.Provenance p = s.provenance();
    if (p != null) {
      ObjectNode o = n.putObject("provenance");
      o.put("contribution", p.contribution());
      o.put("simulated", p.simulated());
      if (p.hub() != null) {
        o.put("hub", p.hub()).put("version", p.version()).put("publishedAt", p.publishedAt());
      }
    }
    n.put("href", "/api/v1/schools/" + s.uai());
    return n;
  }

  ObjectNode schoolDetail(SchoolDetail d) {
    ObjectNode n = school(d.school());
    n.set("connectivity", rows(d.connectivity()));
    n.set("equipment", rows(d.equipment()));
    n.set("speedTests", rows(d.speedTests()));
    n.put("simulatedNote", SIMULATED_NOTE);
    return n;
  }

  private ArrayNode rows(List<Map<String, Object>> rows) {
    ArrayNode out = NODES.arrayNode();
    for (var row : rows) {
      out.add(json.<JsonNode>valueToTree(row));
    }
    return out;
  }

  ArrayNode programmes(List<Programme> programmes) {
    ArrayNode out = NODES.arrayNode();
    for (Programme p : programmes) {
      out.add(programme(p));
    }
    return out;
  }

  /** A programme's evaluation, with its method and, on simulated data, what it cannot say. */
  ObjectNode evaluation(fr.eduatlas.observatory.ProgrammeEvaluation e) {
    ObjectNode n = json.valueToTree(e);
    n.put(
        "method",
        "différence de différences : chaque département du programme est comparé aux "
            + e.matches()
            + " départements hors programme les plus proches avant le programme (part de"
            + " population rurale, IPS moyen, débit mesuré moyen, ordinateurs pour 100 élèves,"
            + " niveau de l'indicateur jusqu'en "
            + (e.baseline() - 1)
            + "-"
            + e.baseline()
            + ", centrés réduits) ; son effet est l'évolution de l'indicateur entre les années"
            + " avant la première année scolaire de sa vague et les années depuis, moins celle de"
            + " ses témoins ; l'effet du programme est la moyenne sur ses départements, avec un"
            + " intervalle à 95 % par bootstrap sur les départements traités ("
            + fr.eduatlas.observatory.Evaluation.DRAWS
            + " tirages). Temps d'évènement : la même comparaison année par année face à l'année"
            + " précédant la première année scolaire. Placebo : la même méthode avant le programme,"
            + " avec une date avancée d'un an (il doit être nul). Méthode détaillée :"
            + " docs/EVALUATION.md.");
    if (e.simulated()) {
      n.put(
          "warning",
          "Ces résultats portent sur des données simulées : l'effet estimé est celui que le"
              + " simulateur a introduit dans les départements du programme, pas un effet"
              + " observé. Ils montrent que la méthode retrouve un effet connu ; ils ne disent"
              + " rien de l'effet réel du programme.");
    }
    n.put("href", "/api/v1/programmes/" + e.programme() + "/evaluation");
    return n;
  }

  /** A programme's monitoring, each figure with its coverage and whether it is simulated. */
  ObjectNode monitoring(fr.eduatlas.observatory.ProgrammeMonitoring m) {
    ObjectNode n = json.valueToTree(m);
    n.put(
        "method",
        "valeur d'un groupe de départements : somme des numérateurs sur somme des dénominateurs"
            + " des départements publiés (valeurs secrètes écartées), comme toute valeur du"
            + " catalogue ; « programme » : les départements du programme, « others » : les autres"
            + " départements, « france » : la France, « comparable » : les départements que"
            + " l'évaluation apparie à ceux du programme (indicateurs évalués) ; une cible se"
            + " mesure sur les départements de"
            + " sa vague, à la dernière période publiée");
    n.put("href", "/api/v1/programmes/" + m.programme() + "/suivi");
    return n;
  }

  /**
   * A programme: its départements with their wave and first school year, then the file's definition
   * (levers, funders, waves and phases, targets, achievements, sources).
   */
  ObjectNode programme(Programme p) {
    ObjectNode n = NODES.objectNode();
    n.put("id", p.id()).put("label", p.label());
    n.put("source", p.source());
    ArrayNode deps = n.putArray("departements");
    for (Programme.Member m : p.departements()) {
      deps.addObject()
          .put("code", m.code())
          .put("name", m.name())
          .put("firstSchoolYear", m.firstSchoolYear())
          .put("wave", m.wave());
    }
    var def = fr.eduatlas.territory.Programmes.definition(p.id());
    for (String f :
        List.of(
            "summary",
            "operators",
            "levers",
            "funders",
            "waves",
            "targets",
            "achievements",
            "sources")) {
      if (def != null && def.has(f)) {
        n.set(f, def.get(f));
      }
    }
    n.put("href", "/api/v1/programmes/" + p.id());
    return n;
  }
}
