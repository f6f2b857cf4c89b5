package org.probity.connectors.file;

import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.file.src.FileSource;
import org.apache.flink.connector.file.src.reader.StreamFormat;
import org.apache.flink.connector.file.src.util.CheckpointedPosition;
import org.apache.flink.core.fs.FSDataInputStream;
import org.apache.flink.core.fs.Path;
import org.probity.connectors.ingest.IngestDecoder;
import org.probity.connectors.ingest.IngestLimits;
import org.probity.connectors.ingest.Ingested;

/**
 * A bounded source over JSON Lines files of events (the contract's JSON form) for {@code replay}
 * and tests. Each non-blank line becomes an event or a dead letter that names the file and the
 * 1-based line number; nothing is skipped silently. A file is read whole by one reader, in order,
 * which keeps a replay deterministic. Any line, of any length or encoding, is an event or a dead
 * letter, never a failed job.
 */
public final class JsonLinesSource {
  private JsonLinesSource() {}

  public static FileSource<Ingested> of(IngestDecoder decoder, Path file) {
    return FileSource.forRecordStreamFormat(new NumberedLineFormat(decoder, file.getName()), file).build();
  }

  static final class NumberedLineFormat implements StreamFormat<Ingested> {
    private static final long serialVersionUID = 1L;
    private final IngestDecoder decoder;
    private final String file;

    NumberedLineFormat(IngestDecoder decoder, String file) {
      this.decoder = decoder;
      this.file = file;
    }

    @Override
    public Reader<Ingested> createReader(Configuration config, FSDataInputStream stream, long fileLen, long splitEnd) {
      return new LineReader(decoder, file, stream);
    }

    /**
     * The reader reports no byte offsets, so a restored split starts at the file's beginning and
     * the file source skips the records already emitted: line numbers stay right.
     */
    @Override
    public Reader<Ingested> restoreReader(Configuration config, FSDataInputStream stream, long restoredOffset,
        long fileLen, long splitEnd) throws IOException {
      if (restoredOffset != CheckpointedPosition.NO_OFFSET) {
        stream.seek(0);
      }
      return new LineReader(decoder, file, stream);
    }

    @Override
    public boolean isSplittable() {
      return false;
    }

    @Override
    public TypeInformation<Ingested> getProducedType() {
      return TypeInformation.of(Ingested.class);
    }
  }

  /**
   * Reads bytes, not characters: only {@code \n} ends a line (one trailing {@code \r} is dropped,
   * for CRLF files), so line numbers are those of any editor and {@code wc -l}; a lone CR stays in
   * its line. Bytes reach the decoder as received, which decodes them strictly. A line longer than
   * {@link IngestLimits#maxLineBytes()} is not held: the reader keeps its first {@link
   * IngestLimits#rawLimit()} bytes and streams the rest through SHA-256 for its dead letter.
   */
  private static final class LineReader implements StreamFormat.Reader<Ingested> {
    private static final byte[] BOM = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};
    private final IngestDecoder decoder;
    private final InputStream in;
    private final String file;
    private final int maxLineBytes;
    private final int rawLimit;
    private final byte[] chunk = new byte[1 << 16];
    private int chunkPos;
    private int chunkEnd;
    private byte[] line = new byte[1024];
    private long lineNumber;

    LineReader(IngestDecoder decoder, String file, FSDataInputStream stream) {
      this.decoder = decoder;
      this.file = file;
      this.in = stream;
      this.maxLineBytes = decoder.limits().maxLineBytes();
      this.rawLimit = decoder.limits().rawLimit();
    }

    @Override
    public Ingested read() throws IOException {
      while (true) {
        // One line: its bytes into `line` up to maxLineBytes; past that only the digest sees them.
        int length = 0;
        long total = 0;
        MessageDigest overflow = null;
        boolean pendingCr = false;
        boolean sawAny = false;
        while (true) {
          int b = nextByte();
          if (b < 0 || b == '\n') {
            break; // a "\r" held back at the end of a line is the CR of a CRLF: dropped
          }
          sawAny = true;
          if (pendingCr) {
            pendingCr = false;
            if (overflow == null && length < maxLineBytes) {
              line = append(line, length++, (byte) '\r');
            } else {
              overflow = spill(overflow, length, (byte) '\r');
            }
            total++;
          }
          if (b == '\r') {
            pendingCr = true;
            continue;
          }
          if (overflow == null && length < maxLineBytes) {
            line = append(line, length++, (byte) b);
          } else {
            overflow = spill(overflow, length, (byte) b);
          }
          total++;
          if (lineNumber == 0 && total == BOM.length && startsWithBom(length)) {
            length = 0; // a UTF-8 byte order mark, as some editors write: not part of line 1
            total = 0;
          }
        }
        if (!sawAny && chunkEnd < 0) {
          return null;
        }
        lineNumber++;
        if (overflow != null) {
          byte[] head = java.util.Arrays.copyOf(line, Math.min(length, rawLimit));
          return decoder.overlongLine(file, lineNumber, total, java.util.HexFormat.of().formatHex(overflow.digest()),
              head, head.length);
        }
        if (isBlank(length)) {
          continue;
        }
        return decoder.fromJsonLine(file, lineNumber, line, length);
      }
    }

    /** The first byte past maxLineBytes: from here on the line is digested, not kept. */
    private MessageDigest spill(MessageDigest digest, int kept, byte b) {
      if (digest == null) {
        digest = IngestDecoder.newSha256();
        digest.update(line, 0, kept);
      }
      digest.update(b);
      return digest;
    }

    private boolean startsWithBom(int length) {
      return length >= BOM.length && line[0] == BOM[0] && line[1] == BOM[1] && line[2] == BOM[2];
    }

    /** Blank: JSON whitespace only (what Jackson itself skips). */
    private boolean isBlank(int end) {
      for (int i = 0; i < end; i++) {
        byte b = line[i];
        if (b != ' ' && b != '\t' && b != '\r') {
          return false;
        }
      }
      return true;
    }

    private static byte[] append(byte[] buffer, int at, byte b) {
      if (at == buffer.length) {
        buffer = java.util.Arrays.copyOf(buffer, buffer.length * 2);
      }
      buffer[at] = b;
      return buffer;
    }

    /** The next byte, or -1 at the end of the file (and chunkEnd then stays -1). */
    private int nextByte() throws IOException {
      if (chunkPos >= chunkEnd) {
        if (chunkEnd < 0) {
          return -1;
        }
        int n;
        do {
          n = in.read(chunk, 0, chunk.length);
        } while (n == 0);
        if (n < 0) {
          chunkEnd = -1;
          return -1;
        }
        chunkPos = 0;
        chunkEnd = n;
      }
      return chunk[chunkPos++] & 0xFF;
    }

    @Override
    public void close() throws IOException {
      in.close();
    }
  }
}
