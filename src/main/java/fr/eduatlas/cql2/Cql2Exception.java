package fr.eduatlas.cql2;

/** A filter that is not valid CQL2; the message (French, for the user) says where and why. */
public final class Cql2Exception extends RuntimeException {
  public Cql2Exception(String message) {
    super(message);
  }
}
