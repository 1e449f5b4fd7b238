package fr.eduatlas.api;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;

/**
 * The HTML representation ({@code f=html}) of the OGC API's landing page, conformance, collections
 * and items, in French, rendered from the same JSON the API serves: what a person browsing the API,
 * or a GIS client's preview, reads. No script and no inline style (the server's
 * Content-Security-Policy): the OpenAPI page's stylesheet.
 */
final class OgcHtml {
  static final String TYPE = "text/html; charset=utf-8";

  private OgcHtml() {}

  static byte[] landing(JsonNode n) {
    var s = page(n.path("title").asText("EduAtlas – OGC API Features"));
    s.append("<p>").append(esc(n.path("description").asText())).append("</p>");
    links(s, n.path("links"));
    return end(s);
  }

  static byte[] conformance(JsonNode n) {
    var s = page("Classes de conformité");
    s.append("<ul>");
    for (JsonNode c : n.path("conformsTo")) {
      s.append("<li><code>").append(esc(c.asText())).append("</code></li>");
    }
    s.append("</ul>");
    return end(s);
  }

  static byte[] collections(JsonNode n) {
    var s = page("Collections");
    s.append("<table><tr><th>collection</th><th>description</th><th>objets</th></tr>");
    for (JsonNode c : n.path("collections")) {
      String id = c.path("id").asText();
      s.append("<tr><td><a href=\"collections/")
          .append(esc(id))
          .append("?f=html\">")
          .append(esc(c.path("title").asText()))
          .append("</a></td><td>")
          .append(esc(c.path("description").asText()))
          .append("</td><td><a href=\"collections/")
          .append(esc(id))
          .append("/items?f=html\">objets</a></td></tr>");
    }
    s.append("</table>");
    return end(s);
  }

  static byte[] collection(JsonNode c) {
    var s = page(c.path("title").asText());
    s.append("<p>").append(esc(c.path("description").asText())).append("</p>");
    JsonNode bbox = c.path("extent").path("spatial").path("bbox").path(0);
    s.append("<p>Emprise (CRS84) : <code>").append(esc(bbox.toString())).append("</code></p>");
    s.append("<p>Systèmes de coordonnées :</p><ul>");
    for (JsonNode crs : c.path("crs")) {
      s.append("<li><code>").append(esc(crs.asText())).append("</code></li>");
    }
    s.append("</ul>");
    links(s, c.path("links"));
    return end(s);
  }

  /** A collection's queryables: each property, its type and title. */
  static byte[] queryables(JsonNode q) {
    var s = page(q.path("title").asText());
    s.append("<p>").append(esc(q.path("description").asText())).append("</p>");
    s.append("<table><tr><th>propriété</th><th>type</th><th>intitulé</th><th>valeurs</th></tr>");
    var it = q.path("properties").fields();
    while (it.hasNext()) {
      var e = it.next();
      JsonNode p = e.getValue();
      String type =
          p.has("type")
              ? p.path("type").asText()
                  + (p.has("format") ? " (" + p.path("format").asText() + ")" : "")
              : p.path("format").asText();
      s.append("<tr><td><code>")
          .append(esc(e.getKey()))
          .append("</code></td><td>")
          .append(esc(type))
          .append("</td><td>")
          .append(esc(p.path("title").asText()))
          .append("</td><td>")
          .append(p.has("enum") ? esc(p.path("enum").toString()) : "")
          .append("</td></tr>");
    }
    s.append("</table>");
    return end(s);
  }

  /** A page of features: each one's properties in a row, with a link to the feature. */
  static byte[] items(JsonNode fc, String title) {
    var s = page(title + " : objets");
    s.append("<p>")
        .append(fc.path("numberReturned").asLong())
        .append(" objet(s) sur ")
        .append(fc.path("numberMatched").asLong())
        .append(".</p>");
    var columns = new java.util.LinkedHashSet<String>();
    for (JsonNode f : fc.path("features")) {
      f.path("properties").fieldNames().forEachRemaining(columns::add);
    }
    columns.removeIf(c -> c.equals("href") || c.equals("provenance"));
    s.append("<table><tr><th>identifiant</th>");
    for (String c : columns) {
      s.append("<th>").append(esc(c)).append("</th>");
    }
    s.append("</tr>");
    for (JsonNode f : fc.path("features")) {
      String id = f.path("id").asText();
      s.append("<tr><td><a href=\"items/")
          .append(esc(java.net.URLEncoder.encode(id, StandardCharsets.UTF_8)))
          .append("?f=html\">")
          .append(esc(id))
          .append("</a></td>");
      for (String c : columns) {
        JsonNode v = f.path("properties").path(c);
        s.append("<td>")
            .append(esc(v.isMissingNode() || v.isNull() ? "" : text(v)))
            .append("</td>");
      }
      s.append("</tr>");
    }
    s.append("</table>");
    links(s, fc.path("links"));
    return end(s);
  }

  static byte[] item(JsonNode f) {
    var s = page(f.path("id").asText());
    JsonNode g = f.path("geometry");
    s.append("<p>Géométrie : ")
        .append(esc(g.isNull() || g.isMissingNode() ? "aucune" : g.path("type").asText()))
        .append("</p><table><tr><th>propriété</th><th>valeur</th></tr>");
    var names = f.path("properties").fieldNames();
    while (names.hasNext()) {
      String k = names.next();
      JsonNode v = f.path("properties").path(k);
      s.append("<tr><td>")
          .append(esc(k))
          .append("</td><td>")
          .append(esc(v.isNull() ? "" : text(v)))
          .append("</td></tr>");
    }
    s.append("</table>");
    links(s, f.path("links"));
    return end(s);
  }

  private static String text(JsonNode v) {
    return v.isValueNode() ? v.asText() : v.toString();
  }

  /** The links, each to its HTML page when it has one (JSON and GeoJSON ones). */
  private static void links(StringBuilder s, JsonNode links) {
    if (!links.isArray() || links.isEmpty()) {
      return;
    }
    s.append("<h2>Liens</h2><ul>");
    for (JsonNode l : links) {
      String href = l.path("href").asText();
      String type = l.path("type").asText();
      boolean html = type.equals("application/json") || type.equals("application/geo+json");
      if (html) {
        href = href.replaceAll("([?&])f=[^&]*&?", "$1").replaceAll("[?&]$", "");
        href += (href.contains("?") ? "&" : "?") + "f=html";
      }
      s.append("<li><a href=\"")
          .append(esc(href))
          .append("\">")
          .append(esc(l.path("title").asText(l.path("rel").asText())))
          .append("</a> <small>(")
          .append(esc(l.path("rel").asText()))
          .append(html ? "" : ", " + esc(type))
          .append(")</small></li>");
    }
    s.append("</ul>");
  }

  private static StringBuilder page(String title) {
    return new StringBuilder()
        .append("<!doctype html><html lang=\"fr\"><head><meta charset=\"utf-8\"><title>")
        .append(esc(title))
        .append("</title><link rel=\"stylesheet\" href=\"/api/docs.css\"></head><body><h1>")
        .append(esc(title))
        .append("</h1>");
  }

  private static byte[] end(StringBuilder s) {
    s.append("<p><small>EduAtlas, OGC API – Features. Autres formats : ajouter")
        .append(" <code>f=json</code> à l'adresse.</small></p></body></html>");
    return s.toString().getBytes(StandardCharsets.UTF_8);
  }

  static String esc(String s) {
    return s.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace("\"", "&quot;")
        .replace("'", "&#39;");
  }
}
