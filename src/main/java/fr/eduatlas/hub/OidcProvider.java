package fr.eduatlas.hub;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jwt.JWT;
import com.nimbusds.jwt.JWTParser;
import com.nimbusds.oauth2.sdk.AuthorizationCode;
import com.nimbusds.oauth2.sdk.AuthorizationCodeGrant;
import com.nimbusds.oauth2.sdk.ResponseType;
import com.nimbusds.oauth2.sdk.Scope;
import com.nimbusds.oauth2.sdk.TokenRequest;
import com.nimbusds.oauth2.sdk.TokenResponse;
import com.nimbusds.oauth2.sdk.auth.ClientSecretBasic;
import com.nimbusds.oauth2.sdk.auth.Secret;
import com.nimbusds.oauth2.sdk.id.ClientID;
import com.nimbusds.oauth2.sdk.id.Issuer;
import com.nimbusds.oauth2.sdk.id.State;
import com.nimbusds.oauth2.sdk.pkce.CodeChallengeMethod;
import com.nimbusds.oauth2.sdk.pkce.CodeVerifier;
import com.nimbusds.openid.connect.sdk.AuthenticationRequest;
import com.nimbusds.openid.connect.sdk.Nonce;
import com.nimbusds.openid.connect.sdk.OIDCTokenResponse;
import com.nimbusds.openid.connect.sdk.OIDCTokenResponseParser;
import com.nimbusds.openid.connect.sdk.claims.IDTokenClaimsSet;
import com.nimbusds.openid.connect.sdk.op.OIDCProviderMetadata;
import com.nimbusds.openid.connect.sdk.validators.IDTokenValidator;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Login through an OpenID Connect provider (the State's identity federation for public agents, or
 * any compliant issuer): the authorization code flow with PKCE (S256), a state bound to the browser
 * and a nonce; the ID token's signature is checked against the issuer's published keys, with its
 * issuer, audience, expiry (one minute of clock skew) and nonce. The member is the configured claim
 * (the e-mail by default, lower-cased); the configured rules map claims (an organisation
 * identifier, a group) to hub roles, on top of those granted in the store.
 */
public final class OidcProvider {
  /** The operator's configuration. */
  public record Config(
      String issuer, String clientId, String clientSecret, String memberClaim, List<Rule> rules) {
    public Config {
      if (issuer == null || issuer.isBlank() || clientId == null || clientId.isBlank()) {
        throw new IllegalArgumentException(
            "OpenID Connect : l'émetteur et l'identifiant client sont requis");
      }
      rules = List.copyOf(rules);
      memberClaim = memberClaim == null || memberClaim.isBlank() ? "email" : memberClaim;
    }

    /** Reads the claim mapping file (JSON, documented in docs/CONTRIBUTORS.md). */
    public static Config withMapping(
        String issuer, String clientId, String clientSecret, Path mapping) {
      if (mapping == null) {
        return new Config(issuer, clientId, clientSecret, "email", List.of());
      }
      try {
        JsonNode root = new ObjectMapper().readTree(Files.readAllBytes(mapping));
        var rules = new ArrayList<Rule>();
        int k = 0;
        for (JsonNode r : root.path("regles")) {
          k++;
          String where = mapping + ", règle " + k;
          var roles = new HashSet<Role>();
          for (JsonNode role : r.path("roles")) {
            roles.add(Role.of(role.asText()));
          }
          String claim = r.path("revendication").asText("");
          String value = r.path("valeur").asText("");
          String hub = r.path("pole").asText("");
          if (claim.isEmpty() || value.isEmpty() || hub.isEmpty() || roles.isEmpty()) {
            throw new IllegalArgumentException(
                where + " : « revendication », « valeur », « pole » et « roles » sont requis");
          }
          rules.add(new Rule(claim, value, hub, roles));
        }
        return new Config(
            issuer, clientId, clientSecret, root.path("membre").asText("email"), rules);
      } catch (IOException e) {
        throw new IllegalArgumentException(
            "correspondances OpenID Connect illisibles (" + mapping + ") : " + e.getMessage());
      }
    }
  }

  /** A claim equal to (or, for a list, containing) a value gives roles in a hub. */
  public record Rule(String claim, String value, String hub, Set<Role> roles) {
    public Rule {
      roles = Set.copyOf(roles);
    }
  }

  /** A failed login, with its reason in French. */
  public static final class LoginException extends Exception {
    public LoginException(String message) {
      super(message);
    }
  }

  /** Where to send the browser, and what to keep until it comes back. */
  public record Start(URI redirect, String state, String verifier, String nonce) {}

  /** Who logged in: the member and the roles their claims map to. */
  public record Identity(String member, Map<String, Set<Role>> roles, String subject) {}

  private final Config config;
  private volatile OIDCProviderMetadata metadata;
  private volatile IDTokenValidator validator;

  public OidcProvider(Config config) {
    this.config = config;
  }

  public Config config() {
    return config;
  }

  /** The provider's metadata, discovered once (and again after a failure). */
  private OIDCProviderMetadata metadata() throws LoginException {
    OIDCProviderMetadata m = metadata;
    if (m != null) {
      return m;
    }
    synchronized (this) {
      if (metadata == null) {
        try {
          metadata = OIDCProviderMetadata.resolve(new Issuer(config.issuer()), 5_000, 10_000);
          JWSAlgorithm alg = JWSAlgorithm.RS256;
          var supported = metadata.getIDTokenJWSAlgs();
          if (supported != null && !supported.isEmpty() && !supported.contains(alg)) {
            alg = supported.get(0);
          }
          validator =
              new IDTokenValidator(
                  metadata.getIssuer(),
                  new ClientID(config.clientId()),
                  alg,
                  metadata.getJWKSetURI().toURL());
          validator.setMaxClockSkew(60);
        } catch (com.nimbusds.oauth2.sdk.GeneralException | IOException e) {
          throw new LoginException(
              "fournisseur d'identité injoignable ou mal configuré (" + config.issuer() + ")");
        }
      }
      return metadata;
    }
  }

  /** Begins a login: the authorization request to redirect the browser to. */
  public Start start(URI redirectUri) throws LoginException {
    var m = metadata();
    var verifier = new CodeVerifier();
    var state = new State();
    var nonce = new Nonce();
    var request =
        new AuthenticationRequest.Builder(
                new ResponseType("code"),
                new Scope("openid", "email", "profile"),
                new ClientID(config.clientId()),
                redirectUri)
            .endpointURI(m.getAuthorizationEndpointURI())
            .state(state)
            .nonce(nonce)
            .codeChallenge(verifier, CodeChallengeMethod.S256)
            .build();
    return new Start(request.toURI(), state.getValue(), verifier.getValue(), nonce.getValue());
  }

  /**
   * Ends a login: exchanges the code (with the PKCE verifier) for tokens and validates the ID
   * token.
   */
  public Identity finish(URI redirectUri, String code, String verifier, String nonce)
      throws LoginException {
    var m = metadata();
    var grant =
        new AuthorizationCodeGrant(
            new AuthorizationCode(code), redirectUri, new CodeVerifier(verifier));
    TokenRequest request =
        config.clientSecret() == null || config.clientSecret().isEmpty()
            ? new TokenRequest(m.getTokenEndpointURI(), new ClientID(config.clientId()), grant)
            : new TokenRequest(
                m.getTokenEndpointURI(),
                new ClientSecretBasic(
                    new ClientID(config.clientId()), new Secret(config.clientSecret())),
                grant);
    TokenResponse response;
    try {
      var http = request.toHTTPRequest();
      http.setConnectTimeout(5_000);
      http.setReadTimeout(10_000);
      response = OIDCTokenResponseParser.parse(http.send());
    } catch (com.nimbusds.oauth2.sdk.ParseException | IOException e) {
      throw new LoginException("réponse du fournisseur d'identité illisible");
    }
    if (!response.indicatesSuccess()) {
      var err = response.toErrorResponse().getErrorObject();
      throw new LoginException(
          "le fournisseur d'identité a refusé le code ("
              + (err == null ? "sans motif" : err.getCode())
              + ")");
    }
    JWT idToken = ((OIDCTokenResponse) response.toSuccessResponse()).getOIDCTokens().getIDToken();
    return identity(idToken, nonce);
  }

  /** Validates an ID token (signature, issuer, audience, expiry, nonce) and maps its claims. */
  public Identity identity(String idToken, String nonce) throws LoginException {
    try {
      return identity(JWTParser.parse(idToken), nonce);
    } catch (java.text.ParseException e) {
      throw new LoginException("jeton d'identité mal formé");
    }
  }

  private Identity identity(JWT idToken, String nonce) throws LoginException {
    metadata();
    IDTokenClaimsSet claims;
    try {
      claims = validator.validate(idToken, new Nonce(nonce));
    } catch (com.nimbusds.jose.proc.BadJOSEException | com.nimbusds.jose.JOSEException e) {
      throw new LoginException("jeton d'identité refusé : " + reason(e.getMessage()));
    }
    Object verified = claims.getClaim("email_verified");
    if (Boolean.FALSE.equals(verified) || "false".equals(String.valueOf(verified))) {
      throw new LoginException("adresse électronique non vérifiée par le fournisseur d'identité");
    }
    Object member = claims.getClaim(config.memberClaim());
    if (!(member instanceof String s) || s.isBlank() || s.length() > 320) {
      throw new LoginException(
          "le jeton d'identité ne porte pas la revendication « " + config.memberClaim() + " »");
    }
    var roles = new HashMap<String, Set<Role>>();
    for (Rule r : config.rules()) {
      if (matches(claims.getClaim(r.claim()), r.value())) {
        roles.computeIfAbsent(r.hub(), k -> new HashSet<>()).addAll(r.roles());
      }
    }
    return new Identity(s.strip().toLowerCase(Locale.ROOT), roles, claims.getSubject().getValue());
  }

  private static boolean matches(Object claim, String value) {
    if (claim instanceof java.util.Collection<?> list) {
      return list.stream().anyMatch(v -> value.equals(String.valueOf(v)));
    }
    return claim != null && value.equals(String.valueOf(claim));
  }

  /** Nimbus's reasons, said in French. */
  private static String reason(String message) {
    String m = String.valueOf(message).toLowerCase(Locale.ROOT);
    if (m.contains("expired")) {
      return "expiré";
    }
    if (m.contains("audience")) {
      return "destiné à une autre application (audience)";
    }
    if (m.contains("signature") || m.contains("no matching key") || m.contains("key")) {
      return "signature invalide";
    }
    if (m.contains("issuer")) {
      return "émetteur inattendu";
    }
    if (m.contains("nonce")) {
      return "nonce inattendu (rejeu ?)";
    }
    return "invalide";
  }
}
