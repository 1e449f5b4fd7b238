package fr.eduatlas.observatory;

/** A level and how many territories it has in the served data. */
public record LevelCount(String id, String label, long territories) {}
