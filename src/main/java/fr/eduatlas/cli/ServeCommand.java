package fr.eduatlas.cli;

import fr.eduatlas.api.ApiServer;
import fr.eduatlas.api.ServerOptions;
import fr.eduatlas.api.WebConfig;
import fr.eduatlas.warehouse.ServedWarehouse;
import fr.eduatlas.warehouse.WarehouseException;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code eduatlas serve}: serves a warehouse over HTTP until stopped. */
@Command(
    name = "serve",
    mixinStandardHelpOptions = true,
    description = {
      "Sert l'entrepôt en lecture seule sur HTTP (API et carte).",
      "Un entrepôt remplacé par une nouvelle ingestion est pris en compte sans redémarrage."
    })
public final class ServeCommand implements Callable<Integer> {
  /** How often a request may check whether the warehouse file was swapped. */
  static final long SWAP_CHECK_MILLIS = 1000;

  @Option(
      names = "--warehouse",
      paramLabel = "FILE",
      defaultValue = "var/eduatlas.duckdb",
      description = "Entrepôt DuckDB à servir (défaut : ${DEFAULT-VALUE}).")
  Path warehouse;

  @Option(
      names = "--host",
      defaultValue = "127.0.0.1",
      description = "Adresse d'écoute (défaut : ${DEFAULT-VALUE}).")
  String host;

  @Option(
      names = "--port",
      defaultValue = "8080",
      description = "Port d'écoute, 0 pour un port libre (défaut : ${DEFAULT-VALUE}).")
  int port;

  @Option(
      names = "--basemap",
      paramLabel = "URL",
      defaultValue = "${env:EDUATLAS_BASEMAP_URL}",
      description = {
        "Fond de carte raster facultatif, modèle d'adresse {z}/{x}/{y} (défaut : variable",
        "EDUATLAS_BASEMAP_URL ; sans fond, la page ne contacte aucun autre site)."
      })
  String basemap;

  @Option(
      names = "--basemap-attribution",
      paramLabel = "TEXTE",
      defaultValue = "${env:EDUATLAS_BASEMAP_ATTRIBUTION}",
      description = "Attribution du fond de carte (défaut : EDUATLAS_BASEMAP_ATTRIBUTION).")
  String basemapAttribution;

  @Option(
      names = "--hub-store",
      paramLabel = "JDBC",
      defaultValue = "${env:EDUATLAS_HUB_STORE}",
      description = {
        "Base des pôles de données : jdbc:sqlite:FICHIER ou jdbc:postgresql://… (défaut :",
        "EDUATLAS_HUB_STORE, sinon hubs.sqlite à côté de l'entrepôt, sans installation)."
      })
  String hubStore;

  @Option(
      names = "--data",
      paramLabel = "DIR",
      description = {
        "Données ouvertes, pour reconstruire l'entrepôt quand un pôle publie (défaut :",
        "$EDUATLAS_DATA, sinon ../shared/data)."
      })
  Path data;

  @Option(
      names = "--simulated",
      paramLabel = "DIR",
      defaultValue = IngestCommand.DEFAULT_SIMULATED,
      description = "Contribution simulée des reconstructions (défaut : ${DEFAULT-VALUE}).")
  Path simulated;

  @Option(
      names = "--public-url",
      paramLabel = "URL",
      defaultValue = "${env:EDUATLAS_PUBLIC_URL}",
      description = {
        "Adresse publique du serveur (derrière un mandataire, la sienne) : les liens absolus",
        "(OGC API, TileJSON) en partent, jamais de l'en-tête Host (défaut : EDUATLAS_PUBLIC_URL,",
        "sinon l'adresse d'écoute)."
      })
  String publicUrl;

  @Option(
      names = "--write-origin",
      paramLabel = "ORIGINE",
      split = ",",
      defaultValue = "${env:EDUATLAS_WRITE_ORIGINS}",
      description = {
        "Origines de navigateur autorisées à écrire (POST) en plus du site lui-même, ex.",
        "https://carto.exemple.fr (défaut : EDUATLAS_WRITE_ORIGINS ; les lectures restent",
        "ouvertes à toute origine)."
      })
  java.util.List<String> writeOrigins;

  /** What the hubs need: where their store is, and how to rebuild. */
  public record Hubs(String storeUrl, Path data, Path simulated) {}

  @Override
  public Integer call() {
    WebConfig web;
    ServerOptions options;
    try {
      web = new WebConfig(basemap, basemapAttribution);
      options =
          new ServerOptions(
              publicUrl, writeOrigins == null ? java.util.Set.of() : Set.copyOf(writeOrigins));
    } catch (IllegalArgumentException e) {
      System.err.println("Erreur : " + e.getMessage());
      return 2;
    }
    return run(warehouse, host, port, web, new Hubs(hubStore, data, simulated), options);
  }

  /** Serves with the map settings of the environment (the default command). */
  public static int run(Path warehouse, String host, int port, Path data) {
    WebConfig web;
    ServerOptions options;
    try {
      web = WebConfig.fromEnvironment();
      options = ServerOptions.fromEnvironment();
    } catch (IllegalArgumentException e) {
      System.err.println("Erreur : " + e.getMessage());
      return 2;
    }
    return run(
        warehouse,
        host,
        port,
        web,
        new Hubs(
            System.getenv("EDUATLAS_HUB_STORE"), data, Path.of(IngestCommand.DEFAULT_SIMULATED)),
        options);
  }

  public static int run(
      Path warehouse, String host, int port, WebConfig web, Hubs hubs, ServerOptions options) {
    ServedWarehouse served;
    try {
      served = new ServedWarehouse(warehouse, SWAP_CHECK_MILLIS);
    } catch (WarehouseException e) {
      System.err.println("Erreur : " + e.getMessage());
      return 1;
    }
    // The hub store opens (migrations checked, pool started) while the server starts: the hub
    // routes wait for it, the map and the API do not.
    var hubService =
        java.util.concurrent.CompletableFuture.supplyAsync(
            () ->
                HubWiring.start(served, warehouse, hubs.storeUrl(), hubs.data(), hubs.simulated()));
    ApiServer server = ApiServer.startWithPendingHubs(served, host, port, web, hubService, options);
    try {
      hubService.join();
    } catch (java.util.concurrent.CompletionException e) {
      Throwable cause = e.getCause() == null ? e : e.getCause();
      System.err.println("Erreur : base des pôles : " + cause.getMessage());
      server.close();
      return 1;
    }
    System.err.println(
        "EduAtlas sert "
            + warehouse.toAbsolutePath()
            + " sur http://"
            + host
            + ":"
            + server.port()
            + "/");
    var stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  server.close();
                  stopped.countDown();
                }));
    try {
      stopped.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return 0;
  }
}
