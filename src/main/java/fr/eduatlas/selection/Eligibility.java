package fr.eduatlas.selection;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The eligibility of a commune for a selection: the perimeter (territories the criteria name,
 * checked to exist) and the rules of {@link SelectionRun#RULES} in their order, the first failed
 * one reported with its detail in French.
 */
final class Eligibility {
  private Eligibility() {}

  /** The perimeter's codes per level; an unknown territory is an invalid criterion. */
  static Map<String, List<String>> perimeter(Criteria c, NeedsQuery.Facts f) {
    var out = new HashMap<String, List<String>>();
    var unknown = new ArrayList<String>();
    java.util.Set<String> communes = null;
    for (String p : c.eligibility().perimeter()) {
      if (p.startsWith("commune:")) {
        if (communes == null) {
          communes = new java.util.HashSet<>();
          for (var x : f.communes()) {
            communes.add(x.code());
          }
        }
        if (!communes.contains(p.substring(8))) {
          unknown.add("eligibility.perimeter : commune inconnue « " + p + " »");
        }
      } else if (p.startsWith("programme:")) {
        if (fr.eduatlas.territory.Programmes.name(p.substring(10)) == null) {
          unknown.add("eligibility.perimeter : programme inconnu « " + p + " »");
        }
      } else if (!f.territories().containsKey(p)) {
        unknown.add("eligibility.perimeter : territoire inconnu « " + p + " »");
      }
      String[] lc = p.split(":", 2);
      out.computeIfAbsent(lc[0], k -> new ArrayList<>()).add(lc[1]);
    }
    if (!unknown.isEmpty()) {
      throw new InvalidCriteriaException(unknown);
    }
    return out;
  }

  private static boolean in(Map<String, List<String>> perimeter, String level, String code) {
    return code != null && perimeter.getOrDefault(level, List.of()).contains(code);
  }

  /** Whether the commune lies in one of the perimeter's programmes (any of its territories). */
  private static boolean inProgramme(Map<String, List<String>> perimeter, CommuneNeeds x) {
    for (String id : perimeter.getOrDefault("programme", List.of())) {
      var keys = fr.eduatlas.territory.Programmes.perimeter(id);
      for (String k :
          new String[] {
            "commune:" + x.code(),
            "epci:" + x.epciCode(),
            "departement:" + x.departementCode(),
            "academie:" + x.academieCode(),
            "region:" + x.regionCode()
          }) {
        if (keys.contains(k)) {
          return true;
        }
      }
    }
    return false;
  }

  /** The first rule that excludes the commune, with its detail, or null if eligible. */
  static String[] exclude(CommuneNeeds x, Criteria c, Map<String, List<String>> perimeter) {
    var e = c.eligibility();
    // A commune of an overseas collectivity has no département, académie or région: it lies in no
    // such perimeter (List.of().contains(null) would throw).
    if (!perimeter.isEmpty()
        && !(in(perimeter, "region", x.regionCode())
            || in(perimeter, "academie", x.academieCode())
            || in(perimeter, "departement", x.departementCode())
            || in(perimeter, "epci", x.epciCode())
            || in(perimeter, "commune", x.code())
            || inProgramme(perimeter, x))) {
      return new String[] {"perimetre", "hors du périmètre " + String.join(", ", e.perimeter())};
    }
    if (x.densityLevel() == null) {
      return new String[] {"densite", "niveau de la grille de densité inconnu"};
    }
    if (!e.densityLevels().contains(x.densityLevel())) {
      return new String[] {
        "densite",
        "niveau de densité " + x.densityLevel() + " hors des niveaux retenus " + e.densityLevels()
      };
    }
    if (e.maxPopulation() != null) {
      if (x.population() == null) {
        return new String[] {"population", "population municipale inconnue"};
      }
      if (x.population() >= e.maxPopulation()) {
        return new String[] {
          "population",
          "population municipale "
              + x.population()
              + " habitants, plafond "
              + e.maxPopulation()
              + " (exclu)"
        };
      }
    }
    if (x.schools() < e.minSchools()) {
      return new String[] {
        "etablissements",
        x.schools()
            + " établissement(s) de type "
            + String.join(", ", e.schoolTypes())
            + ", minimum "
            + e.minSchools()
      };
    }
    if (x.schoolsKnown() == 0) {
      return new String[] {
        "connectivite",
        "connectivité d'aucun établissement connue pour l'année scolaire "
            + (c.year() - 1)
            + "-"
            + c.year()
      };
    }
    return null;
  }
}
