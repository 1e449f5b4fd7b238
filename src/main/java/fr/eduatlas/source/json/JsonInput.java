package fr.eduatlas.source.json;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import fr.eduatlas.source.RowException;
import fr.eduatlas.source.RowSink;
import fr.eduatlas.source.SourceException;
import fr.eduatlas.territory.Codes;
import java.io.IOException;
import java.nio.file.Path;

/**
 * Streams the elements of a JSON array (the whole document, or the {@code features} of a GeoJSON
 * FeatureCollection) with the line each element starts on, so that a bad element is quarantined
 * with its line like a CSV row.
 */
public final class JsonInput {
  /**
   * Coordinates are most of a GeoJSON file: Jackson's fast double parser (FastDoubleParser, which
   * rounds as {@link Double#parseDouble} does) reads them faster than the JDK's.
   */
  private static final ObjectMapper MAPPER =
      JsonMapper.builder().enable(StreamReadFeature.USE_FAST_DOUBLE_PARSER).build();

  private JsonInput() {}

  /**
   * Handles one element; throws {@link RowException} to quarantine it.
   *
   * <p>{@code line} is the line the element starts on for a JSON array, and the feature's number
   * (1-based) in a GeoJSON FeatureCollection, whose features are often all on one line.
   */
  @FunctionalInterface
  public interface ElementHandler {
    void handle(long line, JsonNode element);
  }

  /** The elements of a top-level JSON array. */
  public static void eachElement(Path file, RowSink sink, ElementHandler handler)
      throws IOException {
    each(file, null, sink, handler);
  }

  /** The features of a GeoJSON FeatureCollection. */
  public static void eachFeature(Path file, RowSink sink, ElementHandler handler)
      throws IOException {
    each(file, "features", sink, handler);
  }

  private static void each(Path file, String arrayField, RowSink sink, ElementHandler handler)
      throws IOException {
    try (JsonParser p = MAPPER.getFactory().createParser(file.toFile())) {
      if (arrayField == null) {
        expect(file, p, p.nextToken(), JsonToken.START_ARRAY, "un tableau JSON");
      } else {
        expect(file, p, p.nextToken(), JsonToken.START_OBJECT, "un objet GeoJSON");
        boolean found = false;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
          String name = p.currentName();
          JsonToken value = p.nextToken();
          if (name.equals(arrayField) && value == JsonToken.START_ARRAY) {
            found = true;
            break;
          }
          p.skipChildren();
        }
        if (!found) {
          throw new SourceException(file, "pas de tableau '" + arrayField + "'");
        }
      }
      JsonToken t;
      long ordinal = 0;
      while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
        if (t == null) {
          throw new SourceException(file, "fin de fichier inattendue (tableau non fermé)");
        }
        ordinal++;
        long line = arrayField == null ? p.currentTokenLocation().getLineNr() : ordinal;
        JsonNode node = MAPPER.readTree(p);
        if (!node.isObject()) {
          sink.quarantine(line, null, "élément qui n'est pas un objet JSON", node.toString());
          continue;
        }
        try {
          handler.handle(line, node);
        } catch (RowException e) {
          sink.quarantine(line, e.field(), e.reason(), node.toString());
        }
      }
    } catch (JsonProcessingException e) {
      throw new SourceException(
          file,
          "JSON mal formé ligne " + e.getLocation().getLineNr() + " : " + e.getOriginalMessage(),
          e);
    }
  }

  private static void expect(Path file, JsonParser p, JsonToken got, JsonToken want, String what) {
    if (got != want) {
      throw new SourceException(
          file, "attendu " + what + " ligne " + p.currentTokenLocation().getLineNr());
    }
  }

  /** A GeoJSON feature's properties object; a feature without one is refused. */
  public static JsonNode properties(JsonNode feature) {
    JsonNode p = feature.get("properties");
    if (p == null || !p.isObject()) {
      throw new RowException("properties", "entité GeoJSON sans propriétés");
    }
    return p;
  }

  /** A text field, stripped; null when absent, null or empty. */
  public static String text(JsonNode node, String field) {
    JsonNode v = node.get(field);
    if (v == null || v.isNull()) {
      return null;
    }
    String s = v.asText().strip();
    return s.isEmpty() ? null : s;
  }

  public static String required(JsonNode node, String field) {
    String v = text(node, field);
    if (v == null) {
      throw new RowException(field, "valeur obligatoire manquante");
    }
    return v;
  }

  /** A whole non-negative number, or null when absent. */
  public static Long count(JsonNode node, String field) {
    JsonNode v = node.get(field);
    if (v == null || v.isNull()) {
      return null;
    }
    if (!v.isIntegralNumber() || v.asLong() < 0) {
      throw new RowException(field, "'" + v + "' n'est pas un entier positif");
    }
    return v.asLong();
  }

  public static String communeCode(JsonNode node, String field) {
    try {
      return Codes.commune(required(node, field));
    } catch (Codes.InvalidCodeException e) {
      throw new RowException(field, e.getMessage());
    }
  }
}
