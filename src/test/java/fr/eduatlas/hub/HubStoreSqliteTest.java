package fr.eduatlas.hub;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The store contract on the embedded SQLite file. */
class HubStoreSqliteTest extends HubStoreContract {
  @TempDir static Path tmp;
  static HubStore store;

  @BeforeAll
  static void open() {
    store = HubStore.open("jdbc:sqlite:" + tmp.resolve("var/hubs.sqlite"));
  }

  @AfterAll
  static void close() {
    store.close();
  }

  @Override
  HubStore store() {
    return store;
  }

  @Test
  void reopeningMigratesNothingTwiceAndKeepsTheData() {
    hub("re");
    try (var again = HubStore.open("jdbc:sqlite:" + tmp.resolve("var/hubs.sqlite"))) {
      assertThat(again.hub("re")).isPresent();
    }
  }
}
