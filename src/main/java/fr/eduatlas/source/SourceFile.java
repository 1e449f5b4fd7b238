package fr.eduatlas.source;

import java.net.URI;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * One file of a source as the project validated it: where it goes below the data directory, where
 * its publisher serves it, and its pinned size and SHA-256. {@code eduatlas fetch} downloads it and
 * refuses to place bytes that do not match the pins (a changed checksum is a new vintage, to be
 * reviewed, never used silently).
 *
 * @param path location below the data directory (the entry's path, or a file inside it when the
 *     entry names a directory)
 * @param url the publisher's download address, or null when the publisher has none that is stable
 *     (the file must then come from a mirror or be placed by hand)
 * @param member when the publisher serves a ZIP archive, the archive member that is this file
 * @param bytes pinned size in bytes
 * @param sha256 pinned SHA-256, lower-case hex
 * @param verified when and how the URL was checked to serve exactly these bytes, or null when it
 *     was not checked from the project's machines
 */
public record SourceFile(
    String path, String url, String member, long bytes, String sha256, String verified) {
  private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");

  public SourceFile {
    if (path == null || path.isBlank() || path.startsWith("/") || path.contains("..")) {
      throw new IllegalArgumentException(
          "file path '" + path + "' must be relative to the data directory");
    }
    if (bytes <= 0) {
      throw new IllegalArgumentException("file '" + path + "': bytes must be positive");
    }
    if (sha256 == null || !SHA256.matcher(sha256).matches()) {
      throw new IllegalArgumentException(
          "file '" + path + "': sha256 must be 64 lower-case hex digits");
    }
    if (url != null) {
      URI u = URI.create(url);
      String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(Locale.ROOT);
      if (!scheme.equals("https") || u.getHost() == null) {
        throw new IllegalArgumentException("file '" + path + "': url must be https: " + url);
      }
    }
    if (member != null && (url == null || member.isBlank())) {
      throw new IllegalArgumentException(
          "file '" + path + "': a ZIP member needs the archive's url");
    }
  }
}
