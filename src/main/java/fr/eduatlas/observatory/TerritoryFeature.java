package fr.eduatlas.observatory;

import org.locationtech.jts.geom.Geometry;

/**
 * A territory with its outline (WGS84) and geodesic area, as the OGC collections serve it; with an
 * indicator asked for, its value for the period ({@code sans-donnees} when it has none; coverage
 * and appraisal are not read), else null.
 */
public record TerritoryFeature(
    String level,
    String code,
    String name,
    String parentLevel,
    String parentCode,
    double areaKm2,
    Geometry outline,
    Value value) {}
