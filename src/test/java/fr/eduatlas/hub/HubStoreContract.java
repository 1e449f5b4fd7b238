package fr.eduatlas.hub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * The hub store's own guarantees, on both databases ({@link HubStoreSqliteTest}, {@link
 * HubStorePostgresTest}): secrets never stored, tokens that expire and are revoked, versions
 * numbered without gaps or duplicates under concurrent writers, publications and rollbacks, rebuild
 * requests that coalesce.
 */
abstract class HubStoreContract {
  abstract HubStore store();

  /** A hub of its own per test, so tests do not see each other's rows. */
  Hub hub(String id) {
    Hub h =
        Hub.ofCompetence(id, "Commune " + id, Hub.Kind.COMMUNE, "commune", "02408", Instant.now());
    store().createHub(h, "test");
    return h;
  }

  @Test
  void aTokenIsShownOnceAndStoredOnlyAsAHash() {
    hub("t1");
    store().grant("t1", "a@x.fr", Role.CONTRIBUTEUR, "test");
    var t = store().createToken("a@x.fr", "t1", "poste", Duration.ofDays(1), "test");
    assertThat(t.secret()).matches("eat_[0-9a-f]{12}_[A-Za-z0-9_-]{43}");
    boolean found =
        store()
            .tx(
                c -> {
                  try (var st = c.createStatement();
                      ResultSet rs = st.executeQuery("SELECT * FROM api_token")) {
                    while (rs.next()) {
                      for (int k = 1; k <= rs.getMetaData().getColumnCount(); k++) {
                        String v = rs.getString(k);
                        if (v != null && v.contains(t.secret().substring(17))) {
                          return true;
                        }
                      }
                    }
                  }
                  return false;
                });
    assertThat(found).as("the secret part must not be stored").isFalse();
    var a = store().authenticate(t.secret(), "127.0.0.1");
    assertThat(a.principal().member()).isEqualTo("a@x.fr");
    assertThat(a.principal().has("t1", Role.CONTRIBUTEUR)).isTrue();
    assertThat(a.principal().has("t1", Role.VALIDEUR)).isFalse();
    assertThat(a.firstUseThisHour()).isTrue();
    assertThat(store().authenticate(t.secret(), "127.0.0.1").firstUseThisHour()).isFalse();
    var listed =
        store().tokens("a@x.fr").stream().filter(x -> x.id().equals(t.info().id())).findFirst();
    assertThat(listed.get().lastUsedFrom()).isEqualTo("127.0.0.1");
    assertThat(listed.get().lastUsedAt()).isNotNull();
    // Same id, another secret: refused as unknown.
    String forged = t.secret().substring(0, 17) + "A".repeat(43);
    assertThat(store().authenticate(forged, "x").refusal()).isEqualTo(HubStore.Refusal.UNKNOWN);
    assertThat(store().authenticate("eat_x", "x").refusal()).isEqualTo(HubStore.Refusal.MALFORMED);
    assertThat(store().revokeToken(t.info().id(), "test")).isTrue();
    assertThat(store().authenticate(t.secret(), "x").refusal()).isEqualTo(HubStore.Refusal.REVOKED);
    assertThat(store().revokeToken(t.info().id(), "test")).isFalse();
  }

  @Test
  void aTokenExpiresAndRolesFollowTheMembershipNotTheToken() throws Exception {
    hub("t2");
    store().grant("t2", "b@x.fr", Role.VALIDEUR, "test");
    var shortLived = store().createToken("b@x.fr", null, "court", Duration.ofMillis(1), "test");
    Thread.sleep(5);
    assertThat(store().authenticate(shortLived.secret(), "x").refusal())
        .isEqualTo(HubStore.Refusal.EXPIRED);
    var t = store().createToken("b@x.fr", null, "long", Duration.ofDays(1), "test");
    assertThat(store().authenticate(t.secret(), "x").principal().has("t2", Role.VALIDEUR)).isTrue();
    assertThat(store().revoke("t2", "b@x.fr", Role.VALIDEUR, "test")).isTrue();
    assertThat(store().authenticate(t.secret(), "x").principal().has("t2", Role.VALIDEUR))
        .isFalse();
    assertThatThrownBy(() -> store().createToken("b@x.fr", null, "", Duration.ofDays(1), "t"))
        .isInstanceOf(HubException.class);
    assertThatThrownBy(() -> store().createToken("b@x.fr", "nope", "n", Duration.ofDays(1), "t"))
        .isInstanceOf(HubException.class)
        .hasMessageContaining("aucun pôle");
  }

  @Test
  void concurrentUploadsGetConsecutiveNumbersAndEachVersionKeepsItsRows() throws Exception {
    hub("t3");
    var pool = Executors.newFixedThreadPool(6);
    try {
      var futures = new ArrayList<Future<HubStore.StoredUpload>>();
      for (int k = 0; k < 12; k++) {
        int n = k;
        Callable<HubStore.StoredUpload> up =
            () ->
                store()
                    .storeUpload(
                        "t3",
                        "a@x.fr",
                        1,
                        1,
                        0,
                        "{}",
                        Map.of(
                            "connectivite",
                            List.of(
                                new HubStore.StoredRow(
                                    "0021685W|2025", "0021685W", "{\"n\":" + n + "}"))),
                        Map.of("connectivite", "2024-10-01"));
        futures.add(pool.submit(up));
      }
      var numbers = new TreeSet<Integer>();
      for (var f : futures) {
        numbers.add(f.get().versions().get(0).number());
      }
      assertThat(numbers).containsExactlyElementsOf(range(1, 12));
    } finally {
      pool.shutdown();
    }
    assertThat(store().versions("t3", "connectivite")).hasSize(12);
    for (int n = 1; n <= 12; n++) {
      assertThat(store().rows("t3", "connectivite", n)).hasSize(1);
    }
  }

  private static List<Integer> range(int a, int b) {
    var out = new ArrayList<Integer>();
    for (int k = a; k <= b; k++) {
      out.add(k);
    }
    return out;
  }

  @Test
  void publishingAnEarlierVersionRollsBackAndTheHistoryKeepsBoth() {
    hub("t4");
    for (int k = 0; k < 3; k++) {
      store()
          .storeUpload(
              "t4",
              "a@x.fr",
              1,
              1,
              0,
              "{}",
              Map.of(
                  "equipement", List.of(new HubStore.StoredRow("0021685W|2025", "0021685W", "{}"))),
              Map.of());
    }
    store().publish("t4", "equipement", 3, "v@x.fr");
    assertThat(store().currentPublications("t4").get("equipement").number()).isEqualTo(3);
    store().publish("t4", "equipement", 1, "v@x.fr");
    assertThat(store().currentPublications("t4").get("equipement").number()).isEqualTo(1);
    assertThat(store().publicationHistory("t4"))
        .extracting(HubStore.Publication::number)
        .containsExactly(1, 3);
    assertThat(store().versions("t4", "equipement").stream().filter(HubStore.Version::current))
        .extracting(HubStore.Version::number)
        .containsExactly(1);
    assertThatThrownBy(() -> store().publish("t4", "equipement", 4, "v@x.fr"))
        .isInstanceOf(HubException.class);
    assertThat(store().allPublications()).containsKey("t4/equipement");
  }

  @Test
  void rebuildRequestsCoalesceWhileOneIsQueued() {
    // Drain what other tests queued.
    while (store().claimRebuild().isPresent()) {
      // claimed and left as building; marked failed below
    }
    store().abandonRunningRebuilds();
    var a = store().requestRebuild("a");
    var b = store().requestRebuild("b");
    assertThat(b.id()).isEqualTo(a.id());
    var claimed = store().claimRebuild().orElseThrow();
    assertThat(claimed.id()).isEqualTo(a.id());
    assertThat(claimed.status()).isEqualTo("building");
    // Publishing during a build queues exactly one more.
    var c = store().requestRebuild("c");
    var d = store().requestRebuild("d");
    assertThat(c.id()).isNotEqualTo(a.id()).isEqualTo(d.id());
    assertThat(store().abandonRunningRebuilds()).isEqualTo(1);
    assertThat(store().rebuild(a.id()).orElseThrow().status()).isEqualTo("failed");
    assertThat(store().rebuild(c.id()).orElseThrow().status()).isEqualTo("queued");
  }

  @Test
  void scopesCheckTheirValuesAndCompetenceFollowsTheKind() {
    assertThat(Hub.competence(Hub.Kind.DEPARTEMENT, "departement", "02").types())
        .containsExactly("college");
    assertThat(Hub.competence(Hub.Kind.REGION, "region", "32").types()).containsExactly("lycee");
    assertThat(Hub.competence(Hub.Kind.EPCI, "epci", "200071983").types()).containsExactly("ecole");
    assertThat(Hub.competence(Hub.Kind.ACADEMIE, "academie", "20").datasets())
        .containsExactlyInAnyOrder("usages", "connectivite", "tests_debit");
    assertThatThrownBy(() -> new Hub.Scope("commune", "02408", Set.of("creche"), Set.of("usages")))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Hub.validId("Pas Valide"))
        .isInstanceOf(IllegalArgumentException.class);
    hub("t6");
    assertThatThrownBy(() -> hub("t6")).isInstanceOf(HubException.class);
  }

  @Test
  void theAuditLogKeepsWhoWhatWhereAndTheOutcome() {
    hub("t7");
    store()
        .audit(
            new HubStore.AuditEntry(
                "a@x.fr", "t7", "depot", "connectivite v1", "10.0.0.1", "ok", "détail"));
    var log = store().auditLog("t7", 10);
    assertThat(log).extracting(x -> x.entry().action()).contains("creation-pole", "depot");
    var e = log.stream().filter(x -> x.entry().action().equals("depot")).findFirst().orElseThrow();
    assertThat(e.entry().address()).isEqualTo("10.0.0.1");
    assertThat(e.at()).isNotNull();
  }

  @Test
  void storedSelectionsAreSharedKeptAndPrunedLeastRecentlyReadFirst() throws Exception {
    String a = "a".repeat(20);
    String b = "b".repeat(20);
    String c = "c".repeat(20);
    String json = "{\"id\":\"x\",\"communes\":[\"é\"]}";
    store().putSelection(a, json);
    store().putSelection(a, "{\"other\":true}"); // same id, same result: the first stays
    assertThat(store().readSelection(a)).hasValue(json);
    assertThat(store().readSelection("0".repeat(20))).isEmpty();
    assertThat(store().keepSelection("0".repeat(20))).isFalse();
    store().putSelection(b, json);
    Thread.sleep(5);
    store().putSelection(c, json);
    Thread.sleep(5);
    store().readSelection(b); // b read last: c is now the least recently read, then a
    assertThat(store().keepSelection(a)).isTrue();
    assertThat(store().selectionKept(a)).isTrue();
    assertThat(store().selectionKept(b)).isFalse();
    long one = json.getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
    // Room for two: c goes (least recently read, not kept); a is kept whatever its age.
    store().pruneSelections(2 * one, 0);
    assertThat(store().readSelection(c)).isEmpty();
    assertThat(store().readSelection(a)).hasValue(json);
    assertThat(store().readSelection(b)).hasValue(json);
    // Past the age: every selection not kept goes.
    store().pruneSelections(Long.MAX_VALUE, System.currentTimeMillis() + 1);
    assertThat(store().readSelection(b)).isEmpty();
    assertThat(store().readSelection(a)).hasValue(json);
  }
}
