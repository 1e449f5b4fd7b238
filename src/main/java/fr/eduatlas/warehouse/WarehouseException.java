package fr.eduatlas.warehouse;

/** A failure of the warehouse itself (not of a source): the build stops and nothing is swapped. */
public class WarehouseException extends RuntimeException {
  public WarehouseException(String message, Throwable cause) {
    super(message, cause);
  }

  public WarehouseException(String message) {
    super(message);
  }
}
