package fr.eduatlas.source.depp;

import static fr.eduatlas.source.Column.dbl;
import static fr.eduatlas.source.Column.varchar;

import fr.eduatlas.source.RowException;
import fr.eduatlas.source.RowSink;
import fr.eduatlas.source.SourceReader;
import fr.eduatlas.source.TableSpec;
import fr.eduatlas.source.table.CsvInput;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;

/**
 * The national directory of schools ("annuaire de l'éducation", 72 columns, UTF-8 with BOM): every
 * school, open or closed, with its position. The ingest reads the columns it uses, so a directory
 * that gains columns still loads; the same reader takes the national file or a département's
 * extract.
 */
public final class AnnuaireReader implements SourceReader {
  static final String[] REQUIRED = {
    "Identifiant_de_l_etablissement",
    "Nom_etablissement",
    "Type_etablissement",
    "Statut_public_prive",
    "Code_postal",
    "Code_commune",
    "Nom_commune",
    "Code_departement",
    "Code_academie",
    "latitude",
    "longitude",
    "coordX_origine",
    "coordY_origine",
    "epsg_origine",
    "precision_localisation",
    "etat",
    "code_nature",
    "libelle_nature",
    "Appartenance_Education_Prioritaire",
    "date_ouverture"
  };

  @Override
  public List<TableSpec> tables() {
    return List.of(
        TableSpec.primary(
            List.of(
                varchar("uai"),
                varchar("name"),
                varchar("type"),
                varchar("sector"),
                varchar("postal_code"),
                varchar("commune_code"),
                varchar("commune_name"),
                varchar("departement_code"),
                varchar("academie_code"),
                varchar("state"),
                varchar("nature_code"),
                varchar("nature_label"),
                varchar("priority_education"),
                varchar("opened"),
                dbl("lon"),
                dbl("lat"),
                varchar("coord_origin"),
                varchar("location_precision")),
            "commune_code",
            "Code_commune"));
  }

  @Override
  public void read(Path file, RowSink sink) throws IOException {
    var seen = new HashMap<String, Long>();
    try (var in = CsvInput.open(file, ';')) {
      in.require(REQUIRED);
      in.forEach(
          sink,
          row -> {
            String uai = row.uai("Identifiant_de_l_etablissement");
            var loc =
                SchoolLocation.of(
                    row,
                    "latitude",
                    "longitude",
                    "coordX_origine",
                    "coordY_origine",
                    "epsg_origine");
            String name = row.required("Nom_etablissement");
            String type = row.required("Type_etablissement");
            String sector = IpsSchoolsReader.sector(row, "Statut_public_prive");
            String commune = row.communeCode("Code_commune");
            String departement = row.departementCode("Code_departement");
            Long first = seen.putIfAbsent(uai, row.line());
            if (first != null) {
              throw new RowException(
                  "Identifiant_de_l_etablissement",
                  "UAI " + uai + " en double : déjà lu ligne " + first);
            }
            sink.load(
                row.line(),
                uai,
                name,
                type,
                sector,
                row.text("Code_postal"),
                commune,
                row.text("Nom_commune"),
                departement,
                row.text("Code_academie"),
                row.text("etat"),
                row.text("code_nature"),
                row.text("libelle_nature"),
                row.text("Appartenance_Education_Prioritaire"),
                row.text("date_ouverture"),
                loc.lon(),
                loc.lat(),
                loc.origin(),
                row.text("precision_localisation"));
          });
    }
  }
}
