package fr.eduatlas.api;

import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

/** The hub suite on the embedded store (an SQLite file beside the warehouse). */
class HubApiSqliteTest extends HubApiContract {
  @TempDir static Path tmp;
  static Env env;

  @BeforeAll
  static void start() throws Exception {
    env = start(tmp, "jdbc:sqlite:" + tmp.resolve("hubs.sqlite"));
  }

  @AfterAll
  static void stop() {
    env.close();
  }

  @Override
  Env env() {
    return env;
  }
}
