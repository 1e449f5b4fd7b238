package fr.eduatlas.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import fr.eduatlas.observatory.IndicatorValues;
import fr.eduatlas.observatory.School;
import fr.eduatlas.observatory.TerritoryFeature;

/**
 * The GeoJSON representation of the read model's records, shared by {@code /api/v1} and {@code
 * /ogc}: a school is the same feature in both, a territory's outline has six decimals at full
 * precision and five simplified for a zoom.
 */
final class GeoJsonViews {
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private GeoJsonViews() {}

  /** A school as a point feature (null geometry without position), its properties as in JSON. */
  static ObjectNode school(School s) {
    ObjectNode f = NODES.objectNode();
    f.put("type", "Feature").put("id", s.uai());
    if (!s.located()) {
      f.putNull("geometry"); // GeoJSON's "unlocated feature"; locationNote says why
    } else {
      f.putObject("geometry")
          .put("type", "Point")
          .putArray("coordinates")
          .add(s.lon())
          .add(s.lat());
    }
    f.set("properties", JsonViews.school(s));
    return f;
  }

  /**
   * A school in another coordinate system: its point through {@code crs} (null outside the system's
   * domain, with a property saying so).
   */
  static ObjectNode school(School s, OgcCrs crs) {
    ObjectNode f = school(s);
    if (s.located() && !crs.isDefault()) {
      var point =
          new org.locationtech.jts.geom.GeometryFactory()
              .createPoint(new org.locationtech.jts.geom.Coordinate(s.lon(), s.lat()));
      placed(f, crs, point);
    }
    return f;
  }

  /** A territory in another coordinate system ({@link #school(School, OgcCrs)}). */
  static ObjectNode territory(TerritoryFeature t, OgcCrs crs) {
    ObjectNode f = territory(t);
    if (t.outline() != null && !crs.isDefault()) {
      placed(f, crs, t.outline());
    }
    return f;
  }

  private static void placed(ObjectNode f, OgcCrs crs, org.locationtech.jts.geom.Geometry g) {
    var out = crs.fromCrs84(g);
    if (out == null) {
      f.putNull("geometry");
      ((ObjectNode) f.get("properties"))
          .put("remarque_crs", "hors du domaine de " + crs.label() + " : géométrie omise");
    } else {
      f.set("geometry", JsonViews.geometry(out, crs.decimals()));
    }
  }

  /** A territory with its outline, as the OGC collections serve it (French property names). */
  static ObjectNode territory(TerritoryFeature t) {
    ObjectNode f = NODES.objectNode();
    f.put("type", "Feature");
    f.put("id", t.code());
    f.set("geometry", JsonViews.geometry(t.outline(), 6));
    ObjectNode p = f.putObject("properties");
    p.put("code", t.code()).put("nom", t.name());
    p.put("niveau", t.level());
    if (t.parentLevel() != null) {
      p.put("niveau_parent", t.parentLevel()).put("code_parent", t.parentCode());
    }
    p.put("superficie_km2", t.areaKm2());
    p.put("profil", "/api/v1/territories/" + t.level() + "/" + t.code());
    return f;
  }

  /** An indicator's values with their outlines, the indicator described in {@code indicator}. */
  static ObjectNode values(JsonViews views, IndicatorValues v) {
    return values(views, v, null);
  }

  /**
   * The values as features; their geometry from {@code outlines} (GeoJSON text by code) when given,
   * else from each row's outline.
   */
  static ObjectNode values(
      JsonViews views,
      IndicatorValues v,
      java.util.Map<String, com.fasterxml.jackson.databind.util.RawValue> outlines) {
    ObjectNode fc = NODES.objectNode();
    fc.put("type", "FeatureCollection");
    ObjectNode meta = fc.putObject("indicator");
    views.describe(meta, v.indicator());
    meta.put("period", v.period());
    meta.put("level", v.level());
    ArrayNode features = fc.putArray("features");
    for (IndicatorValues.Row r : v.rows()) {
      ObjectNode f = features.addObject();
      f.put("type", "Feature");
      f.put("id", r.code());
      if (outlines == null) {
        f.set("geometry", JsonViews.geometry(r.outline(), 5));
      } else if (outlines.get(r.code()) != null) {
        f.putRawValue("geometry", outlines.get(r.code()));
      } else {
        f.putNull("geometry");
      }
      f.set("properties", JsonViews.valueProperties(v, r));
    }
    return fc;
  }
}
