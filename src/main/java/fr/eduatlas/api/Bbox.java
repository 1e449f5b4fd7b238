package fr.eduatlas.api;

/**
 * The one parser of a {@code bbox} query parameter, for {@code /api/v1} and {@code /ogc}: four
 * finite numbers west,south,east,north in WGS84 (six, with heights, where OGC API allows them),
 * within the globe, south ≤ north. NaN and infinities are refused, as is anything else that is not
 * a plain number.
 */
final class Bbox {
  private Bbox() {}

  /**
   * @param ogc OGC API Features: a 3D box (six numbers) is accepted, and west > east (a box across
   *     the antimeridian) is not refused
   * @return {west, south, east, north}
   */
  static double[] parse(String raw, boolean ogc) {
    boolean allowSix = ogc;
    String[] p = raw.split(",", -1);
    if (p.length != 4 && !(allowSix && p.length == 6)) {
      throw ApiException.badRequest(
          "paramètre 'bbox' : "
              + (allowSix ? "4 ou 6 nombres" : "quatre nombres")
              + " attendus, ouest,sud,est,nord (reçu '"
              + Params.shown(raw)
              + "')");
    }
    double[] v = numbers(p, "ouest,sud,est,nord");
    double w = v[0];
    double s = v[1];
    double e = p.length == 4 ? v[2] : v[3];
    double n = p.length == 4 ? v[3] : v[4];
    if (w < -180 || e > 180 || s < -90 || n > 90 || (!ogc && w > e) || s > n) {
      throw ApiException.badRequest(
          "paramètre 'bbox' : ouest ≤ est dans [-180, 180] et sud ≤ nord dans [-90, 90]"
              + " attendus (reçu '"
              + Params.shown(raw)
              + "')");
    }
    return new double[] {w, s, e, n};
  }

  /**
   * A box in a projected system (metres): four finite numbers minx,miny,maxx,maxy with min ≤ max,
   * no range beyond that (the system's domain is checked when the box is transformed).
   */
  static double[] parseProjected(String raw) {
    String[] p = raw.split(",", -1);
    if (p.length != 4) {
      throw ApiException.badRequest(
          "paramètre 'bbox' : quatre nombres attendus, minx,miny,maxx,maxy (reçu '"
              + Params.shown(raw)
              + "')");
    }
    double[] v = numbers(p, "minx,miny,maxx,maxy");
    if (v[0] > v[2] || v[1] > v[3]) {
      throw ApiException.badRequest(
          "paramètre 'bbox' : minx ≤ maxx et miny ≤ maxy attendus (reçu '"
              + Params.shown(raw)
              + "')");
    }
    return v;
  }

  /** Each part as a finite plain decimal, or a 400 naming it and the expected order. */
  private static double[] numbers(String[] parts, String order) {
    double[] v = new double[parts.length];
    for (int i = 0; i < parts.length; i++) {
      String s = parts[i].strip();
      // Double.parseDouble would take "NaN", "Infinity", "0x1p3" or "1d": plain decimals only.
      if (!s.matches("[-+]?(\\d+(\\.\\d*)?|\\.\\d+)([eE][-+]?\\d{1,3})?")) {
        throw ApiException.badRequest(
            "paramètre 'bbox' : '"
                + Params.shown(parts[i])
                + "' n'est pas un nombre ("
                + order
                + ")");
      }
      v[i] = Double.parseDouble(s);
      if (!Double.isFinite(v[i])) {
        throw ApiException.badRequest("paramètre 'bbox' : nombres finis attendus");
      }
    }
    return v;
  }
}
