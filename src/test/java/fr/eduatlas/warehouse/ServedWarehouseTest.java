package fr.eduatlas.warehouse;

import static org.assertj.core.api.Assertions.assertThat;

import fr.eduatlas.ingest.Ingest;
import fr.eduatlas.testing.Fixtures;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.sql.ResultSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ServedWarehouseTest {
  @TempDir Path tmp;

  private String version(ServedWarehouse w) throws Exception {
    try (var lease = w.lease();
        ResultSet rs =
            lease
                .connection()
                .createStatement()
                .executeQuery("SELECT value FROM ingest_meta WHERE key = 'checksum'")) {
      rs.next();
      return rs.getString(1);
    }
  }

  @Test
  void aWarehouseOpenedNeverToCheckKeepsItsFileAcrossASwap() throws Exception {
    Path wh = tmp.resolve("w.duckdb");
    Path data = Fixtures.copyMini(tmp);
    var ingest =
        new Ingest(Fixtures.miniManifest(), new PrintStream(OutputStream.nullOutputStream()));
    ingest.run(new Ingest.Options(data, wh, false));
    // Long.MAX_VALUE milliseconds used to overflow into a negative interval: checked on every
    // lease.
    try (var never = new ServedWarehouse(wh, Long.MAX_VALUE);
        var always = new ServedWarehouse(wh, 0)) {
      String before = version(never);
      assertThat(version(always)).isEqualTo(before);
      java.nio.file.Files.writeString(
          data.resolve("populations.csv"),
          java.nio.file.Files.readString(data.resolve("populations.csv"))
              .replace(";24021;", ";24022;"));
      ingest.run(new Ingest.Options(data, wh, false));
      assertThat(version(always)).isNotEqualTo(before);
      assertThat(version(never)).isEqualTo(before);
    }
  }
}
