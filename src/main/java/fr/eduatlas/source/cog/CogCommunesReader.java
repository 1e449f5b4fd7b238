package fr.eduatlas.source.cog;

import static fr.eduatlas.source.Column.bigint;
import static fr.eduatlas.source.Column.varchar;
import static fr.eduatlas.source.json.JsonInput.communeCode;
import static fr.eduatlas.source.json.JsonInput.count;
import static fr.eduatlas.source.json.JsonInput.required;
import static fr.eduatlas.source.json.JsonInput.text;

import com.fasterxml.jackson.databind.JsonNode;
import fr.eduatlas.source.RowException;
import fr.eduatlas.source.RowSink;
import fr.eduatlas.source.SourceReader;
import fr.eduatlas.source.TableSpec;
import fr.eduatlas.source.json.JsonInput;
import fr.eduatlas.territory.Codes;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The COG communes (Etalab "découpage administratif"): current communes, delegated and associated
 * communes, Paris/Lyon/Marseille municipal arrondissements, and each current commune's former
 * codes. This is the reference every other source's commune codes are mapped onto.
 */
public final class CogCommunesReader implements SourceReader {
  static final Set<String> TYPES =
      Set.of(
          "commune-actuelle", "commune-deleguee", "commune-associee", "arrondissement-municipal");

  @Override
  public List<TableSpec> tables() {
    return List.of(
        TableSpec.primary(
            List.of(
                varchar("code"),
                varchar("name"),
                varchar("type"),
                varchar("zone"),
                varchar("departement"),
                varchar("region"),
                varchar("arrondissement"),
                varchar("parent"),
                bigint("population"),
                varchar("siren"),
                varchar("postal_codes"))),
        TableSpec.secondary("former", List.of(varchar("code"), varchar("former_code"))));
  }

  @Override
  public void read(Path file, RowSink sink) throws IOException {
    Map<String, Long> seen = new HashMap<>();
    JsonInput.eachElement(
        file,
        sink,
        (line, c) -> {
          String code = communeCode(c, "code");
          String type = required(c, "type");
          if (!TYPES.contains(type)) {
            throw new RowException("type", "type de commune inconnu : '" + type + "'");
          }
          String departement;
          try {
            departement = Codes.departement(required(c, "departement"));
          } catch (Codes.InvalidCodeException e) {
            throw new RowException("departement", e.getMessage());
          }
          String parent =
              switch (type) {
                case "commune-deleguee", "commune-associee" -> communeCode(c, "chefLieu");
                case "arrondissement-municipal" -> communeCode(c, "commune");
                default -> null;
              };
          List<String> postal = new java.util.ArrayList<>();
          JsonNode cps = c.get("codesPostaux");
          if (cps != null && cps.isArray()) {
            cps.forEach(p -> postal.add(p.asText()));
          }
          String name = required(c, "nom");
          String zone = required(c, "zone");
          String region = required(c, "region");
          // A delegated commune shares its code with the current commune it belongs to, so a
          // code is unique per type, not overall. Checked last: an invalid row claims no code.
          Long first = seen.putIfAbsent(type + ":" + code, line);
          if (first != null) {
            throw new RowException(
                "code", "code " + code + " (" + type + ") déjà lu ligne " + first);
          }
          sink.load(
              line,
              code,
              name,
              type,
              zone,
              departement,
              region,
              text(c, "arrondissement"),
              parent,
              count(c, "population"),
              text(c, "siren"),
              postal.isEmpty() ? null : String.join(",", postal));
          JsonNode former = c.get("anciensCodes");
          if (former != null && former.isArray()) {
            for (JsonNode f : former) {
              try {
                sink.attach(1, code, Codes.commune(f.asText()));
              } catch (Codes.InvalidCodeException e) {
                sink.warn(line, "anciensCodes", e.getMessage(), f.toString());
              }
            }
          }
        });
  }
}
