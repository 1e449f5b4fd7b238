package fr.eduatlas.hub;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * A hub's live feed of speed tests: batches posted by measurement agents, each stored whole in one
 * transaction (or not at all), identified by the sender's batch id (a batch sent again is answered
 * from the first time, not stored twice), each test kept once per school and timestamp across
 * batches. The tests are folded into the statistics at the next rebuild, beside the hub's published
 * {@code tests_debit} version ({@link ContributionExport}).
 */
public final class Feed {
  /** A batch id: what the agent chose, 1 to 64 letters, digits, dots, dashes, underscores. */
  public static final java.util.regex.Pattern BATCH_ID =
      java.util.regex.Pattern.compile("[A-Za-z0-9._-]{1,64}");

  private final HubStore store;

  public Feed(HubStore store) {
    this.store = store;
  }

  /** A stored batch: its counts and report. */
  public record Batch(
      String hub,
      String id,
      Instant at,
      String member,
      long read,
      long stored,
      long duplicates,
      long rejected,
      String report) {}

  /** A batch already received, if any. */
  public Optional<Batch> batch(String hubId, String batchId) {
    return store.tx(c -> batch(c, hubId, batchId));
  }

  private static Optional<Batch> batch(Connection c, String hubId, String batchId)
      throws SQLException {
    return HubStore.query(
            c,
            "SELECT * FROM feed_batch WHERE hub_id = ? AND batch_id = ?",
            rs ->
                new Batch(
                    rs.getString("hub_id"),
                    rs.getString("batch_id"),
                    Instant.ofEpochMilli(rs.getLong("at")),
                    rs.getString("member_id"),
                    rs.getLong("rows_read"),
                    rs.getLong("rows_accepted"),
                    rs.getLong("rows_duplicate"),
                    rs.getLong("rows_rejected"),
                    rs.getString("report")),
            hubId,
            batchId)
        .stream()
        .findFirst();
  }

  /** What storing a batch did: the batch, and whether it had been received before. */
  public record Stored(Batch batch, boolean replay) {}

  /**
   * Stores a validated batch in one transaction: its record and its accepted tests, a test already
   * held (same school and timestamp) counted as a duplicate. A batch id seen before returns the
   * first batch, storing nothing.
   */
  public Stored store(
      String hubId,
      String batchId,
      String member,
      String tokenId,
      long read,
      long rejected,
      List<HubStore.StoredRow> rows,
      java.util.function.LongFunction<String> report,
      String address) {
    return store.tx(
        c -> {
          var before = batch(c, hubId, batchId);
          if (before.isPresent()) {
            return new Stored(before.get(), true);
          }
          long now = Instant.now().toEpochMilli();
          // The batch first: the tests reference it.
          HubStore.update(
              c,
              "INSERT INTO feed_batch VALUES (?, ?, ?, ?, ?, ?, 0, 0, ?, '')",
              hubId,
              batchId,
              now,
              member,
              tokenId,
              read,
              rejected);
          long inserted = 0;
          try (var ps =
              c.prepareStatement(
                  "INSERT INTO feed_test VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING")) {
            int pending = 0;
            for (HubStore.StoredRow r : rows) {
              ps.setString(1, hubId);
              ps.setString(2, r.key());
              ps.setString(3, r.uai());
              ps.setString(4, batchId);
              ps.setString(5, r.payload());
              ps.addBatch();
              if (++pending == 5000) {
                inserted += sum(ps.executeBatch());
                pending = 0;
              }
            }
            if (pending > 0) {
              inserted += sum(ps.executeBatch());
            }
          }
          long duplicates = rows.size() - inserted;
          String text = report.apply(duplicates);
          HubStore.update(
              c,
              "UPDATE feed_batch SET rows_accepted = ?, rows_duplicate = ?, report = ? WHERE"
                  + " hub_id = ? AND batch_id = ?",
              inserted,
              duplicates,
              text,
              hubId,
              batchId);
          HubStore.audit(
              c,
              new HubStore.AuditEntry(
                  member,
                  hubId,
                  "flux-tests",
                  "lot " + batchId,
                  address,
                  "ok",
                  read
                      + " lus, "
                      + inserted
                      + " enregistrés, "
                      + duplicates
                      + " déjà reçus, "
                      + rejected
                      + " rejetés"));
          return new Stored(
              new Batch(
                  hubId,
                  batchId,
                  Instant.ofEpochMilli(now),
                  member,
                  read,
                  inserted,
                  duplicates,
                  rejected,
                  text),
              false);
        });
  }

  private static long sum(int[] counts) {
    long n = 0;
    for (int k : counts) {
      // SUCCESS_NO_INFO (-2): a driver that does not count; SQLite and PostgreSQL do.
      n += k == java.sql.Statement.SUCCESS_NO_INFO ? 1 : Math.max(k, 0);
    }
    return n;
  }

  /** How many tests a hub's feed holds, and its last batch's time (null when none). */
  public record Summary(long batches, long tests, Instant last) {}

  public Summary summary(String hubId) {
    return store.tx(
        c ->
            HubStore.query(
                    c,
                    "SELECT count(*), coalesce(sum(rows_accepted), 0), max(at) FROM feed_batch"
                        + " WHERE hub_id = ?",
                    rs -> {
                      long last = rs.getLong(3);
                      return new Summary(
                          rs.getLong(1),
                          rs.getLong(2),
                          rs.wasNull() ? null : Instant.ofEpochMilli(last));
                    },
                    hubId)
                .get(0));
  }

  /** Every test of a hub's feed, in key order (streamed: not held in memory). */
  public void forEach(String hubId, Consumer<HubStore.StoredRow> each) {
    store.tx(
        c -> {
          try (var ps =
              c.prepareStatement(
                  "SELECT row_key, uai, payload FROM feed_test WHERE hub_id = ? ORDER BY"
                      + " row_key")) {
            ps.setFetchSize(10_000);
            ps.setString(1, hubId);
            try (var rs = ps.executeQuery()) {
              while (rs.next()) {
                each.accept(
                    new HubStore.StoredRow(rs.getString(1), rs.getString(2), rs.getString(3)));
              }
            }
          }
          return null;
        });
  }

  /** The hubs whose feed holds tests. */
  public List<String> hubsWithTests() {
    return store.tx(
        c ->
            HubStore.query(
                c,
                "SELECT DISTINCT hub_id FROM feed_batch WHERE rows_accepted > 0 ORDER BY hub_id",
                rs -> rs.getString(1)));
  }
}
