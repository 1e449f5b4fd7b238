package fr.eduatlas.api;

import fr.eduatlas.hub.HubService;
import fr.eduatlas.hub.HubStore;
import fr.eduatlas.selection.SelectionStore;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;

/**
 * Where the server stores selections: in the hub store when it is a shared database (PostgreSQL:
 * replicas find a selection whichever of them computed it), else as files in the server's state
 * directory. Chosen on first use, once the hub store is open.
 */
final class SelectionBackend implements SelectionStore.Backend {
  private final CompletableFuture<HubService> hubs;
  private final Path folder;
  private volatile SelectionStore.Backend chosen;

  SelectionBackend(CompletableFuture<HubService> hubs, Path folder) {
    this.hubs = hubs;
    this.folder = folder;
  }

  private SelectionStore.Backend backend() {
    SelectionStore.Backend b = chosen;
    if (b == null) {
      HubStore store = hubs == null ? null : hubs.join().store();
      b = store == null || store.embedded() ? SelectionStore.folder(folder) : shared(store);
      chosen = b;
    }
    return b;
  }

  private static SelectionStore.Backend shared(HubStore store) {
    return new SelectionStore.Backend() {
      @Override
      public void put(String id, byte[] json) {
        store.putSelection(id, new String(json, StandardCharsets.UTF_8));
      }

      @Override
      public byte[] read(String id) {
        return store.readSelection(id).map(s -> s.getBytes(StandardCharsets.UTF_8)).orElse(null);
      }

      @Override
      public boolean keep(String id) {
        return store.keepSelection(id);
      }

      @Override
      public boolean kept(String id) {
        return store.selectionKept(id);
      }

      @Override
      public void prune(long maxBytes, long oldestRead) {
        store.pruneSelections(maxBytes, oldestRead);
      }
    };
  }

  @Override
  public void put(String id, byte[] json) {
    backend().put(id, json);
  }

  @Override
  public byte[] read(String id) {
    return backend().read(id);
  }

  @Override
  public boolean keep(String id) {
    return backend().keep(id);
  }

  @Override
  public boolean kept(String id) {
    return backend().kept(id);
  }

  @Override
  public void prune(long maxBytes, long oldestRead) {
    backend().prune(maxBytes, oldestRead);
  }
}
