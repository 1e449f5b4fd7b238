package fr.eduatlas.observatory;

/** A territory found by name or code, with its parent (null for France). */
public record SearchHit(Territory territory, Territory parent) {}
