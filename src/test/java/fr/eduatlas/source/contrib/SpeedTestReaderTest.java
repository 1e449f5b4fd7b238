package fr.eduatlas.source.contrib;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SpeedTestReaderTest {
  @ParameterizedTest
  @ValueSource(
      strings = {
        "2024-03-12T09:15:00+01:00",
        "2024-03-12T09:15+01:00",
        "2024-03-12T09:15:00Z",
        "2024-03-12T09:15:00.250-04:00",
        "2024-02-29T23:59:59+04:00"
      })
  void isoDateTimesWithAnOffsetAreAccepted(String s) {
    assertThat(SpeedTestReader.isoOffsetDateTime(s)).isTrue();
    // The same as java.time says.
    java.time.OffsetDateTime.parse(s);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "2024-03-12T09:15:00",
        "2024-03-12 09:15:00+01:00",
        "2023-02-29T09:15:00+01:00",
        "2024-13-12T09:15:00+01:00",
        "2024-03-12T24:15:00+01:00",
        "2024-03-12T09:15:00+0100",
        "12/03/2024 09:15",
        "2024-03-12T09:15:00.+01:00",
        "5 novembre"
      })
  void anythingElseIsRefused(String s) {
    assertThat(SpeedTestReader.isoOffsetDateTime(s)).isFalse();
  }
}
