package fr.eduatlas.tiles;

/** Web Mercator tile arithmetic (XYZ scheme, y from the north). */
public final class TileMath {
  private TileMath() {}

  /** The tile {x, y} holding a WGS84 longitude and latitude at zoom z. */
  public static int[] tileOf(double lon, double lat, int z) {
    int n = 1 << z;
    int x = (int) Math.floor((lon + 180) / 360 * n);
    double r = Math.toRadians(lat);
    int y = (int) Math.floor((1 - Math.log(Math.tan(r) + 1 / Math.cos(r)) / Math.PI) / 2 * n);
    return new int[] {Math.min(Math.max(x, 0), n - 1), Math.min(Math.max(y, 0), n - 1)};
  }
}
