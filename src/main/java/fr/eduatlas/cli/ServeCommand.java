package fr.eduatlas.cli;

import fr.eduatlas.api.ApiServer;
import fr.eduatlas.api.ServerOptions;
import fr.eduatlas.api.WebConfig;
import fr.eduatlas.warehouse.Releases;
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
      names = "--release-dir",
      paramLabel = "DIR",
      description = {
        "Sert la plus récente des versions complètes (eduatlas release) de ce répertoire et",
        "passe à une plus récente dès qu'elle est publiée et vérifiée, sans interruption :",
        "plusieurs serveurs sans état derrière un répartiteur servent ainsi les mêmes données.",
        "Les pôles utilisent alors --hub-store (PostgreSQL partagé) sans reconstruction locale."
      })
  Path releaseDir;

  @Option(
      names = "--state-dir",
      paramLabel = "DIR",
      defaultValue = "var",
      description =
          "Avec --release-dir : état modifiable de ce serveur (sélections ; défaut :"
              + " ${DEFAULT-VALUE}).")
  Path stateDir;

  /** How often a replica looks for a newer release. */
  static final long RELEASE_CHECK_MILLIS = 2000;

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

  @Option(
      names = "--oidc-emetteur",
      paramLabel = "URL",
      defaultValue = "${env:EDUATLAS_OIDC_ISSUER}",
      description = {
        "Émetteur OpenID Connect de l'espace contributeurs (ex. la fédération d'identité des",
        "agents publics) ; secret client dans EDUATLAS_OIDC_SECRET (défaut :",
        "EDUATLAS_OIDC_ISSUER ; sans émetteur, connexion par lien à usage unique seulement)."
      })
  String oidcIssuer;

  @Option(
      names = "--oidc-client",
      paramLabel = "ID",
      defaultValue = "${env:EDUATLAS_OIDC_CLIENT}",
      description = "Identifiant client auprès de l'émetteur (défaut : EDUATLAS_OIDC_CLIENT).")
  String oidcClient;

  @Option(
      names = "--oidc-correspondances",
      paramLabel = "FICHIER",
      defaultValue = "${env:EDUATLAS_OIDC_MAPPING}",
      description = {
        "Fichier JSON des correspondances revendications → rôles dans les pôles",
        "(docs/CONTRIBUTORS.md ; défaut : EDUATLAS_OIDC_MAPPING)."
      })
  Path oidcMapping;

  /** What the hubs need: where their store is, how to rebuild, who logs in how. */
  public record Hubs(
      String storeUrl, Path data, Path simulated, fr.eduatlas.hub.OidcProvider.Config oidc) {
    public Hubs(String storeUrl, Path data, Path simulated) {
      this(storeUrl, data, simulated, null);
    }
  }

  /** The OpenID Connect configuration, or null when no issuer is given. */
  static fr.eduatlas.hub.OidcProvider.Config oidc(String issuer, String client, Path mapping) {
    if (issuer == null || issuer.isBlank()) {
      return null;
    }
    return fr.eduatlas.hub.OidcProvider.Config.withMapping(
        issuer.strip(), client, System.getenv("EDUATLAS_OIDC_SECRET"), mapping);
  }

  @Override
  public Integer call() {
    WebConfig web;
    ServerOptions options;
    fr.eduatlas.hub.OidcProvider.Config oidc;
    try {
      web = new WebConfig(basemap, basemapAttribution);
      options =
          new ServerOptions(
              publicUrl, writeOrigins == null ? java.util.Set.of() : Set.copyOf(writeOrigins));
      oidc = oidc(oidcIssuer, oidcClient, oidcMapping);
    } catch (IllegalArgumentException e) {
      System.err.println("Erreur : " + e.getMessage());
      return 2;
    }
    if (releaseDir != null) {
      return runReleases(
          releaseDir,
          stateDir,
          host,
          port,
          web,
          new Hubs(hubStore, data, simulated, oidc),
          options);
    }
    return run(warehouse, host, port, web, new Hubs(hubStore, data, simulated, oidc), options);
  }

  /** Serves the newest complete release of {@code releaseDir}, switching to newer ones. */
  public static int runReleases(
      Path releaseDir,
      Path stateDir,
      String host,
      int port,
      WebConfig web,
      Hubs hubs,
      ServerOptions options) {
    ServedWarehouse served;
    // One scanner: the release it verifies here is not checksummed again when served.
    var releases = new Releases.Scanner(releaseDir);
    if (releases.newest().isEmpty()) {
      System.err.println(
          "Erreur : aucune version complète dans "
              + releaseDir.toAbsolutePath()
              + " (publiez-en une avec « eduatlas release --out "
              + releaseDir
              + " »)");
      return 1;
    }
    try {
      java.nio.file.Files.createDirectories(stateDir);
      served = ServedWarehouse.ofReleases(releases, stateDir, RELEASE_CHECK_MILLIS);
    } catch (WarehouseException | java.io.IOException e) {
      System.err.println("Erreur : " + e.getMessage());
      return 1;
    }
    return serve(
        served,
        () ->
            HubWiring.replica(served, hubs.storeUrl())
                .withOidc(
                    hubs.oidc() == null ? null : new fr.eduatlas.hub.OidcProvider(hubs.oidc())),
        host,
        port,
        web,
        options,
        "la version " + served.file().getParent().getFileName() + " de " + releaseDir);
  }

  /** Serves with the map settings of the environment (the default command). */
  public static int run(Path warehouse, String host, int port, Path data) {
    WebConfig web;
    ServerOptions options;
    fr.eduatlas.hub.OidcProvider.Config oidc;
    try {
      web = WebConfig.fromEnvironment();
      options = ServerOptions.fromEnvironment();
      String mapping = System.getenv("EDUATLAS_OIDC_MAPPING");
      oidc =
          oidc(
              System.getenv("EDUATLAS_OIDC_ISSUER"),
              System.getenv("EDUATLAS_OIDC_CLIENT"),
              mapping == null ? null : Path.of(mapping));
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
            System.getenv("EDUATLAS_HUB_STORE"),
            data,
            Path.of(IngestCommand.DEFAULT_SIMULATED),
            oidc),
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
    return serve(
        served,
        () ->
            HubWiring.start(served, warehouse, hubs.storeUrl(), hubs.data(), hubs.simulated())
                .withOidc(
                    hubs.oidc() == null ? null : new fr.eduatlas.hub.OidcProvider(hubs.oidc())),
        host,
        port,
        web,
        options,
        warehouse.toAbsolutePath().toString());
  }

  private static int serve(
      ServedWarehouse served,
      java.util.function.Supplier<fr.eduatlas.hub.HubService> hubs,
      String host,
      int port,
      WebConfig web,
      ServerOptions options,
      String what) {
    // The hub store opens (migrations checked, pool started) while the server starts: the hub
    // routes wait for it, the map and the API do not.
    var hubService = java.util.concurrent.CompletableFuture.supplyAsync(hubs);
    ApiServer server = ApiServer.startWithPendingHubs(served, host, port, web, hubService, options);
    try {
      hubService.join();
    } catch (java.util.concurrent.CompletionException e) {
      Throwable cause = e.getCause() == null ? e : e.getCause();
      System.err.println("Erreur : base des pôles : " + cause.getMessage());
      server.close();
      return 1;
    }
    System.err.println("EduAtlas sert " + what + " sur http://" + host + ":" + server.port() + "/");
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
