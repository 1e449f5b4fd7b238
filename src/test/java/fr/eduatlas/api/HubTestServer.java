package fr.eduatlas.api;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The hubs' test server (mini dataset's warehouse, embedded store, real rebuilds, the Aisne and
 * Paris hubs of {@link HubApiContract}) for tests outside this package: the browser tests.
 */
public final class HubTestServer implements AutoCloseable {
  private final HubApiContract.Env env;

  private HubTestServer(HubApiContract.Env env) {
    this.env = env;
  }

  public static HubTestServer start(Path dir) throws Exception {
    return new HubTestServer(
        HubApiContract.start(dir, "jdbc:sqlite:" + dir.resolve("hubs.sqlite")));
  }

  public String base() {
    return env.base();
  }

  /** A one-time login code for {@code member}, as {@code eduatlas hub lien} issues. */
  public String loginCode(String member) {
    return env.service.sessions().createLink(member, Duration.ofMinutes(10), "test").code();
  }

  /** Opens the Aisne council's campaign on Laon (HubApiContract#openCampaign); returns its id. */
  public String openLaonCampaign() throws Exception {
    return HubApiContract.openCampaign(env, "null", false);
  }

  /** The public JSON of a school. */
  public String schoolJson(String uai) throws Exception {
    return HubApiContract.HTTP
        .send(
            HttpRequest.newBuilder(URI.create(base() + "/api/v1/schools/" + uai)).build(),
            HttpResponse.BodyHandlers.ofString())
        .body();
  }

  @Override
  public void close() {
    env.close();
  }
}
