package fr.eduatlas.source;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * One dataset of the source manifest ({@code data/sources.json}): what it is, who publishes it
 * under which licence, which vintage, where it is expected below the data directory, and which
 * reader loads it.
 *
 * @param id stable identifier, also the prefix of its staging tables ({@code src_<id>})
 * @param title French title, shown to users with every figure drawn from it
 * @param publisher the producer of the data
 * @param page the official page where it is published
 * @param licence the licence it is published under
 * @param vintage the date or period the data describe, as the publisher states it
 * @param year the reference year of the facts it holds, or null for a referential
 * @param path expected location, relative to the data directory
 * @param reader the key of the reader in {@link SourceReaders}
 * @param format notes on the format as read (separator, encoding, quirks)
 * @param minRows the fewest rows a complete file of this source holds, or null
 * @param files the files of this source with their download address and pinned size and SHA-256
 *     ({@code eduatlas fetch}); empty for entries built by tests
 */
@JsonIgnoreProperties(ignoreUnknown = false)
public record SourceEntry(
    String id,
    String title,
    String publisher,
    String page,
    String licence,
    String vintage,
    Integer year,
    String path,
    String reader,
    String format,
    Long minRows,
    List<SourceFile> files) {

  private static final Pattern ID = Pattern.compile("[a-z][a-z0-9-]{1,80}");

  public SourceEntry {
    Objects.requireNonNull(id, "id");
    if (!ID.matcher(id).matches()) {
      throw new IllegalArgumentException(
          "source id '" + id + "' must be lower case letters, digits and dashes");
    }
    for (var field :
        new String[][] {
          {"title", title},
          {"publisher", publisher},
          {"page", page},
          {"licence", licence},
          {"vintage", vintage},
          {"path", path},
          {"reader", reader}
        }) {
      if (field[1] == null || field[1].isBlank()) {
        throw new IllegalArgumentException("source '" + id + "': '" + field[0] + "' is missing");
      }
    }
    if (year != null && (year < 1990 || year > 2100)) {
      throw new IllegalArgumentException("source '" + id + "': year " + year + " is implausible");
    }
    if (minRows != null && minRows < 0) {
      throw new IllegalArgumentException("source '" + id + "': minRows must not be negative");
    }
    if (path.startsWith("/") || path.contains("..")) {
      throw new IllegalArgumentException(
          "source '" + id + "': path '" + path + "' must be relative to the data directory");
    }
    files = files == null ? List.of() : List.copyOf(files);
    for (SourceFile f : files) {
      if (!f.path().equals(path) && !f.path().startsWith(path + "/")) {
        throw new IllegalArgumentException(
            "source '" + id + "': file '" + f.path() + "' is not at or below '" + path + "'");
      }
    }
  }

  /** An entry with no pinned files. */
  public SourceEntry(
      String id,
      String title,
      String publisher,
      String page,
      String licence,
      String vintage,
      Integer year,
      String path,
      String reader,
      String format,
      Long minRows) {
    this(id, title, publisher, page, licence, vintage, year, path, reader, format, minRows, null);
  }

  /** An entry with no row-count expectation. */
  public SourceEntry(
      String id,
      String title,
      String publisher,
      String page,
      String licence,
      String vintage,
      Integer year,
      String path,
      String reader,
      String format) {
    this(id, title, publisher, page, licence, vintage, year, path, reader, format, null, null);
  }

  /** The prefix of this source's staging tables in the warehouse. */
  public String tablePrefix() {
    return "src_" + id.replace('-', '_');
  }
}
