package fr.eduatlas.selection;

/**
 * A need criterion: its raw value per commune, and whether a higher raw value means more need. The
 * order of the constants is the order of explanations and of the score's sum.
 */
public enum Criterion {
  WEAK_SHARE(
      "weakShare",
      "Part des établissements à débit faible ou sans connexion",
      "%",
      true,
      "établissements des types retenus dont le débit descendant mesuré (à défaut souscrit) est"
          + " inférieur au seuil, ou sans connexion, sur ceux dont la connectivité est connue"),
  PUPILS_AFFECTED(
      "pupilsAffected",
      "Élèves concernés",
      "élèves",
      true,
      "élèves des établissements à débit faible ou sans connexion (listes DEPP)"),
  FIBRE_COVERAGE(
      "fibreCoverage",
      "Locaux raccordables à la fibre",
      "%",
      false,
      "part des locaux de la commune raccordables en FttH (ARCEP) : moins il y en a, plus le"
          + " besoin est grand"),
  TREND(
      "trend",
      "Évolution du débit mesuré moyen",
      "Mbit/s par an",
      false,
      "variation annuelle moyenne du débit descendant mesuré moyen des établissements : une commune"
          + " qui ne progresse pas a plus besoin"),
  FIBRED_WEAK(
      "fibredWeak",
      "Commune fibrée, établissements mal connectés",
      "%",
      true,
      "part des établissements à débit faible ou sans connexion quand au moins "
          + "80 % des locaux de la commune sont raccordables en FttH (ARCEP), 0 sinon : la fibre"
          + " passe dans la commune, pas à l'école (à combiner avec la part à débit faible)"),
  IPS(
      "ips",
      "Indice de position sociale moyen",
      "indice",
      false,
      "IPS moyen des élèves (pondéré par les effectifs, DEPP) : critère d'équité, un IPS bas"
          + " compte plus");

  private final String id;
  private final String label;
  private final String unit;
  private final boolean higherIsNeed;
  private final String definition;

  Criterion(String id, String label, String unit, boolean higherIsNeed, String definition) {
    this.id = id;
    this.label = label;
    this.unit = unit;
    this.higherIsNeed = higherIsNeed;
    this.definition = definition;
  }

  public String id() {
    return id;
  }

  public String label() {
    return label;
  }

  public String unit() {
    return unit;
  }

  public boolean higherIsNeed() {
    return higherIsNeed;
  }

  public String definition() {
    return definition;
  }
}
