package fr.eduatlas.warehouse;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/** The real attributes of every school that the simulation conditions on. */
public final class SchoolProfiles {
  private SchoolProfiles() {}

  /**
   * One school: its type, sector, size and social index, and its commune's rurality and 2024
   * eligibility of premises to each technology (shares from 0 to 1; 0 when unknown).
   */
  public record SchoolProfile(
      String uai,
      String type,
      String sector,
      int pupils,
      double ips,
      String communeCode,
      String departementCode,
      String academieCode,
      int densityLevel,
      double fibre,
      double cable,
      double dsl,
      double thdRadio,
      double fixed4g,
      double satellite) {}

  /** Every school of the warehouse being built, by UAI. */
  public static List<SchoolProfile> load(Connection conn) throws SQLException {
    var out = new ArrayList<SchoolProfile>();
    try (Statement st = conn.createStatement();
        ResultSet rs =
            st.executeQuery(
                """
                WITH coverage AS (
                  -- The finest geography the 2024 coverage exists for: the school's own commune
                  -- as the DEPP file codes it (a commune merged since has its own figures in
                  -- the 2024 file), else its current commune's sum.
                  SELECT s.uai, coalesce(r.premises, v.premises) AS premises,
                         coalesce(r.premises_fibre, v.premises_fibre) AS fibre,
                         coalesce(r.premises_cable, v.premises_cable) AS cable,
                         coalesce(r.premises_dsl, v.premises_dsl) AS dsl,
                         coalesce(r.premises_thd_radio, v.premises_thd_radio) AS thd_radio,
                         coalesce(r.premises_4g_fixe, v.premises_4g_fixe) AS fixed_4g,
                         coalesce(r.premises_satellite, v.premises_satellite) AS satellite
                  FROM school s
                  LEFT JOIN src_arcep_coverage r ON r.commune_code = s.commune_code_source
                  LEFT JOIN commune_coverage v ON v.commune_code = s.commune_code)
                SELECT s.uai, s.type, s.sector, coalesce(s.pupils, 0), coalesce(s.ips, 100),
                       s.commune_code, coalesce(c.departement_code, c.collectivite_code),
                       c.academie_code, coalesce(d.density_level, 4),
                       coalesce(v.fibre / nullif(v.premises, 0), 0),
                       coalesce(v.cable / nullif(v.premises, 0), 0),
                       coalesce(v.dsl / nullif(v.premises, 0), 0),
                       coalesce(v.thd_radio / nullif(v.premises, 0), 0),
                       coalesce(v.fixed_4g / nullif(v.premises, 0), 0),
                       coalesce(v.satellite / nullif(v.premises, 0), 0)
                FROM school s
                JOIN commune c ON c.code = s.commune_code
                LEFT JOIN commune_density d ON d.commune_code = s.commune_code
                LEFT JOIN coverage v ON v.uai = s.uai
                ORDER BY s.uai
                """)) {
      while (rs.next()) {
        out.add(
            new SchoolProfile(
                rs.getString(1),
                rs.getString(2),
                rs.getString(3),
                rs.getInt(4),
                rs.getDouble(5),
                rs.getString(6),
                rs.getString(7),
                rs.getString(8),
                rs.getInt(9),
                rs.getDouble(10),
                rs.getDouble(11),
                rs.getDouble(12),
                rs.getDouble(13),
                rs.getDouble(14),
                rs.getDouble(15)));
      }
    }
    return out;
  }
}
