package fr.eduatlas.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import fr.eduatlas.hub.Campaigns;
import fr.eduatlas.hub.Campaigns.Campaign;
import fr.eduatlas.hub.Campaigns.Candidature;
import fr.eduatlas.hub.HubService;
import fr.eduatlas.hub.Principal;
import fr.eduatlas.selection.Selection;
import fr.eduatlas.selection.SelectionService;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The call-for-interest campaigns over HTTP ({@code /api/v1/campaigns}): the public list and view
 * (the frozen shortlist, the state, the laureates and their works with the bandwidth before and
 * after), and the authenticated lifecycle through the hubs: open, apply, close, decide, export the
 * decision file (CSV, ODS, printable HTML), follow the works. Routes stay thin over {@link
 * Campaigns}; permissions are the hubs' (docs/CAMPAIGNS.md).
 */
final class CampaignRoutes {
  static final String BASE = "/api/v1/campaigns";
  private static final ObjectMapper JSON = HubRoutes.JSON;
  private static final Pattern ID = Pattern.compile("[0-9a-f]{20}");
  private static final Pattern UAI = Pattern.compile("[0-9]{7}[A-Z]|(2A|2B)[0-9]{5}[A-Z]");

  /** A candidature's body: 2 MiB of attachment in base64, and the rest. */
  static final int MAX_BODY = 3 * 1024 * 1024;

  private final HubRoutes hubs;
  private final java.util.function.Supplier<HubService> services;
  private final SelectionService selections;

  CampaignRoutes(
      HubRoutes hubs,
      java.util.function.Supplier<HubService> services,
      SelectionService selections) {
    this.hubs = hubs;
    this.services = services;
    this.selections = selections;
  }

  private Campaigns campaigns() {
    return services.get().campaigns();
  }

  void register(RoutesConfig app) {
    hubs.publicRoute(app, BASE, Set.of(), this::list);
    hubs.route(app, "post", BASE, Set.of(), this::create);
    hubs.publicRoute(app, BASE + "/{campagne}", Set.of(), this::view);
    hubs.route(app, "post", BASE + "/{campagne}/cloture", Set.of(), this::close);
    hubs.route(app, "post", BASE + "/{campagne}/candidatures", Set.of(), this::apply);
    hubs.route(app, "get", BASE + "/{campagne}/candidatures", Set.of(), this::candidatures);
    hubs.route(
        app,
        "get",
        BASE + "/{campagne}/candidatures/{candidature}/piece",
        Set.of(),
        this::attachment);
    hubs.route(
        app,
        "post",
        BASE + "/{campagne}/candidatures/{candidature}/decision",
        Set.of(),
        this::decide);
    hubs.route(app, "get", BASE + "/{campagne}/dossier", Set.of("format"), this::dossier);
    hubs.route(app, "post", BASE + "/{campagne}/travaux", Set.of(), this::works);
  }

  // ---- public -------------------------------------------------------------------------------

  private void list(Context ctx) throws Exception {
    LocalDate today = LocalDate.now(ZoneId.of("Europe/Paris"));
    ArrayNode a = JSON.createArrayNode();
    for (Campaign k : campaigns().list()) {
      ObjectNode n = summary(k, today);
      var all = campaigns().laureates(k.id());
      n.put("laureates", all.size());
      a.add(n);
    }
    ctx.header("Cache-Control", "no-cache");
    json(ctx, 200, JSON.createObjectNode().set("campaigns", a));
  }

  private static ObjectNode summary(Campaign k, LocalDate today) {
    ObjectNode n = JSON.createObjectNode();
    n.put("id", k.id()).put("name", k.name()).put("hub", k.hub());
    n.put("status", k.status(today));
    n.put("statusLabel", statusLabel(k.status(today)));
    n.put("opensOn", k.opensOn().toString()).put("closesOn", k.closesOn().toString());
    n.put("closedAt", k.closedAt() == null ? null : k.closedAt().toString());
    n.put("budget", k.budget());
    n.put("communes", k.shortlist().communes().size());
    n.put("href", BASE + "/" + k.id());
    return n;
  }

  static String statusLabel(String status) {
    return switch (status) {
      case "a-venir" -> "à venir";
      case "ouverte" -> "candidatures ouvertes";
      default -> "candidatures closes";
    };
  }

  private Campaign campaign(Context ctx) {
    String id = ctx.pathParam("campagne");
    if (!ID.matcher(id).matches()) {
      throw new ApiException(
          404, "Ressource introuvable", "aucune campagne « " + Params.shown(id) + " »");
    }
    return campaigns()
        .get(id)
        .orElseThrow(
            () -> new ApiException(404, "Ressource introuvable", "aucune campagne « " + id + " »"));
  }

  /** The candidature's id from the path, its shape checked before any lookup. */
  private static String candidatureId(Context ctx) {
    String id = ctx.pathParam("candidature");
    if (!ID.matcher(id).matches()) {
      throw new ApiException(
          404, "Ressource introuvable", "aucune candidature « " + Params.shown(id) + " »");
    }
    return id;
  }

  /** The campaign as anyone may see it: shortlist, state, laureates and their follow-up. */
  private void view(Context ctx) throws Exception {
    Campaign k = campaign(ctx);
    LocalDate today = LocalDate.now(ZoneId.of("Europe/Paris"));
    ObjectNode n = summary(k, today);
    var s = k.shortlist();
    n.putObject("selection")
        .put("id", k.selectionId())
        .put("dataVersion", k.dataVersion())
        .put("method", s.method())
        .put("simulated", s.simulated());
    n.set("shortlist", JSON.valueToTree(s.communes()));
    var all = campaigns().all(k.id());
    n.put("candidatures", all.size());
    var laureates = all.stream().filter(x -> "laureate".equals(x.decision())).toList();
    n.put("refused", all.stream().filter(x -> "refusee".equals(x.decision())).count());
    double granted = laureates.stream().mapToDouble(Candidature::aid).sum();
    n.put("aidGranted", granted);
    n.put("budgetLeft", k.budget() == null ? null : k.budget() - granted);
    var works = campaigns().worksOf(k.id());
    ArrayNode la = n.putArray("laureates");
    int connected = 0;
    int schools = 0;
    for (Candidature x : laureates) {
      ObjectNode l = la.addObject();
      l.put("commune", x.commune());
      l.put("name", k.entry(x.commune()).map(Campaigns.Entry::name).orElse(null));
      l.put("cost", x.cost()).put("cofunding", x.cofunding()).put("aid", x.aid());
      ArrayNode sa = l.putArray("schools");
      for (var sc : x.schools()) {
        schools++;
        ObjectNode o = sa.addObject();
        o.put("uai", sc.uai()).put("name", sc.name());
        o.set("connectionAtApplication", JSON.valueToTree(sc));
        var w = works.get(sc.uai());
        if (w == null) {
          o.putNull("works");
          o.putNull("bandwidth");
          continue;
        }
        o.set("works", JSON.valueToTree(w));
        if (w.connectedOn() != null) {
          connected++;
          var ba = campaigns().beforeAfter(sc.uai(), w.connectedOn());
          ObjectNode b = JSON.valueToTree(ba);
          b.put("unit", "Mbit/s");
          b.put(
              "method",
              "médiane des médianes journalières de débit descendant mesuré, sur les 365 jours"
                  + " avant le raccordement et depuis le lendemain du raccordement");
          b.put(
              "source",
              ba.simulated()
                  ? "tests de débit simulés (calibrés) : illustration, pas une mesure"
                  : "tests de débit contribués par les pôles");
          o.set("bandwidth", b);
        } else {
          o.putNull("bandwidth");
        }
      }
    }
    n.put("laureateSchools", schools);
    n.put("connectedSchools", connected);
    if (s.simulated()) {
      n.put(
          "note",
          "La liste de la campagne repose sur des données de connectivité simulées : elle illustre"
              + " la méthode et ne peut fonder une décision.");
    }
    ctx.header("Cache-Control", "no-cache");
    json(ctx, 200, n);
  }

  // ---- lifecycle ----------------------------------------------------------------------------

  private JsonNode body(Context ctx, int limit) {
    String type = ctx.contentType() == null ? "" : ctx.contentType().toLowerCase(Locale.ROOT);
    if (!type.startsWith("application/json")) {
      throw new ApiException(
          415, "Type de contenu non pris en charge", "le corps s'envoie en application/json");
    }
    byte[] b = Bodies.read(ctx, limit);
    try {
      JsonNode n = JSON.readTree(b);
      if (n == null || !n.isObject()) {
        throw ApiException.badRequest("le corps est un objet JSON");
      }
      return n;
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw ApiException.badRequest(
          "JSON illisible (ligne "
              + e.getLocation().getLineNr()
              + ", colonne "
              + e.getLocation().getColumnNr()
              + ")");
    } catch (java.io.IOException e) {
      throw ApiException.badRequest("le corps n'a pas pu être lu");
    }
  }

  private static String text(JsonNode n, String field) {
    JsonNode v = n.get(field);
    return v == null || !v.isTextual() ? null : v.asText();
  }

  private static Double number(JsonNode n, String field) {
    JsonNode v = n.get(field);
    if (v == null || v.isNull()) {
      return null;
    }
    if (!v.isNumber()) {
      throw ApiException.badRequest(field + " : un nombre est attendu");
    }
    return v.asDouble();
  }

  private void create(Context ctx, Principal p, String address) throws Exception {
    JsonNode b = body(ctx, 64 * 1024);
    String hub = text(b, "hub");
    String sel = text(b, "selection");
    if (hub == null || !fr.eduatlas.hub.Hub.ID.matcher(hub).matches()) {
      throw ApiException.badRequest("hub : l'identifiant du pôle qui porte la campagne");
    }
    if (sel == null || !fr.eduatlas.selection.SelectionStore.validId(sel)) {
      throw ApiException.badRequest("selection : l'identifiant d'une sélection enregistrée");
    }
    // The hub's permission is checked before the selection is read.
    services.get().require(p, hub, fr.eduatlas.hub.Role.VALIDEUR, "campagne", address);
    Selection s = selections == null ? null : selections.get(sel);
    if (s == null) {
      throw new ApiException(
          422, "Sélection inconnue", "aucune sélection « " + sel + " » (POST /api/v1/selections)");
    }
    selections.keep(sel);
    var entries = new ArrayList<Campaigns.Entry>();
    for (var e : s.selected()) {
      entries.add(
          new Campaigns.Entry(
              e.code(),
              e.name(),
              e.departement() == null ? null : e.departement().code(),
              e.epci() == null ? null : e.epci().code(),
              e.epci() == null ? null : e.epci().name(),
              e.rank(),
              e.score(),
              e.estimatedCost(),
              e.connectionWay(),
              e.schoolsWeak(),
              e.pupilsAffected()));
    }
    var shortlist =
        new Campaigns.Shortlist(
            s.id(),
            s.dataVersion(),
            s.optimisation() == null ? null : s.optimisation().budget(),
            s.method().optimisation(),
            s.provenance().simulated(),
            entries);
    Campaign k =
        campaigns()
            .create(
                p,
                hub,
                text(b, "name"),
                shortlist,
                text(b, "opensOn"),
                text(b, "closesOn"),
                number(b, "budget"),
                address);
    ctx.header("Location", BASE + "/" + k.id());
    ObjectNode n = summary(k, LocalDate.now(ZoneId.of("Europe/Paris")));
    json(ctx, 201, n);
  }

  private void close(Context ctx, Principal p, String address) throws Exception {
    Campaign k = campaigns().close(p, campaign(ctx).id(), address);
    json(ctx, 200, summary(k, LocalDate.now(ZoneId.of("Europe/Paris"))));
  }

  private void apply(Context ctx, Principal p, String address) throws Exception {
    Campaign k = campaign(ctx);
    JsonNode b = body(ctx, MAX_BODY);
    String hub = text(b, "hub");
    if (hub == null || !fr.eduatlas.hub.Hub.ID.matcher(hub).matches()) {
      throw ApiException.badRequest("hub : l'identifiant du pôle candidat");
    }
    var uais = new ArrayList<String>();
    JsonNode schools = b.path("schools");
    if (!schools.isArray() || schools.size() > 100) {
      throw ApiException.badRequest("schools : une liste de 1 à 100 codes UAI");
    }
    var bad = new ArrayList<String>();
    for (JsonNode u : schools) {
      if (!u.isTextual() || !UAI.matcher(u.asText()).matches()) {
        bad.add("schools : code UAI mal formé « " + Params.shown(u.asText()) + " »");
      } else {
        uais.add(u.asText());
      }
    }
    if (!bad.isEmpty()) {
      throw new ApiException(400, "Requête invalide", String.join(" ; ", bad), bad);
    }
    Campaigns.Attachment att = null;
    JsonNode a = b.get("attachment");
    if (a != null && !a.isNull()) {
      String content = text(a, "content");
      if (content == null) {
        throw ApiException.badRequest("attachment.content : le fichier en base64");
      }
      byte[] bytes;
      try {
        bytes = Base64.getDecoder().decode(content);
      } catch (IllegalArgumentException e) {
        throw ApiException.badRequest("attachment.content : base64 illisible");
      }
      if (bytes.length > Campaigns.MAX_ATTACHMENT) {
        throw new ApiException(
            413,
            "Pièce jointe trop volumineuse",
            "pièce jointe de "
                + bytes.length / 1024
                + " Kio refusée : "
                + Campaigns.MAX_ATTACHMENT / 1024
                + " Kio au plus");
      }
      att = new Campaigns.Attachment(text(a, "name"), text(a, "type"), bytes);
    }
    Candidature x =
        campaigns()
            .apply(
                p,
                k.id(),
                hub,
                text(b, "commune"),
                uais,
                text(b, "project"),
                number(b, "cost"),
                number(b, "cofunding"),
                att,
                address);
    ctx.header("Location", BASE + "/" + k.id() + "/candidatures");
    json(ctx, 201, candidature(k, x));
  }

  private static ObjectNode candidature(Campaign k, Candidature x) {
    ObjectNode n = JSON.valueToTree(x);
    var e = k.entry(x.commune()).orElse(null);
    if (e != null) {
      n.put("name", e.name());
      n.put("rank", e.rank()).put("score", e.score()).put("estimatedCost", e.estimatedCost());
      n.put("epci", e.epci());
    }
    if (x.attachmentName() != null) {
      n.put("attachmentHref", BASE + "/" + k.id() + "/candidatures/" + x.id() + "/piece");
    }
    return n;
  }

  /** The jury's view (every candidature with the shortlist's figures), or the applicant's own. */
  private void candidatures(Context ctx, Principal p, String address) throws Exception {
    Campaign k = campaign(ctx);
    var list = campaigns().candidatures(p, k.id());
    boolean jury = campaigns().jury(p, k.id());
    ObjectNode n = JSON.createObjectNode();
    n.put("campaign", k.id()).put("jury", jury);
    n.put("status", k.status(LocalDate.now(ZoneId.of("Europe/Paris"))));
    n.put("budget", k.budget());
    ArrayNode a = n.putArray("candidatures");
    double asked = 0;
    double granted = 0;
    for (Candidature x : list) {
      a.add(candidature(k, x));
      asked += x.aid();
      granted += "laureate".equals(x.decision()) ? x.aid() : 0;
    }
    n.put("aidAsked", asked).put("aidGranted", granted);
    n.put("budgetLeft", k.budget() == null ? null : k.budget() - granted);
    json(ctx, 200, n);
  }

  private void attachment(Context ctx, Principal p, String address) throws Exception {
    Campaign k = campaign(ctx);
    String id = candidatureId(ctx);
    var att = campaigns().attachment(p, k.id(), id, address);
    ctx.contentType(att.type());
    ctx.header(
        "Content-Disposition",
        "attachment; filename*=UTF-8''"
            + java.net.URLEncoder.encode(att.name(), StandardCharsets.UTF_8).replace("+", "%20"));
    ctx.header("X-Content-Type-Options", "nosniff");
    ctx.result(att.bytes());
  }

  private void decide(Context ctx, Principal p, String address) throws Exception {
    Campaign k = campaign(ctx);
    String id = candidatureId(ctx);
    JsonNode b = body(ctx, 64 * 1024);
    var x = campaigns().decide(p, k.id(), id, text(b, "decision"), text(b, "comment"), address);
    json(ctx, 200, candidature(k, x));
  }

  private void works(Context ctx, Principal p, String address) throws Exception {
    Campaign k = campaign(ctx);
    JsonNode b = body(ctx, 16 * 1024);
    String uai = text(b, "uai");
    if (uai == null || !UAI.matcher(uai).matches()) {
      throw ApiException.badRequest("uai : le code UAI d'un établissement lauréat");
    }
    var w = campaigns().works(p, k.id(), uai, text(b, "status"), text(b, "date"), address);
    json(ctx, 200, JSON.valueToTree(w));
  }

  // ---- the decision file --------------------------------------------------------------------

  private static final List<String> COLUMNS =
      List.of(
          "rang",
          "code_insee",
          "commune",
          "epci",
          "score",
          "cout_estime_eur",
          "cout_projet_eur",
          "cofinancement_eur",
          "aide_demandee_eur",
          "etablissements",
          "decision",
          "commentaire");

  private void dossier(Context ctx, Principal p, String address) throws Exception {
    Campaign k = campaign(ctx);
    String format = ctx.queryParam("format") == null ? "html" : ctx.queryParam("format");
    if (!Set.of("html", "csv", "ods").contains(format)) {
      throw ApiException.badRequest(
          "format : html, csv ou ods (reçu « " + Params.shown(format) + " »)");
    }
    if (!campaigns().jury(p, k.id())) {
      services.get().readable(p, k.hub(), address);
    }
    var list = campaigns().candidatures(p, k.id());
    List<List<Object>> rows = new ArrayList<>();
    for (Candidature x : list) {
      var e = k.entry(x.commune()).orElse(null);
      rows.add(
          java.util.Arrays.asList(
              e == null ? null : e.rank(),
              x.commune(),
              e == null ? null : e.name(),
              e == null ? null : e.epciName(),
              e == null ? null : e.score(),
              e == null ? null : e.estimatedCost(),
              x.cost(),
              x.cofunding(),
              x.aid(),
              String.join(" ", x.schools().stream().map(Campaigns.School::uai).toList()),
              x.decision() == null
                  ? "en attente"
                  : x.decision().equals("laureate") ? "lauréate" : "refusée",
              x.comment()));
    }
    String name = "dossier-" + k.id();
    switch (format) {
      case "csv" -> {
        var w = new CsvWriter(new CsvWriter.Options(';', ','), COLUMNS);
        for (var r : rows) {
          var cells = new ArrayList<String>();
          for (Object o : r) {
            cells.add(o instanceof Number num ? w.number(num.doubleValue()) : w.text((String) o));
          }
          w.row(cells);
        }
        ctx.contentType("text/csv; charset=utf-8");
        ctx.header("Content-Disposition", "attachment; filename=\"" + name + ".csv\"");
        ctx.result(w.bytes());
      }
      case "ods" -> {
        ctx.contentType("application/vnd.oasis.opendocument.spreadsheet");
        ctx.header("Content-Disposition", "attachment; filename=\"" + name + ".ods\"");
        ctx.result(ods(k, rows));
      }
      default -> {
        ctx.contentType("text/html; charset=utf-8");
        ctx.result(html(k, list, rows).getBytes(StandardCharsets.UTF_8));
      }
    }
  }

  private static byte[] ods(Campaign k, List<List<Object>> rows) throws java.io.IOException {
    var sheet = new com.github.miachm.sods.Sheet("Candidatures", rows.size() + 1, COLUMNS.size());
    Object[][] values = new Object[rows.size() + 1][COLUMNS.size()];
    for (int c = 0; c < COLUMNS.size(); c++) {
      values[0][c] = COLUMNS.get(c);
    }
    for (int r = 0; r < rows.size(); r++) {
      for (int c = 0; c < COLUMNS.size(); c++) {
        Object o = rows.get(r).get(c);
        values[r + 1][c] = o instanceof Integer i ? (double) i : o;
      }
    }
    sheet.getDataRange().setValues(values);
    var method = new com.github.miachm.sods.Sheet("Méthode", 6, 2);
    method
        .getDataRange()
        .setValues(
            new Object[][] {
              {"campagne", k.name()},
              {"sélection", k.selectionId()},
              {"version des données", k.dataVersion()},
              {"budget (euros)", k.budget()},
              {"méthode", k.shortlist().method()},
              {
                "données",
                k.shortlist().simulated()
                    ? "connectivité simulée : la liste illustre la méthode"
                    : "contributions réelles"
              }
            });
    var book = new com.github.miachm.sods.SpreadSheet();
    book.appendSheet(sheet);
    book.appendSheet(method);
    var out = new java.io.ByteArrayOutputStream();
    book.save(out);
    return out.toByteArray();
  }

  private static String esc(Object o) {
    if (o == null) {
      return "";
    }
    String s = o instanceof Double d ? num(d) : o.toString();
    return s.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace("\"", "&quot;");
  }

  private static String num(double d) {
    return d == Math.rint(d)
        ? String.format(Locale.FRANCE, "%,.0f", d).replace('\u202f', ' ')
        : String.format(Locale.FRANCE, "%,.2f", d).replace('\u202f', ' ');
  }

  /** The decision file as a printable page (French), with the method and the data version. */
  private static String html(Campaign k, List<Candidature> list, List<List<Object>> rows) {
    double granted =
        list.stream()
            .filter(x -> "laureate".equals(x.decision()))
            .mapToDouble(Candidature::aid)
            .sum();
    var h = new StringBuilder();
    h.append("<!doctype html><html lang=\"fr\"><head><meta charset=\"utf-8\"><title>Dossier de")
        .append(" décision — ")
        .append(esc(k.name()))
        .append(
            "</title><style>body{font:11pt system-ui,sans-serif;margin:2em}table{border-collapse:")
        .append("collapse;width:100%}th,td{border:1px solid #999;padding:.3em;text-align:left}")
        .append(
            "td.n{text-align:right}@media print{body{margin:0}a{color:inherit}}</style></head><body>");
    h.append("<h1>Dossier de décision — ").append(esc(k.name())).append("</h1>");
    h.append("<p>Pôle porteur : ")
        .append(esc(k.hub()))
        .append(" · candidatures du ")
        .append(k.opensOn())
        .append(" au ")
        .append(k.closesOn())
        .append(" · édité le ")
        .append(LocalDate.now(ZoneId.of("Europe/Paris")))
        .append("</p>");
    h.append("<p>Budget : ")
        .append(k.budget() == null ? "sans plafond" : num(k.budget()) + " €")
        .append(" · aides accordées : ")
        .append(num(granted))
        .append(" €")
        .append(k.budget() == null ? "" : " · reste : " + num(k.budget() - granted) + " €")
        .append("</p>");
    h.append("<h2>Méthode</h2><p>Liste issue de la sélection ")
        .append(esc(k.selectionId()))
        .append(" (données ")
        .append(esc(k.dataVersion()))
        .append(") : ")
        .append(esc(k.shortlist().method()))
        .append("</p>");
    if (k.shortlist().simulated()) {
      h.append("<p><strong>Données de connectivité simulées : la liste illustre la méthode et ne")
          .append(" peut fonder une décision.</strong></p>");
    }
    h.append("<h2>Candidatures (").append(rows.size()).append(")</h2><table><thead><tr>");
    for (String c :
        List.of(
            "Rang",
            "Code",
            "Commune",
            "EPCI",
            "Score",
            "Coût estimé (€)",
            "Coût du projet (€)",
            "Cofinancement (€)",
            "Aide demandée (€)",
            "Établissements",
            "Décision",
            "Commentaire")) {
      h.append("<th>").append(c).append("</th>");
    }
    h.append("</tr></thead><tbody>");
    for (var r : rows) {
      h.append("<tr>");
      for (Object o : r) {
        h.append(o instanceof Number ? "<td class=\"n\">" : "<td>").append(esc(o)).append("</td>");
      }
      h.append("</tr>");
    }
    h.append("</tbody></table></body></html>");
    return h.toString();
  }

  private static void json(Context ctx, int status, JsonNode body) throws Exception {
    ctx.status(status);
    ctx.contentType("application/json");
    ctx.result(JSON.writeValueAsBytes(body));
  }
}
