package fr.eduatlas.source;

import static org.assertj.core.api.Assertions.assertThat;

import fr.eduatlas.source.json.JsonInput;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The JSON sources read numbers with Jackson's fast double parser (it made the IGN communes' read
 * faster): every number must come out bit for bit as {@link Double#parseDouble} gives it, or the
 * boundaries would change under the same files.
 */
class JsonNumbersTest {
  @TempDir Path tmp;

  @Test
  void numbersReadAsTheJdkReadsThem() throws Exception {
    var texts = new ArrayList<String>();
    var random = new Random(20261207);
    for (int i = 0; i < 20_000; i++) {
      // Coordinates as the files write them: degrees with 1 to 17 decimals.
      double d = (random.nextDouble() * 360 - 180);
      texts.add(
          new BigDecimal(d).setScale(1 + i % 17, java.math.RoundingMode.HALF_EVEN).toString());
      // Every double's shortest text, and its exact decimal expansion (long mantissas).
      double any = Double.longBitsToDouble(random.nextLong());
      if (Double.isFinite(any)) {
        texts.add(Double.toString(any));
        texts.add(new BigDecimal(any).toString());
      }
    }
    // Halfway cases between neighbouring doubles, where a careless parser rounds the wrong way.
    for (int i = 0; i < 2_000; i++) {
      double d = random.nextDouble() * 1e3;
      BigDecimal half =
          new BigDecimal(d).add(new BigDecimal(Math.nextUp(d))).divide(BigDecimal.valueOf(2));
      texts.add(half.toString());
    }
    texts.addAll(
        List.of(
            "0.0",
            "-0.0",
            "4.9E-324",
            "2.2250738585072014E-308",
            "1.7976931348623157E308",
            "2.4703282292062327e-324",
            "9007199254740993",
            "0.1",
            "1e23",
            "8.41e21"));
    var json = new StringBuilder("[");
    for (int i = 0; i < texts.size(); i++) {
      json.append(i == 0 ? "" : ",\n").append("{\"v\": ").append(texts.get(i)).append('}');
    }
    Path f = tmp.resolve("numbers.json");
    Files.writeString(f, json.append("]").toString());
    var read = new ArrayList<Double>();
    JsonInput.eachElement(f, new DiscardingSink(), (line, e) -> read.add(e.get("v").asDouble()));
    assertThat(read).hasSameSizeAs(texts);
    for (int i = 0; i < texts.size(); i++) {
      assertThat(Double.doubleToRawLongBits(read.get(i)))
          .as(texts.get(i))
          .isEqualTo(Double.doubleToRawLongBits(Double.parseDouble(texts.get(i))));
    }
  }

  private static final class DiscardingSink implements RowSink {
    @Override
    public void load(long line, Object... values) {}

    @Override
    public void attach(int table, Object... values) {}

    @Override
    public void quarantine(long line, String field, String reason, String raw) {
      throw new AssertionError(line + " " + reason);
    }

    @Override
    public void warn(long line, String field, String reason, String raw) {}
  }
}
