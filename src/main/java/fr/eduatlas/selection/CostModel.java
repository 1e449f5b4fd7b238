package fr.eduatlas.selection;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A parametric estimate of what connecting a commune's weak schools would cost: for each school
 * under the bandwidth threshold (or without connection), the likely way to connect it — a fibre
 * connection ("raccordement") where the commune's premises are FttH-connectable, else the
 * configured fallback (THD radio, fixed 4G/5G or satellite) — plus a digital space ("espace
 * numérique") per school. Every amount is a criteria parameter with a documented default; none is a
 * published price, so each says "hypothèse" (docs/SELECTION.md).
 *
 * @param fibreThreshold share of FttH-connectable premises (%) from which a school is connected by
 *     fibre
 * @param fibre a school's fibre connection, euros
 * @param thdRadio a THD radio installation, euros
 * @param mobile a fixed 4G/5G installation, euros
 * @param satellite a satellite installation, euros
 * @param fallback the way where the commune is not fibred: thd_radio, mobile or satellite
 * @param digitalSpace a digital space per school, euros
 */
public record CostModel(
    double fibreThreshold,
    double fibre,
    double thdRadio,
    double mobile,
    double satellite,
    String fallback,
    double digitalSpace) {

  public static CostModel defaults() {
    return new CostModel(80, 3000, 2500, 800, 1200, "thd_radio", 8000);
  }

  /** Where each default comes from. */
  public static final Map<String, String> SOURCES =
      Map.of(
          "fibreThreshold", "hypothèse : même seuil que l'indicateur « commune fibrée »",
          "fibre", "hypothèse : raccordement long d'un site public au réseau FttH",
          "thdRadio", "hypothèse : installation d'un accès THD radio",
          "mobile", "hypothèse : box 4G/5G fixe et antenne extérieure",
          "satellite", "hypothèse : kit satellite et installation",
          "fallback", "hypothèse : la THD radio là où la fibre ne passe pas",
          "digitalSpace", "hypothèse : équipement d'un espace numérique par établissement");

  /** What one commune would cost. */
  public record Estimate(String way, double perSchool, int schools, double total) {}

  /** The way and cost for a commune's weak schools (none weak: 0). */
  public Estimate estimate(CommuneNeeds c) {
    boolean fibred = !Double.isNaN(c.fibreCoverage()) && c.fibreCoverage() >= fibreThreshold;
    String way = fibred ? "fibre" : fallback;
    double connection =
        switch (way) {
          case "fibre" -> fibre;
          case "mobile" -> mobile;
          case "satellite" -> satellite;
          default -> thdRadio;
        };
    double perSchool = connection + digitalSpace;
    return new Estimate(way, perSchool, c.schoolsWeak(), perSchool * c.schoolsWeak());
  }

  static CostModel fromJson(JsonNode n) {
    CostModel d = defaults();
    if (n == null || n.isMissingNode() || n.isNull()) {
      return d;
    }
    return new CostModel(
        n.path("fibreThreshold").asDouble(d.fibreThreshold()),
        n.path("fibre").asDouble(d.fibre()),
        n.path("thdRadio").asDouble(d.thdRadio()),
        n.path("mobile").asDouble(d.mobile()),
        n.path("satellite").asDouble(d.satellite()),
        n.path("fallback").asText(d.fallback()),
        n.path("digitalSpace").asDouble(d.digitalSpace()));
  }

  /** The parameters by name, in their documented order. */
  private Map<String, Object> values() {
    var v = new LinkedHashMap<String, Object>();
    v.put("fibreThreshold", fibreThreshold);
    v.put("fibre", fibre);
    v.put("thdRadio", thdRadio);
    v.put("mobile", mobile);
    v.put("satellite", satellite);
    v.put("fallback", fallback);
    v.put("digitalSpace", digitalSpace);
    return v;
  }

  void write(ObjectNode o) {
    values()
        .forEach(
            (k, v) -> {
              if (v instanceof Double d) {
                o.put(k, d);
              } else {
                o.put(k, String.valueOf(v));
              }
            });
  }

  /** The parameters with their values and sources, for the selection's method. */
  public Map<String, Object> described() {
    var m = new LinkedHashMap<String, Object>();
    values()
        .forEach(
            (k, v) ->
                m.put(k, Map.of("valeur", v, "source", SOURCES.getOrDefault(k, "hypothèse"))));
    return m;
  }
}
