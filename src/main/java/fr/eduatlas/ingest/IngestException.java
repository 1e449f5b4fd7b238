package fr.eduatlas.ingest;

/** An ingest that did not install a new warehouse; the message says why, in French. */
public class IngestException extends RuntimeException {
  private final transient IngestReport report;

  public IngestException(String message, IngestReport report) {
    super(message);
    this.report = report;
  }

  public IngestException(String message, Throwable cause) {
    super(message, cause);
    this.report = null;
  }

  /** The report of the failed build, when it got far enough to have one. */
  public IngestReport report() {
    return report;
  }
}
