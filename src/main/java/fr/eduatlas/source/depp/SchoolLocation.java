package fr.eduatlas.source.depp;

import fr.eduatlas.geo.Crs;
import fr.eduatlas.source.RowException;
import fr.eduatlas.source.table.TableRow;

/**
 * A school's position from a directory row: its WGS84 latitude/longitude when given, else its
 * projected coordinates reprojected from their EPSG system, else none (the school is then placed at
 * its commune, and flagged so).
 *
 * @param lon longitude (degrees), or null
 * @param lat latitude (degrees), or null
 * @param origin {@code wgs84} as published, {@code EPSG:nnnn} when reprojected, or null
 */
record SchoolLocation(Double lon, Double lat, String origin) {
  static final SchoolLocation NONE = new SchoolLocation(null, null, null);

  static SchoolLocation of(
      TableRow row, String latCol, String lonCol, String xCol, String yCol, String epsgCol) {
    Double lat = row.decimal(latCol, -90, 90);
    Double lon = row.decimal(lonCol, -180, 180);
    if (lat != null && lon != null) {
      if (lat == 0 && lon == 0) {
        throw new RowException(latCol, "coordonnées nulles (0, 0)");
      }
      return new SchoolLocation(lon, lat, "wgs84");
    }
    if (lat != null || lon != null) {
      throw new RowException(lat == null ? latCol : lonCol, "latitude ou longitude manquante");
    }
    Double x = row.decimal(xCol);
    Double y = row.decimal(yCol);
    String epsgText = row.text(epsgCol);
    if (x == null || y == null || epsgText == null) {
      return NONE;
    }
    int epsg;
    double[] lonLat;
    try {
      epsg = Crs.parseEpsg(epsgText);
      lonLat = Crs.toWgs84(epsg, x, y);
    } catch (IllegalArgumentException e) {
      throw new RowException(epsgCol, e.getMessage());
    }
    return new SchoolLocation(lonLat[0], lonLat[1], "EPSG:" + epsg);
  }
}
