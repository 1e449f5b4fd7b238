package fr.eduatlas.tiles;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPOutputStream;

/**
 * A PMTiles v3 archive writer (https://github.com/protomaps/PMTiles/blob/main/spec/v3/spec.md):
 * tiles are spooled to a scratch file as they come, then written clustered in Hilbert tile-id
 * order, identical tiles stored once (and consecutive ones as runs), with gzip-compressed
 * directories split into leaves when the root would not fit the first 16 KiB. Hand-written because
 * the one maintained Java implementation (tileverse) keeps its writer package-private; its public
 * reader checks these archives in the tests.
 */
public final class PmTilesWriter implements AutoCloseable {
  private static final int HEADER_BYTES = 127;
  private static final int ROOT_BUDGET = 16_384 - HEADER_BYTES;

  private record Entry(long tileId, long offset, int length, int runLength) {}

  private final Path target;
  private final Path spool;
  private final OutputStream spoolOut;
  private final Map<String, long[]> byContent = new HashMap<>();
  private final List<Entry> entries = new ArrayList<>();
  private long spooled;
  private final MessageDigest sha;

  public PmTilesWriter(Path target) throws IOException {
    this.target = target;
    this.spool = target.resolveSibling(target.getFileName() + ".tiles.part");
    this.spoolOut = Files.newOutputStream(spool);
    try {
      this.sha = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Adds one tile's bytes (already compressed as the header will say). */
  public void add(int z, int x, int y, byte[] data) throws IOException {
    String key = HexFormat.of().formatHex(sha.digest(data));
    long[] at = byContent.get(key);
    if (at == null) {
      spoolOut.write(data);
      at = new long[] {spooled, data.length};
      byContent.put(key, at);
      spooled += data.length;
    }
    entries.add(new Entry(tileId(z, x, y), at[0], (int) at[1], 1));
  }

  /** The archive's header fields that describe its content. */
  public record Info(
      int minZoom,
      int maxZoom,
      double minLon,
      double minLat,
      double maxLon,
      double maxLat,
      int centerZoom,
      double centerLon,
      double centerLat,
      byte tileType,
      byte tileCompression) {}

  /** Writes the archive with its metadata (a JSON object) and moves it onto the target. */
  public void finish(Info info, String metadataJson) throws IOException {
    spoolOut.close();
    entries.sort(Comparator.comparingLong(Entry::tileId));
    for (int i = 1; i < entries.size(); i++) {
      if (entries.get(i).tileId() == entries.get(i - 1).tileId()) {
        throw new IllegalArgumentException("tile id " + entries.get(i).tileId() + " added twice");
      }
    }
    // Contents in tile-id order (clustered): each unique content at its first tile's turn.
    var order = new ArrayList<long[]>(); // {spool offset, length}
    var newOffset = new HashMap<Long, Long>();
    long dataBytes = 0;
    var runs = new ArrayList<Entry>();
    for (Entry e : entries) {
      Long off = newOffset.get(e.offset());
      if (off == null) {
        off = dataBytes;
        newOffset.put(e.offset(), off);
        order.add(new long[] {e.offset(), e.length()});
        dataBytes += e.length();
      }
      Entry last = runs.isEmpty() ? null : runs.get(runs.size() - 1);
      if (last != null
          && last.offset() == off
          && last.length() == e.length()
          && last.tileId() + last.runLength() == e.tileId()) {
        runs.set(runs.size() - 1, new Entry(last.tileId(), off, e.length(), last.runLength() + 1));
      } else {
        runs.add(new Entry(e.tileId(), off, e.length(), 1));
      }
    }
    byte[] root;
    byte[] leaves;
    byte[] all = gzip(directory(runs));
    if (all.length <= ROOT_BUDGET) {
      root = all;
      leaves = new byte[0];
    } else {
      int leafSize = 4096;
      while (true) {
        var leafBytes = new ByteArrayOutputStream();
        var rootEntries = new ArrayList<Entry>();
        for (int i = 0; i < runs.size(); i += leafSize) {
          List<Entry> chunk = runs.subList(i, Math.min(runs.size(), i + leafSize));
          byte[] leaf = gzip(directory(chunk));
          rootEntries.add(new Entry(chunk.get(0).tileId(), leafBytes.size(), leaf.length, 0));
          leafBytes.write(leaf);
        }
        root = gzip(directory(rootEntries));
        if (root.length <= ROOT_BUDGET) {
          leaves = leafBytes.toByteArray();
          break;
        }
        leafSize *= 2;
      }
    }
    byte[] meta = gzip(metadataJson.getBytes(StandardCharsets.UTF_8));
    long rootOffset = HEADER_BYTES;
    long metaOffset = rootOffset + root.length;
    long leafOffset = metaOffset + meta.length;
    long dataOffset = leafOffset + leaves.length;
    ByteBuffer h = ByteBuffer.allocate(HEADER_BYTES).order(ByteOrder.LITTLE_ENDIAN);
    h.put("PMTiles".getBytes(StandardCharsets.US_ASCII)).put((byte) 3);
    h.putLong(rootOffset).putLong(root.length);
    h.putLong(metaOffset).putLong(meta.length);
    h.putLong(leafOffset).putLong(leaves.length);
    h.putLong(dataOffset).putLong(dataBytes);
    h.putLong(entries.size()); // addressed tiles
    h.putLong(runs.size()); // tile entries
    h.putLong(order.size()); // tile contents
    h.put((byte) 1); // clustered
    h.put((byte) 2); // internal compression: gzip
    h.put(info.tileCompression());
    h.put(info.tileType());
    h.put((byte) info.minZoom()).put((byte) info.maxZoom());
    h.putInt(e7(info.minLon())).putInt(e7(info.minLat()));
    h.putInt(e7(info.maxLon())).putInt(e7(info.maxLat()));
    h.put((byte) info.centerZoom()).putInt(e7(info.centerLon())).putInt(e7(info.centerLat()));
    Path tmp = target.resolveSibling(target.getFileName() + ".part");
    try (FileChannel out =
            FileChannel.open(
                tmp,
                StandardOpenOption.CREATE,
                StandardOpenOption.TRUNCATE_EXISTING,
                StandardOpenOption.WRITE);
        FileChannel in = FileChannel.open(spool, StandardOpenOption.READ)) {
      writeFully(out, h.flip());
      writeFully(out, ByteBuffer.wrap(root));
      writeFully(out, ByteBuffer.wrap(meta));
      writeFully(out, ByteBuffer.wrap(leaves));
      for (long[] c : order) {
        long done = 0;
        while (done < c[1]) {
          done += in.transferTo(c[0] + done, c[1] - done, out);
        }
      }
    }
    Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    Files.deleteIfExists(spool);
  }

  @Override
  public void close() throws IOException {
    spoolOut.close();
    Files.deleteIfExists(spool);
    Files.deleteIfExists(target.resolveSibling(target.getFileName() + ".part"));
  }

  private static void writeFully(FileChannel out, ByteBuffer b) throws IOException {
    while (b.hasRemaining()) {
      out.write(b);
    }
  }

  private static int e7(double deg) {
    return (int) Math.round(deg * 1e7);
  }

  /** A directory's bytes before compression (spec §4). */
  private static byte[] directory(List<Entry> es) {
    var out = new ByteArrayOutputStream();
    varint(out, es.size());
    long last = 0;
    for (Entry e : es) {
      varint(out, e.tileId() - last);
      last = e.tileId();
    }
    for (Entry e : es) {
      varint(out, e.runLength());
    }
    for (Entry e : es) {
      varint(out, e.length());
    }
    for (int i = 0; i < es.size(); i++) {
      Entry e = es.get(i);
      if (i > 0 && e.offset() == es.get(i - 1).offset() + es.get(i - 1).length()) {
        varint(out, 0);
      } else {
        varint(out, e.offset() + 1);
      }
    }
    return out.toByteArray();
  }

  private static void varint(ByteArrayOutputStream out, long v) {
    while ((v & ~0x7FL) != 0) {
      out.write((int) ((v & 0x7F) | 0x80));
      v >>>= 7;
    }
    out.write((int) v);
  }

  /** The tile id of z/x/y: the tiles of the lower zooms, then the position on the Hilbert curve. */
  static long tileId(int z, int x, int y) {
    if (z < 0 || z > 26 || x < 0 || y < 0 || x >= (1L << z) || y >= (1L << z)) {
      throw new IllegalArgumentException("tile out of range: " + z + "/" + x + "/" + y);
    }
    long acc = ((1L << (2 * z)) - 1) / 3;
    long tx = x;
    long ty = y;
    for (long s = 1L << z >> 1; s > 0; s >>= 1) {
      long rx = (tx & s) > 0 ? 1 : 0;
      long ry = (ty & s) > 0 ? 1 : 0;
      acc += s * s * ((3 * rx) ^ ry);
      if (ry == 0) {
        if (rx == 1) {
          tx = s - 1 - tx;
          ty = s - 1 - ty;
        }
        long t = tx;
        tx = ty;
        ty = t;
      }
    }
    return acc;
  }

  private static byte[] gzip(byte[] b) throws IOException {
    var out = new ByteArrayOutputStream(b.length / 2 + 64);
    try (var gz = new GZIPOutputStream(out)) {
      gz.write(b);
    }
    return out.toByteArray();
  }
}
