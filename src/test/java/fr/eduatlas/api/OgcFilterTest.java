package fr.eduatlas.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import fr.eduatlas.cql2.Cql2Text;
import fr.eduatlas.cql2.Expr;
import fr.eduatlas.geo.Crs;
import fr.eduatlas.geo.GeoJson;
import fr.eduatlas.testing.Fixtures;
import fr.eduatlas.warehouse.ServedWarehouse;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.locationtech.jts.geom.Geometry;
import org.locationtech.jts.geom.GeometryFactory;

/**
 * OGC API Features Part 3 under /ogc on the mini dataset, over HTTP: every filter's answer is the
 * set of features an independent evaluation (Java and JTS over the unfiltered features, with SQL's
 * three-valued logic) selects, its count the same, in both encodings and in Lambert-93; the
 * queryables describe what may be named; and a wrong filter is a 400 that says why.
 */
class OgcFilterTest {
  @TempDir static Path tmp;
  static ApiServer server;
  static final HttpClient HTTP = HttpClient.newHttpClient();
  static final ObjectMapper JSON = new ObjectMapper();
  static final GeometryFactory GF = new GeometryFactory();

  @BeforeAll
  static void start() {
    Path wh = Fixtures.miniWarehouse(tmp);
    server = ApiServer.start(new ServedWarehouse(wh, 50), "127.0.0.1", 0);
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  static HttpResponse<String> get(String path) throws Exception {
    return HTTP.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  /** Every feature of a collection's items query, all pages followed. */
  static List<JsonNode> all(String path) throws Exception {
    var out = new ArrayList<JsonNode>();
    String next = path + (path.contains("?") ? "&" : "?") + "limit=1000";
    long matched = -1;
    while (next != null) {
      var r = get(next);
      assertThat(r.statusCode()).as(next + " " + r.body()).isEqualTo(200);
      JsonNode fc = JSON.readTree(r.body());
      fc.get("features").forEach(out::add);
      matched = fc.get("numberMatched").asLong();
      next = null;
      for (JsonNode l : fc.get("links")) {
        if (l.get("rel").asText().equals("next")) {
          next =
              URI.create(l.get("href").asText()).getRawPath()
                  + "?"
                  + URI.create(l.get("href").asText()).getRawQuery();
        }
      }
    }
    assertThat(matched).as(path).isEqualTo(out.size());
    return out;
  }

  static TreeSet<String> ids(List<JsonNode> features) {
    var s = new TreeSet<String>();
    features.forEach(f -> s.add(f.get("id").asText()));
    return s;
  }

  static final String[] SCHOOL_FILTERS = {
    "type = 'college'",
    "type <> 'ecole' AND sector = 'public'",
    "pupils > 200 OR ips < 90",
    "NOT (pupils > 200)",
    "pupils BETWEEN 100 AND 250",
    "ips NOT BETWEEN 95 AND 105",
    "type IN ('college', 'lycee')",
    "name LIKE 'ECOLE%'",
    "CASEI(name) LIKE CASEI('%primaire%')",
    "ACCENTI(CASEI(communeName)) LIKE '%e%'",
    "ips IS NULL",
    "ips IS NOT NULL AND bandwidthClass >= 2",
    "simulated = true",
    "location = 'commune'",
    "bandwidthClass <> communeDensityLevel",
    "S_INTERSECTS(geometry, BBOX(3.5, 49.5, 3.7, 49.6))",
    "S_WITHIN(geometry, POLYGON((3.4 49.4, 3.8 49.4, 3.8 49.8, 3.4 49.4)))",
    "S_DISJOINT(geometry, POLYGON((3.4 49.4, 3.8 49.4, 3.8 49.8, 3.4 49.4)))",
    "NOT S_INTERSECTS(geometry, BBOX(3.5, 49.5, 3.7, 49.6)) AND type = 'ecole'",
    "S_EQUALS(geometry, POINT(3.62 49.56)) OR S_TOUCHES(geometry, BBOX(3.5, 49.5, 3.7, 49.6))",
    "T_BEFORE(publishedAt, TIMESTAMP('2100-01-01T00:00:00Z'))",
    "T_AFTER(publishedAt, DATE('2000-01-01')) OR publishedAt IS NULL",
  };

  @Test
  void everySchoolFilterSelectsWhatAnIndependentEvaluationSelects() throws Exception {
    List<JsonNode> every = all("/ogc/collections/etablissements/items");
    assertThat(every).hasSizeGreaterThanOrEqualTo(10);
    for (String f : SCHOOL_FILTERS) {
      Expr e = Cql2Text.parse(f);
      var expected = new TreeSet<String>();
      for (JsonNode s : every) {
        if (Boolean.TRUE.equals(eval(e, s))) {
          expected.add(s.get("id").asText());
        }
      }
      var got = ids(all("/ogc/collections/etablissements/items?filter=" + enc(f)));
      assertThat(got).as(f).isEqualTo(expected);
    }
    // Filters that select something and filters that do not: the sweep is not vacuous.
    assertThat(ids(all("/ogc/collections/etablissements/items?filter=" + enc(SCHOOL_FILTERS[0]))))
        .isNotEmpty()
        .hasSizeLessThan(every.size());
  }

  @Test
  void everyTerritoryFilterWithItsIndicatorSelectsWhatAnIndependentEvaluationSelects()
      throws Exception {
    String base = "/ogc/collections/communes/items?indicator=couverture-fibre&year=2024";
    List<JsonNode> every = all(base);
    String[] filters = {
      "valeur > 50",
      "valeur <= 50 OR valeur IS NULL",
      "statut = 'publie' AND simule = false",
      "superficie_km2 BETWEEN 5 AND 20",
      "nom LIKE 'S%' OR code_parent = '02'",
      "CASEI(nom) LIKE '%saint%'",
      "S_INTERSECTS(geometry, POINT(3.62 49.56))",
      "S_INTERSECTS(geometry, BBOX(3.5, 49.5, 3.7, 49.6)) AND valeur >= 0",
      "S_CONTAINS(geometry, POINT(3.62 49.56))",
      "S_TOUCHES(geometry, POLYGON((3.5 49.5, 3.7 49.5, 3.7 49.6, 3.5 49.6, 3.5 49.5)))",
      "S_OVERLAPS(geometry, POLYGON((3.5 49.5, 3.7 49.5, 3.7 49.6, 3.5 49.6, 3.5 49.5)))",
      "S_CROSSES(geometry, LINESTRING(3.3 49.3, 3.9 49.9))",
      "S_DISJOINT(geometry, BBOX(3.5, 49.5, 3.7, 49.6))",
      "T_DURING(periode, INTERVAL('2024-01-01', '2025-01-01'))",
      "T_INTERSECTS(periode, INTERVAL('..', '2023-12-31'))",
      "T_EQUALS(periode, INTERVAL('2024-01-01', '2024-12-31'))",
      "T_CONTAINS(periode, DATE('2024-06-15'))",
      "indicateur = 'couverture-fibre' AND unite IS NOT NULL",
    };
    int selective = 0;
    for (String f : filters) {
      Expr e = Cql2Text.parse(f);
      var expected = new TreeSet<String>();
      for (JsonNode t : every) {
        if (Boolean.TRUE.equals(eval(e, t))) {
          expected.add(t.get("id").asText());
        }
      }
      var got = ids(all(base + "&filter=" + enc(f)));
      assertThat(got).as(f).isEqualTo(expected);
      if (!got.isEmpty() && got.size() < every.size()) {
        selective++;
      }
    }
    assertThat(selective).isGreaterThanOrEqualTo(filters.length / 2);
  }

  @Test
  void everyTemporalRelationIsAllensOnTheValuesPeriod() throws Exception {
    // periode is 2024 (1 January to 31 December, to the microsecond), the same for every
    // feature: each relation holds of all features for one interval and of none for another.
    String base = "/ogc/collections/communes/items?indicator=couverture-fibre&year=2024";
    List<JsonNode> every = all(base);
    String[][] cases = {
      {"T_STARTS", "INTERVAL('2024-01-01', '2025-06-30')", "INTERVAL('2023-01-01', '2025-06-30')"},
      {
        "T_STARTEDBY",
        "INTERVAL('2024-01-01', '2024-06-30')",
        "INTERVAL('2024-01-02', '2024-06-30')"
      },
      {
        "T_FINISHES", "INTERVAL('2023-01-01', '2024-12-31')", "INTERVAL('2023-01-01', '2025-01-01')"
      },
      {
        "T_FINISHEDBY",
        "INTERVAL('2024-06-01', '2024-12-31')",
        "INTERVAL('2024-06-01', '2024-12-30')"
      },
      {
        "T_MEETS",
        "INTERVAL(TIMESTAMP('2024-12-31T23:59:59.999999Z'), '..')",
        "INTERVAL('2025-01-01', '..')"
      },
      {
        "T_METBY",
        "INTERVAL('..', TIMESTAMP('2024-01-01T00:00:00Z'))",
        "INTERVAL('..', '2023-12-31')"
      },
      {
        "T_OVERLAPS", "INTERVAL('2024-06-01', '2025-06-01')", "INTERVAL('2023-06-01', '2025-06-01')"
      },
      {
        "T_OVERLAPPEDBY",
        "INTERVAL('2023-06-01', '2024-06-01')",
        "INTERVAL('2023-06-01', '2025-06-01')"
      },
      {"T_CONTAINS", "DATE('2024-06-15')", "DATE('2025-06-15')"},
      {"T_DURING", "INTERVAL('2023-01-01', '2025-12-31')", "INTERVAL('2024-01-01', '2025-12-31')"},
      {"T_EQUALS", "INTERVAL('2024-01-01', '2024-12-31')", "INTERVAL('2024-01-01', '2025-12-31')"},
      {"T_AFTER", "INTERVAL('..', '2023-12-31')", "DATE('2024-01-01')"},
      {"T_BEFORE", "DATE('2025-01-01')", "DATE('2024-12-31')"},
      {"T_INTERSECTS", "DATE('2024-12-31')", "DATE('2025-01-01')"},
      {"T_DISJOINT", "DATE('2025-01-01')", "DATE('2024-12-31')"},
    };
    for (String[] c : cases) {
      for (int k = 1; k <= 2; k++) {
        String f = c[0] + "(periode, " + c[k] + ")";
        Expr e = Cql2Text.parse(f);
        var expected = new TreeSet<String>();
        for (JsonNode t : every) {
          if (Boolean.TRUE.equals(eval(e, t))) {
            expected.add(t.get("id").asText());
          }
        }
        assertThat(expected).as(f).hasSize(k == 1 ? every.size() : 0);
        assertThat(ids(all(base + "&filter=" + enc(f)))).as(f).isEqualTo(expected);
      }
    }
  }

  @Test
  void theJsonEncodingAndLambert93GiveTheSameAnswers() throws Exception {
    String text = "S_INTERSECTS(geometry, BBOX(3.5, 49.5, 3.7, 49.6)) AND type = 'ecole'";
    String json =
        "{\"op\":\"and\",\"args\":[{\"op\":\"s_intersects\",\"args\":[{\"property\":\"geometry\"},"
            + "{\"bbox\":[3.5,49.5,3.7,49.6]}]},{\"op\":\"=\",\"args\":[{\"property\":\"type\"},"
            + "\"ecole\"]}]}";
    var byText = ids(all("/ogc/collections/etablissements/items?filter=" + enc(text)));
    assertThat(byText).isNotEmpty();
    assertThat(
            ids(
                all(
                    "/ogc/collections/etablissements/items?filter-lang=cql2-json&filter="
                        + enc(json))))
        .isEqualTo(byText);
    // A polygon given in Lambert-93 selects what its CRS84 image selects.
    Geometry l93 =
        Crs.transform(
            GF.toGeometry(new org.locationtech.jts.geom.Envelope(3.3, 3.9, 49.3, 49.9)),
            4326,
            Crs.LAMBERT_93);
    String inL93 = "S_INTERSECTS(geometry, " + l93.toText() + ")";
    var viaL93 =
        ids(
            all(
                "/ogc/collections/communes/items?filter-crs="
                    + enc("http://www.opengis.net/def/crs/EPSG/0/2154")
                    + "&filter="
                    + enc(inL93)));
    var viaCrs84 =
        ids(
            all(
                "/ogc/collections/communes/items?filter="
                    + enc(
                        "S_INTERSECTS(geometry, "
                            + Crs.transform(l93, Crs.LAMBERT_93, 4326).toText()
                            + ")")));
    assertThat(viaL93).isNotEmpty().isEqualTo(viaCrs84);
  }

  @Test
  void theQueryablesDescribeWhatAFilterMayName() throws Exception {
    for (String col :
        List.of("communes", "epci", "departements", "academies", "regions", "etablissements")) {
      JsonNode c = JSON.readTree(get("/ogc/collections/" + col).body());
      String href = null;
      for (JsonNode l : c.get("links")) {
        if (l.get("rel").asText().equals("http://www.opengis.net/def/rel/ogc/1.0/queryables")) {
          href = l.get("href").asText();
        }
      }
      assertThat(href).as(col).endsWith("/ogc/collections/" + col + "/queryables");
      var r = get("/ogc/collections/" + col + "/queryables");
      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(r.headers().firstValue("Content-Type").orElse(""))
          .startsWith("application/schema+json");
      JsonNode q = JSON.readTree(r.body());
      assertThat(q.get("type").asText()).isEqualTo("object");
      assertThat(q.at("/properties/geometry/format").asText()).startsWith("geometry-");
      // Each queryable named in a filter is accepted (no 400 "propriété inconnue").
      var names = new ArrayList<String>();
      q.get("properties").fieldNames().forEachRemaining(names::add);
      String indicator = col.equals("etablissements") ? "" : "&indicator=couverture-fibre";
      for (String name : names) {
        JsonNode p = q.get("properties").get(name);
        String f =
            p.has("format") && p.get("format").asText().startsWith("geometry")
                ? "S_INTERSECTS(" + name + ", BBOX(-180, -90, 180, 90))"
                : p.path("type").asText().equals("array")
                    ? "T_INTERSECTS(" + name + ", INTERVAL('..', '..'))"
                    : p.path("format").asText().equals("date-time")
                        ? "T_BEFORE(" + name + ", DATE('2999-01-01'))"
                        : name + " IS NULL";
        var resp =
            get("/ogc/collections/" + col + "/items?limit=1" + indicator + "&filter=" + enc(f));
        assertThat(resp.statusCode()).as(col + " " + f + " " + resp.body()).isEqualTo(200);
      }
    }
    var page = get("/ogc/collections/communes/queryables?f=html");
    assertThat(page.headers().firstValue("Content-Type").orElse("")).startsWith("text/html");
    assertThat(page.body()).contains("<code>valeur</code>").contains("Propriétés filtrables");
    JsonNode conf = JSON.readTree(get("/ogc/conformance").body());
    assertThat(conf.get("conformsTo").toString())
        .contains("ogcapi-features-3/1.0/conf/filter")
        .contains("ogcapi-features-3/1.0/conf/queryables")
        .contains("cql2/1.0/conf/cql2-text")
        .contains("cql2/1.0/conf/cql2-json")
        .contains("cql2/1.0/conf/basic-spatial-functions");
  }

  @Test
  void aWrongFilterIsA400ThatSaysWhy() throws Exception {
    String[][] cases = {
      {"etablissements", "filter=" + enc("nope = 1"), "propriété inconnue 'nope'"},
      {"etablissements", "filter=" + enc("pupils = 'beaucoup'"), "compare un nombre et une chaîne"},
      {"etablissements", "filter=" + enc("name = "), "caractère"},
      {"etablissements", "filter=" + enc("geometry = 1"), "géométrie"},
      {"etablissements", "filter-lang=cql3&filter=" + enc("a = 1"), "filter-lang"},
      {"etablissements", "filter-lang=cql2-json", "sans objet sans 'filter'"},
      {"etablissements", "filter-crs=EPSG:1&filter=" + enc("pupils > 1"), "filter-crs"},
      {"communes", "filter=" + enc("valeur > 1"), "propriété inconnue 'valeur'"},
      {"communes", "filter=" + enc("S_INTERSECTS(geometry, geometry)"), "géométrie littérale"},
      {"communes", "filter=" + enc("T_AFTER(nom, DATE('2020-01-01'))"), "pas temporelle"},
    };
    for (String[] c : cases) {
      var r = get("/ogc/collections/" + c[0] + "/items?" + c[1]);
      assertThat(r.statusCode()).as(c[1]).isEqualTo(400);
      assertThat(r.headers().firstValue("Content-Type").orElse(""))
          .startsWith("application/problem+json");
      assertThat(r.body()).as(c[1]).contains(c[2]);
    }
  }

  // ---- the independent evaluation --------------------------------------------------------------

  /** The value of a property in a feature as the API serves it (null when absent). */
  static Object property(JsonNode f, String name) {
    if (name.equals("geometry")) {
      return f.get("geometry").isNull() ? null : GeoJson.read(f.get("geometry"), GF);
    }
    JsonNode p = f.get("properties");
    JsonNode v = name.equals("publishedAt") ? p.at("/provenance/publishedAt") : p.get(name);
    if (v == null || v.isNull() || v.isMissingNode()) {
      return null;
    }
    if (name.equals("periode")) {
      return period(v.asText());
    }
    if (name.equals("publishedAt")) {
      String t = utc(OffsetDateTime.parse(v.asText()));
      return new String[] {t, t};
    }
    return v.isNumber()
        ? (Object) v.asDouble()
        : v.isBoolean() ? (Object) v.asBoolean() : v.asText();
  }

  static String utc(OffsetDateTime t) {
    return t.withOffsetSameInstant(ZoneOffset.UTC)
        .format(java.time.format.DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSS'Z'"));
  }

  static String[] period(String p) {
    if (p.matches("\\d{4}")) {
      return new String[] {p + "-01-01T00:00:00.000000Z", p + "-12-31T23:59:59.999999Z"};
    }
    int y = Integer.parseInt(p.substring(0, 4));
    int q = Integer.parseInt(p.substring(6));
    LocalDate s = LocalDate.of(y, 3 * q - 2, 1);
    return new String[] {
      s + "T00:00:00.000000Z", s.plusMonths(3).minusDays(1) + "T23:59:59.999999Z"
    };
  }

  /** {@code e} on feature {@code f}: TRUE, FALSE or null (unknown), as SQL would. */
  static Boolean eval(Expr e, JsonNode f) {
    if (e instanceof Expr.Bool b) {
      return b.value();
    }
    if (e instanceof Expr.Logical l) {
      boolean and = l.op().equals("and");
      Boolean acc = and;
      for (Expr a : l.args()) {
        Boolean v = eval(a, f);
        if (v != null && v != and) {
          return v;
        }
        if (v == null) {
          acc = null;
        }
      }
      return acc;
    }
    if (e instanceof Expr.Not n) {
      Boolean v = eval(n.arg(), f);
      return v == null ? null : !v;
    }
    if (e instanceof Expr.IsNull n) {
      return value(n.value(), f) == null;
    }
    if (e instanceof Expr.Compare c) {
      Object a = value(c.left(), f);
      Object b = value(c.right(), f);
      if (a == null || b == null) {
        return null;
      }
      int k = compare(a, b);
      return switch (c.op()) {
        case "=" -> k == 0;
        case "<>" -> k != 0;
        case "<" -> k < 0;
        case ">" -> k > 0;
        case "<=" -> k <= 0;
        default -> k >= 0;
      };
    }
    if (e instanceof Expr.Between b) {
      Object v = value(b.value(), f);
      if (v == null) {
        return null;
      }
      return compare(v, value(b.low(), f)) >= 0 && compare(v, value(b.high(), f)) <= 0;
    }
    if (e instanceof Expr.In in) {
      Object v = value(in.value(), f);
      if (v == null) {
        return null;
      }
      return in.list().stream().anyMatch(x -> compare(v, value(x, f)) == 0);
    }
    if (e instanceof Expr.Like l) {
      Object v = value(l.value(), f);
      if (v == null) {
        return null;
      }
      String regex =
          ((String) value(l.pattern(), f)).replace(".", "\\.").replace("%", ".*").replace("_", ".");
      return ((String) v).matches("(?s)" + regex);
    }
    if (e instanceof Expr.Spatial s) {
      Geometry g = (Geometry) property(f, ((Expr.Property) s.left()).name());
      if (g == null) {
        return null;
      }
      Geometry l = ((Expr.Geom) s.right()).value();
      return switch (s.op()) {
        case "s_intersects" -> g.intersects(l);
        case "s_disjoint" -> g.disjoint(l);
        case "s_within" -> g.within(l);
        case "s_contains" -> g.contains(l);
        case "s_touches" -> g.touches(l);
        case "s_overlaps" -> g.overlaps(l);
        case "s_crosses" -> g.crosses(l);
        default -> g.equalsTopo(l);
      };
    }
    if (e instanceof Expr.Temporal t) {
      String[] a = temporal(t.left(), f);
      String[] b = temporal(t.right(), f);
      if (a == null || b == null) {
        return null;
      }
      int ss = a[0].compareTo(b[0]);
      int ee = a[1].compareTo(b[1]);
      int se = a[0].compareTo(b[1]);
      int es = a[1].compareTo(b[0]);
      return switch (t.op()) {
        case "t_after" -> se > 0;
        case "t_before" -> es < 0;
        case "t_contains" -> ss < 0 && ee > 0;
        case "t_disjoint" -> es < 0 || se > 0;
        case "t_during" -> ss > 0 && ee < 0;
        case "t_equals" -> ss == 0 && ee == 0;
        case "t_intersects" -> se <= 0 && es >= 0;
        case "t_starts" -> ss == 0 && ee < 0;
        case "t_startedby" -> ss == 0 && ee > 0;
        case "t_finishes" -> ss > 0 && ee == 0;
        case "t_finishedby" -> ss < 0 && ee == 0;
        case "t_meets" -> es == 0;
        case "t_metby" -> se == 0;
        case "t_overlaps" -> ss < 0 && es > 0 && ee < 0;
        case "t_overlappedby" -> ss > 0 && se < 0 && ee > 0;
        default -> throw new IllegalArgumentException(t.op());
      };
    }
    throw new IllegalArgumentException(e.toString());
  }

  static String[] temporal(Expr e, JsonNode f) {
    if (e instanceof Expr.Property p) {
      return (String[]) property(f, p.name());
    }
    if (e instanceof Expr.Instant i) {
      return i.date()
          ? new String[] {i.iso() + "T00:00:00.000000Z", i.iso() + "T23:59:59.999999Z"}
          : new String[] {utc(OffsetDateTime.parse(i.iso())), utc(OffsetDateTime.parse(i.iso()))};
    }
    Expr.Interval i = (Expr.Interval) e;
    return new String[] {
      i.start() == null ? "0000-01-01T00:00:00.000000Z" : temporal(i.start(), f)[0],
      i.end() == null ? "9999-12-31T23:59:59.999999Z" : temporal(i.end(), f)[1]
    };
  }

  static Object value(Expr e, JsonNode f) {
    if (e instanceof Expr.Property p) {
      return property(f, p.name());
    }
    if (e instanceof Expr.Text t) {
      return t.value();
    }
    if (e instanceof Expr.Number n) {
      return n.value();
    }
    if (e instanceof Expr.Bool b) {
      return b.value();
    }
    if (e instanceof Expr.Fold fold) {
      Object v = value(fold.arg(), f);
      if (v == null) {
        return null;
      }
      return fold.op().equals("casei")
          ? ((String) v).toLowerCase(Locale.ROOT)
          : java.text.Normalizer.normalize((String) v, java.text.Normalizer.Form.NFD)
              .replaceAll("\\p{M}", "");
    }
    throw new IllegalArgumentException(e.toString());
  }

  @SuppressWarnings("unchecked")
  static int compare(Object a, Object b) {
    if (a instanceof Double x && b instanceof Double y) {
      return Double.compare(x, y);
    }
    return ((Comparable<Object>) a).compareTo(b);
  }
}
