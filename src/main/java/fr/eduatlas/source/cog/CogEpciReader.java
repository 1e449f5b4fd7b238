package fr.eduatlas.source.cog;

import static fr.eduatlas.source.Column.bigint;
import static fr.eduatlas.source.Column.varchar;
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
import java.util.Set;

/** The EPCI (intercommunalities with their own taxation) of the COG, with their member communes. */
public final class CogEpciReader implements SourceReader {
  static final Set<String> TYPES = Set.of("CC", "CA", "CU", "METRO", "MET69", "EPT");

  @Override
  public List<TableSpec> tables() {
    return List.of(
        TableSpec.primary(
            List.of(
                varchar("code"),
                varchar("name"),
                varchar("type"),
                varchar("financing"),
                bigint("population_total"),
                bigint("population_municipale"))),
        TableSpec.secondary("members", List.of(varchar("epci_code"), varchar("commune_code"))));
  }

  @Override
  public void read(Path file, RowSink sink) throws IOException {
    var seen = new HashMap<String, Long>();
    var memberOf = new HashMap<String, String>();
    JsonInput.eachElement(
        file,
        sink,
        (line, e) -> {
          String code = required(e, "code");
          if (!code.matches("\\d{9}")) {
            throw new RowException("code", "'" + code + "' n'est pas un SIREN (9 chiffres)");
          }
          String type = required(e, "type");
          if (!TYPES.contains(type)) {
            throw new RowException("type", "type d'EPCI inconnu : '" + type + "'");
          }
          JsonNode members = e.get("membres");
          if (members == null || !members.isArray() || members.isEmpty()) {
            throw new RowException("membres", "EPCI sans commune membre");
          }
          String name = required(e, "nom");
          Long popTotal = count(e, "populationTotale");
          Long popMunicipale = count(e, "populationMunicipale");
          Long first = seen.putIfAbsent(code, line);
          if (first != null) {
            throw new RowException("code", "EPCI " + code + " déjà lu ligne " + first);
          }
          sink.load(line, code, name, type, text(e, "modeFinancement"), popTotal, popMunicipale);
          for (JsonNode m : members) {
            String commune;
            try {
              commune = Codes.commune(JsonInput.text(m, "code"));
            } catch (Codes.InvalidCodeException ex) {
              sink.warn(line, "membres.code", ex.getMessage(), m.toString());
              continue;
            }
            String other = memberOf.putIfAbsent(commune, code);
            if (other != null) {
              sink.warn(
                  line,
                  "membres.code",
                  "commune " + commune + " déjà membre de l'EPCI " + other + " : ignorée ici",
                  m.toString());
              continue;
            }
            sink.attach(1, code, commune);
          }
        });
  }
}
