package org.probity.schema.codec;

import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import org.apache.avro.Schema;
import org.apache.avro.message.BinaryMessageDecoder;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecordBase;

/**
 * Avro single-object encoding ({@code C3 01}, the 8-byte CRC-64-AVRO fingerprint of the writer
 * schema, then Avro binary) for one generated record type, as the contract puts on every topic.
 *
 * <p>The decoder knows every released version of the record ({@link SchemaHistory}), so a record
 * written by an older producer is resolved to the current reader schema without a registry.
 * Instances are cheap to ship to Flink tasks: the Avro machinery is rebuilt lazily after
 * deserialization. Not thread-safe; use one per task.
 */
public final class SingleObjectCodec<T extends SpecificRecordBase> implements Serializable {
  private static final long serialVersionUID = 1L;

  private final Class<T> type;
  private final String historyRoot;
  private transient BinaryMessageEncoder<T> encoder;
  private transient BinaryMessageDecoder<T> decoder;

  private SingleObjectCodec(Class<T> type, String historyRoot) {
    this.type = type;
    this.historyRoot = historyRoot;
  }

  public static <T extends SpecificRecordBase> SingleObjectCodec<T> of(Class<T> type) {
    return new SingleObjectCodec<>(type, SchemaHistory.ROOT);
  }

  /** A codec whose released versions are read from another resource folder (tests). */
  static <T extends SpecificRecordBase> SingleObjectCodec<T> withHistory(Class<T> type, String root) {
    return new SingleObjectCodec<>(type, root);
  }

  public Class<T> type() {
    return type;
  }

  public byte[] encode(T record) {
    try {
      ByteBuffer buffer = encoder().encode(record);
      byte[] bytes = new byte[buffer.remaining()];
      buffer.get(bytes);
      return bytes;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot encode " + type.getSimpleName(), e);
    }
  }

  /**
   * Decodes one record.
   *
   * @throws IOException or an {@link org.apache.avro.AvroRuntimeException} (bad header, unknown
   *     fingerprint, truncated or corrupt body) — callers route such records to the dead letters
   */
  public T decode(byte[] bytes) throws IOException {
    return decoder().decode(bytes);
  }

  private BinaryMessageEncoder<T> encoder() {
    if (encoder == null) {
      encoder = new BinaryMessageEncoder<>(model(), schema());
    }
    return encoder;
  }

  private BinaryMessageDecoder<T> decoder() {
    if (decoder == null) {
      decoder = new BinaryMessageDecoder<>(model(), schema());
      for (Schema released : SchemaHistory.versions(historyRoot, schema().getName())) {
        decoder.addSchema(released);
      }
    }
    return decoder;
  }

  @SuppressWarnings("unchecked")
  private SpecificData model() {
    return SpecificData.getForClass(type);
  }

  public Schema schema() {
    return SpecificData.get().getSchema(type);
  }
}
