package fr.eduatlas.hub;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * The contributors' web sessions, kept in the hub store so that every replica knows them: how a
 * member logs in (a one-time link issued by {@code eduatlas hub lien}, or an OpenID Connect
 * provider), the session that follows, and OpenID Connect attempts in flight. Every secret (link,
 * session, login state) is random, 256 bits, and stored only as its SHA-256 hash.
 */
public final class Sessions {
  /** A session ends this long after it began, whatever its use. */
  public static final Duration ABSOLUTE_LIFE = Duration.ofHours(12);

  /** A session unused this long ends. */
  public static final Duration IDLE_LIFE = Duration.ofHours(2);

  /** An OpenID Connect login must come back from the provider within this time. */
  public static final Duration LOGIN_STATE_LIFE = Duration.ofMinutes(10);

  private static final SecureRandom RANDOM = new SecureRandom();

  private final HubStore store;

  public Sessions(HubStore store) {
    this.store = store;
  }

  /** A random secret: 256 bits, URL-safe. */
  public static String secret() {
    byte[] b = new byte[32];
    RANDOM.nextBytes(b);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
  }

  private static String id() {
    byte[] b = new byte[6];
    RANDOM.nextBytes(b);
    return HexFormat.of().formatHex(b);
  }

  // ---- one-time links -----------------------------------------------------------------------

  /** A login link's code ({@code eal_<id>_<secret>}), shown once. */
  public record Link(String id, String code, Instant expiresAt) {}

  /** Issues a one-time login link for {@code member}, valid for {@code life}. */
  public Link createLink(String member, Duration life, String actor) {
    if (member == null || member.isBlank() || member.length() > 320) {
      throw HubException.invalid("membre : un identifiant (adresse électronique) est attendu");
    }
    if (life.isNegative() || life.isZero() || life.compareTo(Duration.ofDays(7)) > 0) {
      throw HubException.invalid("durée d'un lien de connexion : de 1 minute à 7 jours");
    }
    String id = id();
    String code = "eal_" + id + "_" + secret();
    Instant now = Instant.now();
    Instant expires = now.plus(life);
    return store.tx(
        c -> {
          HubStore.ensureMember(c, member);
          HubStore.update(
              c,
              "INSERT INTO login_link (id, member_id, secret_hash, created_at, created_by,"
                  + " expires_at) VALUES (?, ?, ?, ?, ?, ?)",
              id,
              member,
              HubStore.sha256(code),
              now.toEpochMilli(),
              actor,
              expires.toEpochMilli());
          HubStore.audit(
              c,
              new HubStore.AuditEntry(
                  actor,
                  null,
                  "lien-connexion-emis",
                  null,
                  null,
                  "ok",
                  id + " pour " + member + ", expire le " + expires));
          return new Link(id, code, expires);
        });
  }

  /** Why a login was refused (in French, for the page and the audit). */
  public enum Refusal {
    MALFORMED("code de connexion mal formé"),
    UNKNOWN("code de connexion inconnu"),
    USED("ce lien de connexion a déjà servi : demandez-en un nouveau"),
    EXPIRED("ce lien de connexion a expiré : demandez-en un nouveau");

    public final String text;

    Refusal(String text) {
      this.text = text;
    }
  }

  /** A login: the new session, or why not. */
  public record Login(NewSession session, Refusal refusal) {}

  /**
   * Uses a one-time link: it is marked used in the same transaction that opens the session, so two
   * simultaneous uses open one session at most.
   */
  public Login useLink(String code, String address) {
    if (code == null || !code.matches("eal_[0-9a-f]{12}_[A-Za-z0-9_-]{43}")) {
      return new Login(null, Refusal.MALFORMED);
    }
    String id = code.substring(4, 16);
    return store.tx(
        c -> {
          var rows =
              HubStore.query(
                  c,
                  "SELECT member_id, secret_hash, expires_at, used_at FROM login_link WHERE id = ?",
                  rs ->
                      new Object[] {
                        rs.getString(1),
                        rs.getString(2),
                        rs.getLong(3),
                        HubStore.nullableLong(rs, "used_at")
                      },
                  id);
          Refusal refusal = null;
          if (rows.isEmpty() || !same((String) rows.get(0)[1], HubStore.sha256(code))) {
            refusal = Refusal.UNKNOWN;
          } else if (rows.get(0)[3] != null) {
            refusal = Refusal.USED;
          } else if ((Long) rows.get(0)[2] <= Instant.now().toEpochMilli()) {
            refusal = Refusal.EXPIRED;
          }
          String member = rows.isEmpty() ? null : (String) rows.get(0)[0];
          if (refusal != null) {
            HubStore.audit(
                c,
                new HubStore.AuditEntry(
                    refusal == Refusal.UNKNOWN ? null : member,
                    null,
                    "connexion",
                    null,
                    address,
                    "refuse",
                    "lien " + id + " : " + refusal.text));
            return new Login(null, refusal);
          }
          int used =
              HubStore.update(
                  c,
                  "UPDATE login_link SET used_at = ?, used_from = ? WHERE id = ? AND used_at IS"
                      + " NULL",
                  Instant.now().toEpochMilli(),
                  address,
                  id);
          if (used != 1) {
            return new Login(null, Refusal.USED);
          }
          return new Login(open(c, member, "lien", Map.of(), address, "lien " + id), null);
        });
  }

  /** Two secrets compared in constant time; a missing one is never equal. */
  public static boolean same(String a, String b) {
    return a != null
        && b != null
        && MessageDigest.isEqual(
            a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));
  }

  // ---- sessions -----------------------------------------------------------------------------

  /** A new session: its secret goes to the browser's cookie, once. */
  public record NewSession(String id, String secret, String csrf, Instant expiresAt) {}

  /** A live session. */
  public record Session(
      String id,
      String member,
      String via,
      Map<String, Set<Role>> claimRoles,
      String csrf,
      Instant createdAt,
      Instant expiresAt) {}

  /**
   * Opens a session for {@code member}, who logged in {@code via} ("lien" or "oidc"), with the
   * roles the identity provider's claims map to.
   */
  public NewSession open(
      String member, String via, Map<String, Set<Role>> claimRoles, String address, String how) {
    return store.tx(
        c -> {
          HubStore.ensureMember(c, member);
          return open(c, member, via, claimRoles, address, how);
        });
  }

  private static NewSession open(
      java.sql.Connection c,
      String member,
      String via,
      Map<String, Set<Role>> claimRoles,
      String address,
      String how)
      throws java.sql.SQLException {
    String id = id();
    String secret = secret();
    String csrf = secret();
    Instant now = Instant.now();
    Instant expires = now.plus(ABSOLUTE_LIFE);
    HubStore.update(
        c,
        "INSERT INTO web_session (id, secret_hash, member_id, via, claim_roles, csrf, created_at,"
            + " expires_at, last_seen_at, address) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        id,
        HubStore.sha256(secret),
        member,
        via,
        encode(claimRoles),
        csrf,
        now.toEpochMilli(),
        expires.toEpochMilli(),
        now.toEpochMilli(),
        address);
    HubStore.audit(
        c,
        new HubStore.AuditEntry(
            member,
            null,
            "connexion",
            null,
            address,
            "ok",
            "session " + id + " (" + how + ")" + rolesText(claimRoles)));
    return new NewSession(id, secret, csrf, expires);
  }

  private static String rolesText(Map<String, Set<Role>> roles) {
    return roles.isEmpty() ? "" : ", rôles de l'identité : " + encode(roles);
  }

  /** Claim roles as text: {@code hub:role,hub:role}, sorted. */
  static String encode(Map<String, Set<Role>> roles) {
    var parts = new java.util.TreeSet<String>();
    roles.forEach((h, rs) -> rs.forEach(r -> parts.add(h + ":" + r.code())));
    return String.join(",", parts);
  }

  static Map<String, Set<Role>> decode(String text) {
    var out = new TreeMap<String, Set<Role>>();
    if (text == null || text.isEmpty()) {
      return out;
    }
    for (String part : text.split(",")) {
      int k = part.lastIndexOf(':');
      out.computeIfAbsent(part.substring(0, k), x -> new HashSet<>())
          .add(Role.of(part.substring(k + 1)));
    }
    return out;
  }

  /**
   * The live session a browser's cookie names, or empty (unknown, ended, past its absolute life or
   * idle too long). Its last use is recorded to the minute.
   */
  public Optional<Session> session(String secret) {
    if (secret == null || !secret.matches("[A-Za-z0-9_-]{43}")) {
      return Optional.empty();
    }
    String hash = HubStore.sha256(secret);
    return store.tx(
        c -> {
          long now = Instant.now().toEpochMilli();
          var rows =
              HubStore.query(
                  c,
                  "SELECT * FROM web_session WHERE secret_hash = ? AND ended_at IS NULL AND"
                      + " expires_at > ? AND last_seen_at > ?",
                  rs ->
                      new Object[] {
                        new Session(
                            rs.getString("id"),
                            rs.getString("member_id"),
                            rs.getString("via"),
                            decode(rs.getString("claim_roles")),
                            rs.getString("csrf"),
                            HubStore.instant(rs, "created_at"),
                            HubStore.instant(rs, "expires_at")),
                        rs.getLong("last_seen_at")
                      },
                  hash,
                  now,
                  now - IDLE_LIFE.toMillis());
          if (rows.isEmpty()) {
            return Optional.<Session>empty();
          }
          Session s = (Session) rows.get(0)[0];
          if (now - (Long) rows.get(0)[1] >= 60_000) {
            HubStore.update(c, "UPDATE web_session SET last_seen_at = ? WHERE id = ?", now, s.id());
          }
          return Optional.of(s);
        });
  }

  /** The principal of a session: the member's roles in the store and those of their claims. */
  public Principal principal(Session s) {
    return store.tx(c -> HubStore.principal(c, s.member(), null, null)).with(s.claimRoles());
  }

  /** Ends a session (logout); returns whether it was live. */
  public boolean end(String secret, String address) {
    if (secret == null || !secret.matches("[A-Za-z0-9_-]{43}")) {
      return false;
    }
    String hash = HubStore.sha256(secret);
    return store.tx(
        c -> {
          var who =
              HubStore.query(
                  c,
                  "SELECT id, member_id FROM web_session WHERE secret_hash = ? AND ended_at IS"
                      + " NULL",
                  rs -> new String[] {rs.getString(1), rs.getString(2)},
                  hash);
          if (who.isEmpty()) {
            return false;
          }
          HubStore.update(
              c,
              "UPDATE web_session SET ended_at = ? WHERE id = ?",
              Instant.now().toEpochMilli(),
              who.get(0)[0]);
          HubStore.audit(
              c,
              new HubStore.AuditEntry(
                  who.get(0)[1],
                  null,
                  "deconnexion",
                  null,
                  address,
                  "ok",
                  "session " + who.get(0)[0]));
          return true;
        });
  }

  // ---- OpenID Connect attempts in flight ----------------------------------------------------

  /** What a login keeps between the redirection to the provider and its return. */
  public record LoginState(String verifier, String nonce) {}

  /** Records an attempt: its state, the browser's binding cookie, the PKCE verifier, the nonce. */
  public void saveLoginState(String state, String browser, String verifier, String nonce) {
    long now = Instant.now().toEpochMilli();
    store.tx(
        c -> {
          // Attempts never completed are forgotten with the next one.
          HubStore.update(
              c, "DELETE FROM login_state WHERE created_at < ?", now - LOGIN_STATE_LIFE.toMillis());
          return HubStore.update(
              c,
              "INSERT INTO login_state VALUES (?, ?, ?, ?, ?)",
              HubStore.sha256(state),
              HubStore.sha256(browser),
              verifier,
              nonce,
              now);
        });
  }

  /**
   * Takes (once) the attempt a provider's answer names, if it is recent and from the browser that
   * began it.
   */
  public Optional<LoginState> takeLoginState(String state, String browser) {
    if (state == null || browser == null || state.length() > 100 || browser.length() > 100) {
      return Optional.empty();
    }
    long now = Instant.now().toEpochMilli();
    return store.tx(
        c -> {
          var rows =
              HubStore.query(
                  c,
                  "SELECT browser_hash, verifier, nonce, created_at FROM login_state WHERE"
                      + " state_hash = ?",
                  rs ->
                      new Object[] {
                        rs.getString(1), rs.getString(2), rs.getString(3), rs.getLong(4)
                      },
                  HubStore.sha256(state));
          HubStore.update(
              c, "DELETE FROM login_state WHERE state_hash = ?", HubStore.sha256(state));
          if (rows.isEmpty()
              || !same((String) rows.get(0)[0], HubStore.sha256(browser))
              || (Long) rows.get(0)[3] < now - LOGIN_STATE_LIFE.toMillis()) {
            return Optional.<LoginState>empty();
          }
          return Optional.of(new LoginState((String) rows.get(0)[1], (String) rows.get(0)[2]));
        });
  }
}
