package fr.eduatlas.observatory;

import java.util.List;

/** A page of items and how many match in all ({@code numberMatched}). */
public record Page<T>(long matched, List<T> items) {}
