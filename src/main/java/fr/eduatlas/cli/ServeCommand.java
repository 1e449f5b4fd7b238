package fr.eduatlas.cli;

import fr.eduatlas.api.ApiServer;
import fr.eduatlas.warehouse.ServedWarehouse;
import fr.eduatlas.warehouse.WarehouseException;
import java.nio.file.Path;
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

  @Override
  public Integer call() {
    return run(warehouse, host, port);
  }

  public static int run(Path warehouse, String host, int port) {
    ServedWarehouse served;
    try {
      served = new ServedWarehouse(warehouse, SWAP_CHECK_MILLIS);
    } catch (WarehouseException e) {
      System.err.println("Erreur : " + e.getMessage());
      return 1;
    }
    ApiServer server = ApiServer.start(served, host, port);
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
