package org.probity.bench;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apache.flink.api.connector.source.Boundedness;
import org.apache.flink.api.connector.source.ReaderOutput;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.api.connector.source.SourceReader;
import org.apache.flink.api.connector.source.SourceReaderContext;
import org.apache.flink.api.connector.source.SplitEnumerator;
import org.apache.flink.api.connector.source.SplitEnumeratorContext;
import org.apache.flink.api.connector.source.lib.util.IteratorSourceEnumerator;
import org.apache.flink.api.connector.source.lib.util.IteratorSourceSplit;
import org.apache.flink.core.io.InputStatus;
import org.apache.flink.core.io.SimpleVersionedSerializer;
import org.probity.connectors.ingest.EventStream;
import org.probity.connectors.ingest.IngestDecoder;
import org.probity.connectors.ingest.Ingested;

/**
 * A bounded source over the pre-encoded events of a {@link RunProbe}: reader {@code r} of {@code
 * p} emits events r, r+p, r+2p, … (interleaved like Kafka partitions, so every reader's event time
 * advances together) and decodes each with the production {@link IngestDecoder#fromKafka}, exactly
 * what the Kafka source does per record. Reading memory instead of a broker is the point: this
 * measures the pipeline, not the network. In-process only (see {@link RunProbe}).
 */
final class EncodedEventSource implements Source<Ingested, EncodedEventSource.Split, Collection<EncodedEventSource.Split>> {
  private static final long serialVersionUID = 1L;

  private final String probeId;
  private final IngestDecoder decoder;

  EncodedEventSource(String probeId, IngestDecoder decoder) {
    this.probeId = probeId;
    this.decoder = decoder;
  }

  @Override
  public Boundedness getBoundedness() {
    return Boundedness.BOUNDED;
  }

  @Override
  public SplitEnumerator<Split, Collection<Split>> createEnumerator(SplitEnumeratorContext<Split> context) {
    int readers = context.currentParallelism();
    List<Split> splits = new ArrayList<>();
    for (int r = 0; r < readers; r++) {
      splits.add(new Split(readers, r, r));
    }
    return new IteratorSourceEnumerator<>(context, splits);
  }

  @Override
  public SplitEnumerator<Split, Collection<Split>> restoreEnumerator(SplitEnumeratorContext<Split> context,
      Collection<Split> checkpoint) {
    return new IteratorSourceEnumerator<>(context, checkpoint);
  }

  @Override
  public SimpleVersionedSerializer<Split> getSplitSerializer() {
    return new SplitSerializer();
  }

  @Override
  public SimpleVersionedSerializer<Collection<Split>> getEnumeratorCheckpointSerializer() {
    return new SplitsSerializer();
  }

  @Override
  public SourceReader<Ingested, Split> createReader(SourceReaderContext context) {
    return new Reader(RunProbe.get(probeId), decoder, context);
  }

  /**
   * Every {@code stride}-th event from {@code next} on. Implements {@link IteratorSourceSplit} only
   * so Flink's {@link IteratorSourceEnumerator} can hand the splits out; the reader walks the
   * indices itself.
   */
  record Split(int stride, int offset, int next) implements IteratorSourceSplit<Integer, Iterator<Integer>> {
    @Override
    public String splitId() {
      return "events-" + offset + "-of-" + stride;
    }

    @Override
    public Iterator<Integer> getIterator() {
      throw new UnsupportedOperationException("read by EncodedEventSource.Reader");
    }

    @Override
    public IteratorSourceSplit<Integer, Iterator<Integer>> getUpdatedSplitForIterator(
        Iterator<Integer> iterator) {
      throw new UnsupportedOperationException("read by EncodedEventSource.Reader");
    }
  }

  private static final class Reader implements SourceReader<Ingested, Split> {
    /** Progress goes to the probe this many events at a time (an atomic add per event would cost). */
    private static final int PROGRESS_BATCH = 1024;
    private final RunProbe probe;
    private final IngestDecoder decoder;
    private final SourceReaderContext context;
    private final EncodedEvents input;
    private Split split;
    private int next;
    private int nextMark;
    private int unreported;
    private boolean noMoreSplits;
    private CompletableFuture<Void> available = new CompletableFuture<>();

    Reader(RunProbe probe, IngestDecoder decoder, SourceReaderContext context) {
      this.probe = probe;
      this.decoder = decoder;
      this.context = context;
      this.input = probe.input;
    }

    @Override
    public void start() {
      context.sendSplitRequest();
    }

    @Override
    public InputStatus pollNext(ReaderOutput<Ingested> output) {
      if (split == null) {
        if (noMoreSplits) {
          return InputStatus.END_OF_INPUT;
        }
        return InputStatus.NOTHING_AVAILABLE;
      }
      if (next >= input.size()) {
        split = null;
        available = new CompletableFuture<>();
        context.sendSplitRequest();
        return noMoreSplits ? InputStatus.END_OF_INPUT : InputStatus.NOTHING_AVAILABLE;
      }
      while (nextMark < probe.markCount() && next >= probe.mark(nextMark)) {
        CompletableFuture<?> go = probe.arrive(nextMark++);
        if (!go.isDone()) {
          available = go.thenRun(() -> { });
          return InputStatus.NOTHING_AVAILABLE;
        }
      }
      EventStream stream = input.stream(next);
      output.collect(decoder.fromKafka(stream, stream.defaultTopic(), split.offset(), next, input.value(next)));
      next += split.stride();
      if (++unreported == PROGRESS_BATCH) {
        probe.emitted(unreported);
        unreported = 0;
      }
      return InputStatus.MORE_AVAILABLE;
    }

    @Override
    public List<Split> snapshotState(long checkpointId) {
      return split == null ? List.of() : List.of(new Split(split.stride(), split.offset(), next));
    }

    @Override
    public CompletableFuture<Void> isAvailable() {
      return available;
    }

    @Override
    public void addSplits(List<Split> splits) {
      split = splits.get(0);
      next = split.next();
      available.complete(null);
    }

    @Override
    public void notifyNoMoreSplits() {
      noMoreSplits = true;
      available.complete(null);
    }

    @Override
    public void close() {}
  }

  private static final class SplitSerializer implements SimpleVersionedSerializer<Split> {
    @Override
    public int getVersion() {
      return 1;
    }

    @Override
    public byte[] serialize(Split split) throws IOException {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream(12);
      try (DataOutputStream out = new DataOutputStream(bytes)) {
        write(split, out);
      }
      return bytes.toByteArray();
    }

    @Override
    public Split deserialize(int version, byte[] serialized) throws IOException {
      try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(serialized))) {
        return read(in);
      }
    }

    static void write(Split split, DataOutputStream out) throws IOException {
      out.writeInt(split.stride());
      out.writeInt(split.offset());
      out.writeInt(split.next());
    }

    static Split read(DataInputStream in) throws IOException {
      return new Split(in.readInt(), in.readInt(), in.readInt());
    }
  }

  private static final class SplitsSerializer implements SimpleVersionedSerializer<Collection<Split>> {
    @Override
    public int getVersion() {
      return 1;
    }

    @Override
    public byte[] serialize(Collection<Split> splits) throws IOException {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      try (DataOutputStream out = new DataOutputStream(bytes)) {
        out.writeInt(splits.size());
        for (Split s : splits) {
          SplitSerializer.write(s, out);
        }
      }
      return bytes.toByteArray();
    }

    @Override
    public Collection<Split> deserialize(int version, byte[] serialized) throws IOException {
      try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(serialized))) {
        int n = in.readInt();
        List<Split> splits = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
          splits.add(SplitSerializer.read(in));
        }
        return splits;
      }
    }
  }
}
