package org.probity.connectors.ingest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.EOFException;
import java.io.IOException;
import java.io.Serializable;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.message.MissingSchemaException;
import org.apache.avro.specific.SpecificRecordBase;
import org.probity.connectors.json.AvroJson;
import org.probity.connectors.json.InvalidRecordException;
import org.probity.schema.DeadLetter;
import org.probity.schema.codec.SchemaHistory;
import org.probity.schema.codec.SingleObjectCodec;

/**
 * Turns one input record — Kafka bytes or one JSON line — into an {@link Ingested}: the valid
 * event, or a {@link DeadLetter} with the record's coordinates, its raw bytes and the reason.
 * Never throws for bad input. Not thread-safe (one per task).
 */
public final class IngestDecoder implements Serializable {
  private static final long serialVersionUID = 1L;
  /** Two objects on one line (a lost newline) are an error, not the first object and silence. */
  private static final ObjectMapper MAPPER =
      new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
  /** {@code C3 01} and the 8-byte fingerprint before the Avro body. */
  private static final int HEADER_LENGTH = 10;

  private final AvroJson json;
  private transient Map<EventStream, SingleObjectCodec<? extends SpecificRecordBase>> codecs;
  private transient Map<EventStream, Map<Long, Schema>> writerSchemas;

  public IngestDecoder(AvroJson json) {
    this.json = json;
  }

  public AvroJson json() {
    return json;
  }

  /** A record from the topic of {@code stream}. */
  public Ingested fromKafka(EventStream stream, String topic, int partition, long offset, byte[] value) {
    if (value == null || value.length == 0) {
      return dead(topic, partition, offset, null, null, new byte[0], "empty record");
    }
    SpecificRecordBase event;
    try {
      String corrupt = checkBody(stream, value);
      if (corrupt != null) {
        return dead(topic, partition, offset, null, null, value,
            "cannot decode " + stream.recordClass().getSimpleName() + ": " + corrupt);
      }
      event = codec(stream).decode(value);
    } catch (MissingSchemaException e) {
      return dead(topic, partition, offset, null, null, value,
          "unknown schema fingerprint for " + stream.recordClass().getSimpleName() + ": " + e.getMessage());
    } catch (Exception e) {
      return dead(topic, partition, offset, null, null, value,
          "cannot decode " + stream.recordClass().getSimpleName() + ": " + describe(e));
    }
    String invalid = EventValidator.validate(event);
    if (invalid != null) {
      return dead(topic, partition, offset, null, eventIdOf(event), value, invalid);
    }
    return Ingested.of(event);
  }

  /** Line {@code lineNumber} (1-based) of a JSON Lines file of events; blank lines are the caller's to skip. */
  public Ingested fromJsonLine(String file, long lineNumber, String line) {
    byte[] raw = line.getBytes(StandardCharsets.UTF_8);
    JsonNode node;
    try {
      node = MAPPER.readTree(line);
    } catch (JsonProcessingException e) {
      return dead(file, null, null, lineNumber, null, raw, "not JSON: " + e.getOriginalMessage());
    }
    if (node == null || !node.isObject()) {
      return dead(file, null, null, lineNumber, null, raw, "not a JSON object");
    }
    JsonNode streamName = node.get("stream");
    EventStream stream = streamName == null ? null : EventStream.ofJsonName(streamName.asText());
    String eventId = node.hasNonNull("eventId") ? node.get("eventId").asText() : null;
    if (stream == null) {
      return dead(file, null, null, lineNumber, eventId, raw,
          "field 'stream': must be one of approval, payment, procurement, decision");
    }
    SpecificRecordBase event;
    try {
      event = json.read(node, stream.recordClass());
    } catch (InvalidRecordException e) {
      return dead(file, null, null, lineNumber, eventId, raw, e.getMessage());
    }
    String invalid = EventValidator.validate(event);
    if (invalid != null) {
      return dead(file, null, null, lineNumber, eventId, raw, invalid);
    }
    return Ingested.of(event);
  }

  /** The JSON line of an event, with its {@code "stream"} first. */
  public String toJsonLine(SpecificRecordBase event) {
    return json.write(event, "stream", EventStream.of(event).jsonName());
  }

  /**
   * Walks the body with the writer's schema without materialising anything. The Avro decoder
   * allocates a string or bytes field at the length the record claims before it reads it, so a
   * 14-byte poison record claiming a 2 GB string ends in an OutOfMemoryError (which no catch here
   * should swallow) instead of a dead letter; skipping fails with an EOFException instead. Also
   * rejects bytes left over after the record. Returns the problem, or null to let the codec decode
   * (it reports a bad header or an unknown fingerprint itself).
   */
  private String checkBody(EventStream stream, byte[] value) throws IOException {
    if (value.length < HEADER_LENGTH || value[0] != (byte) 0xC3 || value[1] != (byte) 0x01) {
      return null;
    }
    long fingerprint = ByteBuffer.wrap(value, 2, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
    Schema writer = writerSchemas(stream).get(fingerprint);
    if (writer == null) {
      return null;
    }
    BinaryDecoder in = DecoderFactory.get().binaryDecoder(value, HEADER_LENGTH, value.length - HEADER_LENGTH, null);
    try {
      GenericDatumReader.skip(writer, in);
    } catch (EOFException e) {
      return "truncated or corrupt body: it runs past the end of the record's " + value.length + " bytes";
    }
    if (!in.isEnd()) {
      return "unexpected bytes after the end of the record";
    }
    return null;
  }

  private Map<Long, Schema> writerSchemas(EventStream stream) {
    if (writerSchemas == null) {
      writerSchemas = new EnumMap<>(EventStream.class);
    }
    return writerSchemas.computeIfAbsent(stream, s -> {
      Map<Long, Schema> byFingerprint = new HashMap<>();
      Schema current = codec(s).schema();
      for (Schema released : SchemaHistory.versions(current.getName())) {
        byFingerprint.put(SchemaNormalization.parsingFingerprint64(released), released);
      }
      byFingerprint.put(SchemaNormalization.parsingFingerprint64(current), current);
      return byFingerprint;
    });
  }

  private SingleObjectCodec<? extends SpecificRecordBase> codec(EventStream stream) {
    if (codecs == null) {
      codecs = new EnumMap<>(EventStream.class);
    }
    return codecs.computeIfAbsent(stream, s -> SingleObjectCodec.of(s.recordClass()));
  }

  private static String eventIdOf(SpecificRecordBase event) {
    Object id = event.get("eventId");
    return id == null ? null : id.toString();
  }

  private static String describe(Exception e) {
    String message = e.getMessage();
    return e.getClass().getSimpleName() + (message == null ? "" : ": " + message);
  }

  private static Ingested dead(String source, Integer partition, Long offset, Long line,
      String eventId, byte[] raw, String error) {
    return Ingested.of(DeadLetter.newBuilder()
        .setSourceTopic(source)
        .setSourcePartition(partition)
        .setSourceOffset(offset)
        .setLineNumber(line)
        .setEventId(eventId)
        .setRaw(ByteBuffer.wrap(raw))
        .setError(error)
        .setFailedAt(Instant.now())
        .build());
  }
}
