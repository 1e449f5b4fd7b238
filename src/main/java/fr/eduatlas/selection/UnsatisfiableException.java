package fr.eduatlas.selection;

/** Valid criteria that no shortlist can meet (quotas against the eligible communes). */
public final class UnsatisfiableException extends RuntimeException {
  public UnsatisfiableException(String message) {
    super(message);
  }
}
