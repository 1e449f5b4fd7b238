package fr.eduatlas.cql2;

import java.util.List;
import java.util.function.UnaryOperator;
import org.locationtech.jts.geom.Geometry;

/**
 * A CQL2 expression (OGC 21-065), as both encodings parse to it: the text ({@link Cql2Text}) and
 * the JSON ({@link Cql2Json}) of one filter give equal trees. It says nothing of SQL: the read
 * model compiles it against a collection's queryables.
 */
public sealed interface Expr {

  /** {@code and} / {@code or} of two or more operands. */
  record Logical(String op, List<Expr> args) implements Expr {}

  record Not(Expr arg) implements Expr {}

  /** {@code =, <>, <, >, <=, >=}. */
  record Compare(String op, Expr left, Expr right) implements Expr {}

  record Like(Expr value, Expr pattern) implements Expr {}

  record Between(Expr value, Expr low, Expr high) implements Expr {}

  record In(Expr value, List<Expr> list) implements Expr {}

  record IsNull(Expr value) implements Expr {}

  /** {@code s_intersects}, {@code s_within}… (lower case, as in CQL2 JSON). */
  record Spatial(String op, Expr left, Expr right) implements Expr {}

  /** {@code t_after}, {@code t_during}… (lower case, as in CQL2 JSON). */
  record Temporal(String op, Expr left, Expr right) implements Expr {}

  /** {@code casei} or {@code accenti} of a character expression. */
  record Fold(String op, Expr arg) implements Expr {}

  record Property(String name) implements Expr {}

  record Text(String value) implements Expr {}

  record Number(double value) implements Expr {}

  record Bool(boolean value) implements Expr {}

  record Geom(Geometry value) implements Expr {
    @Override
    public boolean equals(Object o) {
      // Geometry#equals is topological; two parses of one literal are exactly equal.
      return o instanceof Geom g && value.equalsExact(g.value);
    }

    @Override
    public int hashCode() {
      return value.getEnvelopeInternal().hashCode();
    }
  }

  /**
   * A {@code DATE} (day granularity: the whole day) or {@code TIMESTAMP} (an instant, UTC).
   *
   * @param iso {@code YYYY-MM-DD} for a date, an RFC 3339 instant normalised to UTC otherwise
   */
  record Instant(boolean date, String iso) implements Expr {}

  /** An {@code INTERVAL}: each end an {@link Instant}, a property, or null for {@code ..}. */
  record Interval(Expr start, Expr end) implements Expr {}

  /** The expression with every geometry literal through {@code f} (a filter's CRS to CRS84). */
  static Expr mapGeometries(Expr e, UnaryOperator<Geometry> f) {
    if (e instanceof Logical l) {
      return new Logical(l.op(), l.args().stream().map(a -> mapGeometries(a, f)).toList());
    }
    if (e instanceof Not n) {
      return new Not(mapGeometries(n.arg(), f));
    }
    if (e instanceof Spatial s) {
      return new Spatial(s.op(), mapGeometries(s.left(), f), mapGeometries(s.right(), f));
    }
    if (e instanceof Geom g) {
      return new Geom(f.apply(g.value()));
    }
    return e;
  }
}
