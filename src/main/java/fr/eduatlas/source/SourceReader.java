package fr.eduatlas.source;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * Reads one dataset. A new dataset is a new implementation and a line in the manifest.
 *
 * <p>Contract: {@link #read} sends every row of the file to the sink, loaded or quarantined, and
 * throws {@link SourceException} only when the file as a whole cannot be read (a required column is
 * missing, the file is not of the expected format); the ingest then reports that source as failed
 * and goes on with the others. Readers are called once, from one thread.
 */
public interface SourceReader {
  /** The staging tables filled, the primary one first. */
  List<TableSpec> tables();

  void read(Path file, RowSink sink) throws IOException;
}
