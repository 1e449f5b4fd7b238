package fr.eduatlas.observatory;

import fr.eduatlas.cql2.Expr;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A CQL2 expression as a SQL condition over a collection's {@link Queryable}s: the SQL is made of
 * this class's fixed fragments and the queryables' own SQL; every value the filter carries is a
 * bound parameter. Types are checked first (a string compared with a number is a 400, not an empty
 * answer), with SQL's three-valued logic: a comparison with a missing value is unknown, and so is
 * its negation (the feature is not selected).
 *
 * <p>Instants are compared as UTC strings of one fixed width ({@code 2024-09-01T08:00:00.000000Z}),
 * whose order is the chronological order; a {@code DATE} is its whole day, an open interval end
 * {@code ..} the beginning or end of time. The spatial functions are resolved by the read model
 * ({@link Spatial}) into the set of features that satisfy them, since the served database has no
 * spatial predicates: the index of envelopes first, then the exact test with JTS.
 */
final class FilterSql {
  /** A piece of SQL and its parameters, in order. */
  record Frag(String sql, List<Object> args) {
    static Frag of(String sql, Object... args) {
      return new Frag(sql, java.util.Collections.unmodifiableList(java.util.Arrays.asList(args)));
    }
  }

  /** Resolves a spatial function with one literal geometry into a condition on the features. */
  interface Spatial {
    Frag resolve(String op, Queryable geometry, org.locationtech.jts.geom.Geometry literal)
        throws java.sql.SQLException;
  }

  private static final DateTimeFormatter UTC =
      DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSS'Z'");
  static final String BEGINNING = "0000-01-01T00:00:00.000000Z";
  static final String END = "9999-12-31T23:59:59.999999Z";

  private final Map<String, Queryable> queryables;
  private final Spatial spatial;
  private final StringBuilder sql = new StringBuilder();
  private final List<Object> args = new ArrayList<>();

  private FilterSql(List<Queryable> queryables, Spatial spatial) {
    this.queryables = new TreeMap<>();
    queryables.forEach(q -> this.queryables.put(q.name(), q));
    this.spatial = spatial;
  }

  /** The condition {@code e} stands for over {@code queryables}. */
  static Frag compile(Expr e, List<Queryable> queryables, Spatial spatial)
      throws java.sql.SQLException {
    var f = new FilterSql(queryables, spatial);
    f.bool(e);
    return new Frag(f.sql.toString(), List.copyOf(f.args));
  }

  /** An instant normalised for comparison: {@code iso} at UTC, microseconds, {@code Z}. */
  static String utc(OffsetDateTime t) {
    return t.withOffsetSameInstant(ZoneOffset.UTC).format(UTC);
  }

  /** SQL normalising a VARCHAR column holding RFC 3339 instants as {@link #utc} does. */
  static String utcSql(String column) {
    return "strftime(TRY_CAST("
        + column
        + " AS TIMESTAMPTZ) AT TIME ZONE 'UTC', '%Y-%m-%dT%H:%M:%S.%fZ')";
  }

  // ---- boolean ------------------------------------------------------------------------------

  private void bool(Expr e) throws java.sql.SQLException {
    if (e instanceof Expr.Logical l) {
      sql.append('(');
      for (int i = 0; i < l.args().size(); i++) {
        if (i > 0) {
          sql.append(l.op().equals("and") ? " AND " : " OR ");
        }
        bool(l.args().get(i));
      }
      sql.append(')');
    } else if (e instanceof Expr.Not n) {
      sql.append("(NOT ");
      bool(n.arg());
      sql.append(')');
    } else if (e instanceof Expr.Bool b) {
      sql.append(b.value() ? "TRUE" : "FALSE");
    } else if (e instanceof Expr.Compare c) {
      compare(c);
    } else if (e instanceof Expr.Like l) {
      Type a = scalarType(l.value());
      Type p = scalarType(l.pattern());
      if (a != Type.STRING || p != Type.STRING) {
        throw invalid("LIKE compare des chaînes, reçu " + a.label + " et " + p.label);
      }
      sql.append('(');
      scalar(l.value());
      sql.append(" LIKE ");
      scalar(l.pattern());
      sql.append(" ESCAPE '\\')");
    } else if (e instanceof Expr.Between b) {
      for (Expr x : List.of(b.value(), b.low(), b.high())) {
        if (scalarType(x) != Type.NUMBER) {
          throw invalid("BETWEEN compare des nombres, reçu " + scalarType(x).label);
        }
      }
      sql.append('(');
      scalar(b.value());
      sql.append(" BETWEEN ");
      scalar(b.low());
      sql.append(" AND ");
      scalar(b.high());
      sql.append(')');
    } else if (e instanceof Expr.In in) {
      Type t = scalarType(in.value());
      for (Expr x : in.list()) {
        comparable(t, scalarType(x), "IN");
      }
      sql.append('(');
      scalar(in.value());
      sql.append(" IN (");
      for (int i = 0; i < in.list().size(); i++) {
        sql.append(i == 0 ? "" : ", ");
        scalar(in.list().get(i));
      }
      sql.append("))");
    } else if (e instanceof Expr.IsNull n) {
      sql.append('(');
      if (n.value() instanceof Expr.Property p && queryable(p).type() == Queryable.Type.GEOMETRY) {
        append(queryable(p).sql);
      } else {
        scalarType(n.value());
        scalar(n.value());
      }
      sql.append(" IS NULL)");
    } else if (e instanceof Expr.Spatial sp) {
      spatial(sp);
    } else if (e instanceof Expr.Temporal t) {
      temporal(t);
    } else {
      throw invalid("expression booléenne attendue");
    }
  }

  private void compare(Expr.Compare c) {
    Type a = scalarType(c.left());
    Type b = scalarType(c.right());
    comparable(a, b, c.op());
    if (a == Type.BOOLEAN && !(c.op().equals("=") || c.op().equals("<>"))) {
      throw invalid("un booléen ne se compare qu'avec = ou <>");
    }
    sql.append('(');
    scalar(c.left());
    sql.append(' ').append(c.op()).append(' ');
    scalar(c.right());
    sql.append(')');
  }

  private static void comparable(Type a, Type b, String op) {
    if (a != b) {
      throw invalid("'" + op + "' compare " + a.label + " et " + b.label);
    }
  }

  // ---- scalars ------------------------------------------------------------------------------

  /** The comparison types: integers and decimals are both numbers. */
  private enum Type {
    STRING("une chaîne"),
    NUMBER("un nombre"),
    BOOLEAN("un booléen"),
    INSTANT("un instant");

    final String label;

    Type(String label) {
      this.label = label;
    }
  }

  private Type scalarType(Expr e) {
    if (e instanceof Expr.Text) {
      return Type.STRING;
    }
    if (e instanceof Expr.Number) {
      return Type.NUMBER;
    }
    if (e instanceof Expr.Bool) {
      return Type.BOOLEAN;
    }
    if (e instanceof Expr.Instant) {
      return Type.INSTANT;
    }
    if (e instanceof Expr.Fold f) {
      if (scalarType(f.arg()) != Type.STRING) {
        throw invalid(f.op().toUpperCase(java.util.Locale.ROOT) + " s'applique à une chaîne");
      }
      return Type.STRING;
    }
    if (e instanceof Expr.Property p) {
      return switch (queryable(p).type()) {
        case STRING -> Type.STRING;
        case NUMBER, INTEGER -> Type.NUMBER;
        case BOOLEAN -> Type.BOOLEAN;
        case INSTANT -> Type.INSTANT;
        case GEOMETRY ->
            throw invalid(
                "la propriété '" + p.name() + "' est une géométrie : fonctions S_… seulement");
        case INTERVAL ->
            throw invalid(
                "la propriété '" + p.name() + "' est un intervalle : fonctions T_… seulement");
      };
    }
    if (e instanceof Expr.Geom) {
      throw invalid("une géométrie ne s'emploie que dans les fonctions S_…");
    }
    if (e instanceof Expr.Interval) {
      throw invalid("un intervalle ne s'emploie que dans les fonctions T_…");
    }
    throw invalid("valeur attendue");
  }

  private void scalar(Expr e) {
    if (e instanceof Expr.Text t) {
      param(t.value());
    } else if (e instanceof Expr.Number n) {
      param(n.value());
    } else if (e instanceof Expr.Bool b) {
      param(b.value());
    } else if (e instanceof Expr.Instant i) {
      param(start(i));
    } else if (e instanceof Expr.Fold f) {
      sql.append(f.op().equals("casei") ? "lower(" : "strip_accents(");
      scalar(f.arg());
      sql.append(')');
    } else if (e instanceof Expr.Property p) {
      append(queryable(p).sql);
    } else {
      throw invalid("valeur attendue");
    }
  }

  private Queryable queryable(Expr.Property p) {
    Queryable q = queryables.get(p.name());
    if (q == null) {
      throw invalid(
          "propriété inconnue '"
              + p.name()
              + "' ; propriétés filtrables : "
              + String.join(", ", queryables.keySet()));
    }
    return q;
  }

  // ---- spatial ------------------------------------------------------------------------------

  private void spatial(Expr.Spatial s) throws java.sql.SQLException {
    Expr a = s.left();
    Expr b = s.right();
    if (a instanceof Expr.Geom ga && b instanceof Expr.Geom gb) {
      sql.append(Geometries.relate(s.op(), ga.value(), gb.value()) ? "TRUE" : "FALSE");
      return;
    }
    if (a instanceof Expr.Property pa && b instanceof Expr.Geom gb) {
      append(spatial.resolve(s.op(), geometry(pa), gb.value()));
      return;
    }
    if (a instanceof Expr.Geom ga && b instanceof Expr.Property pb) {
      append(spatial.resolve(Geometries.converse(s.op()), geometry(pb), ga.value()));
      return;
    }
    throw invalid(
        s.op().toUpperCase() + " attend une propriété géométrique et une géométrie littérale");
  }

  private Queryable geometry(Expr.Property p) {
    Queryable q = queryable(p);
    if (q.type() != Queryable.Type.GEOMETRY) {
      throw invalid("la propriété '" + p.name() + "' n'est pas une géométrie");
    }
    return q;
  }

  // ---- temporal -----------------------------------------------------------------------------

  /** A temporal operand: its start and end as SQL (equal for an instant). */
  private record Period(Frag start, Frag end) {}

  private Period period(Expr e) {
    if (e instanceof Expr.Instant i) {
      return new Period(Frag.of("?", start(i)), Frag.of("?", end(i)));
    }
    if (e instanceof Expr.Interval i) {
      Period a = i.start() == null ? null : period(i.start());
      Period b = i.end() == null ? null : period(i.end());
      return new Period(
          a == null ? Frag.of("?", BEGINNING) : a.start(), b == null ? Frag.of("?", END) : b.end());
    }
    if (e instanceof Expr.Property p) {
      Queryable q = queryable(p);
      return switch (q.type()) {
        case INSTANT -> new Period(q.sql, q.sql);
        case INTERVAL -> new Period(q.sql, q.end);
        default -> throw invalid("la propriété '" + p.name() + "' n'est pas temporelle");
      };
    }
    throw invalid("DATE, TIMESTAMP, INTERVAL ou propriété temporelle attendu");
  }

  /** One comparison of two instants of a temporal relation. */
  private record Cmp(Frag left, String op, Frag right) {}

  private void temporal(Expr.Temporal t) {
    Period a = period(t.left());
    Period b = period(t.right());
    Frag as = a.start();
    Frag ae = a.end();
    Frag bs = b.start();
    Frag be = b.end();
    // Allen's relations on closed intervals (an instant is an interval of no length): every
    // comparison must hold, but for t_disjoint where one is enough.
    List<Cmp> all =
        switch (t.op()) {
          case "t_after" -> List.of(new Cmp(as, ">", be));
          case "t_before" -> List.of(new Cmp(ae, "<", bs));
          case "t_contains" -> List.of(new Cmp(as, "<", bs), new Cmp(ae, ">", be));
          case "t_disjoint" -> List.of(new Cmp(ae, "<", bs), new Cmp(as, ">", be));
          case "t_during" -> List.of(new Cmp(as, ">", bs), new Cmp(ae, "<", be));
          case "t_equals" -> List.of(new Cmp(as, "=", bs), new Cmp(ae, "=", be));
          case "t_finishedby" -> List.of(new Cmp(as, "<", bs), new Cmp(ae, "=", be));
          case "t_finishes" -> List.of(new Cmp(as, ">", bs), new Cmp(ae, "=", be));
          case "t_intersects" -> List.of(new Cmp(as, "<=", be), new Cmp(ae, ">=", bs));
          case "t_meets" -> List.of(new Cmp(ae, "=", bs));
          case "t_metby" -> List.of(new Cmp(as, "=", be));
          case "t_overlappedby" ->
              List.of(new Cmp(as, ">", bs), new Cmp(as, "<", be), new Cmp(ae, ">", be));
          case "t_overlaps" ->
              List.of(new Cmp(as, "<", bs), new Cmp(ae, ">", bs), new Cmp(ae, "<", be));
          case "t_startedby" -> List.of(new Cmp(as, "=", bs), new Cmp(ae, ">", be));
          case "t_starts" -> List.of(new Cmp(as, "=", bs), new Cmp(ae, "<", be));
          default -> throw invalid("fonction temporelle inconnue " + t.op());
        };
    String join = t.op().equals("t_disjoint") ? " OR " : " AND ";
    sql.append('(');
    for (int i = 0; i < all.size(); i++) {
      sql.append(i == 0 ? "" : join);
      append(all.get(i).left());
      sql.append(' ').append(all.get(i).op()).append(' ');
      append(all.get(i).right());
    }
    sql.append(')');
  }

  private static String start(Expr.Instant i) {
    return i.date()
        ? LocalDate.parse(i.iso()) + "T00:00:00.000000Z"
        : utc(OffsetDateTime.parse(i.iso()));
  }

  private static String end(Expr.Instant i) {
    return i.date() ? LocalDate.parse(i.iso()) + "T23:59:59.999999Z" : start(i);
  }

  // ---- output -------------------------------------------------------------------------------

  private void param(Object v) {
    sql.append('?');
    args.add(v);
  }

  private void append(Frag f) {
    sql.append(f.sql());
    args.addAll(f.args());
  }

  private static QueryException invalid(String why) {
    return QueryException.invalid("paramètre 'filter' : " + why);
  }
}
