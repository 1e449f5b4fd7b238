package fr.eduatlas.source.depp;

import static fr.eduatlas.source.Column.dbl;
import static fr.eduatlas.source.Column.integer;
import static fr.eduatlas.source.Column.varchar;

import fr.eduatlas.source.RowException;
import fr.eduatlas.source.RowSink;
import fr.eduatlas.source.SourceReader;
import fr.eduatlas.source.TableSpec;
import fr.eduatlas.source.table.CsvInput;
import fr.eduatlas.source.table.TableRow;
import fr.eduatlas.territory.Names;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;

/**
 * The DEPP social position index (IPS) files: every school with pupils, its commune, académie,
 * sector, pupils and IPS. Écoles, collèges and lycées share the layout but for a few columns, so
 * the three readers share this one staging table shape.
 */
public abstract sealed class IpsSchoolsReader implements SourceReader
    permits IpsSchoolsReader.Ecoles, IpsSchoolsReader.Colleges, IpsSchoolsReader.Lycees {

  /** IPS values outside this range are not social indices (the national mean is about 100). */
  static final double IPS_MIN = 30;

  static final double IPS_MAX = 200;
  static final String[] COMMON = {
    "rentree_scolaire",
    "academie",
    "code_du_departement",
    "uai",
    "nom_de_l_etablissment",
    "code_insee_de_la_commune",
    "nom_de_la_commune",
    "secteur"
  };

  @Override
  public final List<TableSpec> tables() {
    return List.of(
        TableSpec.primary(
            List.of(
                varchar("uai"),
                varchar("school_year"),
                varchar("academie_name"),
                varchar("departement_code"),
                varchar("name"),
                varchar("commune_code"),
                varchar("commune_name"),
                varchar("sector"),
                varchar("lycee_type"),
                integer("pupils"),
                integer("pupils_gt"),
                integer("pupils_pro"),
                dbl("ips"),
                dbl("ips_gt"),
                dbl("ips_pro"),
                dbl("ips_sd"),
                dbl("ips_sd_gt"),
                dbl("ips_sd_pro")),
            "commune_code",
            "code_insee_de_la_commune"));
  }

  /** The columns this file has besides the common ones. */
  abstract String[] specificColumns();

  /** Values for the columns from lycee_type on, in table order. */
  abstract Object[] specificValues(Fields row);

  /**
   * A row's descriptive fields (pupil counts, IPS): one that cannot be read is left empty and
   * reported as a warning on a school that is loaded all the same, instead of costing the school.
   */
  static final class Fields {
    private final TableRow row;
    private final java.util.List<RowException> problems = new ArrayList<>();

    Fields(TableRow row) {
      this.row = row;
    }

    Integer count(String column) {
      try {
        return row.count(column);
      } catch (RowException e) {
        problems.add(e);
        return null;
      }
    }

    Double decimal(String column, double min, double max) {
      try {
        return row.decimal(column, min, max);
      } catch (RowException e) {
        problems.add(e);
        return null;
      }
    }

    String text(String column) {
      return row.text(column);
    }
  }

  @Override
  public final void read(Path file, RowSink sink) throws IOException {
    var seen = new HashMap<String, Long>();
    try (var in = CsvInput.open(file, ';')) {
      in.require(COMMON);
      in.require(specificColumns());
      in.forEach(
          sink,
          row -> {
            String uai = row.uai("uai");
            var values = new ArrayList<Object>();
            values.add(uai);
            values.add(row.required("rentree_scolaire"));
            values.add(row.required("academie"));
            values.add(row.departementCode("code_du_departement"));
            values.add(row.required("nom_de_l_etablissment"));
            values.add(row.communeCode("code_insee_de_la_commune"));
            values.add(row.text("nom_de_la_commune"));
            values.add(sector(row, "secteur"));
            var fields = new Fields(row);
            values.addAll(Arrays.asList(specificValues(fields)));
            Long first = seen.putIfAbsent(uai, row.line());
            if (first != null) {
              throw new RowException("uai", "UAI " + uai + " en double : déjà lu ligne " + first);
            }
            sink.load(row.line(), values.toArray());
            for (RowException e : fields.problems) {
              sink.warn(
                  row.line(),
                  e.field(),
                  e.reason() + " : champ laissé vide, établissement chargé",
                  row.raw());
            }
          });
    }
  }

  /** {@code public} or {@code prive} (private under contract with the State). */
  static String sector(TableRow row, String column) {
    String folded = Names.fold(row.required(column));
    if (folded.equals("public")) {
      return "public";
    }
    if (folded.startsWith("prive")) {
      return "prive";
    }
    throw new RowException(column, "secteur inconnu : '" + row.text(column) + "'");
  }

  private static Object[] values(Object... v) {
    return v;
  }

  /** Primary schools (écoles maternelles and élémentaires). */
  public static final class Ecoles extends IpsSchoolsReader {
    @Override
    String[] specificColumns() {
      return new String[] {"effectifs", "ips"};
    }

    @Override
    Object[] specificValues(Fields r) {
      return values(
          null,
          r.count("effectifs"),
          null,
          null,
          r.decimal("ips", IPS_MIN, IPS_MAX),
          null,
          null,
          null,
          null,
          null);
    }
  }

  /** Collèges, with the IPS's standard deviation. */
  public static final class Colleges extends IpsSchoolsReader {
    @Override
    String[] specificColumns() {
      return new String[] {"effectifs", "ips", "ecart_type_de_l_ips"};
    }

    @Override
    Object[] specificValues(Fields r) {
      return values(
          null,
          r.count("effectifs"),
          null,
          null,
          r.decimal("ips", IPS_MIN, IPS_MAX),
          null,
          null,
          r.decimal("ecart_type_de_l_ips", 0, 100),
          null,
          null);
    }
  }

  /** Lycées: general and technological (GT) and vocational (pro) tracks, and both together. */
  public static final class Lycees extends IpsSchoolsReader {
    @Override
    String[] specificColumns() {
      return new String[] {
        "type_de_lycee",
        "effectifs_voie_gt",
        "effectifs_voie_pro",
        "effectifs_ensemble_gt_pro",
        "ips_voie_gt",
        "ips_voie_pro",
        "ips_ensemble_gt_pro",
        "ecart_type_de_l_ips_voie_gt",
        "ecart_type_de_l_ips_voie_pro"
      };
    }

    @Override
    Object[] specificValues(Fields r) {
      Integer gt = r.count("effectifs_voie_gt");
      Integer pro = r.count("effectifs_voie_pro");
      Integer all = r.count("effectifs_ensemble_gt_pro");
      if (all == null && (gt != null || pro != null)) {
        all = (gt == null ? 0 : gt) + (pro == null ? 0 : pro);
      }
      return values(
          r.text("type_de_lycee"),
          all,
          gt,
          pro,
          r.decimal("ips_ensemble_gt_pro", IPS_MIN, IPS_MAX),
          r.decimal("ips_voie_gt", IPS_MIN, IPS_MAX),
          r.decimal("ips_voie_pro", IPS_MIN, IPS_MAX),
          null,
          r.decimal("ecart_type_de_l_ips_voie_gt", 0, 100),
          r.decimal("ecart_type_de_l_ips_voie_pro", 0, 100));
    }
  }
}
