package fr.eduatlas.selection;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import fr.eduatlas.geo.Crs;
import fr.eduatlas.geo.GeoJson;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import org.locationtech.jts.geom.GeometryFactory;
import org.locationtech.jts.io.ParseException;
import org.locationtech.jts.io.WKBReader;

/** A selection written as JSON, CSV (for a spreadsheet) or GeoJSON (for a GIS). */
public final class SelectionFormats {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final ObjectMapper PRETTY =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private SelectionFormats() {}

  public static byte[] json(Selection s, boolean pretty) {
    try {
      return (pretty ? PRETTY : JSON).writeValueAsBytes(s);
    } catch (Exception e) {
      throw new IllegalStateException("cannot write selection " + s.id(), e);
    }
  }

  public static Selection read(byte[] json) {
    try {
      return JSON.readValue(json, Selection.class);
    } catch (Exception e) {
      throw new IllegalStateException("unreadable stored selection", e);
    }
  }

  /** The CSV columns, in French, as a decision file's annex shows them. */
  static List<String> columns() {
    var h =
        new ArrayList<>(
            List.of(
                "rang",
                "code_insee",
                "commune",
                "departement",
                "academie",
                "region",
                "statut",
                "motif",
                "score",
                "population",
                "niveau_densite",
                "etablissements",
                "etablissements_connectivite_connue",
                "etablissements_debit_faible",
                "eleves",
                "eleves_concernes"));
    for (Criterion c : Criterion.values()) {
      h.add(c.id() + "_brut");
      h.add(c.id() + "_normalise");
      h.add(c.id() + "_poids");
      h.add(c.id() + "_contribution");
    }
    h.addAll(
        List.of(
            "part_tirages_retenue",
            "mode_raccordement",
            "cout_estime_eur",
            "simule",
            "selection",
            "version_donnees",
            "annee_scolaire"));
    return h;
  }

  /**
   * The CSV of the given communes (the shortlist then the near misses, or every commune).
   *
   * @param sep {@code ,} or {@code ;}
   * @param decimal {@code .} or {@code ,} (the latter only with {@code ;})
   */
  public static byte[] csv(Selection s, List<Selection.Explained> rows, char sep, char decimal) {
    var out = new StringBuilder();
    if (sep == ';') {
      out.append(
          '\uFEFF'); // the spreadsheet flavour: Excel reads UTF-8 only with a byte order mark
    }
    out.append(String.join(String.valueOf(sep), columns())).append("\r\n");
    for (var r : rows) {
      var v = new ArrayList<String>();
      v.add(r.rank() == null ? "" : r.rank().toString());
      v.add(r.code());
      v.add(r.name());
      v.add(r.departement() == null ? "" : r.departement().code());
      v.add(r.academie() == null ? "" : r.academie().code());
      v.add(r.region() == null ? "" : r.region().code());
      v.add(r.status());
      v.add(r.reason() == null ? "" : r.reason());
      v.add(num(r.score(), decimal));
      v.add(r.population() == null ? "" : r.population().toString());
      v.add(r.densityLevel() == null ? "" : r.densityLevel().toString());
      v.add(Integer.toString(r.schools()));
      v.add(Integer.toString(r.schoolsKnown()));
      v.add(Integer.toString(r.schoolsWeak()));
      v.add(Long.toString(r.pupils()));
      v.add(Long.toString(r.pupilsAffected()));
      for (Criterion c : Criterion.values()) {
        var part = r.criteria().stream().filter(p -> p.criterion().equals(c.id())).findFirst();
        v.add(part.map(p -> num(p.raw(), decimal)).orElse(""));
        v.add(part.map(p -> num(p.normalised(), decimal)).orElse(""));
        v.add(part.map(p -> num(p.weight(), decimal)).orElse(""));
        v.add(part.map(p -> num(p.contribution(), decimal)).orElse(""));
      }
      v.add(num(r.selectedShare(), decimal));
      v.add(r.schoolsWeak() == 0 ? "" : r.connectionWay());
      v.add(num(r.estimatedCost(), decimal));
      v.add(r.simulated() ? "oui" : "non");
      v.add(s.id());
      v.add(s.dataVersion());
      v.add(s.provenance().schoolYear());
      for (int i = 0; i < v.size(); i++) {
        if (i > 0) {
          out.append(sep);
        }
        out.append(field(v.get(i), sep));
      }
      out.append("\r\n");
    }
    return out.toString().getBytes(StandardCharsets.UTF_8);
  }

  /** The shortlist then the near misses. */
  public static List<Selection.Explained> shortlist(Selection s) {
    var rows = new ArrayList<>(s.selected());
    rows.addAll(s.nearMisses());
    return rows;
  }

  private static String num(Double d, char decimal) {
    if (d == null) {
      return "";
    }
    String t = Double.toString(Math.round(d * 1e6) / 1e6);
    if (t.endsWith(".0")) {
      t = t.substring(0, t.length() - 2);
    }
    return decimal == ',' ? t.replace('.', ',') : t;
  }

  private static String field(String s, char sep) {
    if (s.indexOf(sep) >= 0 || s.contains("\"") || s.contains("\n") || s.contains("\r")) {
      return "\"" + s.replace("\"", "\"\"") + "\"";
    }
    return s;
  }

  /**
   * The shortlist and near misses as GeoJSON features: each commune's outline (simplified for zoom
   * 12, WGS84) and its explanation as flat properties.
   */
  public static byte[] geojson(Selection s, Connection c) throws SQLException {
    ObjectNode fc = JSON.createObjectNode().put("type", "FeatureCollection");
    fc.put("selection", s.id()).put("dataVersion", s.dataVersion());
    fc.put("simulated", s.provenance().simulated()).put("note", s.provenance().note());
    ArrayNode features = fc.putArray("features");
    var reader = new WKBReader(new GeometryFactory());
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT ST_AsWKB(geom_3857) FROM territory_geometry_zoom WHERE level = 'commune'"
                + " AND code = ? AND 12 BETWEEN min_zoom AND max_zoom")) {
      for (var r : shortlist(s)) {
        ObjectNode f = features.addObject().put("type", "Feature").put("id", r.code());
        ps.setString(1, r.code());
        try (ResultSet rs = ps.executeQuery()) {
          if (rs.next() && rs.getBytes(1) != null) {
            var g = Crs.transform(reader.read(rs.getBytes(1)), Crs.WEB_MERCATOR, Crs.WGS84);
            f.set("geometry", GeoJson.write(g, 5));
          } else {
            f.putNull("geometry");
          }
        } catch (ParseException e) {
          throw new SQLException("unreadable geometry for commune " + r.code(), e);
        }
        ObjectNode p = f.putObject("properties");
        p.put("rang", r.rank());
        p.put("code_insee", r.code()).put("commune", r.name());
        p.put("departement", r.departement() == null ? null : r.departement().code());
        p.put("statut", r.status()).put("motif", r.reason());
        p.put("score", r.score());
        p.put("population", r.population());
        p.put("etablissements_debit_faible", r.schoolsWeak());
        p.put("eleves_concernes", r.pupilsAffected());
        for (var part : r.criteria()) {
          p.put(part.criterion() + "_brut", part.raw());
          p.put(part.criterion() + "_contribution", part.contribution());
        }
        p.put("part_tirages_retenue", r.selectedShare());
        p.put("mode_raccordement", r.schoolsWeak() == 0 ? null : r.connectionWay());
        p.put("cout_estime_eur", r.estimatedCost());
        p.put("simule", r.simulated());
      }
    }
    try {
      return JSON.writeValueAsBytes(fc);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
