package fr.eduatlas.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import fr.eduatlas.config.DataDirectory;
import fr.eduatlas.hub.HubService;
import fr.eduatlas.hub.HubStore;
import fr.eduatlas.hub.Rebuilder;
import fr.eduatlas.ingest.Ingest;
import fr.eduatlas.ingest.IngestException;
import fr.eduatlas.source.SourceManifest;
import fr.eduatlas.warehouse.ServedWarehouse;
import java.nio.file.Path;

/**
 * The hubs as {@code serve} runs them: the store (embedded beside the warehouse unless a JDBC URL
 * is given), and rebuilds that run today's ingest, with the default simulation filling what no hub
 * covers and every hub's published versions as contributions.
 */
final class HubWiring {
  private HubWiring() {}

  /**
   * The hubs of a replica serving releases: the shared store, no rebuild (a publication is
   * recorded; the release machine builds and publishes the next release).
   */
  static HubService replica(ServedWarehouse served, String storeUrl) {
    HubStore store =
        HubStore.open(
            storeUrl != null
                ? storeUrl
                : HubStore.defaultUrl(served.stateDir().resolve("eduatlas.duckdb")));
    return new HubService(store, served, null);
  }

  static HubService start(
      ServedWarehouse served, Path warehouse, String storeUrl, Path data, Path simulated) {
    HubStore store = HubStore.open(storeUrl != null ? storeUrl : HubStore.defaultUrl(warehouse));
    Rebuilder.Build build =
        contributions -> {
          Path dataDir;
          try {
            dataDir = DataDirectory.resolve(data);
          } catch (IllegalArgumentException e) {
            throw new IllegalStateException("données ouvertes introuvables : " + e.getMessage());
          }
          try {
            var report =
                new Ingest(SourceManifest.bundled(), System.err)
                    .run(
                        new Ingest.Options(
                            dataDir,
                            warehouse,
                            false,
                            Ingest.Simulation.defaults(simulated),
                            contributions));
            return new ObjectMapper().writeValueAsString(report);
          } catch (IngestException e) {
            throw new IllegalStateException(e.getMessage(), e);
          }
        };
    var rebuilder =
        new Rebuilder(
                store,
                warehouse.toAbsolutePath().resolveSibling("hubs-work"),
                build,
                served::refresh)
            .start();
    var service = new HubService(store, served, rebuilder);
    service.rebuildIfStale();
    return service;
  }
}
