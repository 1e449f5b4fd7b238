package fr.eduatlas.hub;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A hub's directory of who does what in its territory: the actors (collectivités, académie,
 * associations, syndicats mixtes, private partners…) and their projects, each with its lever of the
 * digital-education programmes (équipement, ressources, formation, parents), budget and funders,
 * schools concerned, dates and status. Saved as numbered immutable versions (drafts), published by
 * a valideur, served publicly with the hub's territory. The document's fields are in French (it is
 * written by the hub's agents); docs/CONTRIBUTORS.md describes it.
 */
public final class Directory {
  static final ObjectMapper JSON = new ObjectMapper();
  public static final Set<String> KINDS =
      Set.of(
          "collectivite",
          "academie",
          "etat",
          "association",
          "syndicat-mixte",
          "operateur",
          "entreprise",
          "autre");
  public static final Set<String> LEVERS =
      Set.of("equipement", "ressources", "formation", "parents");
  public static final Set<String> STATUSES = Set.of("prevu", "en-cours", "termine", "abandonne");
  static final int MAX_BYTES = 512 * 1024;
  static final int MAX_ITEMS = 500;

  private final HubStore store;

  public Directory(HubStore store) {
    this.store = store;
  }

  /** A stored version of a directory. */
  public record Version(int number, Instant createdAt, String createdBy, JsonNode body) {}

  /** The published version: which, since when, by whom. */
  public record Published(int number, Instant at, String by, JsonNode body) {}

  /** An example document, offered to a hub that has none yet. */
  public static JsonNode example() {
    try {
      return JSON.readTree(
          "{\"acteurs\":[{\"id\":\"cd\",\"nom\":\"Conseil départemental\",\"nature\":"
              + "\"collectivite\",\"role\":\"équipement des collèges\"},{\"id\":\"drane\","
              + "\"nom\":\"DRANE de l'académie\",\"nature\":\"academie\",\"role\":\"formation des"
              + " enseignants\"}],\"projets\":[{\"id\":\"ent-colleges\",\"nom\":\"Espace"
              + " numérique de travail des collèges\",\"levier\":\"ressources\",\"budget\":"
              + "120000,\"financeurs\":[\"cd\"],\"acteurs\":[\"cd\",\"drane\"],"
              + "\"etablissements\":[],\"debut\":\"2025-09-01\",\"fin\":null,\"statut\":"
              + "\"en-cours\"}]}");
    } catch (java.io.IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * Checks a directory document; returns every error found (field path and reason, in French),
   * empty when valid. {@code schoolInScope} tells whether a UAI is a school of the hub's scope.
   */
  public static List<String> check(
      JsonNode doc, java.util.function.Predicate<String> schoolInScope) {
    var errors = new ArrayList<String>();
    if (doc == null || !doc.isObject()) {
      errors.add("le document est un objet JSON { \"acteurs\": […], \"projets\": […] }");
      return errors;
    }
    doc.fieldNames()
        .forEachRemaining(
            f -> {
              if (!f.equals("acteurs") && !f.equals("projets")) {
                errors.add("champ inconnu « " + f + " » (acteurs, projets)");
              }
            });
    JsonNode actors = doc.path("acteurs");
    JsonNode projects = doc.path("projets");
    if (!actors.isArray() || !projects.isArray()) {
      errors.add("« acteurs » et « projets » sont des listes");
      return errors;
    }
    if (actors.size() > MAX_ITEMS || projects.size() > MAX_ITEMS) {
      errors.add("au plus " + MAX_ITEMS + " acteurs et " + MAX_ITEMS + " projets");
      return errors;
    }
    var ids = new HashSet<String>();
    for (int k = 0; k < actors.size(); k++) {
      JsonNode a = actors.get(k);
      String at = "acteurs[" + k + "]";
      fields(a, at, Set.of("id", "nom", "nature", "role"), errors);
      String id = text(a, "id", at, true, 64, errors);
      if (id != null && !id.matches("[a-z0-9][a-z0-9-]{0,63}")) {
        errors.add(at + ".id : minuscules, chiffres et tirets (« " + id + " »)");
      } else if (id != null && !ids.add(id)) {
        errors.add(at + ".id : « " + id + " » déjà utilisé");
      }
      text(a, "nom", at, true, 300, errors);
      oneOf(a, "nature", at, KINDS, errors);
      text(a, "role", at, false, 500, errors);
    }
    var projectIds = new HashSet<String>();
    for (int k = 0; k < projects.size(); k++) {
      JsonNode p = projects.get(k);
      String at = "projets[" + k + "]";
      fields(
          p,
          at,
          Set.of(
              "id",
              "nom",
              "levier",
              "budget",
              "financeurs",
              "acteurs",
              "etablissements",
              "debut",
              "fin",
              "statut",
              "description"),
          errors);
      String id = text(p, "id", at, true, 64, errors);
      if (id != null && !projectIds.add(id)) {
        errors.add(at + ".id : « " + id + " » déjà utilisé");
      }
      text(p, "nom", at, true, 300, errors);
      text(p, "description", at, false, 2000, errors);
      oneOf(p, "levier", at, LEVERS, errors);
      oneOf(p, "statut", at, STATUSES, errors);
      JsonNode budget = p.path("budget");
      if (!budget.isMissingNode() && !budget.isNull()) {
        if (!budget.isNumber() || !Double.isFinite(budget.asDouble()) || budget.asDouble() < 0) {
          errors.add(at + ".budget : un montant en euros, positif ou nul (ou null si inconnu)");
        }
      }
      for (String list : List.of("financeurs", "acteurs")) {
        JsonNode l = p.path(list);
        if (l.isMissingNode()) {
          continue;
        }
        if (!l.isArray()) {
          errors.add(at + "." + list + " : une liste d'identifiants d'acteurs");
          continue;
        }
        for (JsonNode ref : l) {
          if (!ref.isTextual() || !ids.contains(ref.asText())) {
            errors.add(at + "." + list + " : acteur inconnu « " + ref.asText() + " »");
          }
        }
      }
      JsonNode schools = p.path("etablissements");
      if (!schools.isMissingNode()) {
        if (!schools.isArray() || schools.size() > 5000) {
          errors.add(at + ".etablissements : une liste de codes UAI (5 000 au plus)");
        } else {
          for (JsonNode u : schools) {
            String uai = u.asText();
            if (!u.isTextual()
                || !uai.matches("[0-9]{7}[A-Z]|(2A|2B)[0-9]{5}[A-Z]|97[0-9]{5}[A-Z]")) {
              errors.add(at + ".etablissements : code UAI mal formé « " + uai + " »");
            } else if (!schoolInScope.test(uai)) {
              errors.add(
                  at
                      + ".etablissements : « "
                      + uai
                      + " » n'est pas un établissement du périmètre du pôle");
            }
          }
        }
      }
      LocalDate start = date(p, "debut", at, errors);
      LocalDate end = date(p, "fin", at, errors);
      if (start != null && end != null && end.isBefore(start)) {
        errors.add(at + ".fin : antérieure au début");
      }
    }
    return errors;
  }

  private static void fields(JsonNode n, String at, Set<String> allowed, List<String> errors) {
    if (!n.isObject()) {
      errors.add(at + " : un objet est attendu");
      return;
    }
    n.fieldNames()
        .forEachRemaining(
            f -> {
              if (!allowed.contains(f)) {
                errors.add(at + " : champ inconnu « " + f + " »");
              }
            });
  }

  private static String text(
      JsonNode n, String field, String at, boolean required, int max, List<String> errors) {
    JsonNode v = n.path(field);
    if (v.isMissingNode() || v.isNull()) {
      if (required) {
        errors.add(at + "." + field + " : obligatoire");
      }
      return null;
    }
    if (!v.isTextual() || v.asText().isBlank() || v.asText().length() > max) {
      errors.add(at + "." + field + " : un texte non vide de " + max + " caractères au plus");
      return null;
    }
    return v.asText();
  }

  private static void oneOf(
      JsonNode n, String field, String at, Set<String> allowed, List<String> errors) {
    JsonNode v = n.path(field);
    if (!v.isTextual() || !allowed.contains(v.asText())) {
      errors.add(
          at
              + "."
              + field
              + " : l'une des valeurs "
              + String.join(", ", new java.util.TreeSet<>(allowed))
              + (v.isMissingNode() ? " (absent)" : " (reçu « " + v.asText() + " »)"));
    }
  }

  private static LocalDate date(JsonNode n, String field, String at, List<String> errors) {
    JsonNode v = n.path(field);
    if (v.isMissingNode() || v.isNull()) {
      return null;
    }
    try {
      return LocalDate.parse(v.asText());
    } catch (DateTimeParseException e) {
      errors.add(at + "." + field + " : une date AAAA-MM-JJ (reçu « " + v.asText() + " »)");
      return null;
    }
  }

  // ---- store --------------------------------------------------------------------------------

  /** Saves a checked document as the hub's next version; returns its number. */
  public int save(String hubId, JsonNode doc, String member, String address) {
    String body = doc.toString();
    return store.tx(
        c -> {
          var max =
              HubStore.query(
                  c,
                  "SELECT coalesce(max(number), 0) FROM directory_version WHERE hub_id = ?",
                  rs -> rs.getInt(1),
                  hubId);
          int n = max.get(0) + 1;
          HubStore.update(
              c,
              "INSERT INTO directory_version VALUES (?, ?, ?, ?, ?)",
              hubId,
              n,
              Instant.now().toEpochMilli(),
              member,
              body);
          HubStore.audit(
              c,
              new HubStore.AuditEntry(
                  member,
                  hubId,
                  "annuaire",
                  "annuaire/" + n,
                  address,
                  "ok",
                  "brouillon : "
                      + doc.path("acteurs").size()
                      + " acteurs, "
                      + doc.path("projets").size()
                      + " projets"));
          return n;
        });
  }

  /** The hub's versions, newest first. */
  public List<Version> versions(String hubId, int limit) {
    return store.tx(
        c ->
            HubStore.query(
                c,
                "SELECT number, created_at, created_by, body FROM directory_version WHERE hub_id ="
                    + " ? ORDER BY number DESC LIMIT ?",
                rs ->
                    new Version(
                        rs.getInt(1),
                        Instant.ofEpochMilli(rs.getLong(2)),
                        rs.getString(3),
                        parse(rs.getString(4))),
                hubId,
                limit));
  }

  /** Publishes a version (an earlier one: a rollback). */
  public Published publish(String hubId, int number, String member, String address) {
    return store.tx(
        c -> {
          var v =
              HubStore.query(
                  c,
                  "SELECT body FROM directory_version WHERE hub_id = ? AND number = ?",
                  rs -> rs.getString(1),
                  hubId,
                  number);
          if (v.isEmpty()) {
            throw HubException.notFound("aucune version " + number + " de l'annuaire");
          }
          long now = Instant.now().toEpochMilli();
          HubStore.update(
              c,
              "INSERT INTO directory_publication VALUES (?, ?, ?, ?, ?)",
              HubStore.newId(),
              hubId,
              number,
              now,
              member);
          HubStore.audit(
              c,
              new HubStore.AuditEntry(
                  member, hubId, "annuaire", "annuaire/" + number, address, "ok", "publication"));
          return new Published(number, Instant.ofEpochMilli(now), member, parse(v.get(0)));
        });
  }

  /** The published version of a hub's directory, if any. */
  public Optional<Published> published(String hubId) {
    return store.tx(
        c ->
            HubStore.query(
                    c,
                    "SELECT p.number, p.at, p.by_member, v.body FROM directory_publication p JOIN"
                        + " directory_version v ON v.hub_id = p.hub_id AND v.number = p.number"
                        + " WHERE p.hub_id = ? ORDER BY p.at DESC LIMIT 1",
                    rs ->
                        new Published(
                            rs.getInt(1),
                            Instant.ofEpochMilli(rs.getLong(2)),
                            rs.getString(3),
                            parse(rs.getString(4))),
                    hubId)
                .stream()
                .findFirst());
  }

  /**
   * The published directories of the hubs whose territory is {@code level}/{@code code}: one query
   * (a public route, read at every territory panel).
   */
  public List<Map.Entry<Hub, Published>> publishedFor(String level, String code) {
    return store.tx(
        c -> {
          var rows =
              HubStore.query(
                  c,
                  "SELECT p.hub_id, p.number, p.at, p.by_member, v.body FROM directory_publication"
                      + " p JOIN directory_version v ON v.hub_id = p.hub_id AND v.number ="
                      + " p.number JOIN hub h ON h.id = p.hub_id WHERE h.home_level = ? AND"
                      + " h.home_code = ? AND p.at = (SELECT max(q.at) FROM directory_publication"
                      + " q WHERE q.hub_id = p.hub_id) ORDER BY p.hub_id",
                  rs ->
                      Map.entry(
                          rs.getString(1),
                          new Published(
                              rs.getInt(2),
                              Instant.ofEpochMilli(rs.getLong(3)),
                              rs.getString(4),
                              parse(rs.getString(5)))),
                  level,
                  code);
          var out = new ArrayList<Map.Entry<Hub, Published>>();
          for (var r : rows) {
            out.add(Map.entry(HubStore.requireHub(c, r.getKey()), r.getValue()));
          }
          return out;
        });
  }

  private static JsonNode parse(String s) {
    try {
      return JSON.readTree(s);
    } catch (java.io.IOException e) {
      ObjectNode n = JSON.createObjectNode();
      n.put("erreur", "document illisible");
      return n;
    }
  }
}
