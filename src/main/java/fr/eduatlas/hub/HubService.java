package fr.eduatlas.hub;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import fr.eduatlas.warehouse.ServedWarehouse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * What a hub's members can do, whoever they are and however they authenticated: upload (validated
 * against the hub's scope), list and compare versions, publish or roll back (which queues a
 * rebuild), read conflicts, completeness, templates and the audit log. Every action and every
 * refusal is audited. No HTTP here: the routes adapt it.
 */
public final class HubService implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final HubStore store;
  private final ServedWarehouse warehouse;
  private final Rebuilder rebuilder;
  private final Sessions sessions;
  private volatile SchoolDirectory schools;
  private volatile OidcProvider oidc;

  public HubService(HubStore store, ServedWarehouse warehouse, Rebuilder rebuilder) {
    this.store = store;
    this.warehouse = warehouse;
    this.rebuilder = rebuilder;
    this.sessions = new Sessions(store);
  }

  public HubStore store() {
    return store;
  }

  /** The contributors' web sessions and logins. */
  public Sessions sessions() {
    return sessions;
  }

  /** The hubs' live speed-test feed. */
  public Feed feed() {
    return new Feed(store);
  }

  /** The calls for interest run as campaigns. */
  public Campaigns campaigns() {
    return new Campaigns(this);
  }

  ServedWarehouse warehouse() {
    return warehouse;
  }

  /** Audits a refusal or an outcome outside a transaction of the caller's. */
  void audit(Principal p, String hub, String action, String address, String outcome, String why) {
    store.audit(
        new HubStore.AuditEntry(
            p == null ? null : p.member(), hub, action, null, address, outcome, why));
  }

  /** The hubs' directories of actors and projects. */
  public Directory directory() {
    return new Directory(store);
  }

  /**
   * Checks who may post to a hub's speed-test feed (a feed token of the hub, or a contributor),
   * before any byte of the batch is read.
   */
  public Hub feedable(Principal p, String hubId, String address) {
    Hub h = store.hub(hubId).orElse(null);
    if (h == null || !p.mayFeed(hubId)) {
      if (h != null) {
        deny(p, hubId, "flux-tests", address, "ni jeton du flux ni rôle contributeur");
        if (p.member(hubId)) {
          throw HubException.forbidden(
              "le flux de tests demande le rôle « contributeur » ou un jeton du flux du pôle");
        }
      }
      throw HubException.notFound("aucun pôle « " + hubId + " » accessible avec ce jeton");
    }
    if (!h.scope().datasets().contains("tests_debit")) {
      throw HubException.forbidden(
          "le jeu « tests_debit » n'est pas accordé au pôle « " + hubId + " »");
    }
    return h;
  }

  /**
   * Validates a batch of the feed as a {@code tests_debit.csv} upload would be (same reader, same
   * scope checks), then stores it whole. {@code jsonErrors}: NDJSON lines that were not objects.
   */
  public Feed.Stored feed(
      Principal p,
      String hubId,
      String batchId,
      List<UploadValidator.IncomingFile> files,
      Map<Long, String> jsonErrors,
      boolean ndjson,
      String address) {
    Hub hub = feedable(p, hubId, address);
    var v = new UploadValidator(schools()).validate(hub, files);
    var rows = v.rows().getOrDefault("tests_debit", List.of());
    return feed()
        .store(
            hubId,
            batchId,
            p.member(),
            p.tokenId(),
            v.read(),
            v.rejected(),
            rows,
            duplicates -> feedReport(batchId, v, jsonErrors, ndjson, duplicates),
            address);
  }

  private static String feedReport(
      String batchId,
      UploadValidator.Validation v,
      Map<Long, String> jsonErrors,
      boolean ndjson,
      long duplicates) {
    var m = new LinkedHashMap<String, Object>();
    m.put("batch", batchId);
    m.put("read", v.read());
    m.put("stored", v.accepted() - duplicates);
    m.put("duplicates", duplicates);
    m.put("rejected", v.rejected());
    m.put("outOfScope", v.outOfScope());
    var rejections = new ArrayList<Map<String, Object>>();
    for (var f : v.files()) {
      if (f.error() != null) {
        rejections.add(Map.of("line", 0, "reason", f.error()));
      }
      for (var x : f.rejections()) {
        var r = new LinkedHashMap<String, Object>();
        // NDJSON line k is CSV line k + 1 (the header).
        r.put("line", ndjson ? x.line() - 1 : x.line());
        String json = jsonErrors.get(x.line());
        r.put("field", json != null ? null : x.field());
        r.put("reason", json != null ? json : x.reason());
        r.put("outOfScope", x.outOfScope());
        if (rejections.size() < 1000) {
          rejections.add(r);
        }
      }
    }
    m.put("rejections", rejections);
    try {
      return JSON.writeValueAsString(m);
    } catch (java.io.IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Saves a hub's directory as a draft version after checking it; returns its number. */
  public int saveDirectory(
      Principal p, String hubId, com.fasterxml.jackson.databind.JsonNode doc, String address) {
    Hub h = require(p, hubId, Role.CONTRIBUTEUR, "annuaire", address);
    SchoolDirectory sd = schools();
    var errors =
        Directory.check(
            doc,
            uai -> {
              var s = sd.get(uai);
              return s != null && h.scope().types().contains(s.type()) && s.inTerritory(h.scope());
            });
    if (!errors.isEmpty()) {
      throw new HubException(
          422,
          "Annuaire invalide",
          errors.size() + " erreur(s) : rien n'a été enregistré",
          errors.subList(0, Math.min(errors.size(), 200)));
    }
    return directory().save(hubId, doc, p.member(), address);
  }

  /** Publishes a version of a hub's directory (valideur). */
  public Directory.Published publishDirectory(
      Principal p, String hubId, int number, String address) {
    require(p, hubId, Role.VALIDEUR, "annuaire", address);
    return directory().publish(hubId, number, p.member(), address);
  }

  /** Logs contributors in through this OpenID Connect provider (else: one-time links only). */
  public HubService withOidc(OidcProvider provider) {
    this.oidc = provider;
    return this;
  }

  /** The configured OpenID Connect provider, or null. */
  public OidcProvider oidc() {
    return oidc;
  }

  /** The served schools, reloaded when the served data version changes. */
  SchoolDirectory schools() {
    try (var lease = warehouse.lease()) {
      SchoolDirectory s = schools;
      String v = lease.dataVersion();
      if (s == null || !java.util.Objects.equals(s.dataVersion(), v)) {
        s = SchoolDirectory.load(lease.connection(), v);
        schools = s;
      }
      return s;
    } catch (SQLException e) {
      throw new IllegalStateException("cannot read the served schools", e);
    }
  }

  /**
   * Queues a rebuild when the served warehouse does not carry the store's current publications (a
   * server stopped during a rebuild, or a publication made by another process). Returns whether one
   * was queued.
   */
  public boolean rebuildIfStale() {
    if (rebuilder == null) {
      return false;
    }
    var wanted = new TreeSet<String>();
    store
        .allPublications()
        .values()
        .forEach(p -> wanted.add(p.hub() + "/" + p.dataset() + "/" + p.number()));
    var served = new TreeSet<String>();
    try (var lease = warehouse.lease()) {
      Connection c = lease.connection();
      if (tableExists(c, "contribution_version")) {
        try (var st = c.createStatement();
            var rs = st.executeQuery("SELECT hub_id, dataset, version FROM contribution_version")) {
          while (rs.next()) {
            served.add(rs.getString(1) + "/" + rs.getString(2) + "/" + rs.getInt(3));
          }
        }
      }
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
    if (wanted.equals(served)) {
      return false;
    }
    rebuilder.request("eduatlas (reprise au démarrage)");
    return true;
  }

  // ---- access -------------------------------------------------------------------------------

  /** The hub, when the principal may read it (404 otherwise, so as not to reveal hubs). */
  public Hub readable(Principal p, String hubId, String address) {
    Hub h = store.hub(hubId).orElse(null);
    if (h == null || !p.member(hubId)) {
      if (h != null) {
        deny(p, hubId, "lecture", address, "aucun rôle dans ce pôle");
      }
      throw HubException.notFound("aucun pôle « " + hubId + " » accessible avec ce jeton");
    }
    return h;
  }

  /**
   * The hub, when the principal holds {@code role} in it (403 otherwise, audited as a refused
   * {@code action}): checked before an upload's body is read.
   */
  public Hub require(Principal p, String hubId, Role role, String action, String address) {
    Hub h = readable(p, hubId, address);
    if (!p.has(hubId, role)) {
      deny(p, hubId, action, address, "rôle « " + role.code() + " » requis");
      throw HubException.forbidden(
          "cette action demande le rôle « " + role.code() + " » dans le pôle « " + hubId + " »");
    }
    return h;
  }

  private void deny(Principal p, String hub, String action, String address, String why) {
    store.audit(
        new HubStore.AuditEntry(
            p == null ? null : p.member(), hub, action, null, address, "refuse", why));
  }

  /** The hubs the principal belongs to (every hub for an administrator). */
  public List<Hub> hubs(Principal p) {
    return store.hubs().stream().filter(h -> p.member(h.id())).toList();
  }

  // ---- upload -------------------------------------------------------------------------------

  /** An upload's outcome: the validation report and the draft versions it created. */
  public record UploadResult(
      String uploadId,
      UploadValidator.Validation validation,
      List<HubStore.Version> versions,
      String report) {}

  /**
   * Validates the files against the hub's scope and stores the accepted rows as new draft versions.
   * Rows outside the scope are never stored; the attempt is audited. When every row read was
   * outside the scope, nothing is stored and the upload is refused (403).
   */
  public UploadResult upload(
      Principal p, String hubId, List<UploadValidator.IncomingFile> files, String address) {
    Hub hub = require(p, hubId, Role.CONTRIBUTEUR, "depot", address);
    if (files.isEmpty()) {
      throw HubException.invalid("envoi vide : aucun fichier de contribution");
    }
    var v = new UploadValidator(schools()).validate(hub, files);
    if (v.outOfScope() > 0) {
      store.audit(
          new HubStore.AuditEntry(
              p.member(),
              hubId,
              "hors-perimetre",
              null,
              address,
              "refuse",
              v.outOfScope() + " ligne(s) hors du périmètre du pôle rejetée(s), non conservée(s)"));
    }
    if (v.read() > 0 && v.outOfScope() == v.read()) {
      throw HubException.forbidden(
          "toutes les lignes envoyées ("
              + v.read()
              + ") sont hors du périmètre du pôle « "
              + hubId
              + " » : rien n'a été enregistré");
    }
    String report = reportJson(v);
    var stored =
        store.storeUpload(
            hubId,
            p.member(),
            v.read(),
            v.accepted(),
            v.rejected(),
            report,
            v.rows(),
            v.latestObservation());
    store.audit(
        new HubStore.AuditEntry(
            p.member(),
            hubId,
            "depot",
            stored.versions().stream()
                .map(x -> x.dataset() + " v" + x.number())
                .reduce((a, b) -> a + ", " + b)
                .orElse(null),
            address,
            stored.versions().isEmpty() ? "aucune-version" : "ok",
            "envoi "
                + stored.id()
                + " : "
                + v.read()
                + " lues, "
                + v.accepted()
                + " acceptées, "
                + v.rejected()
                + " rejetées"));
    return new UploadResult(stored.id(), v, stored.versions(), report);
  }

  /** The stored report of an upload (rows outside the scope carry no text). */
  public String uploadReport(Principal p, String hubId, String uploadId, String address) {
    readable(p, hubId, address);
    return store
        .uploadReport(hubId, uploadId)
        .orElseThrow(() -> HubException.notFound("aucun envoi « " + uploadId + " » dans ce pôle"));
  }

  static String reportJson(UploadValidator.Validation v) {
    var m = new LinkedHashMap<String, Object>();
    m.put("read", v.read());
    m.put("accepted", v.accepted());
    m.put("rejected", v.rejected());
    m.put("outOfScope", v.outOfScope());
    m.put("files", v.files());
    try {
      return JSON.writeValueAsString(m);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A report (as {@link #reportJson} writes it) as CSV with French separators and a BOM. */
  public static byte[] reportCsv(String reportJson) {
    try {
      JsonNode r = JSON.readTree(reportJson);
      var sb = new StringBuilder("\uFEFFfichier;jeu;ligne;champ;motif;hors_perimetre;texte\n");
      for (JsonNode f : r.path("files")) {
        if (!f.path("error").isNull() && !f.path("error").isMissingNode()) {
          sb.append(csv(f.path("file").asText()))
              .append(';')
              .append(f.path("dataset").asText())
              .append(";;;")
              .append(csv(f.path("error").asText()))
              .append(";non;\n");
        }
        for (JsonNode x : f.path("rejections")) {
          sb.append(csv(f.path("file").asText()))
              .append(';')
              .append(f.path("dataset").asText())
              .append(';')
              .append(x.path("line").asLong())
              .append(';')
              .append(csv(x.path("field").asText("")))
              .append(';')
              .append(csv(x.path("reason").asText()))
              .append(';')
              .append(x.path("outOfScope").asBoolean() ? "oui" : "non")
              .append(';')
              .append(csv(x.path("raw").isNull() ? "" : x.path("raw").asText()))
              .append('\n');
        }
      }
      return sb.toString().getBytes(StandardCharsets.UTF_8);
    } catch (java.io.IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String csv(String s) {
    return s.contains(";") || s.contains("\"") || s.contains("\n")
        ? "\"" + s.replace("\"", "\"\"") + "\""
        : s;
  }

  // ---- versions -----------------------------------------------------------------------------

  public List<HubStore.Version> versions(
      Principal p, String hubId, String dataset, String address) {
    readable(p, hubId, address);
    return store.versions(hubId, dataset == null ? null : dataset(dataset));
  }

  public HubStore.Version version(
      Principal p, String hubId, String dataset, int number, String address) {
    readable(p, hubId, address);
    return store
        .version(hubId, dataset(dataset), number)
        .orElseThrow(
            () ->
                HubException.notFound("aucune version " + number + " du jeu « " + dataset + " »"));
  }

  /** A row changed between two versions: its key, and each field that changed. */
  public record Change(String key, Map<String, Object[]> fields) {}

  /** The difference from one version to another of a dataset. */
  public record Diff(
      String dataset,
      int from,
      int to,
      List<String> added,
      List<Change> changed,
      List<String> removed) {}

  public Diff diff(Principal p, String hubId, String dataset, int from, int to, String address) {
    version(p, hubId, dataset, from, address);
    version(p, hubId, dataset, to, address);
    var a = store.rows(hubId, dataset, from);
    var b = store.rows(hubId, dataset, to);
    var added = new ArrayList<String>();
    var removed = new ArrayList<String>();
    var changed = new ArrayList<Change>();
    try {
      for (var e : b.entrySet()) {
        var old = a.get(e.getKey());
        if (old == null) {
          added.add(e.getKey());
        } else if (!old.payload().equals(e.getValue().payload())) {
          JsonNode x = JSON.readTree(old.payload());
          JsonNode y = JSON.readTree(e.getValue().payload());
          var fields = new LinkedHashMap<String, Object[]>();
          var names = new TreeSet<String>();
          x.fieldNames().forEachRemaining(names::add);
          y.fieldNames().forEachRemaining(names::add);
          for (String n : names) {
            if (!x.path(n).equals(y.path(n))) {
              fields.put(n, new Object[] {plain(x.get(n)), plain(y.get(n))});
            }
          }
          changed.add(new Change(e.getKey(), fields));
        }
      }
    } catch (java.io.IOException e) {
      throw new IllegalStateException(e);
    }
    for (String k : a.keySet()) {
      if (!b.containsKey(k)) {
        removed.add(k);
      }
    }
    return new Diff(dataset, from, to, added, changed, removed);
  }

  private static Object plain(JsonNode n) {
    if (n == null || n.isNull()) {
      return null;
    }
    return n.isNumber() ? n.numberValue() : n.asText();
  }

  /** A publication and the rebuild it queued. */
  public record Published(
      HubStore.Publication publication, boolean rollback, HubStore.Rebuild rebuild) {}

  /**
   * Publishes a version of a dataset (an earlier one than the current is a rollback) and queues a
   * rebuild of the warehouse.
   */
  public Published publish(Principal p, String hubId, String dataset, int number, String address) {
    require(p, hubId, Role.VALIDEUR, "publication", address);
    String d = dataset(dataset);
    var before = store.currentPublications(hubId).get(d);
    var pub = store.publish(hubId, d, number, p.member());
    boolean rollback = before != null && number < before.number();
    store.audit(
        new HubStore.AuditEntry(
            p.member(),
            hubId,
            rollback ? "retour-arriere" : "publication",
            d + " v" + number,
            address,
            "ok",
            before == null ? "première publication" : "remplace la version " + before.number()));
    HubStore.Rebuild r = rebuilder == null ? null : rebuilder.request(p.member());
    return new Published(pub, rollback, r);
  }

  public HubStore.Rebuild rebuild(Principal p, String id) {
    return store
        .rebuild(id)
        .orElseThrow(() -> HubException.notFound("aucune reconstruction « " + id + " »"));
  }

  public List<HubStore.Rebuild> rebuilds(Principal p) {
    return store.rebuilds(20);
  }

  // ---- audit, conflicts, completeness, templates ---------------------------------------------

  public List<HubStore.Audited> audit(Principal p, String hubId, int limit, String address) {
    readable(p, hubId, address);
    return store.auditLog(hubId, limit);
  }

  /** Every hub's audit log: administrators only. */
  public List<HubStore.Audited> auditAll(Principal p, int limit, String address) {
    if (!p.admin()) {
      deny(p, null, "journal", address, "administrateur requis");
      throw HubException.forbidden("le journal de tous les pôles est réservé aux administrateurs");
    }
    return store.auditLog(null, limit);
  }

  /** A conflict of the served build that involves the hub (kept or overridden). */
  public List<Map<String, Object>> conflicts(Principal p, String hubId, String address) {
    Hub h = readable(p, hubId, address);
    var out = new ArrayList<Map<String, Object>>();
    try (var lease = warehouse.lease()) {
      Connection c = lease.connection();
      if (!tableExists(c, "contribution_conflict")) {
        return out;
      }
      try (var ps =
          c.prepareStatement(
              "SELECT * FROM contribution_conflict WHERE kept_contribution = ? OR"
                  + " overridden_contribution = ? ORDER BY dataset, uai, year")) {
        ps.setString(1, h.contributionId());
        ps.setString(2, h.contributionId());
        try (var rs = ps.executeQuery()) {
          var md = rs.getMetaData();
          while (rs.next()) {
            var m = new LinkedHashMap<String, Object>();
            for (int k = 1; k <= md.getColumnCount(); k++) {
              Object o = rs.getObject(k);
              m.put(md.getColumnLabel(k), o instanceof Number || o == null ? o : o.toString());
            }
            out.add(m);
          }
        }
      }
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
    return out;
  }

  static boolean tableExists(Connection c, String table) throws SQLException {
    try (var ps =
        c.prepareStatement("SELECT 1 FROM information_schema.tables WHERE table_name = ?")) {
      ps.setString(1, table);
      try (var rs = ps.executeQuery()) {
        return rs.next();
      }
    }
  }

  /** One dataset's completeness in a hub. */
  public record Completeness(
      String dataset,
      int schoolsInScope,
      int schoolsCovered,
      double share,
      Integer publishedVersion,
      Instant publishedAt,
      String latestObservation) {}

  /**
   * For each dataset of the scope: schools in scope, schools covered by the published version, the
   * latest observation.
   */
  public List<Completeness> completeness(Principal p, String hubId, String address) {
    Hub h = readable(p, hubId, address);
    var inScope = schools().inScope(h.scope());
    var uais = new java.util.HashSet<String>();
    inScope.forEach(s -> uais.add(s.uai()));
    var pubs = store.currentPublications(hubId);
    var out = new ArrayList<Completeness>();
    for (String d : Hub.DATASETS) {
      if (!h.scope().datasets().contains(d)) {
        continue;
      }
      var pub = pubs.get(d);
      int covered = 0;
      String latest = null;
      if (pub != null) {
        var seen = new java.util.HashSet<String>();
        for (var r : store.rows(hubId, d, pub.number()).values()) {
          if (uais.contains(r.uai())) {
            seen.add(r.uai());
          }
        }
        covered = seen.size();
        latest =
            store
                .version(hubId, d, pub.number())
                .map(HubStore.Version::latestObservation)
                .orElse(null);
      }
      out.add(
          new Completeness(
              d,
              inScope.size(),
              covered,
              inScope.isEmpty() ? 0 : Math.round(10_000.0 * covered / inScope.size()) / 10_000.0,
              pub == null ? null : pub.number(),
              pub == null ? null : pub.at(),
              latest));
    }
    return out;
  }

  /** A CSV template of a dataset prefilled with the hub's schools (UAI, name, commune). */
  public byte[] template(Principal p, String hubId, String dataset, String address) {
    Hub h = readable(p, hubId, address);
    String d = dataset(dataset);
    if (!h.scope().datasets().contains(d)) {
      throw HubException.forbidden("le jeu « " + d + " » n'est pas accordé à ce pôle");
    }
    var cols = fr.eduatlas.source.contrib.ContributionColumns.of(d);
    var sb = new StringBuilder("\uFEFF");
    var header = new ArrayList<String>();
    header.add("uai");
    header.add("nom_etablissement");
    header.add("commune");
    cols.stream().skip(1).forEach(c -> header.add(c.file()));
    sb.append(String.join(";", header)).append('\n');
    for (var s : schools().inScope(h.scope())) {
      sb.append(s.uai())
          .append(';')
          .append(csv(s.name()))
          .append(';')
          .append(csv(s.communeName()))
          .append(";".repeat(cols.size() - 1))
          .append('\n');
    }
    return sb.toString().getBytes(StandardCharsets.UTF_8);
  }

  static String dataset(String d) {
    if (d == null || !Hub.DATASETS.contains(d)) {
      throw HubException.invalid(
          "jeu de données inconnu : '" + d + "' (connectivite, equipement, usages ou tests_debit)");
    }
    return d;
  }

  /** Stops the rebuild worker and closes the store. */
  @Override
  public void close() {
    if (rebuilder != null) {
      rebuilder.close();
    }
    store.close();
  }

  /** Datasets a scope grants, for messages. */
  static String join(Set<String> s) {
    return String.join(", ", new TreeSet<>(s));
  }
}
