package fr.eduatlas.observatory;

import fr.eduatlas.indicator.Catalog;

/**
 * An indicator and one of its periods, both checked ({@link Observatory#indicator}, {@link
 * Observatory#period}): what a page of territory features carries the values of.
 */
public record IndicatorPeriod(Catalog.Indicator indicator, String period) {}
