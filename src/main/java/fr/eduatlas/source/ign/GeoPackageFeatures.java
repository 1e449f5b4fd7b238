package fr.eduatlas.source.ign;

import fr.eduatlas.geo.Crs;
import fr.eduatlas.source.SourceException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
import mil.nga.geopackage.GeoPackage;
import mil.nga.geopackage.GeoPackageManager;
import mil.nga.geopackage.features.user.FeatureRow;
import org.locationtech.jts.geom.Geometry;
import org.locationtech.jts.io.ParseException;
import org.locationtech.jts.io.WKBReader;

/**
 * An OGC GeoPackage as IGN publishes ADMIN EXPRESS in it, read with NGA's GeoPackage library: the
 * feature table named {@code table} (or the only feature table), its geometries reprojected from
 * the table's EPSG system to WGS84.
 */
final class GeoPackageFeatures {
  private GeoPackageFeatures() {}

  static void each(Path file, String table, Consumer<BoundaryFeature> handler) throws IOException {
    GeoPackage gp;
    try {
      gp = GeoPackageManager.open(file.toFile(), false);
    } catch (RuntimeException e) {
      throw new SourceException(file, "GeoPackage illisible : " + e.getMessage(), e);
    }
    try (gp) {
      List<String> tables = gp.getFeatureTables();
      String chosen =
          tables.stream()
              .filter(t -> t.equalsIgnoreCase(table))
              .findFirst()
              .orElse(tables.size() == 1 ? tables.get(0) : null);
      if (chosen == null) {
        throw new SourceException(
            file, "table de communes '" + table + "' absente (tables : " + tables + ")");
      }
      var dao = gp.getFeatureDao(chosen);
      var srs = dao.getSrs();
      if (!"EPSG".equalsIgnoreCase(srs.getOrganization())) {
        throw new SourceException(
            file, "système de coordonnées non EPSG : " + srs.getOrganization());
      }
      int epsg = (int) srs.getOrganizationCoordsysId();
      String[] columns = dao.getColumnNames();
      var wkb = new WKBReader();
      long n = 0;
      var rs = dao.queryForAll();
      try {
        while (rs.moveToNext()) {
          FeatureRow row = rs.getRow();
          n++;
          Map<String, String> attrs = new LinkedHashMap<>();
          for (String c : columns) {
            if (!c.equals(dao.getGeometryColumnName())) {
              Object v = row.getValue(c);
              attrs.put(c.toLowerCase(Locale.ROOT), v == null ? null : v.toString());
            }
          }
          Geometry g = null;
          var data = row.getGeometry();
          if (data != null && data.getGeometry() != null) {
            try {
              g = wkb.read(data.getWkb());
            } catch (ParseException e) {
              throw new SourceException(file, "géométrie " + n + " illisible", e);
            }
            g = epsg == Crs.WGS84 ? g : Crs.transform(g, epsg, Crs.WGS84);
          }
          handler.accept(new BoundaryFeature(n, attrs, g));
        }
      } finally {
        rs.close();
      }
    }
  }
}
