package fr.eduatlas.selection;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * The published JSON Schema of selection criteria ({@code /schemas/selection-criteria.schema.json},
 * served at {@code /api/v1/selections/schema}) and the validation of a request against it, with the
 * validator's French messages.
 */
public final class CriteriaSchema {
  public static final String RESOURCE = "/schemas/selection-criteria.schema.json";

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final JsonNode DOCUMENT = read();
  private static final JsonSchema SCHEMA =
      JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012)
          .getSchema(DOCUMENT, SchemaValidatorsConfig.builder().locale(Locale.FRENCH).build());

  private CriteriaSchema() {}

  /** The schema document as published. */
  public static JsonNode document() {
    return DOCUMENT;
  }

  /** Every violation, as "location : message", sorted by location; empty when valid. */
  public static List<String> violations(JsonNode criteria) {
    return SCHEMA.validate(criteria).stream()
        .sorted(
            Comparator.comparing((ValidationMessage m) -> m.getInstanceLocation().toString())
                .thenComparing(ValidationMessage::getMessage))
        .map(ValidationMessage::getMessage)
        .distinct()
        .toList();
  }

  /**
   * Criteria from a JSON document: checked against the schema, then by the rules a schema cannot
   * state.
   *
   * @throws InvalidCriteriaException listing every problem found
   */
  public static Criteria parse(JsonNode criteria) {
    List<String> v = violations(criteria);
    if (!v.isEmpty()) {
      throw new InvalidCriteriaException(v);
    }
    try {
      return Criteria.fromJson(criteria);
    } catch (IllegalArgumentException e) {
      throw new InvalidCriteriaException(List.of(e.getMessage()));
    }
  }

  private static JsonNode read() {
    try (InputStream in = CriteriaSchema.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException(RESOURCE + " missing from the classpath");
      }
      return JSON.readTree(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
