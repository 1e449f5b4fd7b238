package fr.eduatlas.source;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;

/**
 * The list of datasets the ingest reads, from {@code data/sources.json} (packaged in the jar as
 * {@code /sources.json}). The order of the entries is the order in which they are read.
 */
public record SourceManifest(List<SourceEntry> entries) {
  public static final String RESOURCE = "/sources.json";

  public SourceManifest {
    entries = List.copyOf(entries);
    var ids = new HashSet<String>();
    for (SourceEntry e : entries) {
      if (!ids.add(e.id())) {
        throw new IllegalArgumentException("source id '" + e.id() + "' appears twice");
      }
      if (!SourceReaders.has(e.reader())) {
        throw new IllegalArgumentException(
            "source '" + e.id() + "': no reader named '" + e.reader() + "'");
      }
    }
  }

  /** The manifest shipped with the application. */
  public static SourceManifest bundled() {
    try (InputStream in = SourceManifest.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException("the source manifest " + RESOURCE + " is not packaged");
      }
      return read(in);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the source manifest", e);
    }
  }

  public static SourceManifest read(InputStream in) throws IOException {
    var mapper = new ObjectMapper().enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    Wrapper w = mapper.readValue(in, new TypeReference<Wrapper>() {});
    return new SourceManifest(w.sources());
  }

  public Optional<SourceEntry> byId(String id) {
    return entries.stream().filter(e -> e.id().equals(id)).findFirst();
  }

  private record Wrapper(String description, List<SourceEntry> sources) {}
}
