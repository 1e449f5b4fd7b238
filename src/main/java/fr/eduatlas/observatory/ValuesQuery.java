package fr.eduatlas.observatory;

/**
 * A request for one indicator's values: its id, level, period (null for the latest), the territory
 * they lie in (level and code, both null for the whole level).
 */
public record ValuesQuery(
    String indicator, String level, String year, String withinLevel, String withinCode) {}
