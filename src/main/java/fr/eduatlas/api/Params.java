package fr.eduatlas.api;

import fr.eduatlas.observatory.Observatory;
import io.javalin.http.Context;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.TreeMap;

/**
 * The parsing of request values that is about syntax, not data, shared by every route: paging,
 * booleans, zoom, format, CSV options, {@code level:code} references, bbox. Each bad value is a 400
 * naming the parameter. Whether a value names something that exists is the read model's question.
 */
final class Params {
  private Params() {}

  /** A request's value as an error message echoes it: at most 60 characters, then an ellipsis. */
  static String shown(String s) {
    return s.length() > 60 ? s.substring(0, 60) + "…" : s;
  }

  /** A page: its size (brought down to the maximum, {@code capped} then), and its offset. */
  record Paging(int limit, int offset, boolean capped) {
    /** The header that says a limit was brought down, if it was. */
    void capHeader(java.util.Map<String, String> headers) {
      if (capped) {
        headers.put("X-Limit-Capped", String.valueOf(Observatory.MAX_LIMIT));
      }
    }
  }

  /** {@code limit} (default {@code dflt}, brought down to the maximum) and {@code offset}. */
  static Paging paging(Context ctx, int dflt) {
    int asked = limit(ctx, dflt, Integer.MAX_VALUE);
    return new Paging(
        Math.min(asked, Observatory.MAX_LIMIT), offset(ctx), asked > Observatory.MAX_LIMIT);
  }

  /** {@code limit} alone (no offset), at least 1, brought down to {@code max}. */
  static int limit(Context ctx, int dflt, int max) {
    String raw = ctx.queryParam("limit");
    if (raw == null) {
      return dflt;
    }
    int n;
    try {
      n = Integer.parseInt(raw.strip());
    } catch (NumberFormatException e) {
      throw ApiException.badRequest("paramètre 'limit' : '" + raw + "' n'est pas un entier");
    }
    if (n < 1) {
      throw ApiException.badRequest("paramètre 'limit' : au moins 1 (reçu " + n + ")");
    }
    return Math.min(n, max);
  }

  private static int offset(Context ctx) {
    String raw = ctx.queryParam("offset");
    if (raw == null) {
      return 0;
    }
    try {
      int n = Integer.parseInt(raw.strip());
      if (n < 0) {
        throw new NumberFormatException();
      }
      return n;
    } catch (NumberFormatException e) {
      throw ApiException.badRequest(
          "paramètre 'offset' : '" + raw + "' n'est pas un entier positif ou nul");
    }
  }

  /**
   * The request's query string, sorted, with {@code offset} replaced when not null: {@code ""} or
   * {@code "?a=1&b=2"} (the links of a page).
   */
  static String query(Context ctx, Integer offset) {
    var q = new TreeMap<String, List<String>>(ctx.queryParamMap());
    if (offset != null) {
      q.put("offset", List.of(String.valueOf(offset)));
    }
    if (q.isEmpty()) {
      return "";
    }
    StringBuilder s = new StringBuilder("?");
    q.forEach(
        (k, v) ->
            v.forEach(
                x ->
                    s.append(k)
                        .append('=')
                        .append(URLEncoder.encode(x, StandardCharsets.UTF_8))
                        .append('&')));
    return s.substring(0, s.length() - 1);
  }

  static boolean bool(Context ctx, String name) {
    String raw = ctx.queryParam(name);
    if (raw == null) {
      return false;
    }
    return switch (raw) {
      case "true", "1", "oui" -> true;
      case "false", "0", "non" -> false;
      default ->
          throw ApiException.badRequest(
              "paramètre '" + name + "' : 'true' ou 'false' attendu, reçu '" + raw + "'");
    };
  }

  static Integer zoom(Context ctx) {
    String raw = ctx.queryParam("zoom");
    if (raw == null) {
      return null;
    }
    try {
      int z = Integer.parseInt(raw.strip());
      if (z < 0 || z > 22) {
        throw new NumberFormatException();
      }
      return z;
    } catch (NumberFormatException e) {
      throw ApiException.badRequest(
          "paramètre 'zoom' : un entier de 0 à 22 attendu, reçu '" + raw + "'");
    }
  }

  /** {@code format}, one of {@code allowed} (the first by default). */
  static String format(Context ctx, String... allowed) {
    String f = ctx.queryParam("format");
    if (f == null) {
      return allowed[0];
    }
    for (String a : allowed) {
      if (a.equals(f)) {
        return f;
      }
    }
    throw ApiException.badRequest(
        "paramètre 'format' : '"
            + f
            + "' inconnu ; formats possibles : "
            + String.join(", ", allowed));
  }

  /** The CSV separator and decimal mark, {@code sep} and {@code decimal}. */
  static CsvWriter.Options csv(Context ctx) {
    String sep = ctx.queryParam("sep") == null ? "," : ctx.queryParam("sep");
    if (!sep.equals(",") && !sep.equals(";")) {
      throw ApiException.badRequest("paramètre 'sep' : ',' ou ';' attendu, reçu '" + sep + "'");
    }
    String decimal = ctx.queryParam("decimal") == null ? "." : ctx.queryParam("decimal");
    if (!decimal.equals(".") && !decimal.equals(",")) {
      throw ApiException.badRequest(
          "paramètre 'decimal' : '.' ou ',' attendu, reçu '" + decimal + "'");
    }
    if (decimal.equals(",") && sep.equals(",")) {
      throw ApiException.badRequest(
          "paramètres 'sep' et 'decimal' : la virgule décimale demande le séparateur ';'");
    }
    return new CsvWriter.Options(sep.charAt(0), decimal.charAt(0));
  }

  /** A {@code niveau:code} reference {level, code}, or null when absent. */
  static String[] territoryRef(Context ctx, String name) {
    String raw = ctx.queryParam(name);
    if (raw == null) {
      return null;
    }
    int colon = raw.indexOf(':');
    if (colon < 0) {
      throw ApiException.badRequest(
          "paramètre '"
              + name
              + "' : 'niveau:code' attendu (par exemple departement:02), reçu '"
              + raw
              + "'");
    }
    return new String[] {raw.substring(0, colon), raw.substring(colon + 1)};
  }

  /**
   * Every query parameter is one the route declares ({@code params}), given once: "a=1&a=2" is not
   * "a=1,2", and must not share its answer. A 400 naming the parameter otherwise.
   */
  static void checkDeclared(Context ctx, java.util.Set<String> params) {
    for (var e : ctx.queryParamMap().entrySet()) {
      if (!params.contains(e.getKey())) {
        throw ApiException.badRequest(
            "paramètre '"
                + e.getKey()
                + "' inconnu ici"
                + (params.isEmpty()
                    ? " : cette adresse n'en accepte aucun"
                    : " ; paramètres acceptés : "
                        + String.join(", ", new java.util.TreeSet<>(params))));
      }
      if (e.getValue().size() > 1) {
        throw ApiException.badRequest(
            "paramètre '" + e.getKey() + "' répété : une seule valeur par paramètre");
      }
    }
  }

  /** A required parameter's value, or a 400 naming it. */
  static String required(String value, String name) {
    if (value == null || value.isBlank()) {
      throw ApiException.badRequest("paramètre '" + name + "' manquant");
    }
    return value;
  }
}
