package org.probity.connectors.ingest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.Serializable;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.EnumMap;
import java.util.Map;
import org.apache.avro.message.MissingSchemaException;
import org.apache.avro.specific.SpecificRecordBase;
import org.probity.connectors.json.AvroJson;
import org.probity.connectors.json.InvalidRecordException;
import org.probity.schema.DeadLetter;
import org.probity.schema.codec.SingleObjectCodec;

/**
 * Turns one input record — Kafka bytes or one JSON line — into an {@link Ingested}: the valid
 * event, or a {@link DeadLetter} with the record's coordinates, its raw bytes and the reason.
 * Never throws for bad input. Not thread-safe (one per task).
 */
public final class IngestDecoder implements Serializable {
  private static final long serialVersionUID = 1L;
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private final AvroJson json;
  private transient Map<EventStream, SingleObjectCodec<? extends SpecificRecordBase>> codecs;

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
