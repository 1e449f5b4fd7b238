package fr.eduatlas.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import fr.eduatlas.hub.OidcProvider;
import fr.eduatlas.hub.Role;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import no.nav.security.mock.oauth2.MockOAuth2Server;
import no.nav.security.mock.oauth2.token.DefaultOAuth2TokenCallback;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Logging in to the contributors' space through a real OpenID Connect provider on loopback
 * (mock-oauth2-server: real discovery, authorization code flow, token endpoint, RSA-signed ID
 * tokens and published keys), against the real server and hub store: a login mapped to hub roles by
 * its claims, and the refusals — a token for another audience, an expired one, a forged signature,
 * an unverified e-mail, a return in another browser, a replayed return.
 */
class OidcLoginTest {
  static final String ISSUER = "federation";
  static final String CLIENT = "eduatlas-web";
  static final String SIRET = "22020001600015";
  @TempDir static Path tmp;
  static HubApiContract.Env env;
  static MockOAuth2Server idp;
  static OidcProvider provider;
  static final HttpClient PLAIN =
      HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();

  @BeforeAll
  static void start() throws Exception {
    idp = new MockOAuth2Server();
    idp.start(InetAddress.getLoopbackAddress(), 0);
    env = HubApiContract.start(tmp, "jdbc:sqlite:" + tmp.resolve("hubs.sqlite"));
    provider =
        new OidcProvider(
            new OidcProvider.Config(
                idp.issuerUrl(ISSUER).toString(),
                CLIENT,
                "secret-du-client",
                "email",
                List.of(new OidcProvider.Rule("siret", SIRET, "aisne", Set.of(Role.VALIDEUR)))));
    env.service.withOidc(provider);
  }

  @AfterAll
  static void stop() {
    env.close();
    idp.shutdown();
  }

  /** Claims of a public agent of the Aisne council. */
  static Map<String, Object> agent(boolean verified) {
    return Map.of("email", "Agent.Federation@Aisne.fr", "email_verified", verified, "siret", SIRET);
  }

  /** Runs the whole login in browser {@code b}; returns our server's answer to the return. */
  HttpResponse<String> login(HubApiContract.Browser b) throws Exception {
    var start =
        b.send(HttpRequest.newBuilder(URI.create(env.base() + "/contribuer/connexion/oidc")));
    assertThat(start.statusCode()).as(start.body()).isEqualTo(302);
    URI authorize = URI.create(start.headers().firstValue("Location").orElseThrow());
    assertThat(authorize.toString())
        .startsWith(idp.issuerUrl(ISSUER).toString())
        .contains("code_challenge_method=S256")
        .contains("code_challenge=")
        .contains("nonce=")
        .contains("state=")
        .contains("client_id=" + CLIENT);
    var back =
        PLAIN.send(HttpRequest.newBuilder(authorize).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(back.statusCode()).as(back.body()).isEqualTo(302);
    URI ret = URI.create(back.headers().firstValue("Location").orElseThrow());
    assertThat(ret.getPath()).isEqualTo("/contribuer/connexion/retour");
    lastReturn = ret;
    return b.send(HttpRequest.newBuilder(ret));
  }

  static URI lastReturn;

  @Test
  void anAgentLogsInThroughTheProviderWithRolesFromItsClaims() throws Exception {
    idp.enqueueCallback(
        new DefaultOAuth2TokenCallback(ISSUER, "sub-1", "JWT", null, agent(true), 3600));
    var b = new HubApiContract.Browser();
    var r = login(b);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(303);
    assertThat(r.headers().firstValue("Location")).hasValue("/contribuer");
    JsonNode s =
        HubApiContract.json(
            b.send(HttpRequest.newBuilder(URI.create(env.base() + "/api/v1/session"))));
    assertThat(s.get("member").asText()).isEqualTo("agent.federation@aisne.fr");
    assertThat(s.get("via").asText()).isEqualTo("oidc");
    assertThat(s.at("/roles/aisne").toString()).isEqualTo("[\"valideur\"]");
    // The mapped role acts: the hub is readable, its publications too.
    var hub = b.send(HttpRequest.newBuilder(URI.create(env.base() + "/api/v1/hubs/aisne")));
    assertThat(hub.statusCode()).isEqualTo(200);
    // The provider's return cannot be replayed: its state was used.
    var replay = new HubApiContract.Browser();
    replay.cookies.putAll(b.cookies);
    replay.cookies.remove("eduatlas_session");
    var again = replay.send(HttpRequest.newBuilder(lastReturn));
    assertThat(again.statusCode()).isEqualTo(401);
  }

  /** An ID token the provider signs with its published key, for {@code audience}. */
  static String issued(List<String> audience, long expirySeconds, String nonce) {
    var claims = new java.util.HashMap<String, Object>(agent(true));
    claims.put("nonce", nonce);
    return idp.issueToken(
            ISSUER,
            CLIENT,
            new DefaultOAuth2TokenCallback(ISSUER, "sub-6", "JWT", audience, claims, expirySeconds))
        .serialize();
  }

  @Test
  void aTokenForAnotherApplicationIsRefused() {
    // (The provider's code flow always addresses the ID token to the client that asked: the
    // other audience is a token it signed for another application, presented to us.)
    assertThatThrownBy(
            () -> provider.identity(issued(List.of("autre-application"), 3600, "n"), "n"))
        .isInstanceOf(OidcProvider.LoginException.class)
        .hasMessage("jeton d'identité refusé : destiné à une autre application (audience)");
  }

  @Test
  void anExpiredTokenIsRefused() throws Exception {
    assertThat(provider.identity(issued(List.of(CLIENT), 3600, "n"), "n").member())
        .isEqualTo("agent.federation@aisne.fr");
    assertThatThrownBy(() -> provider.identity(issued(List.of(CLIENT), -3600, "n"), "n"))
        .isInstanceOf(OidcProvider.LoginException.class)
        .hasMessage("jeton d'identité refusé : expiré");
  }

  @Test
  void anUnverifiedEmailIsRefused() throws Exception {
    idp.enqueueCallback(
        new DefaultOAuth2TokenCallback(ISSUER, "sub-4", "JWT", null, agent(false), 3600));
    var r = login(new HubApiContract.Browser());
    assertThat(r.statusCode()).isEqualTo(401);
    assertThat(r.body()).contains("non vérifiée");
  }

  @Test
  void aReturnInAnotherBrowserIsRefused() throws Exception {
    var start =
        new HubApiContract.Browser()
            .send(HttpRequest.newBuilder(URI.create(env.base() + "/contribuer/connexion/oidc")));
    URI authorize = URI.create(start.headers().firstValue("Location").orElseThrow());
    var back =
        PLAIN.send(HttpRequest.newBuilder(authorize).build(), HttpResponse.BodyHandlers.ofString());
    URI ret = URI.create(back.headers().firstValue("Location").orElseThrow());
    var other = new HubApiContract.Browser().send(HttpRequest.newBuilder(ret));
    assertThat(other.statusCode()).isEqualTo(401);
    assertThat(other.body()).contains("autre navigateur");
  }

  @Test
  void aForgedSignatureIsRefused() throws Exception {
    var claims = new java.util.HashMap<String, Object>(agent(true));
    claims.put("nonce", "n-1");
    String token =
        idp.issueToken(
                ISSUER,
                CLIENT,
                new DefaultOAuth2TokenCallback(
                    ISSUER, "sub-5", "JWT", List.of(CLIENT), claims, 3600))
            .serialize();
    // Genuine: accepted.
    assertThat(provider.identity(token, "n-1").member()).isEqualTo("agent.federation@aisne.fr");
    // The same token claiming to be an administrator, its signature kept: refused.
    String[] parts = token.split("\\.");
    String payload =
        new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8)
            .replace("agent.federation@aisne.fr", "admin@eduatlas.fr")
            .replace("Agent.Federation@Aisne.fr", "admin@eduatlas.fr");
    String forged =
        parts[0]
            + "."
            + Base64.getUrlEncoder()
                .withoutPadding()
                .encodeToString(payload.getBytes(StandardCharsets.UTF_8))
            + "."
            + parts[2];
    assertThatThrownBy(() -> provider.identity(forged, "n-1"))
        .isInstanceOf(OidcProvider.LoginException.class)
        .hasMessageContaining("signature invalide");
    // Signed by a key the provider never published: refused.
    var key =
        new com.nimbusds.jose.jwk.gen.RSAKeyGenerator(2048)
            .keyID(com.nimbusds.jwt.SignedJWT.parse(token).getHeader().getKeyID())
            .generate();
    var other =
        new com.nimbusds.jwt.SignedJWT(
            new com.nimbusds.jose.JWSHeader.Builder(com.nimbusds.jose.JWSAlgorithm.RS256)
                .keyID(key.getKeyID())
                .build(),
            com.nimbusds.jwt.SignedJWT.parse(token).getJWTClaimsSet());
    other.sign(new com.nimbusds.jose.crypto.RSASSASigner(key));
    assertThatThrownBy(() -> provider.identity(other.serialize(), "n-1"))
        .isInstanceOf(OidcProvider.LoginException.class)
        .hasMessageContaining("signature invalide");
    // A nonce from another attempt: refused.
    assertThatThrownBy(() -> provider.identity(token, "n-2"))
        .isInstanceOf(OidcProvider.LoginException.class);
  }
}
