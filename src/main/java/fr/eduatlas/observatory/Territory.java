package fr.eduatlas.observatory;

/** A territory that exists in the served warehouse: its level id, code and name. */
public record Territory(String level, String code, String name) {
  /** France, the top of every chain. */
  public static final Territory FRANCE = new Territory("france", "FR", "France");
}
