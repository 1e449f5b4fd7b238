package fr.eduatlas.territory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CodesTest {
  @ParameterizedTest
  @CsvSource({"02408,02408", " 2a004 ,2A004", "97101,97101", "75101,75101"})
  void communeCodesAreNormalised(String raw, String expected) {
    assertThat(Codes.commune(raw)).isEqualTo(expected);
  }

  @ParameterizedTest
  @CsvSource({"2408", "2C004", "024080", "ABCDE"})
  void malformedCommuneCodesAreRefusedWithTheValue(String raw) {
    assertThatThrownBy(() -> Codes.commune(raw))
        .isInstanceOf(Codes.InvalidCodeException.class)
        .hasMessageContaining(raw);
  }

  @ParameterizedTest
  @CsvSource({"1001,01001", "2A004,2A004", "97101,97101", "75056,75056", "1,00001"})
  void unpaddedInseeCodesGetTheirLeadingZerosBack(String raw, String expected) {
    assertThat(Codes.communeFromUnpadded(raw)).isEqualTo(expected);
  }

  @ParameterizedTest
  @CsvSource({"001,01", "02A,2A", "2B,2B", "971,971", "1,01", "975,975", "094,94"})
  void departementCodesInEveryPublishedForm(String raw, String expected) {
    assertThat(Codes.departement(raw)).isEqualTo(expected);
  }

  @Test
  void departementOfCommune() {
    assertThat(Codes.departementOfCommune("02408")).isEqualTo("02");
    assertThat(Codes.departementOfCommune("2A004")).isEqualTo("2A");
    assertThat(Codes.departementOfCommune("97411")).isEqualTo("974");
  }

  @Test
  void uaiCheckLetterIsVerified() {
    // Real UAIs from the DEPP lists.
    assertThat(Codes.uai("0010005A")).isEqualTo("0010005A");
    assertThat(Codes.uai("6200040z")).isEqualTo("6200040Z");
    assertThat(Codes.uai("9760102G")).isEqualTo("9760102G");
    assertThatThrownBy(() -> Codes.uai("0010005B")).hasMessageContaining("attendue : A");
    assertThatThrownBy(() -> Codes.uai("001005A")).hasMessageContaining("n'est pas un UAI");
  }

  @Test
  void digitsReadOnlyAsciiDigitsWithinTheString() {
    assertThat(Codes.digits("2023-2024", 5, 4)).isEqualTo(2024);
    assertThat(Codes.digits("0010005A", 0, 7)).isEqualTo(10005);
    // Not a digit (an Arabic-Indic zero is one for Character.isDigit), or past the end: -1.
    assertThat(Codes.digits("20\u066023", 0, 4)).isEqualTo(-1);
    assertThat(Codes.digits("2023", 2, 4)).isEqualTo(-1);
    assertThat(Codes.digits("2023", -1, 2)).isEqualTo(-1);
    // Ten digits would overflow an int: refused rather than wrapped.
    assertThat(Codes.digits("9999999999", 0, 10)).isEqualTo(-1);
  }

  @Test
  void namesFoldAccentsCaseAndPunctuation() {
    assertThat(Names.fold("Orléans-Tours")).isEqualTo(Names.fold("ORLEANS TOURS"));
    assertThat(Names.fold("Saint-Étienne")).isEqualTo("saint etienne");
    assertThat(Names.fold("Cœuvres-et-Valsery")).isEqualTo("coeuvres et valsery");
  }
}
