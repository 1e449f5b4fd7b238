package fr.eduatlas.warehouse;

import static org.assertj.core.api.Assertions.assertThat;

import fr.eduatlas.source.SourceEntry;
import fr.eduatlas.source.contrib.SpeedTestReader;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The bulk path stages exactly what the row-by-row reader stages: the same rows at the same lines,
 * the same quarantine entries, the same counts, on files made of every kind of trouble.
 */
class BulkCsvLoaderTest {
  @TempDir Path dir;

  private static final SpeedTestReader READER = new SpeedTestReader();

  @Test
  void aCrlfFileWithBomDecimalCommaAndEveryKindOfBadRowStagesAsTheReaderDoes() throws Exception {
    var f = new ByteArrayOutputStream();
    f.writeBytes(new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF});
    String[] lines = {
      "uai;horodatage;debit_descendant;debit_montant;latence;commentaire",
      "0020975Z;2024-11-05T09:00:00+01:00;800,5;200,25;12;ok",
      "0020975Z;2024-11-05T10:00:00+01:00;790.5;200;12;point au lieu de virgule",
      "",
      "0020975z; 2024-11-06T10:00:00+01:00 ;810;200;12;minuscule et espaces",
      "0020975Z;2024-11-06T11:00:00Z;abc;200;12;pas un nombre",
      "0020975Z;2024-11-06T12:00:00+01:00;;200;12;manquant",
      "0020975Z;2024-11-06T13:00:00+01:00;20000;200;12;hors limites",
      "0020975Z;2024-11-06T14:00:00+01:00;800;-1;12;négatif facultatif",
      "0020975Z;2024-11-06T15:00:00+01:00;nan;200;12;nan",
      "0020975A;2024-11-06T16:00:00+01:00;800;200;12;lettre clé",
      "0020975Z;2024-02-30T16:00:00+01:00;800;200;12;30 février",
      "0020975Z;2024-11-06T16:00:00+19:00;800;200;12;décalage",
      "0020975Z;2024-11-06T17:00:00+01:00;800;200;12",
      "0020975Z;2024-11-06T18:00:00+01:00;800;200;12;trop;de;champs",
      "\"0020975Z\";\"2024-11-06T19:00:00+01:00\";\"801,5\";;;\"guillemets; point-virgule\"",
      "\"0020975Z\";2024-11-06T20:00:00+01:00;802;;;\"sur\r\ndeux lignes\"",
      "0020975Z;2024-11-06T21:00:00+01:00;803;;;après",
    };
    for (String l : lines) {
      f.writeBytes((l + "\r\n").getBytes(StandardCharsets.UTF_8));
    }
    f.writeBytes(
        "0020975Z;2024-11-06T22:00:00+01:00;8\u00e90;;;latin-1\r\n"
            .getBytes(StandardCharsets.ISO_8859_1));
    f.writeBytes(
        "0020975Z;2024-11-06T23:00:00+01:00;804;1;2;fin\r\n".getBytes(StandardCharsets.UTF_8));
    Path file = dir.resolve("tests_debit.csv");
    Files.write(file, f.toByteArray());

    Compared c = compare(file);
    assertThat(c.bulk.fallback()).isNull();
    assertThat(c.bulkRows).isEqualTo(c.readerRows);
    assertThat(c.bulkQuarantine).isEqualTo(c.readerQuarantine);
    assertThat(List.of(c.bulk.read(), c.bulk.loaded(), c.bulk.quarantined()))
        .isEqualTo(c.readerCounts);
    // What the rows are: checked once here, the equality above carries it to the bulk path.
    assertThat(c.readerRows)
        .contains(
            "2 0020975Z 2024-11-05T09:00:00+01:00 800.5 200.25 12.0",
            "3 0020975Z 2024-11-05T10:00:00+01:00 790.5 200.0 12.0",
            "5 0020975Z 2024-11-06T10:00:00+01:00 810.0 200.0 12.0",
            "16 0020975Z 2024-11-06T19:00:00+01:00 801.5",
            "17 0020975Z 2024-11-06T20:00:00+01:00 802.0",
            "19 0020975Z 2024-11-06T21:00:00+01:00 803.0",
            "21 0020975Z 2024-11-06T23:00:00+01:00 804.0 1.0 2.0");
    assertThat(c.readerQuarantine)
        .extracting(s -> s.substring(0, s.indexOf(' ')))
        .containsExactly("6", "7", "8", "9", "10", "11", "12", "13", "14", "15", "20");
  }

  @Test
  void aCommaFileWithoutFinalNewlineStagesAsTheReaderDoes() throws Exception {
    Path file = dir.resolve("tests_debit.csv");
    Files.writeString(
        file,
        "uai,horodatage,debit_descendant,gigue,perte_paquets\n"
            + "0020975Z,2024-11-05T09:00:00+01:00,800,1,0.5\n"
            + "0020975Z,2024-11-05T09:30:00.250+01:00,700,,\n"
            + "0020975Z,2024-11-05T10:00,800,1,0.5\n"
            + "0020975Z,2024-11-05T11:00:00+01:00,800,1,101\n"
            + "0020975Z,2024-11-05T12:00:00-05:30,800.0,1,0.5");
    Compared c = compare(file);
    assertThat(c.bulk.fallback()).isNull();
    assertThat(c.bulkRows).isEqualTo(c.readerRows).hasSize(3);
    assertThat(c.bulkQuarantine).isEqualTo(c.readerQuarantine).hasSize(2);
  }

  @Test
  void aFileDuckDbCannotReadIsLeftToTheReaderWithTheReasonAndNothingStaged() throws Exception {
    Path file = dir.resolve("tests_debit.csv");
    Files.writeString(
        file,
        "uai;horodatage;debit_descendant\n"
            + "0020975Z;2024-11-05T09:00:00+01:00;800\n"
            + "0020975Z;2024-11-05T10:00:00+01:00;800\r\n"
            + "0020975Z;2024-11-05T11:00:00+01:00;800\n");
    Path wh = dir.resolve("w.duckdb");
    try (var build = WarehouseBuild.begin(wh)) {
      var o = build.stageBulk(entry("bulk"), READER, file);
      assertThat(o.fallback()).isNotBlank();
      assertThat(build.count("quarantine")).isZero();
      // The reader can then stage it under the same id: nothing of the attempt is left in the way.
      var w = build.stage(entry("bulk"), READER.tables());
      READER.read(file, w);
      w.close();
      assertThat(w.loaded()).isEqualTo(3);
    }
  }

  private record Compared(
      WarehouseBuild.BulkOutcome bulk,
      List<Long> readerCounts,
      List<String> bulkRows,
      List<String> readerRows,
      List<String> bulkQuarantine,
      List<String> readerQuarantine) {}

  /** Both paths into one build; its tables read on the build's connection (bulk ones are temp). */
  private Compared compare(Path file) throws Exception {
    try (var build = WarehouseBuild.begin(dir.resolve("w.duckdb"))) {
      WarehouseBuild.BulkOutcome bulk = build.stageBulk(entry("bulk"), READER, file);
      var w = build.stage(entry("rows"), READER.tables());
      READER.read(file, w);
      w.close();
      Connection conn = build.connection();
      String cols = "uai, tested_at, down, up, latency_ms";
      return new Compared(
          bulk,
          List.of(w.read(), w.loaded(), w.quarantined()),
          strings(
              conn,
              "SELECT concat_ws(' ', line, "
                  + cols.replace(", ", "::VARCHAR, ")
                  + ") FROM (SELECT "
                  + BulkCsvLoader.lineOf("t")
                  + " AS line, t.* FROM (SELECT rowid AS r, * FROM src_bulk WHERE rowid NOT IN"
                  + " (SELECT r FROM src_bulk_superseded)) t ASOF LEFT JOIN src_bulk_lines l ON"
                  + " t.r >= l.from_row) ORDER BY line"),
          strings(
              conn,
              "SELECT concat_ws(' ', _line, "
                  + cols.replace(", ", "::VARCHAR, ")
                  + ") FROM src_rows ORDER BY _line"),
          quarantine(conn, "bulk"),
          quarantine(conn, "rows"));
    }
  }

  private static List<String> quarantine(Connection conn, String id) throws Exception {
    return strings(
        conn,
        "SELECT concat_ws(' ', line, field, reason, raw, row_rejected) FROM quarantine WHERE"
            + " source_id = '"
            + id
            + "' ORDER BY line, field");
  }

  private static List<String> strings(Connection conn, String sql) throws Exception {
    var out = new ArrayList<String>();
    try (Statement st = conn.createStatement();
        ResultSet rs = st.executeQuery(sql)) {
      while (rs.next()) {
        out.add(rs.getString(1));
      }
    }
    return out;
  }

  private static SourceEntry entry(String id) {
    return new SourceEntry(
        id,
        "Tests de débit",
        "tests",
        "https://example.invalid",
        "Licence Ouverte 2.0",
        "test",
        null,
        "tests_debit.csv",
        "contrib-tests_debit",
        null);
  }
}
