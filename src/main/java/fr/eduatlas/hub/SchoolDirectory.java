package fr.eduatlas.hub;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.Map;

/**
 * The schools of the served warehouse with what scope checks need: type and every territory they
 * lie in. Loaded once per data version (about 40,000 schools, a few MB).
 */
public final class SchoolDirectory {
  /** A school and its territories. */
  public record School(
      String uai,
      String name,
      String type,
      String commune,
      String communeName,
      String epci,
      String departement,
      String academie,
      String region) {
    /** The code of the territory of {@code level} the school lies in, or null. */
    public String territory(String level) {
      return switch (level) {
        case "commune" -> commune;
        case "epci" -> epci;
        case "departement" -> departement;
        case "academie" -> academie;
        case "region" -> region;
        case "france" -> "FR";
        default -> null;
      };
    }

    /** Whether the school lies in {@code scope}'s territory and is of one of its types. */
    public boolean inTerritory(Hub.Scope scope) {
      return scope.code().equals(territory(scope.level()));
    }
  }

  private final String dataVersion;
  private final Map<String, School> schools;

  private SchoolDirectory(String dataVersion, Map<String, School> schools) {
    this.dataVersion = dataVersion;
    this.schools = schools;
  }

  public static SchoolDirectory load(Connection c, String dataVersion) throws SQLException {
    var out = new HashMap<String, School>(64_000);
    try (var st = c.createStatement();
        var rs =
            st.executeQuery(
                "SELECT s.uai, s.name, s.type, s.commune_code, c.name, c.epci_code,"
                    + " s.departement_code, s.academie_code, s.region_code FROM school s JOIN"
                    + " commune c ON c.code = s.commune_code")) {
      while (rs.next()) {
        var s =
            new School(
                rs.getString(1),
                rs.getString(2),
                rs.getString(3),
                rs.getString(4),
                rs.getString(5),
                rs.getString(6),
                rs.getString(7),
                rs.getString(8),
                rs.getString(9));
        out.put(s.uai(), s);
      }
    }
    return new SchoolDirectory(dataVersion, Map.copyOf(out));
  }

  public String dataVersion() {
    return dataVersion;
  }

  public School get(String uai) {
    return schools.get(uai);
  }

  /** The schools of a scope (territory and types), sorted by UAI. */
  public java.util.List<School> inScope(Hub.Scope scope) {
    return schools.values().stream()
        .filter(s -> s.inTerritory(scope) && scope.types().contains(s.type()))
        .sorted(java.util.Comparator.comparing(School::uai))
        .toList();
  }

  /** Whether the territory exists (some commune of the warehouse lies in it). */
  public static boolean territoryExists(Connection c, String level, String code)
      throws SQLException {
    try (var ps = c.prepareStatement("SELECT 1 FROM territory WHERE level = ? AND code = ?")) {
      ps.setString(1, level);
      ps.setString(2, code);
      try (var rs = ps.executeQuery()) {
        return rs.next();
      }
    }
  }
}
