package fr.eduatlas.cql2;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/**
 * The two encodings of CQL2 parse to the same expression, on filters written after the examples of
 * the standard (OGC 21-065: its comparison, LIKE, BETWEEN, IN, IS NULL, CASEI/ACCENTI, spatial and
 * temporal examples, quoted and prefixed property names, precedence), and a malformed filter says
 * where and why.
 */
class Cql2Test {
  static final String[][] PAIRS = {
    {
      "name = 'Collège Jean Moulin'",
      "{\"op\":\"=\",\"args\":[{\"property\":\"name\"},\"Collège Jean Moulin\"]}"
    },
    {"name = 'L''Oie'", "{\"op\":\"=\",\"args\":[{\"property\":\"name\"},\"L'Oie\"]}"},
    {
      "pupils > 300 AND sector = 'public'",
      "{\"op\":\"and\",\"args\":[{\"op\":\">\",\"args\":[{\"property\":\"pupils\"},300]},"
          + "{\"op\":\"=\",\"args\":[{\"property\":\"sector\"},\"public\"]}]}"
    },
    {
      "a = 1 OR b = 2 AND c = 3",
      "{\"op\":\"or\",\"args\":[{\"op\":\"=\",\"args\":[{\"property\":\"a\"},1]},"
          + "{\"op\":\"and\",\"args\":[{\"op\":\"=\",\"args\":[{\"property\":\"b\"},2]},"
          + "{\"op\":\"=\",\"args\":[{\"property\":\"c\"},3]}]}]}"
    },
    {
      "NOT (type = 'ecole')",
      "{\"op\":\"not\",\"args\":[{\"op\":\"=\",\"args\":[{\"property\":\"type\"},\"ecole\"]}]}"
    },
    {"name LIKE 'Ecole%'", "{\"op\":\"like\",\"args\":[{\"property\":\"name\"},\"Ecole%\"]}"},
    {
      "name NOT LIKE 'Ecole%'",
      "{\"op\":\"not\",\"args\":[{\"op\":\"like\",\"args\":[{\"property\":\"name\"},\"Ecole%\"]}]}"
    },
    {"ips BETWEEN 90 AND 110.5", "{\"op\":\"between\",\"args\":[{\"property\":\"ips\"},90,110.5]}"},
    {
      "type IN ('college', 'lycee')",
      "{\"op\":\"in\",\"args\":[{\"property\":\"type\"},[\"college\",\"lycee\"]]}"
    },
    {
      "type NOT IN ('ecole')",
      "{\"op\":\"not\",\"args\":[{\"op\":\"in\",\"args\":[{\"property\":\"type\"},[\"ecole\"]]}]}"
    },
    {"ips IS NULL", "{\"op\":\"isNull\",\"args\":[{\"property\":\"ips\"}]}"},
    {
      "ips IS NOT NULL",
      "{\"op\":\"not\",\"args\":[{\"op\":\"isNull\",\"args\":[{\"property\":\"ips\"}]}]}"
    },
    {
      "CASEI(name) LIKE casei('%moulin%')",
      "{\"op\":\"like\",\"args\":[{\"op\":\"casei\",\"args\":[{\"property\":\"name\"}]},"
          + "{\"op\":\"casei\",\"args\":[\"%moulin%\"]}]}"
    },
    {
      "ACCENTI(communeName) = ACCENTI('Saint-Étienne')",
      "{\"op\":\"=\",\"args\":[{\"op\":\"accenti\",\"args\":[{\"property\":\"communeName\"}]},"
          + "{\"op\":\"accenti\",\"args\":[\"Saint-Étienne\"]}]}"
    },
    {
      "\"eo:cloud_cover\" < 10 and eo:cloud_cover >= -1.5e1",
      "{\"op\":\"and\",\"args\":[{\"op\":\"<\",\"args\":[{\"property\":\"eo:cloud_cover\"},10]},"
          + "{\"op\":\">=\",\"args\":[{\"property\":\"eo:cloud_cover\"},-15]}]}"
    },
    {
      "pupils <> communeDensityLevel",
      "{\"op\":\"<>\",\"args\":[{\"property\":\"pupils\"},{\"property\":\"communeDensityLevel\"}]}"
    },
    {"simulated = true", "{\"op\":\"=\",\"args\":[{\"property\":\"simulated\"},true]}"},
    {"TRUE", "true"},
    {
      "S_INTERSECTS(geometry, POINT(3.6 49.55))",
      "{\"op\":\"s_intersects\",\"args\":[{\"property\":\"geometry\"},"
          + "{\"type\":\"Point\",\"coordinates\":[3.6,49.55]}]}"
    },
    {
      "s_intersects(geometry, BBOX(3.5, 49.5, 3.7, 49.6))",
      "{\"op\":\"s_intersects\",\"args\":[{\"property\":\"geometry\"},"
          + "{\"bbox\":[3.5,49.5,3.7,49.6]}]}"
    },
    {
      "S_WITHIN(geometry, POLYGON((3 49, 4 49, 4 50, 3 50, 3 49)))",
      "{\"op\":\"s_within\",\"args\":[{\"property\":\"geometry\"},{\"type\":\"Polygon\","
          + "\"coordinates\":[[[3,49],[4,49],[4,50],[3,50],[3,49]]]}]}"
    },
    {
      "S_CROSSES(LINESTRING(3 49, 4 50), geometry)",
      "{\"op\":\"s_crosses\",\"args\":[{\"type\":\"LineString\",\"coordinates\":[[3,49],[4,50]]},"
          + "{\"property\":\"geometry\"}]}"
    },
    {
      "S_DISJOINT(geometry, MULTIPOINT((3 49), (4 50)))",
      "{\"op\":\"s_disjoint\",\"args\":[{\"property\":\"geometry\"},"
          + "{\"type\":\"MultiPoint\",\"coordinates\":[[3,49],[4,50]]}]}"
    },
    {
      "T_AFTER(publishedAt, TIMESTAMP('2024-01-01T01:00:00+01:00'))",
      "{\"op\":\"t_after\",\"args\":[{\"property\":\"publishedAt\"},"
          + "{\"timestamp\":\"2024-01-01T00:00:00Z\"}]}"
    },
    {
      "T_DURING(periode, INTERVAL('2020-01-01', '..'))",
      "{\"op\":\"t_during\",\"args\":[{\"property\":\"periode\"},"
          + "{\"interval\":[\"2020-01-01\",\"..\"]}]}"
    },
    {
      "T_INTERSECTS(INTERVAL(DATE('2020-01-01'), DATE('2020-12-31')), periode)",
      "{\"op\":\"t_intersects\",\"args\":[{\"interval\":[{\"date\":\"2020-01-01\"},"
          + "{\"date\":\"2020-12-31\"}]},{\"property\":\"periode\"}]}"
    },
    {
      "t_equals(DATE('2024-09-02'), publishedAt)",
      "{\"op\":\"t_equals\",\"args\":[{\"date\":\"2024-09-02\"},{\"property\":\"publishedAt\"}]}"
    },
  };

  @Test
  void theTextAndTheJsonOfEachExampleGiveOneExpression() {
    for (String[] p : PAIRS) {
      assertThat(Cql2Text.parse(p[0])).as(p[0]).isEqualTo(Cql2Json.parse(p[1]));
    }
  }

  @Test
  void keywordsAreCaseInsensitiveAndSpacesFree() {
    assertThat(Cql2Text.parse("ips   between 1 and 2"))
        .isEqualTo(Cql2Text.parse("IPS BETWEEN 1 AND 2".replace("IPS", "ips")));
    assertThat(Cql2Text.parse("(a=1)or(b='x')")).isEqualTo(Cql2Text.parse("a = 1 OR b = 'x'"));
  }

  @Test
  void aMalformedFilterSaysWhereAndWhy() {
    String[][] bad = {
      {"name =", "caractère 7"},
      {"name == 'x'", "valeur ou propriété attendue"},
      {"name = 'x", "chaîne non terminée"},
      {"S_INTERSECTS(geometry, POINT(1))", "WKT"},
      {"S_INTERSECTS(geometry, BBOX(1, 2, 3))", "BBOX"},
      {"S_INTERSECTS(geometry, POINT(NaN 1))", "géométrie invalide"},
      {"S_WITHIN(geometry, POLYGON((2 48, 3 49, 3 48, 2 49, 2 48)))", "un anneau se recoupe"},
      {"S_INTERSECTS(geometry, POLYGON((0 0, 1 1, 0 0)))", "géométrie"},
      {"T_AFTER(publishedAt, TIMESTAMP('2024-13-01T00:00:00Z'))", "instant invalide"},
      {"T_AFTER(publishedAt, DATE('2024-02-30'))", "date invalide"},
      {"name = 'x' garbage", "fin du filtre attendue"},
      {"name NOT = 'x'", "'LIKE', 'BETWEEN' ou 'IN' attendu"},
      {"pupils", "opérateur de comparaison attendu"},
      {"(".repeat(100) + "a = 1" + ")".repeat(100), "trop imbriqué"},
      {"a = '" + "x".repeat(20_000) + "'", "trop long"},
    };
    for (String[] b : bad) {
      assertThatThrownBy(() -> Cql2Text.parse(b[0]))
          .as(b[0].length() > 60 ? b[0].substring(0, 60) : b[0])
          .isInstanceOf(Cql2Exception.class)
          .hasMessageContaining(b[1]);
    }
    String[][] badJson = {
      {"{\"op\":\"=\"}", "'args'"},
      {"{\"op\":\"~\",\"args\":[1,2]}", "opérateur inconnu"},
      {"{\"op\":\"=\",\"args\":[1]}", "attend 2 argument"},
      {"{\"op\":\"and\",\"args\":[true]}", "au moins deux"},
      {"[1,", "JSON valide"},
      {
        "{\"op\":\"s_intersects\",\"args\":[{\"property\":\"geometry\"},{\"type\":\"Polygon\","
            + "\"coordinates\":[[[0,0],[1,1]]]}]}",
        "GeoJSON invalide"
      },
      {
        "{\"op\":\"s_intersects\",\"args\":[{\"property\":\"geometry\"},{\"type\":\"Polygon\","
            + "\"coordinates\":[[[2,48],[3,49],[3,48],[2,49],[2,48]]]}]}",
        "un anneau se recoupe"
      },
      {
        "{\"op\":\"s_intersects\",\"args\":[{\"property\":\"geometry\"},{\"bbox\":[\"a\",1,2,3]}]}",
        "'bbox' attend des nombres"
      },
    };
    for (String[] b : badJson) {
      assertThatThrownBy(() -> Cql2Json.parse(b[0]))
          .as(b[0])
          .isInstanceOf(Cql2Exception.class)
          .hasMessageContaining(b[1]);
    }
  }
}
