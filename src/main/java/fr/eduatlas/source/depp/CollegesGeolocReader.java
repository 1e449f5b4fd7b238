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
 * The geolocated collèges (address and position of every open collège, UTF-8 with BOM, CRLF). The
 * file gives WGS84 latitude/longitude and the projected coordinates they came from (Lambert-93 in
 * metropolitan France, local systems overseas); a row with only the latter is reprojected.
 */
public final class CollegesGeolocReader implements SourceReader {
  @Override
  public List<TableSpec> tables() {
    return List.of(
        TableSpec.primary(
            List.of(
                varchar("uai"),
                varchar("name"),
                varchar("sector"),
                varchar("commune_code"),
                varchar("academie_code"),
                varchar("academie_name"),
                varchar("state"),
                dbl("lon"),
                dbl("lat"),
                varchar("coord_origin"),
                varchar("geocoding_match"),
                varchar("geocoding_precision")),
            "commune_code",
            "code_commune"));
  }

  @Override
  public void read(Path file, RowSink sink) throws IOException {
    var seen = new HashMap<String, Long>();
    try (var in = CsvInput.open(file, ';')) {
      in.require(
          "numero_uai",
          "appellation_officielle",
          "denomination_principale",
          "secteur_public_prive_libe",
          "code_commune",
          "code_academie",
          "libelle_academie",
          "etat_etablissement_libe",
          "latitude",
          "longitude",
          "coordonnee_x",
          "coordonnee_y",
          "EPSG",
          "appariement",
          "localisation");
      in.forEach(
          sink,
          row -> {
            String uai = row.uai("numero_uai");
            var loc =
                SchoolLocation.of(
                    row, "latitude", "longitude", "coordonnee_x", "coordonnee_y", "EPSG");
            String sector = IpsSchoolsReader.sector(row, "secteur_public_prive_libe");
            String commune = row.communeCode("code_commune");
            Long first = seen.putIfAbsent(uai, row.line());
            if (first != null) {
              throw new RowException(
                  "numero_uai", "UAI " + uai + " en double : déjà lu ligne " + first);
            }
            sink.load(
                row.line(),
                uai,
                // Collèges about to open may have no official name yet: not a reason to lose them.
                row.text("appellation_officielle") != null
                    ? row.text("appellation_officielle")
                    : row.text("denomination_principale"),
                sector,
                commune,
                row.text("code_academie"),
                row.text("libelle_academie"),
                row.text("etat_etablissement_libe"),
                loc.lon(),
                loc.lat(),
                loc.origin(),
                row.text("appariement"),
                row.text("localisation"));
          });
    }
  }
}
