package org.probity.connectors.file;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.file.src.FileSource;
import org.apache.flink.connector.file.src.reader.StreamFormat;
import org.apache.flink.connector.file.src.util.CheckpointedPosition;
import org.apache.flink.core.fs.FSDataInputStream;
import org.apache.flink.core.fs.Path;
import org.probity.connectors.ingest.IngestDecoder;
import org.probity.connectors.ingest.Ingested;

/**
 * A bounded source over JSON Lines files of events (the contract's JSON form) for {@code replay}
 * and tests. Each non-blank line becomes an event or a dead letter that names the file and the
 * 1-based line number; nothing is skipped silently. A file is read whole by one reader, in order,
 * which keeps a replay deterministic.
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

  private static final class LineReader implements StreamFormat.Reader<Ingested> {
    private final IngestDecoder decoder;
    private final BufferedReader in;
    private final String file;
    private long lineNumber;

    LineReader(IngestDecoder decoder, String file, FSDataInputStream stream) {
      this.decoder = decoder;
      this.file = file;
      this.in = new BufferedReader(new InputStreamReader(stream, StandardCharsets.UTF_8), 1 << 16);
    }

    @Override
    public Ingested read() throws IOException {
      String line;
      do {
        line = in.readLine();
        if (line == null) {
          return null;
        }
        lineNumber++;
        if (lineNumber == 1 && line.startsWith("\uFEFF")) {
          line = line.substring(1); // a UTF-8 byte order mark, as some editors write
        }
      } while (line.isBlank());
      return decoder.fromJsonLine(file, lineNumber, line);
    }

    @Override
    public void close() throws IOException {
      in.close();
    }
  }
}
