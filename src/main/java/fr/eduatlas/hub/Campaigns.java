package fr.eduatlas.hub;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Calls for interest run as campaigns, from the shortlist to connected schools: a hub (the
 * programme's lead) opens a campaign on a selection's shortlist, frozen with its data version; the
 * hubs of the shortlisted communes (the commune's own, or its EPCI's) apply for their schools, each
 * school's current connection prefilled from the served warehouse; after the closing, the owner
 * hub's valideurs decide, laureates within the budget; the laureate schools' works are followed up
 * (planned, in progress, connected) and their measured bandwidth before and after the connection
 * read from the served speed tests. Every action is audited; every refusal says why, in French.
 *
 * <p>Permissions go through the hubs: valideur of the owner hub to create, close and decide;
 * contributeur of the commune's (or its EPCI's) hub to apply and follow up, or valideur of the
 * owner. docs/CAMPAIGNS.md has the lifecycle and the rules.
 */
public final class Campaigns {
  static final ObjectMapper JSON = new ObjectMapper();

  /** The largest attachment of a candidature, decoded. */
  public static final int MAX_ATTACHMENT = 2 << 20;

  public static final Set<String> ATTACHMENT_TYPES =
      Set.of(
          "application/pdf", "image/png", "image/jpeg", "application/vnd.oasis.opendocument.text");

  /** The works statuses of a laureate school, in their order. */
  public static final List<String> WORKS = List.of("prevu", "en-cours", "raccorde");

  public static final Set<String> DECISIONS = Set.of("laureate", "refusee");

  private static final ZoneId PARIS = ZoneId.of("Europe/Paris");

  private final HubService hubs;

  Campaigns(HubService hubs) {
    this.hubs = hubs;
  }

  private HubStore store() {
    return hubs.store();
  }

  // ---- records ------------------------------------------------------------------------------

  /** A shortlisted commune as the selection explained it. */
  public record Entry(
      String code,
      String name,
      String departement,
      String epci,
      String epciName,
      int rank,
      double score,
      double estimatedCost,
      String connectionWay,
      int schoolsWeak,
      long pupilsAffected) {}

  /** The frozen shortlist: which selection, on which data, by which method, and its communes. */
  public record Shortlist(
      String selectionId,
      String dataVersion,
      Double budget,
      String method,
      boolean simulated,
      List<Entry> communes) {}

  /** A campaign; {@code status} is computed for a day (Paris time). */
  public record Campaign(
      String id,
      String hub,
      String name,
      String selectionId,
      String dataVersion,
      Double budget,
      LocalDate opensOn,
      LocalDate closesOn,
      Instant closedAt,
      Shortlist shortlist,
      Instant createdAt,
      String createdBy) {
    /** {@code a-venir}, {@code ouverte} or {@code close}. */
    public String status(LocalDate today) {
      if (closedAt != null || today.isAfter(closesOn)) {
        return "close";
      }
      return today.isBefore(opensOn) ? "a-venir" : "ouverte";
    }

    public Optional<Entry> entry(String commune) {
      return shortlist.communes().stream().filter(e -> e.code().equals(commune)).findFirst();
    }
  }

  /** A school of a candidature with its connection as the served warehouse had it then. */
  public record School(
      String uai,
      String name,
      Integer year,
      String technology,
      Double downMeasured,
      Double downContracted,
      Boolean simulated) {}

  /** A candidature; {@code aid} is the amount asked of the programme (cost less co-funding). */
  public record Candidature(
      String id,
      String campaign,
      String commune,
      String hub,
      String member,
      List<School> schools,
      String project,
      double cost,
      double cofunding,
      double aid,
      String attachmentName,
      String attachmentType,
      String decision,
      String comment,
      String decidedBy,
      Instant decidedAt,
      Instant createdAt) {}

  /** A laureate school's works: status, the day of that status, the connection's day. */
  public record Works(
      String uai,
      String candidature,
      String status,
      LocalDate on,
      LocalDate connectedOn,
      Instant updatedAt,
      String updatedBy) {}

  /** An attachment: its name, media type and bytes. */
  public record Attachment(String name, String type, byte[] bytes) {}

  static LocalDate today() {
    return LocalDate.now(PARIS);
  }

  // ---- campaigns ----------------------------------------------------------------------------

  /**
   * Opens a campaign on a shortlist.
   *
   * @param budget the envelope in euros, or null to take the selection's
   */
  public Campaign create(
      Principal p,
      String hubId,
      String name,
      Shortlist shortlist,
      String opensOn,
      String closesOn,
      Double budget,
      String address) {
    hubs.require(p, hubId, Role.VALIDEUR, "campagne", address);
    var errors = new ArrayList<String>();
    if (name == null || name.isBlank() || name.length() > 300) {
      errors.add("name : un nom de 1 à 300 caractères");
    }
    LocalDate opens = date("opensOn", opensOn, errors);
    LocalDate closes = date("closesOn", closesOn, errors);
    if (opens != null && closes != null && closes.isBefore(opens)) {
      errors.add("closesOn : antérieure à opensOn");
    }
    Double envelope = budget != null ? budget : shortlist.budget();
    if (envelope != null && (!Double.isFinite(envelope) || envelope < 0 || envelope > 1e11)) {
      errors.add("budget : un montant en euros, de 0 à 100 milliards");
    }
    if (shortlist.communes().isEmpty()) {
      errors.add("selection : la liste de la sélection est vide");
    }
    if (!errors.isEmpty()) {
      throw HubException.invalid("campagne invalide", errors);
    }
    String id = HubStore.newId();
    long now = Instant.now().toEpochMilli();
    String body;
    try {
      body = JSON.writeValueAsString(shortlist);
    } catch (java.io.IOException e) {
      throw new IllegalStateException(e);
    }
    store()
        .tx(
            c -> {
              HubStore.update(
                  c,
                  "INSERT INTO campaign VALUES (?, ?, ?, ?, ?, ?, ?, ?, NULL, ?, ?, ?)",
                  id,
                  hubId,
                  name,
                  shortlist.selectionId(),
                  shortlist.dataVersion(),
                  envelope,
                  opens.toString(),
                  closes.toString(),
                  body,
                  now,
                  p.member());
              HubStore.audit(
                  c,
                  new HubStore.AuditEntry(
                      p.member(),
                      hubId,
                      "campagne",
                      "campagne/" + id,
                      address,
                      "ok",
                      "« "
                          + name
                          + " » sur la sélection "
                          + shortlist.selectionId()
                          + " ("
                          + shortlist.communes().size()
                          + " communes)"));
              return null;
            });
    return get(id).orElseThrow();
  }

  /** Every campaign, newest first (public). */
  public List<Campaign> list() {
    return store()
        .tx(
            c ->
                HubStore.query(
                    c, "SELECT * FROM campaign ORDER BY created_at DESC, id", Campaigns::campaign));
  }

  public Optional<Campaign> get(String id) {
    var l =
        store()
            .tx(
                c ->
                    HubStore.query(
                        c, "SELECT * FROM campaign WHERE id = ?", Campaigns::campaign, id));
    return l.stream().findFirst();
  }

  private Campaign require(String id) {
    return get(id).orElseThrow(() -> HubException.notFound("aucune campagne « " + id + " »"));
  }

  /** Closes the applications now (valideur of the owner hub). */
  public Campaign close(Principal p, String id, String address) {
    Campaign k = require(id);
    hubs.require(p, k.hub(), Role.VALIDEUR, "campagne-cloture", address);
    if (k.closedAt() != null) {
      throw new HubException(
          409, "Campagne déjà close", "la campagne est close depuis " + k.closedAt());
    }
    store()
        .tx(
            c -> {
              HubStore.update(
                  c,
                  "UPDATE campaign SET closed_at = ? WHERE id = ?",
                  Instant.now().toEpochMilli(),
                  id);
              HubStore.audit(
                  c,
                  new HubStore.AuditEntry(
                      p.member(),
                      k.hub(),
                      "campagne-cloture",
                      "campagne/" + id,
                      address,
                      "ok",
                      "candidatures closes"));
              return null;
            });
    return require(id);
  }

  // ---- candidatures -------------------------------------------------------------------------

  /**
   * A candidature of a shortlisted commune, by its own hub (a commune hub of that commune, or the
   * hub of its EPCI), for schools of that commune.
   */
  public Candidature apply(
      Principal p,
      String campaignId,
      String hubId,
      String commune,
      List<String> uais,
      String project,
      Double cost,
      Double cofunding,
      Attachment attachment,
      String address) {
    Campaign k = require(campaignId);
    Hub h = hubs.require(p, hubId, Role.CONTRIBUTEUR, "candidature", address);
    String status = k.status(today());
    if (!status.equals("ouverte")) {
      throw new HubException(
          409,
          "Candidatures fermées",
          status.equals("a-venir")
              ? "les candidatures ouvrent le " + k.opensOn()
              : "les candidatures sont closes");
    }
    var errors = new ArrayList<String>();
    Entry entry = commune == null ? null : k.entry(commune).orElse(null);
    if (entry == null) {
      errors.add(
          "commune : « "
              + commune
              + " » n'est pas une commune de la liste de la campagne ("
              + k.shortlist().communes().size()
              + " communes)");
    } else {
      boolean own =
          (h.kind() == Hub.Kind.COMMUNE && h.code().equals(commune))
              || (h.kind() == Hub.Kind.EPCI
                  && entry.epci() != null
                  && h.code().equals(entry.epci()));
      if (!own) {
        hubs.audit(
            p, hubId, "candidature", address, "refuse", "commune " + commune + " hors du pôle");
        throw HubException.forbidden(
            "seul le pôle de la commune "
                + commune
                + " ou celui de son EPCI peut candidater pour ses établissements ; le pôle « "
                + hubId
                + " » est celui de "
                + h.level()
                + " "
                + h.code());
      }
    }
    var schools = new ArrayList<School>();
    var seen = new java.util.HashSet<String>();
    if (uais == null || uais.isEmpty() || uais.size() > 100) {
      errors.add("schools : de 1 à 100 codes UAI");
    } else {
      SchoolDirectory sd = hubs.schools();
      for (String u : uais) {
        var s = u == null ? null : sd.get(u);
        if (s == null) {
          errors.add("schools : établissement inconnu « " + u + " »");
        } else if (!s.commune().equals(commune)) {
          errors.add(
              "schools : « "
                  + u
                  + " » ("
                  + s.name()
                  + ") est un établissement de "
                  + s.communeName()
                  + " ("
                  + s.commune()
                  + "), pas de la commune candidate");
        } else if (!seen.add(u)) {
          errors.add("schools : « " + u + " » en double");
        }
      }
    }
    if (project == null || project.isBlank() || project.length() > 5000) {
      errors.add("project : une description de 1 à 5 000 caractères");
    }
    if (cost == null || !Double.isFinite(cost) || cost <= 0 || cost > 1e9) {
      errors.add("cost : le coût du projet en euros, positif (1 milliard au plus)");
    }
    double co = cofunding == null ? 0 : cofunding;
    if (!Double.isFinite(co) || co < 0 || (cost != null && Double.isFinite(cost) && co > cost)) {
      errors.add("cofunding : un montant en euros, de 0 au coût du projet");
    }
    if (attachment != null) {
      if (attachment.name() == null || !attachment.name().matches("[\\p{L}\\p{N} ._()-]{1,200}")) {
        errors.add(
            "attachment.name : un nom de fichier de 1 à 200 caractères (lettres, chiffres, espace . _ ( ) -)");
      }
      if (!ATTACHMENT_TYPES.contains(attachment.type())) {
        errors.add(
            "attachment.type : l'un des types "
                + String.join(", ", new java.util.TreeSet<>(ATTACHMENT_TYPES)));
      }
    }
    if (!errors.isEmpty()) {
      throw HubException.invalid("candidature invalide", errors);
    }
    // The schools' connection as served now.
    for (String u : uais) {
      schools.add(current(u));
    }
    String id = HubStore.newId();
    long now = Instant.now().toEpochMilli();
    String body;
    try {
      var b = new LinkedHashMap<String, Object>();
      b.put("schools", schools);
      b.put("project", project);
      body = JSON.writeValueAsString(b);
    } catch (java.io.IOException e) {
      throw new IllegalStateException(e);
    }
    store()
        .tx(
            c -> {
              var already =
                  HubStore.query(
                      c,
                      "SELECT id FROM candidature WHERE campaign_id = ? AND commune_code = ?",
                      rs -> rs.getString(1),
                      campaignId,
                      commune);
              if (!already.isEmpty()) {
                throw new HubException(
                    409,
                    "Candidature déjà déposée",
                    "la commune " + commune + " a déjà candidaté (" + already.get(0) + ")");
              }
              HubStore.update(
                  c,
                  "INSERT INTO candidature VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, NULL, NULL,"
                      + " NULL, ?)",
                  id,
                  campaignId,
                  commune,
                  hubId,
                  p.member(),
                  body,
                  cost,
                  co,
                  attachment == null ? null : attachment.name(),
                  attachment == null ? null : attachment.type(),
                  attachment == null
                      ? null
                      : Base64.getEncoder().encodeToString(attachment.bytes()),
                  now);
              HubStore.audit(
                  c,
                  new HubStore.AuditEntry(
                      p.member(),
                      hubId,
                      "candidature",
                      "campagne/" + campaignId + "/candidature/" + id,
                      address,
                      "ok",
                      "commune "
                          + commune
                          + ", "
                          + uais.size()
                          + " établissement(s), coût "
                          + euros(cost)
                          + ", cofinancement "
                          + euros(co)));
              return null;
            });
    return candidature(campaignId, id).orElseThrow();
  }

  /** The school's latest connection in the served warehouse (null figures when none). */
  private School current(String uai) {
    try (var lease = hubs.warehouse().lease()) {
      Connection c = lease.connection();
      try (var ps =
          c.prepareStatement(
              "SELECT s.name, k.year, k.technology, k.down_measured, k.down_contracted,"
                  + " k.simulated FROM school s LEFT JOIN (SELECT * FROM school_connectivity"
                  + " WHERE uai = ? ORDER BY year DESC LIMIT 1) k ON k.uai = s.uai WHERE s.uai ="
                  + " ?")) {
        ps.setString(1, uai);
        ps.setString(2, uai);
        try (var rs = ps.executeQuery()) {
          if (!rs.next()) {
            return new School(uai, null, null, null, null, null, null);
          }
          return new School(
              uai,
              rs.getString(1),
              (Integer) rs.getObject(2, Integer.class),
              rs.getString(3),
              (Double) rs.getObject(4, Double.class),
              (Double) rs.getObject(5, Double.class),
              (Boolean) rs.getObject(6, Boolean.class));
        }
      }
    } catch (SQLException e) {
      throw new IllegalStateException("entrepôt : " + e.getMessage(), e);
    }
  }

  /**
   * The candidatures the principal may see: all of them for the owner hub's members (the jury),
   * else those of the hubs it belongs to.
   */
  public List<Candidature> candidatures(Principal p, String campaignId) {
    Campaign k = require(campaignId);
    boolean jury = p.member(k.hub());
    return all(campaignId).stream().filter(x -> jury || p.member(x.hub())).toList();
  }

  /** Whether the principal sits on the campaign's jury (a member of the owner hub). */
  public boolean jury(Principal p, String campaignId) {
    return p.member(require(campaignId).hub());
  }

  /** Every candidature of a campaign (the routes show only what a principal may see). */
  public List<Candidature> all(String campaignId) {
    return store()
        .tx(
            c ->
                HubStore.query(
                    c,
                    "SELECT * FROM candidature WHERE campaign_id = ? ORDER BY commune_code",
                    Campaigns::candidature,
                    campaignId));
  }

  /** Every laureate candidature of a campaign (public once decided). */
  public List<Candidature> laureates(String campaignId) {
    return all(campaignId).stream().filter(x -> "laureate".equals(x.decision())).toList();
  }

  private Optional<Candidature> candidature(String campaignId, String id) {
    return store()
        .tx(
            c ->
                HubStore.query(
                    c,
                    "SELECT * FROM candidature WHERE campaign_id = ? AND id = ?",
                    Campaigns::candidature,
                    campaignId,
                    id))
        .stream()
        .findFirst();
  }

  /** A candidature's attachment, for the jury and the applicant hub's members. */
  public Attachment attachment(Principal p, String campaignId, String id, String address) {
    Campaign k = require(campaignId);
    Candidature x =
        candidature(campaignId, id)
            .orElseThrow(() -> HubException.notFound("aucune candidature « " + id + " »"));
    if (!p.member(k.hub()) && !p.member(x.hub())) {
      hubs.audit(p, k.hub(), "piece", address, "refuse", "ni jury ni candidat");
      throw HubException.notFound("aucune candidature « " + id + " » accessible");
    }
    var rows =
        store()
            .tx(
                c ->
                    HubStore.query(
                        c,
                        "SELECT attachment_name, attachment_type, attachment FROM candidature"
                            + " WHERE id = ?",
                        rs ->
                            rs.getString(3) == null
                                ? null
                                : new Attachment(
                                    rs.getString(1),
                                    rs.getString(2),
                                    Base64.getDecoder().decode(rs.getString(3))),
                        id));
    if (rows.isEmpty() || rows.get(0) == null) {
      throw HubException.notFound("la candidature « " + id + " » n'a pas de pièce jointe");
    }
    return rows.get(0);
  }

  /**
   * The jury's decision on a candidature, after the closing: a laureate only while the laureates'
   * aid (cost less co-funding) stays within the budget.
   */
  public Candidature decide(
      Principal p, String campaignId, String id, String decision, String comment, String address) {
    Campaign k = require(campaignId);
    hubs.require(p, k.hub(), Role.VALIDEUR, "decision", address);
    if (!k.status(today()).equals("close")) {
      throw new HubException(
          409,
          "Candidatures encore ouvertes",
          "le jury décide après la clôture des candidatures (le "
              + k.closesOn()
              + ", ou POST …/cloture)");
    }
    var errors = new ArrayList<String>();
    if (decision == null || !DECISIONS.contains(decision)) {
      errors.add("decision : laureate ou refusee");
    }
    if (comment != null && comment.length() > 5000) {
      errors.add("comment : 5 000 caractères au plus");
    }
    if (!errors.isEmpty()) {
      throw HubException.invalid("décision invalide", errors);
    }
    store()
        .tx(
            c -> {
              var all =
                  HubStore.query(
                      c,
                      "SELECT * FROM candidature WHERE campaign_id = ?",
                      Campaigns::candidature,
                      campaignId);
              Candidature x =
                  all.stream()
                      .filter(y -> y.id().equals(id))
                      .findFirst()
                      .orElseThrow(
                          () -> HubException.notFound("aucune candidature « " + id + " »"));
              if (decision.equals("laureate") && k.budget() != null) {
                double granted =
                    all.stream()
                        .filter(y -> "laureate".equals(y.decision()) && !y.id().equals(id))
                        .mapToDouble(Candidature::aid)
                        .sum();
                if (granted + x.aid() > k.budget() + 0.005) {
                  throw new HubException(
                      409,
                      "Budget dépassé",
                      "lauréate, la commune "
                          + x.commune()
                          + " porterait les aides à "
                          + euros(granted + x.aid())
                          + " pour un budget de "
                          + euros(k.budget())
                          + " (déjà accordé : "
                          + euros(granted)
                          + ", demandé : "
                          + euros(x.aid())
                          + ")");
                }
              }
              HubStore.update(
                  c,
                  "UPDATE candidature SET decision = ?, decision_comment = ?, decided_by = ?,"
                      + " decided_at = ? WHERE id = ?",
                  decision,
                  comment,
                  p.member(),
                  Instant.now().toEpochMilli(),
                  id);
              HubStore.audit(
                  c,
                  new HubStore.AuditEntry(
                      p.member(),
                      k.hub(),
                      "decision",
                      "campagne/" + campaignId + "/candidature/" + id,
                      address,
                      "ok",
                      "commune " + x.commune() + " : " + decision));
              return null;
            });
    return candidature(campaignId, id).orElseThrow();
  }

  // ---- follow-up ----------------------------------------------------------------------------

  /**
   * A laureate school's works status, by its applicant hub's contributeurs or the owner's
   * valideurs; {@code raccorde} records the connection's day.
   */
  public Works works(
      Principal p, String campaignId, String uai, String status, String on, String address) {
    Campaign k = require(campaignId);
    var errors = new ArrayList<String>();
    if (status == null || !WORKS.contains(status)) {
      errors.add("status : prevu, en-cours ou raccorde");
    }
    LocalDate day = date("date", on, errors);
    if (day != null && status != null && !status.equals("prevu") && day.isAfter(today())) {
      errors.add("date : un chantier commencé ou un raccordement n'est pas daté du futur");
    }
    if (!errors.isEmpty()) {
      throw HubException.invalid("suivi invalide", errors);
    }
    Candidature x =
        laureates(campaignId).stream()
            .filter(y -> y.schools().stream().anyMatch(s -> s.uai().equals(uai)))
            .findFirst()
            .orElseThrow(
                () ->
                    HubException.notFound(
                        "« " + uai + " » n'est pas un établissement d'une candidature lauréate"));
    if (!p.has(x.hub(), Role.CONTRIBUTEUR) && !p.has(k.hub(), Role.VALIDEUR)) {
      hubs.audit(p, x.hub(), "travaux", address, "refuse", "ni contributeur du candidat ni jury");
      throw HubException.forbidden(
          "le suivi des travaux demande le rôle contributeur du pôle « "
              + x.hub()
              + " » ou valideur du pôle « "
              + k.hub()
              + " »");
    }
    long now = Instant.now().toEpochMilli();
    store()
        .tx(
            c -> {
              var prior =
                  HubStore.query(
                      c,
                      "SELECT connected_on FROM campaign_works WHERE campaign_id = ? AND uai = ?",
                      rs -> Optional.ofNullable(rs.getString(1)),
                      campaignId,
                      uai);
              String connected =
                  status.equals("raccorde")
                      ? day.toString()
                      : prior.isEmpty() ? null : prior.get(0).orElse(null);
              if (!status.equals("raccorde")) {
                connected = null;
              }
              HubStore.update(
                  c,
                  "DELETE FROM campaign_works WHERE campaign_id = ? AND uai = ?",
                  campaignId,
                  uai);
              HubStore.update(
                  c,
                  "INSERT INTO campaign_works VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                  campaignId,
                  uai,
                  x.id(),
                  status,
                  day.toString(),
                  connected,
                  now,
                  p.member());
              HubStore.audit(
                  c,
                  new HubStore.AuditEntry(
                      p.member(),
                      x.hub(),
                      "travaux",
                      "campagne/" + campaignId + "/travaux/" + uai,
                      address,
                      "ok",
                      status + " le " + day));
              return null;
            });
    return worksOf(campaignId).get(uai);
  }

  /** The works of a campaign's laureate schools, by UAI. */
  public Map<String, Works> worksOf(String campaignId) {
    var out = new LinkedHashMap<String, Works>();
    for (var w :
        store()
            .tx(
                c ->
                    HubStore.query(
                        c,
                        "SELECT * FROM campaign_works WHERE campaign_id = ? ORDER BY uai",
                        rs ->
                            new Works(
                                rs.getString("uai"),
                                rs.getString("candidature_id"),
                                rs.getString("status"),
                                LocalDate.parse(rs.getString("on_date")),
                                rs.getString("connected_on") == null
                                    ? null
                                    : LocalDate.parse(rs.getString("connected_on")),
                                Instant.ofEpochMilli(rs.getLong("updated_at")),
                                rs.getString("updated_by")),
                        campaignId))) {
      out.put(w.uai(), w);
    }
    return out;
  }

  /**
   * Measured bandwidth of a school before and after its connection day, from the served warehouse's
   * daily speed-test medians.
   *
   * @param medianBefore median of the daily medians over the year before the day (Mbit/s)
   * @param testsBefore tests behind it, over {@code daysBefore} days
   */
  public record BeforeAfter(
      Double medianBefore,
      long testsBefore,
      int daysBefore,
      Double medianAfter,
      long testsAfter,
      int daysAfter,
      boolean simulated) {}

  /** Before: the 365 days before the connection day; after: from the day after it on. */
  public BeforeAfter beforeAfter(String uai, LocalDate connectedOn) {
    try (var lease = hubs.warehouse().lease()) {
      Connection c = lease.connection();
      try (var ps =
          c.prepareStatement(
              "SELECT median(median_down) FILTER (WHERE day < ?::DATE AND day >= ?::DATE),"
                  + " coalesce(sum(tests) FILTER (WHERE day < ?::DATE AND day >= ?::DATE), 0),"
                  + " count(*) FILTER (WHERE day < ?::DATE AND day >= ?::DATE),"
                  + " median(median_down) FILTER (WHERE day > ?::DATE),"
                  + " coalesce(sum(tests) FILTER (WHERE day > ?::DATE), 0),"
                  + " count(*) FILTER (WHERE day > ?::DATE),"
                  + " coalesce(bool_or(simulated), false)"
                  + " FROM school_speedtest_daily WHERE uai = ?")) {
        String d = connectedOn.toString();
        String from = connectedOn.minusDays(365).toString();
        int i = 1;
        for (int k = 0; k < 3; k++) {
          ps.setString(i++, d);
          ps.setString(i++, from);
        }
        for (int k = 0; k < 3; k++) {
          ps.setString(i++, d);
        }
        ps.setString(i, uai);
        try (var rs = ps.executeQuery()) {
          rs.next();
          return new BeforeAfter(
              finite(rs.getObject(1)),
              rs.getLong(2),
              rs.getInt(3),
              finite(rs.getObject(4)),
              rs.getLong(5),
              rs.getInt(6),
              rs.getBoolean(7));
        }
      }
    } catch (SQLException e) {
      throw new IllegalStateException("entrepôt : " + e.getMessage(), e);
    }
  }

  private static Double finite(Object o) {
    if (o == null) {
      return null;
    }
    double d = ((Number) o).doubleValue();
    return Double.isFinite(d) ? d : null;
  }

  // ---- helpers ------------------------------------------------------------------------------

  private static LocalDate date(String field, String s, List<String> errors) {
    if (s == null) {
      errors.add(field + " : une date AAAA-MM-JJ (absente)");
      return null;
    }
    try {
      if (!s.matches("[0-9]{4}-[0-9]{2}-[0-9]{2}")) {
        throw new DateTimeParseException("forme", s, 0);
      }
      return LocalDate.parse(s);
    } catch (DateTimeParseException e) {
      errors.add(field + " : une date AAAA-MM-JJ (reçu « " + shown(s) + " »)");
      return null;
    }
  }

  private static String shown(String s) {
    return s.length() > 40 ? s.substring(0, 40) + "…" : s;
  }

  static String euros(double amount) {
    return String.format(Locale.FRANCE, "%,.0f €", amount).replace('\u202f', ' ');
  }

  private static Campaign campaign(java.sql.ResultSet rs) throws SQLException {
    Shortlist s;
    try {
      s = JSON.readValue(rs.getString("shortlist"), Shortlist.class);
    } catch (java.io.IOException e) {
      throw new SQLException("liste de campagne illisible", e);
    }
    long closed = rs.getLong("closed_at");
    boolean noClose = rs.wasNull();
    double budget = rs.getDouble("budget");
    boolean noBudget = rs.wasNull();
    return new Campaign(
        rs.getString("id"),
        rs.getString("hub_id"),
        rs.getString("name"),
        rs.getString("selection_id"),
        rs.getString("data_version"),
        noBudget ? null : budget,
        LocalDate.parse(rs.getString("opens_on")),
        LocalDate.parse(rs.getString("closes_on")),
        noClose ? null : Instant.ofEpochMilli(closed),
        s,
        Instant.ofEpochMilli(rs.getLong("created_at")),
        rs.getString("created_by"));
  }

  private static Candidature candidature(java.sql.ResultSet rs) throws SQLException {
    JsonNode b;
    List<School> schools = new ArrayList<>();
    try {
      b = JSON.readTree(rs.getString("body"));
      for (JsonNode s : b.path("schools")) {
        schools.add(JSON.treeToValue(s, School.class));
      }
    } catch (java.io.IOException e) {
      throw new SQLException("candidature illisible", e);
    }
    double cost = rs.getDouble("cost");
    double co = rs.getDouble("cofunding");
    long decided = rs.getLong("decided_at");
    boolean undecided = rs.wasNull();
    return new Candidature(
        rs.getString("id"),
        rs.getString("campaign_id"),
        rs.getString("commune_code"),
        rs.getString("hub_id"),
        rs.getString("member_id"),
        schools,
        b.path("project").asText(),
        cost,
        co,
        cost - co,
        rs.getString("attachment_name"),
        rs.getString("attachment_type"),
        rs.getString("decision"),
        rs.getString("decision_comment"),
        rs.getString("decided_by"),
        undecided ? null : Instant.ofEpochMilli(decided),
        Instant.ofEpochMilli(rs.getLong("created_at")));
  }
}
