package fr.eduatlas.hub;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import org.flywaydb.core.Flyway;

/**
 * The hubs' writable store, apart from the immutable warehouse: hubs, members and their roles, API
 * tokens (hashed), uploads and their reports, numbered immutable versions with their rows,
 * publications, rebuild requests and the append-only audit log.
 *
 * <p>One schema ({@code db/hubs}, Flyway migrations) on two databases: an embedded SQLite file (the
 * default, {@code var/hubs.sqlite}: no setup) or PostgreSQL (a {@code jdbc:postgresql:} URL, for
 * several server replicas). Every operation is one transaction; a transaction that loses a race (a
 * version number taken by a concurrent upload, a busy SQLite file) is retried.
 */
public final class HubStore implements AutoCloseable {
  /** The embedded store beside a warehouse: {@code var/hubs.sqlite} for {@code var/x.duckdb}. */
  public static String defaultUrl(Path warehouse) {
    return "jdbc:sqlite:" + warehouse.toAbsolutePath().resolveSibling("hubs.sqlite");
  }

  /** A token lasts this long unless told otherwise. */
  public static final Duration DEFAULT_TOKEN_LIFE = Duration.ofDays(90);

  private static final SecureRandom RANDOM = new SecureRandom();
  private static final String TOKEN_PREFIX = "eat_";

  private final HikariDataSource pool;
  private final boolean sqlite;
  private final String url;
  private final Map<String, ReentrantLock> hubLocks = new ConcurrentHashMap<>();

  private HubStore(HikariDataSource pool, boolean sqlite, String url) {
    this.pool = pool;
    this.sqlite = sqlite;
    this.url = url;
  }

  /**
   * Opens (and migrates) the store at a JDBC URL: {@code jdbc:sqlite:FILE} or {@code
   * jdbc:postgresql://…} (user and password in the URL's parameters).
   */
  public static HubStore open(String url) {
    boolean sqlite = url.startsWith("jdbc:sqlite:");
    if (!sqlite && !url.startsWith("jdbc:postgresql:")) {
      throw new IllegalArgumentException(
          "base des pôles : adresse JDBC jdbc:sqlite:FICHIER ou jdbc:postgresql://… attendue");
    }
    var cfg = new HikariConfig();
    cfg.setJdbcUrl(url);
    cfg.setPoolName("hubs");
    // SQLite: transactions are begun by hand (BEGIN IMMEDIATE), so that an idle pooled connection
    // holds no lock (the driver begins one as soon as auto-commit is off).
    cfg.setAutoCommit(sqlite);
    if (sqlite) {
      try {
        Path file = Path.of(url.substring("jdbc:sqlite:".length())).toAbsolutePath();
        if (file.getParent() != null) {
          Files.createDirectories(file.getParent());
        }
      } catch (java.io.IOException | java.nio.file.InvalidPathException e) {
        throw new IllegalArgumentException("base des pôles : dossier impossible à créer : " + e);
      }
      // One writer at a time, waiting for the file rather than failing; WAL lets readers on.
      cfg.setMaximumPoolSize(4);
      cfg.addDataSourceProperty("journal_mode", "WAL");
      cfg.addDataSourceProperty("busy_timeout", "15000");
      cfg.addDataSourceProperty("foreign_keys", "true");
    } else {
      cfg.setMaximumPoolSize(8);
    }
    cfg.setConnectionTimeout(20_000);
    // Migrations first, through Flyway's own connections: on SQLite, the pool's immediate
    // transactions would lock the file against Flyway's second connection.
    var flyway = Flyway.configure().locations("classpath:db/hubs").table("hub_schema_history");
    flyway.dataSource(url, null, null).load().migrate();
    HikariDataSource pool = new HikariDataSource(cfg);
    return new HubStore(pool, sqlite, url);
  }

  /** The JDBC URL, without credentials, for messages. */
  public String describe() {
    int q = url.indexOf('?');
    return q < 0 ? url : url.substring(0, q);
  }

  public boolean embedded() {
    return sqlite;
  }

  // ---- transactions -------------------------------------------------------------------------

  /** Work in one transaction. */
  @FunctionalInterface
  public interface Work<T> {
    T run(Connection c) throws SQLException;
  }

  /** Runs {@code w} in a transaction, retrying a few times when it lost a race. */
  public <T> T tx(Work<T> w) {
    for (int attempt = 1; ; attempt++) {
      try (Connection c = pool.getConnection()) {
        if (sqlite) {
          exec(c, "BEGIN IMMEDIATE");
        }
        try {
          T r = w.run(c);
          if (sqlite) {
            exec(c, "COMMIT");
          } else {
            c.commit();
          }
          return r;
        } catch (SQLException | RuntimeException e) {
          if (sqlite) {
            exec(c, "ROLLBACK");
          } else {
            c.rollback();
          }
          throw e;
        }
      } catch (SQLException e) {
        if (attempt < 6 && retryable(e)) {
          try {
            Thread.sleep(20L * attempt);
          } catch (InterruptedException ie) {
            Thread.currentThread().interrupt();
            throw new HubStoreException("interrompu", e);
          }
          continue;
        }
        throw new HubStoreException("base des pôles : " + e.getMessage(), e);
      }
    }
  }

  private static void exec(Connection c, String sql) throws SQLException {
    try (var st = c.createStatement()) {
      st.execute(sql);
    }
  }

  private static boolean retryable(SQLException e) {
    String state = e.getSQLState();
    String msg = String.valueOf(e.getMessage());
    return "23505".equals(state) // unique violation: a number taken by a concurrent upload
        || "40001".equals(state) // serialization failure
        || "40P01".equals(state) // deadlock
        || msg.contains("SQLITE_BUSY")
        || msg.contains("UNIQUE constraint failed: dataset_version");
  }

  /** A failure of the store itself (not a refused operation). */
  public static final class HubStoreException extends RuntimeException {
    HubStoreException(String message, Throwable cause) {
      super(message, cause);
    }
  }

  /** Serialises writers of one hub within this process (the database serialises the rest). */
  public <T> T underHubLock(String hub, java.util.function.Supplier<T> work) {
    ReentrantLock l = hubLocks.computeIfAbsent(hub, k -> new ReentrantLock());
    l.lock();
    try {
      return work.get();
    } finally {
      l.unlock();
    }
  }

  // ---- hubs and members ---------------------------------------------------------------------

  public void createHub(Hub h, String actor) {
    tx(
        c -> {
          if (hub(c, h.id()).isPresent()) {
            throw new HubException(409, "Pôle existant", "le pôle « " + h.id() + " » existe déjà");
          }
          update(
              c,
              "INSERT INTO hub VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
              h.id(),
              h.name(),
              h.kind().code(),
              h.level(),
              h.code(),
              h.scope().level(),
              h.scope().code(),
              Hub.Scope.join(h.scope().types()),
              Hub.Scope.join(h.scope().datasets()),
              h.createdAt().toEpochMilli(),
              actor);
          audit(c, new AuditEntry(actor, h.id(), "creation-pole", null, null, "ok", h.name()));
          return null;
        });
  }

  /** Replaces a hub's scope (an administrator's widening or narrowing). */
  public void setScope(String hubId, Hub.Scope scope, String actor) {
    tx(
        c -> {
          requireHub(c, hubId);
          update(
              c,
              "UPDATE hub SET territory_level = ?, territory_code = ?, scope_types = ?,"
                  + " scope_datasets = ? WHERE id = ?",
              scope.level(),
              scope.code(),
              Hub.Scope.join(scope.types()),
              Hub.Scope.join(scope.datasets()),
              hubId);
          audit(
              c,
              new AuditEntry(
                  actor,
                  hubId,
                  "perimetre",
                  null,
                  null,
                  "ok",
                  scope.level()
                      + ":"
                      + scope.code()
                      + " "
                      + Hub.Scope.join(scope.types())
                      + " "
                      + Hub.Scope.join(scope.datasets())));
          return null;
        });
  }

  public List<Hub> hubs() {
    return tx(c -> query(c, "SELECT * FROM hub ORDER BY id", HubStore::hubOf));
  }

  public Optional<Hub> hub(String id) {
    return tx(c -> hub(c, id));
  }

  private static Optional<Hub> hub(Connection c, String id) throws SQLException {
    return query(c, "SELECT * FROM hub WHERE id = ?", HubStore::hubOf, id).stream().findFirst();
  }

  static Hub requireHub(Connection c, String id) throws SQLException {
    return hub(c, id).orElseThrow(() -> HubException.notFound("aucun pôle « " + id + " »"));
  }

  private static Hub hubOf(ResultSet rs) throws SQLException {
    return new Hub(
        rs.getString("id"),
        rs.getString("name"),
        Hub.Kind.of(rs.getString("kind")),
        rs.getString("home_level"),
        rs.getString("home_code"),
        new Hub.Scope(
            rs.getString("territory_level"),
            rs.getString("territory_code"),
            Hub.Scope.split(rs.getString("scope_types")),
            Hub.Scope.split(rs.getString("scope_datasets"))),
        Instant.ofEpochMilli(rs.getLong("created_at")));
  }

  /** Creates the member if new; sets the administrator flag when {@code admin}. */
  public void ensureMember(String member, boolean admin) {
    tx(
        c -> {
          ensureMember(c, member);
          if (admin) {
            update(c, "UPDATE member SET admin = 1 WHERE id = ?", member);
          }
          return null;
        });
  }

  static void ensureMember(Connection c, String member) throws SQLException {
    try (var ps = c.prepareStatement("SELECT 1 FROM member WHERE id = ?")) {
      ps.setString(1, member);
      try (var rs = ps.executeQuery()) {
        if (rs.next()) {
          return;
        }
      }
    }
    update(c, "INSERT INTO member VALUES (?, 0, ?)", member, Instant.now().toEpochMilli());
  }

  public void grant(String hubId, String member, Role role, String actor) {
    tx(
        c -> {
          requireHub(c, hubId);
          ensureMember(c, member);
          try (var ps =
              c.prepareStatement(
                  "SELECT 1 FROM membership WHERE hub_id = ? AND member_id = ? AND role = ?")) {
            ps.setString(1, hubId);
            ps.setString(2, member);
            ps.setString(3, role.code());
            try (var rs = ps.executeQuery()) {
              if (!rs.next()) {
                update(
                    c,
                    "INSERT INTO membership VALUES (?, ?, ?, ?, ?)",
                    hubId,
                    member,
                    role.code(),
                    Instant.now().toEpochMilli(),
                    actor);
              }
            }
          }
          audit(
              c,
              new AuditEntry(
                  actor, hubId, "attribution", null, null, "ok", member + " : " + role.code()));
          return null;
        });
  }

  /** Withdraws a role; returns whether the member held it. */
  public boolean revoke(String hubId, String member, Role role, String actor) {
    return tx(
        c -> {
          requireHub(c, hubId);
          int n =
              update(
                  c,
                  "DELETE FROM membership WHERE hub_id = ? AND member_id = ? AND role = ?",
                  hubId,
                  member,
                  role.code());
          audit(
              c,
              new AuditEntry(
                  actor,
                  hubId,
                  "retrait",
                  null,
                  null,
                  n > 0 ? "ok" : "sans-effet",
                  member + " : " + role.code()));
          return n > 0;
        });
  }

  /** One member's roles in one hub. */
  public record Membership(String hub, String member, Role role, Instant grantedAt) {}

  public List<Membership> members(String hubId) {
    return tx(
        c ->
            query(
                c,
                "SELECT member_id, role, granted_at FROM membership WHERE hub_id = ? ORDER BY"
                    + " member_id, role",
                rs ->
                    new Membership(
                        hubId,
                        rs.getString(1),
                        Role.of(rs.getString(2)),
                        Instant.ofEpochMilli(rs.getLong(3))),
                hubId));
  }

  // ---- tokens -------------------------------------------------------------------------------

  /** A token as listed (never its secret). */
  public record TokenInfo(
      String id,
      String member,
      String hub,
      String name,
      Instant createdAt,
      Instant expiresAt,
      Instant revokedAt,
      Instant lastUsedAt,
      String lastUsedFrom,
      String usage) {}

  /** A new token: its secret is shown once, here, and stored only as a hash. */
  public record NewToken(TokenInfo info, String secret) {}

  /**
   * Issues a token for {@code member}, restricted to {@code hub} when not null, valid for {@code
   * life}.
   */
  public NewToken createToken(
      String member, String hubId, String name, Duration life, String actor) {
    return createToken(member, hubId, name, life, actor, false);
  }

  /** What a feed token may do: post speed tests to its one hub, nothing else. */
  public static final String FEED_USAGE = "tests-debit";

  /**
   * Issues a token; a {@code feedOnly} one is restricted to posting speed tests to {@code hub}'s
   * feed (and {@code hub} is then required).
   */
  public NewToken createToken(
      String member, String hubId, String name, Duration life, String actor, boolean feedOnly) {
    if (feedOnly && hubId == null) {
      throw HubException.invalid("un jeton du flux de tests de débit est limité à un pôle (--hub)");
    }
    if (name == null || name.isBlank() || name.length() > 200) {
      throw HubException.invalid("un jeton porte un nom (200 caractères au plus)");
    }
    if (life.isNegative() || life.isZero() || life.compareTo(Duration.ofDays(3660)) > 0) {
      throw HubException.invalid("durée de validité d'un jeton : de 1 seconde à 10 ans");
    }
    byte[] idBytes = new byte[6];
    byte[] secretBytes = new byte[32];
    RANDOM.nextBytes(idBytes);
    RANDOM.nextBytes(secretBytes);
    String id = HexFormat.of().formatHex(idBytes);
    String secret =
        TOKEN_PREFIX
            + id
            + "_"
            + Base64.getUrlEncoder().withoutPadding().encodeToString(secretBytes);
    Instant now = Instant.now();
    Instant expires = now.plus(life);
    return tx(
        c -> {
          ensureMember(c, member);
          if (hubId != null) {
            requireHub(c, hubId);
          }
          update(
              c,
              "INSERT INTO api_token (id, member_id, hub_id, name, secret_hash, created_at,"
                  + " expires_at, usage) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
              id,
              member,
              hubId,
              name,
              sha256(secret),
              now.toEpochMilli(),
              expires.toEpochMilli(),
              feedOnly ? FEED_USAGE : "api");
          audit(
              c,
              new AuditEntry(
                  actor,
                  hubId,
                  "jeton-cree",
                  null,
                  null,
                  "ok",
                  id
                      + " « "
                      + name
                      + " » pour "
                      + member
                      + (feedOnly ? " (flux de tests de débit)" : "")
                      + ", expire le "
                      + expires));
          return new NewToken(
              new TokenInfo(
                  id,
                  member,
                  hubId,
                  name,
                  now,
                  expires,
                  null,
                  null,
                  null,
                  feedOnly ? FEED_USAGE : "api"),
              secret);
        });
  }

  public List<TokenInfo> tokens(String member) {
    return tx(
        c ->
            query(
                c,
                "SELECT * FROM api_token WHERE ? IS NULL OR member_id = ? ORDER BY created_at",
                rs ->
                    new TokenInfo(
                        rs.getString("id"),
                        rs.getString("member_id"),
                        rs.getString("hub_id"),
                        rs.getString("name"),
                        instant(rs, "created_at"),
                        instant(rs, "expires_at"),
                        instant(rs, "revoked_at"),
                        instant(rs, "last_used_at"),
                        rs.getString("last_used_from"),
                        rs.getString("usage")),
                member,
                member));
  }

  /** Revokes a token; returns whether it was active. */
  public boolean revokeToken(String id, String actor) {
    return tx(
        c -> {
          int n =
              update(
                  c,
                  "UPDATE api_token SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL",
                  Instant.now().toEpochMilli(),
                  id);
          audit(
              c,
              new AuditEntry(
                  actor, null, "jeton-revoque", null, null, n > 0 ? "ok" : "sans-effet", id));
          return n > 0;
        });
  }

  /** Why a presented token was refused. */
  public enum Refusal {
    MALFORMED("jeton mal formé"),
    UNKNOWN("jeton inconnu"),
    REVOKED("jeton révoqué"),
    EXPIRED("jeton expiré");

    public final String text;

    Refusal(String text) {
      this.text = text;
    }
  }

  /** A token check: the principal, or why not. */
  public record Authentication(Principal principal, Refusal refusal, boolean firstUseThisHour) {}

  /**
   * Checks a presented token: known by its id, compared by hash in constant time, neither revoked
   * nor expired. Records its last use and address.
   */
  public Authentication authenticate(String presented, String address) {
    if (presented == null
        || presented.length() > 100
        || !presented.matches("eat_[0-9a-f]{12}_[A-Za-z0-9_-]{43}")) {
      return new Authentication(null, Refusal.MALFORMED, false);
    }
    String id = presented.substring(4, 16);
    return tx(
        c -> {
          String member;
          String hubId;
          long expires;
          Long revoked;
          Long lastUsed;
          String hash;
          boolean feedOnly;
          try (var ps = c.prepareStatement("SELECT * FROM api_token WHERE id = ?")) {
            ps.setString(1, id);
            try (var rs = ps.executeQuery()) {
              if (!rs.next()) {
                return new Authentication(null, Refusal.UNKNOWN, false);
              }
              member = rs.getString("member_id");
              hubId = rs.getString("hub_id");
              expires = rs.getLong("expires_at");
              revoked = (Long) nullableLong(rs, "revoked_at");
              lastUsed = (Long) nullableLong(rs, "last_used_at");
              hash = rs.getString("secret_hash");
              feedOnly = FEED_USAGE.equals(rs.getString("usage"));
            }
          }
          if (!MessageDigest.isEqual(
              hash.getBytes(StandardCharsets.US_ASCII),
              sha256(presented).getBytes(StandardCharsets.US_ASCII))) {
            return new Authentication(null, Refusal.UNKNOWN, false);
          }
          long now = Instant.now().toEpochMilli();
          if (revoked != null) {
            return new Authentication(null, Refusal.REVOKED, false);
          }
          if (expires <= now) {
            return new Authentication(null, Refusal.EXPIRED, false);
          }
          // Recorded to the minute: a write per request would serialise every hub request on the
          // embedded store for a figure nobody reads to the millisecond.
          if (lastUsed == null || now - lastUsed >= 60_000) {
            update(
                c,
                "UPDATE api_token SET last_used_at = ?, last_used_from = ? WHERE id = ?",
                now,
                address,
                id);
          }
          boolean first = lastUsed == null || now - lastUsed > Duration.ofHours(1).toMillis();
          Principal p = principal(c, member, id, hubId);
          if (feedOnly) {
            p = new Principal(p.member(), p.admin(), p.roles(), id, hubId, true);
          }
          return new Authentication(p, null, first);
        });
  }

  static Principal principal(Connection c, String member, String tokenId, String onlyHub)
      throws SQLException {
    boolean admin;
    try (var ps = c.prepareStatement("SELECT admin FROM member WHERE id = ?")) {
      ps.setString(1, member);
      try (var rs = ps.executeQuery()) {
        admin = rs.next() && rs.getInt(1) != 0;
      }
    }
    var roles = new HashMap<String, Set<Role>>();
    try (var ps = c.prepareStatement("SELECT hub_id, role FROM membership WHERE member_id = ?")) {
      ps.setString(1, member);
      try (var rs = ps.executeQuery()) {
        while (rs.next()) {
          roles
              .computeIfAbsent(rs.getString(1), k -> new java.util.HashSet<>())
              .add(Role.of(rs.getString(2)));
        }
      }
    }
    return new Principal(member, admin, roles, tokenId, onlyHub);
  }

  /** The principal of a member (the command line acts as an administrator by its own right). */
  public Principal principal(String member) {
    return tx(c -> principal(c, member, null, null));
  }

  static String sha256(String s) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  // ---- uploads and versions -----------------------------------------------------------------

  /** A row of a version: its key (school and year, or school and timestamp) and typed values. */
  public record StoredRow(String key, String uai, String payload) {}

  /** A version as listed. */
  public record Version(
      String hub,
      String dataset,
      int number,
      String uploadId,
      Instant createdAt,
      String createdBy,
      long rows,
      String latestObservation,
      Instant publishedAt,
      boolean current) {}

  /** What {@link #storeUpload} created. */
  public record StoredUpload(String id, List<Version> versions) {}

  /**
   * Stores an upload's report and, for each dataset with accepted rows, a new draft version
   * numbered after the hub's last one for that dataset: all in one transaction, so a crash leaves
   * no half version.
   */
  public StoredUpload storeUpload(
      String hubId,
      String member,
      long read,
      long accepted,
      long rejected,
      String report,
      Map<String, List<StoredRow>> rows,
      Map<String, String> latestObservation) {
    String uploadId = newId();
    long now = Instant.now().toEpochMilli();
    return underHubLock(
        hubId,
        () ->
            tx(
                c -> {
                  requireHub(c, hubId);
                  update(
                      c,
                      "INSERT INTO upload VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                      uploadId,
                      hubId,
                      member,
                      now,
                      read,
                      accepted,
                      rejected,
                      report);
                  var versions = new ArrayList<Version>();
                  for (var e : new TreeMap<>(rows).entrySet()) {
                    if (e.getValue().isEmpty()) {
                      continue;
                    }
                    int n = lastNumber(c, hubId, e.getKey()) + 1;
                    update(
                        c,
                        "INSERT INTO dataset_version VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                        hubId,
                        e.getKey(),
                        n,
                        uploadId,
                        now,
                        member,
                        (long) e.getValue().size(),
                        latestObservation.get(e.getKey()));
                    try (PreparedStatement ps =
                        c.prepareStatement("INSERT INTO version_row VALUES (?, ?, ?, ?, ?, ?)")) {
                      int batch = 0;
                      for (StoredRow r : e.getValue()) {
                        ps.setString(1, hubId);
                        ps.setString(2, e.getKey());
                        ps.setInt(3, n);
                        ps.setString(4, r.key());
                        ps.setString(5, r.uai());
                        ps.setString(6, r.payload());
                        ps.addBatch();
                        if (++batch % 5000 == 0) {
                          ps.executeBatch();
                        }
                      }
                      ps.executeBatch();
                    }
                    versions.add(
                        new Version(
                            hubId,
                            e.getKey(),
                            n,
                            uploadId,
                            Instant.ofEpochMilli(now),
                            member,
                            e.getValue().size(),
                            latestObservation.get(e.getKey()),
                            null,
                            false));
                  }
                  return new StoredUpload(uploadId, versions);
                }));
  }

  private static int lastNumber(Connection c, String hub, String dataset) throws SQLException {
    try (var ps =
        c.prepareStatement(
            "SELECT coalesce(max(number), 0) FROM dataset_version WHERE hub_id = ? AND dataset ="
                + " ?")) {
      ps.setString(1, hub);
      ps.setString(2, dataset);
      try (var rs = ps.executeQuery()) {
        rs.next();
        return rs.getInt(1);
      }
    }
  }

  /** An upload's stored report (JSON), or empty. */
  public Optional<String> uploadReport(String hubId, String uploadId) {
    return tx(
        c -> {
          try (var ps =
              c.prepareStatement("SELECT report FROM upload WHERE hub_id = ? AND id = ?")) {
            ps.setString(1, hubId);
            ps.setString(2, uploadId);
            try (var rs = ps.executeQuery()) {
              return rs.next() ? Optional.of(rs.getString(1)) : Optional.<String>empty();
            }
          }
        });
  }

  /** The versions of a hub (of one dataset when not null), newest first. */
  public List<Version> versions(String hubId, String dataset) {
    return tx(
        c -> {
          requireHub(c, hubId);
          var current = currentPublications(c, hubId);
          var out = new ArrayList<Version>();
          try (var ps =
              c.prepareStatement(
                  "SELECT * FROM dataset_version WHERE hub_id = ? AND (? IS NULL OR dataset = ?)"
                      + " ORDER BY dataset, number DESC")) {
            ps.setString(1, hubId);
            ps.setString(2, dataset);
            ps.setString(3, dataset);
            try (var rs = ps.executeQuery()) {
              while (rs.next()) {
                String d = rs.getString("dataset");
                int n = rs.getInt("number");
                Publication p = current.get(d);
                out.add(
                    new Version(
                        hubId,
                        d,
                        n,
                        rs.getString("upload_id"),
                        instant(rs, "created_at"),
                        rs.getString("created_by"),
                        rs.getLong("row_count"),
                        rs.getString("latest_observation"),
                        p != null && p.number() == n ? p.at() : null,
                        p != null && p.number() == n));
              }
            }
          }
          return out;
        });
  }

  public Optional<Version> version(String hubId, String dataset, int number) {
    return versions(hubId, dataset).stream().filter(v -> v.number() == number).findFirst();
  }

  /** A version's rows by key. */
  public Map<String, StoredRow> rows(String hubId, String dataset, int number) {
    return tx(
        c -> {
          var out = new LinkedHashMap<String, StoredRow>();
          for (StoredRow r :
              query(
                  c,
                  "SELECT row_key, uai, payload FROM version_row WHERE hub_id = ? AND dataset = ?"
                      + " AND number = ? ORDER BY row_key",
                  rs -> new StoredRow(rs.getString(1), rs.getString(2), rs.getString(3)),
                  hubId,
                  dataset,
                  number)) {
            out.put(r.key(), r);
          }
          return out;
        });
  }

  /** A publication: which version of a hub's dataset is published since when, by whom. */
  public record Publication(String hub, String dataset, int number, Instant at, String by) {}

  /**
   * Publishes a version (an earlier one is a rollback). Returns the publication, and whether it was
   * a rollback.
   */
  public Publication publish(String hubId, String dataset, int number, String member) {
    return underHubLock(
        hubId,
        () ->
            tx(
                c -> {
                  requireHub(c, hubId);
                  if (number < 1 || number > lastNumber(c, hubId, dataset)) {
                    throw HubException.notFound(
                        "aucune version " + number + " du jeu « " + dataset + " »");
                  }
                  long now = Instant.now().toEpochMilli();
                  var previous = currentPublications(c, hubId).get(dataset);
                  if (previous != null && now <= previous.at().toEpochMilli()) {
                    now = previous.at().toEpochMilli() + 1; // publications stay ordered
                  }
                  update(
                      c,
                      "INSERT INTO publication VALUES (?, ?, ?, ?, ?, ?)",
                      newId(),
                      hubId,
                      dataset,
                      number,
                      now,
                      member);
                  return new Publication(hubId, dataset, number, Instant.ofEpochMilli(now), member);
                }));
  }

  /** The published version of each dataset of a hub. */
  public Map<String, Publication> currentPublications(String hubId) {
    return tx(c -> currentPublications(c, hubId));
  }

  private static Map<String, Publication> currentPublications(Connection c, String hubId)
      throws SQLException {
    var out = new TreeMap<String, Publication>();
    for (Publication p :
        query(
            c,
            "SELECT hub_id, dataset, number, at, by_member FROM publication p WHERE (? IS NULL OR"
                + " hub_id = ?) AND at = (SELECT max(at) FROM publication q WHERE q.hub_id ="
                + " p.hub_id AND q.dataset = p.dataset) ORDER BY hub_id, dataset",
            HubStore::publicationOf,
            hubId,
            hubId)) {
      out.put(hubId == null ? p.hub() + "/" + p.dataset() : p.dataset(), p);
    }
    return out;
  }

  private static Publication publicationOf(ResultSet rs) throws SQLException {
    return new Publication(
        rs.getString(1),
        rs.getString(2),
        rs.getInt(3),
        Instant.ofEpochMilli(rs.getLong(4)),
        rs.getString(5));
  }

  /** Every hub's current publications, keyed {@code hub/dataset}. */
  public Map<String, Publication> allPublications() {
    return tx(c -> currentPublications(c, null));
  }

  /** The publication history of a hub, newest first. */
  public List<Publication> publicationHistory(String hubId) {
    return tx(
        c ->
            query(
                c,
                "SELECT hub_id, dataset, number, at, by_member FROM publication WHERE hub_id = ?"
                    + " ORDER BY at DESC",
                HubStore::publicationOf,
                hubId));
  }

  // ---- rebuilds -----------------------------------------------------------------------------

  /** A rebuild of the warehouse with every hub's published versions. */
  public record Rebuild(
      String id,
      Instant requestedAt,
      String requestedBy,
      Instant startedAt,
      Instant finishedAt,
      String status,
      String detail,
      String report) {}

  /**
   * Asks for a rebuild: the one already queued if there is one (publishing while a rebuild waits
   * adds nothing), else a new queued one.
   */
  public Rebuild requestRebuild(String by) {
    return tx(
        c -> {
          var queued = rebuilds(c, "queued", 1);
          if (!queued.isEmpty()) {
            return queued.get(0);
          }
          String id = newId();
          long now = Instant.now().toEpochMilli();
          update(
              c,
              "INSERT INTO rebuild (id, requested_at, requested_by, status) VALUES (?, ?, ?,"
                  + " 'queued')",
              id,
              now,
              by);
          return new Rebuild(id, Instant.ofEpochMilli(now), by, null, null, "queued", null, null);
        });
  }

  /** Takes the oldest queued rebuild to run it, or empty. */
  public Optional<Rebuild> claimRebuild() {
    return tx(
        c -> {
          var queued = rebuilds(c, "queued", 1);
          if (queued.isEmpty()) {
            return Optional.<Rebuild>empty();
          }
          Rebuild r = queued.get(0);
          long now = Instant.now().toEpochMilli();
          int n =
              update(
                  c,
                  "UPDATE rebuild SET status = 'building', started_at = ? WHERE id = ? AND status"
                      + " = 'queued'",
                  now,
                  r.id());
          return n == 1 ? rebuild(c, r.id()) : Optional.<Rebuild>empty();
        });
  }

  public void finishRebuild(String id, String status, String detail, String report) {
    tx(
        c ->
            update(
                c,
                "UPDATE rebuild SET status = ?, finished_at = ?, detail = ?, report = ? WHERE id"
                    + " = ?",
                status,
                Instant.now().toEpochMilli(),
                detail,
                report,
                id));
  }

  /** Marks rebuilds left 'building' by a stopped server as failed; returns how many. */
  public int abandonRunningRebuilds() {
    return tx(
        c ->
            update(
                c,
                "UPDATE rebuild SET status = 'failed', finished_at = ?, detail = ? WHERE status ="
                    + " 'building'",
                Instant.now().toEpochMilli(),
                "reconstruction interrompue par l'arrêt du serveur ; l'entrepôt servi n'a pas"
                    + " changé"));
  }

  public Optional<Rebuild> rebuild(String id) {
    return tx(c -> rebuild(c, id));
  }

  private static Optional<Rebuild> rebuild(Connection c, String id) throws SQLException {
    return query(c, "SELECT * FROM rebuild WHERE id = ?", HubStore::rebuildOf, id).stream()
        .findFirst();
  }

  /** The latest rebuilds, newest first. */
  public List<Rebuild> rebuilds(int limit) {
    return tx(c -> rebuilds(c, null, limit));
  }

  private static List<Rebuild> rebuilds(Connection c, String status, int limit)
      throws SQLException {
    return query(
        c,
        "SELECT * FROM rebuild WHERE (? IS NULL OR status = ?) ORDER BY requested_at "
            + (status == null ? "DESC" : "ASC")
            + ", id LIMIT ?",
        HubStore::rebuildOf,
        status,
        status,
        limit);
  }

  private static Rebuild rebuildOf(ResultSet rs) throws SQLException {
    return new Rebuild(
        rs.getString("id"),
        instant(rs, "requested_at"),
        rs.getString("requested_by"),
        instant(rs, "started_at"),
        instant(rs, "finished_at"),
        rs.getString("status"),
        rs.getString("detail"),
        rs.getString("report"));
  }

  // ---- audit --------------------------------------------------------------------------------

  /** One audited action: who, which hub, what, which version, from where, with what outcome. */
  public record AuditEntry(
      String actor,
      String hub,
      String action,
      String version,
      String address,
      String outcome,
      String detail) {}

  /** An audit entry as stored. */
  public record Audited(Instant at, AuditEntry entry) {}

  /** Appends an entry to the audit log (never updated nor deleted). */
  public void audit(AuditEntry e) {
    tx(
        c -> {
          audit(c, e);
          return null;
        });
  }

  static void audit(Connection c, AuditEntry e) throws SQLException {
    update(
        c,
        "INSERT INTO audit VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        newId(),
        Instant.now().toEpochMilli(),
        e.actor(),
        e.hub(),
        e.action(),
        e.version(),
        e.address(),
        e.outcome(),
        e.detail() == null ? null : e.detail().substring(0, Math.min(e.detail().length(), 2000)));
  }

  /** The audit log of one hub (every hub when null), newest first. */
  public List<Audited> auditLog(String hubId, int limit) {
    return tx(
        c ->
            query(
                c,
                "SELECT * FROM audit WHERE (? IS NULL OR hub_id = ?) ORDER BY at DESC, id LIMIT ?",
                rs ->
                    new Audited(
                        instant(rs, "at"),
                        new AuditEntry(
                            rs.getString("actor"),
                            rs.getString("hub_id"),
                            rs.getString("action"),
                            rs.getString("version"),
                            rs.getString("address"),
                            rs.getString("outcome"),
                            rs.getString("detail"))),
                hubId,
                hubId,
                limit));
  }

  // ---- helpers ------------------------------------------------------------------------------

  static String newId() {
    byte[] b = new byte[10];
    RANDOM.nextBytes(b);
    return HexFormat.of().formatHex(b);
  }

  /** Maps one result row. */
  @FunctionalInterface
  interface Row<T> {
    T map(ResultSet rs) throws SQLException;
  }

  /** The rows of a bound query, mapped. */
  static <T> List<T> query(Connection c, String sql, Row<T> row, Object... args)
      throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      for (int k = 0; k < args.length; k++) {
        if (args[k] == null) {
          ps.setNull(k + 1, java.sql.Types.VARCHAR);
        } else {
          ps.setObject(k + 1, args[k]);
        }
      }
      ps.setFetchSize(5000);
      var out = new ArrayList<T>();
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(row.map(rs));
        }
      }
      return out;
    }
  }

  static int update(Connection c, String sql, Object... args) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      for (int k = 0; k < args.length; k++) {
        ps.setObject(k + 1, args[k]);
      }
      return ps.executeUpdate();
    }
  }

  static Object nullableLong(ResultSet rs, String col) throws SQLException {
    long v = rs.getLong(col);
    return rs.wasNull() ? null : v;
  }

  static Instant instant(ResultSet rs, String col) throws SQLException {
    long v = rs.getLong(col);
    return rs.wasNull() ? null : Instant.ofEpochMilli(v);
  }

  // ---- stored selections (shared by replicas) ---------------------------------------------------

  /** Stores a selection's JSON unless one with its id is stored already. */
  public void putSelection(String id, String json) {
    long now = System.currentTimeMillis();
    tx(
        c ->
            update(
                c,
                "INSERT INTO stored_selection (id, body, bytes, created_at, read_at, kept) VALUES"
                    + " (?, ?, ?, ?, ?, 0) ON CONFLICT (id) DO NOTHING",
                id,
                json,
                (long) json.getBytes(StandardCharsets.UTF_8).length,
                now,
                now));
  }

  /** A stored selection's JSON, its read time set to now; empty if absent. */
  public Optional<String> readSelection(String id) {
    return tx(
        c -> {
          if (update(
                  c,
                  "UPDATE stored_selection SET read_at = ? WHERE id = ?",
                  System.currentTimeMillis(),
                  id)
              == 0) {
            return Optional.<String>empty();
          }
          try (PreparedStatement ps =
              c.prepareStatement("SELECT body FROM stored_selection WHERE id = ?")) {
            ps.setString(1, id);
            try (ResultSet rs = ps.executeQuery()) {
              return rs.next() ? Optional.of(rs.getString(1)) : Optional.<String>empty();
            }
          }
        });
  }

  /** Marks a stored selection as kept (never pruned); false if absent. */
  public boolean keepSelection(String id) {
    return tx(c -> update(c, "UPDATE stored_selection SET kept = 1 WHERE id = ?", id) > 0);
  }

  public boolean selectionKept(String id) {
    return tx(
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement("SELECT kept FROM stored_selection WHERE id = ?")) {
            ps.setString(1, id);
            try (ResultSet rs = ps.executeQuery()) {
              return rs.next() && rs.getInt(1) == 1;
            }
          }
        });
  }

  /**
   * Removes the selections not kept that were last read before {@code oldestRead}, then the least
   * recently read until at most {@code maxBytes} remain.
   */
  public void pruneSelections(long maxBytes, long oldestRead) {
    tx(
        c -> {
          update(c, "DELETE FROM stored_selection WHERE kept = 0 AND read_at < ?", oldestRead);
          long total;
          try (PreparedStatement ps =
                  c.prepareStatement("SELECT coalesce(sum(bytes), 0) FROM stored_selection");
              ResultSet rs = ps.executeQuery()) {
            rs.next();
            total = rs.getLong(1);
          }
          if (total <= maxBytes) {
            return null;
          }
          var doomed = new ArrayList<String>();
          try (PreparedStatement ps =
              c.prepareStatement(
                  "SELECT id, bytes FROM stored_selection WHERE kept = 0 ORDER BY read_at, id")) {
            try (ResultSet rs = ps.executeQuery()) {
              while (total > maxBytes && rs.next()) {
                doomed.add(rs.getString(1));
                total -= rs.getLong(2);
              }
            }
          }
          for (String id : doomed) {
            update(c, "DELETE FROM stored_selection WHERE id = ?", id);
          }
          return null;
        });
  }

  @Override
  public void close() {
    pool.close();
  }
}
