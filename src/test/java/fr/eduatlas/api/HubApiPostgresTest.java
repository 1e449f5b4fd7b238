package fr.eduatlas.api;

import fr.eduatlas.testing.Postgres;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

/** The hub suite on PostgreSQL (Debian's server, started on loopback for this class). */
class HubApiPostgresTest extends HubApiContract {
  @TempDir static Path tmp;
  static Postgres pg;
  static Env env;

  @BeforeAll
  static void start() throws Exception {
    pg = Postgres.start();
    env = start(tmp, pg.newDatabase("hubs"));
  }

  @AfterAll
  static void stop() throws Exception {
    env.close();
    pg.close();
  }

  @Override
  Env env() {
    return env;
  }
}
