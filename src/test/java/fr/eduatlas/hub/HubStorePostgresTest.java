package fr.eduatlas.hub;

import fr.eduatlas.testing.Postgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The store contract on PostgreSQL (Debian's server on loopback). */
class HubStorePostgresTest extends HubStoreContract {
  static Postgres pg;
  static HubStore store;

  @BeforeAll
  static void open() throws Exception {
    pg = Postgres.start();
    store = HubStore.open(pg.newDatabase("store"));
  }

  @AfterAll
  static void close() throws Exception {
    store.close();
    pg.close();
  }

  @Override
  HubStore store() {
    return store;
  }
}
