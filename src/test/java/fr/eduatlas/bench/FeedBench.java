package fr.eduatlas.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Sustained ingestion of the live speed-test feed over HTTP: {@code clients} concurrent agents post
 * NDJSON batches of {@code size} tests (schools of the hub's territory, distinct timestamps) until
 * {@code batches} are stored; prints tests stored per second over the whole run, the batches'
 * median and slowest times, and checks every batch was stored whole (no rejection, no duplicate).
 *
 * <p>Usage: {@code FeedBench BASE HUB TOKEN SCHOOLS_QUERY BATCHES SIZE CLIENTS} where SCHOOLS_QUERY
 * selects the schools to measure ({@code departement=02}).
 */
public final class FeedBench {
  public static void main(String[] args) throws Exception {
    String base = args[0];
    String hub = args[1];
    String token = args[2];
    String query = args[3];
    int batches = Integer.parseInt(args[4]);
    int size = Integer.parseInt(args[5]);
    int clients = Integer.parseInt(args[6]);
    HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    JsonNode schools =
        new ObjectMapper()
            .readTree(
                http.send(
                        HttpRequest.newBuilder(
                                URI.create(base + "/api/v1/schools?" + query + "&limit=1000"))
                            .build(),
                        HttpResponse.BodyHandlers.ofString())
                    .body())
            .get("schools");
    var uais = new ArrayList<String>();
    schools.forEach(s -> uais.add(s.get("uai").asText()));
    if (uais.isEmpty()) {
      throw new IllegalStateException("no school for " + query);
    }
    // The batches' bodies, built before the clock starts (the agent's side is not measured).
    long runId = System.currentTimeMillis() / 1000;
    Instant t0 = Instant.parse("2025-01-06T00:00:00Z");
    List<byte[]> bodies = new ArrayList<>();
    for (int b = 0; b < batches; b++) {
      var sb = new StringBuilder(size * 110);
      for (int i = 0; i < size; i++) {
        long n = (long) b * size + i;
        String uai = uais.get((int) (n % uais.size()));
        // A distinct timestamp per school and test, within the 2024-2025 school year.
        Instant at = t0.plusSeconds(n / uais.size() * 7 + runId % 1000);
        sb.append("{\"uai\":\"")
            .append(uai)
            .append("\",\"horodatage\":\"")
            .append(at)
            .append("\",\"debit_descendant\":")
            .append(20 + (n % 400))
            .append(",\"debit_montant\":")
            .append(5 + (n % 50))
            .append(",\"latence\":")
            .append(10 + (n % 40))
            .append("}\n");
      }
      bodies.add(sb.toString().getBytes(StandardCharsets.UTF_8));
    }
    var stored = new AtomicLong();
    var times = new java.util.concurrent.ConcurrentLinkedQueue<Long>();
    var pool = Executors.newFixedThreadPool(clients);
    var next = new java.util.concurrent.atomic.AtomicInteger();
    long start = System.nanoTime();
    var futures = new ArrayList<Future<?>>();
    for (int c = 0; c < clients; c++) {
      futures.add(
          pool.submit(
              () -> {
                int b;
                while ((b = next.getAndIncrement()) < batches) {
                  long s = System.nanoTime();
                  var r =
                      http.send(
                          HttpRequest.newBuilder(
                                  URI.create(
                                      base
                                          + "/api/v1/hubs/"
                                          + hub
                                          + "/tests-debit?lot=bench-"
                                          + runId
                                          + "-"
                                          + b))
                              .header("Authorization", "Bearer " + token)
                              .header("Content-Type", "application/x-ndjson")
                              .POST(HttpRequest.BodyPublishers.ofByteArray(bodies.get(b)))
                              .build(),
                          HttpResponse.BodyHandlers.ofString());
                  times.add((System.nanoTime() - s) / 1_000_000);
                  JsonNode j = new ObjectMapper().readTree(r.body());
                  if (r.statusCode() != 201 || j.get("stored").asLong() != size) {
                    throw new IllegalStateException(
                        "batch " + b + ": " + r.statusCode() + " " + r.body().substring(0, 300));
                  }
                  stored.addAndGet(j.get("stored").asLong());
                }
                return null;
              }));
    }
    for (var f : futures) {
      f.get();
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    pool.shutdown();
    var sorted = times.stream().sorted().toList();
    System.out.printf(
        "%d batches of %d tests, %d clients: %d stored in %.1f s = %.0f tests/s; batch median %d"
            + " ms, slowest %d ms%n",
        batches,
        size,
        clients,
        stored.get(),
        seconds,
        stored.get() / seconds,
        sorted.get(sorted.size() / 2),
        sorted.get(sorted.size() - 1));
  }
}
