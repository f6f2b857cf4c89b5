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
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
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
 * event, or a {@link DeadLetter} with the record's coordinates, the reason, and the record's bytes
 * as received, cut to {@link IngestLimits#rawLimit()} (with the whole record's length and SHA-256),
 * so a dead letter always fits the dead-letter topic and a collect sink. Never throws for bad
 * input. Not thread-safe (one per task).
 */
public final class IngestDecoder implements Serializable {
  private static final long serialVersionUID = 1L;
  /** Two objects on one line (a lost newline) are an error, not the first object and silence. */
  private static final ObjectMapper MAPPER =
      new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
  /** {@code C3 01} and the 8-byte fingerprint before the Avro body. */
  private static final int HEADER_LENGTH = 10;

  /** A dead letter's reason (and a too-long eventId) is cut here: a reason may quote the input. */
  static final int MAX_ERROR_CHARS = 1024;

  private final AvroJson json;
  private final IngestLimits limits;
  private transient Map<EventStream, SingleObjectCodec<? extends SpecificRecordBase>> codecs;
  private transient Map<EventStream, Map<Long, Schema>> writerSchemas;
  private transient CharsetDecoder utf8;
  /** The bytes of the string being checked: one buffer per decoder, not one per string. */
  private transient byte[] scratch;

  /** With {@link IngestLimits#live()}: event times bounded against the wall clock. */
  public IngestDecoder(AvroJson json) {
    this(json, IngestLimits.live());
  }

  public IngestDecoder(AvroJson json, IngestLimits limits) {
    this.json = json;
    this.limits = java.util.Objects.requireNonNull(limits, "limits");
  }

  public AvroJson json() {
    return json;
  }

  public IngestLimits limits() {
    return limits;
  }

  /** A record from the topic of {@code stream}. */
  public Ingested fromKafka(EventStream stream, String topic, int partition, long offset, byte[] value) {
    if (value == null || value.length == 0) {
      return dead(topic, partition, offset, null, null, new byte[0], 0, "empty record");
    }
    SpecificRecordBase event;
    try {
      String corrupt = checkBody(stream, value);
      if (corrupt != null) {
        return dead(topic, partition, offset, null, null, value, value.length,
            "cannot decode " + stream.recordClass().getSimpleName() + ": " + corrupt);
      }
      event = codec(stream).decode(value);
    } catch (MissingSchemaException e) {
      return dead(topic, partition, offset, null, null, value, value.length,
          "unknown schema fingerprint for " + stream.recordClass().getSimpleName() + ": " + e.getMessage());
    } catch (Exception e) {
      return dead(topic, partition, offset, null, null, value, value.length,
          "cannot decode " + stream.recordClass().getSimpleName() + ": " + describe(e));
    }
    String invalid = EventValidator.validate(event, limits);
    if (invalid != null) {
      return dead(topic, partition, offset, null, eventIdOf(event), value, value.length, invalid);
    }
    return Ingested.of(event);
  }

  /** Line {@code lineNumber} (1-based) of a JSON Lines file of events; blank lines are the caller's to skip. */
  public Ingested fromJsonLine(String file, long lineNumber, String line) {
    byte[] raw = line.getBytes(StandardCharsets.UTF_8);
    return fromJsonText(file, lineNumber, line, raw, raw.length);
  }

  /**
   * Line {@code lineNumber} as read: its first {@code length} bytes of {@code line}, without the
   * newline. Decoded strictly: invalid UTF-8 is a dead letter with the bytes as received, never a
   * U+FFFD that could turn an id into another.
   */
  public Ingested fromJsonLine(String file, long lineNumber, byte[] line, int length) {
    CharsetDecoder decoder = utf8();
    ByteBuffer in = ByteBuffer.wrap(line, 0, length);
    CharBuffer out = CharBuffer.allocate(length); // UTF-8 never gives more chars than bytes
    CoderResult result = decoder.decode(in, out, true);
    if (result.isError()) {
      return dead(file, null, null, lineNumber, null, line, length, "invalid UTF-8 at byte " + in.position());
    }
    decoder.flush(out);
    return fromJsonText(file, lineNumber, out.flip().toString(), line, length);
  }

  /**
   * The dead letter of a line longer than {@code limits().maxLineBytes()}, which the reader did not
   * hold whole: its length, the SHA-256 (lowercase hex) of all of it, and its first bytes.
   */
  public Ingested overlongLine(String file, long lineNumber, long length, String sha256, byte[] head,
      int headLength) {
    return Ingested.of(deadLetter(file, null, null, lineNumber, null, head, headLength, length, sha256,
        "line is " + length + " bytes, over the maximum " + limits.maxLineBytes()));
  }

  private Ingested fromJsonText(String file, long lineNumber, String line, byte[] raw, int rawLength) {
    JsonNode node;
    try {
      node = MAPPER.readTree(line);
    } catch (JsonProcessingException e) {
      return dead(file, null, null, lineNumber, null, raw, rawLength, "not JSON: " + e.getOriginalMessage());
    }
    if (node == null || !node.isObject()) {
      return dead(file, null, null, lineNumber, null, raw, rawLength, "not a JSON object");
    }
    JsonNode streamName = node.get("stream");
    EventStream stream = streamName == null ? null : EventStream.ofJsonName(streamName.asText());
    String eventId = node.hasNonNull("eventId") ? node.get("eventId").asText() : null;
    if (stream == null) {
      return dead(file, null, null, lineNumber, eventId, raw, rawLength,
          "field 'stream': must be one of approval, payment, procurement, decision");
    }
    SpecificRecordBase event;
    try {
      event = json.read(node, stream.recordClass());
    } catch (InvalidRecordException e) {
      return dead(file, null, null, lineNumber, eventId, raw, rawLength, e.getMessage());
    }
    String invalid = EventValidator.validate(event, limits);
    if (invalid != null) {
      return dead(file, null, null, lineNumber, eventId, raw, rawLength, invalid);
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
   * rejects bytes left over after the record, and a string that is not valid UTF-8 (Avro would
   * decode it with U+FFFD in place of the bad bytes, silently). Returns the problem, or null to let
   * the codec decode (it reports a bad header or an unknown fingerprint itself).
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
    String problem;
    try {
      problem = walk(writer, in, null, value.length);
    } catch (EOFException e) {
      return "truncated or corrupt body: it runs past the end of the record's " + value.length + " bytes";
    }
    if (problem != null) {
      return problem;
    }
    if (!in.isEnd()) {
      return "unexpected bytes after the end of the record";
    }
    return null;
  }

  /**
   * Reads one value of {@code schema}, allocating nothing larger than the record: a length or
   * count beyond the record's {@code size} bytes cannot be real and ends as a truncated body.
   * Returns the first string that is not UTF-8, naming its top-level field, or null.
   */
  private String walk(Schema schema, BinaryDecoder in, String field, int size) throws IOException {
    switch (schema.getType()) {
      case RECORD -> {
        for (Schema.Field f : schema.getFields()) {
          String problem = walk(f.schema(), in, field == null ? f.name() : field, size);
          if (problem != null) {
            return problem;
          }
        }
      }
      case UNION -> {
        int branch = in.readIndex();
        if (branch < 0 || branch >= schema.getTypes().size()) {
          return "field '" + field + "': union branch " + branch + " does not exist";
        }
        return walk(schema.getTypes().get(branch), in, field, size);
      }
      case STRING -> {
        int length = length(in.readLong(), size);
        if (scratch == null || scratch.length < length) {
          scratch = new byte[Math.max(length, 256)];
        }
        in.readFixed(scratch, 0, length);
        int bad = Utf8Check.firstInvalid(scratch, length);
        if (bad >= 0) {
          return "field '" + field + "': invalid UTF-8 at byte " + bad;
        }
      }
      case BYTES -> in.skipFixed(length(in.readLong(), size));
      case FIXED -> in.skipFixed(schema.getFixedSize());
      case ENUM -> in.readEnum();
      case INT -> in.readInt();
      case LONG -> in.readLong();
      case FLOAT -> in.readFloat();
      case DOUBLE -> in.readDouble();
      case BOOLEAN -> in.readBoolean();
      case NULL -> in.readNull();
      case ARRAY -> {
        for (long n = in.readArrayStart(); n != 0; n = in.arrayNext()) {
          for (long i = 0; i < length(n, size); i++) {
            String problem = walk(schema.getElementType(), in, field, size);
            if (problem != null) {
              return problem;
            }
          }
        }
      }
      case MAP -> {
        for (long n = in.readMapStart(); n != 0; n = in.mapNext()) {
          for (long i = 0; i < length(n, size); i++) {
            String problem = walk(Schema.create(Schema.Type.STRING), in, field, size);
            if (problem == null) {
              problem = walk(schema.getValueType(), in, field, size);
            }
            if (problem != null) {
              return problem;
            }
          }
        }
      }
    }
    return null;
  }

  private static int length(long claimed, int size) throws EOFException {
    if (claimed < 0 || claimed > size) {
      throw new EOFException("claimed length " + claimed);
    }
    return (int) claimed;
  }

  /** Strict: reports malformed input instead of replacing it. */
  private CharsetDecoder utf8() {
    if (utf8 == null) {
      utf8 = StandardCharsets.UTF_8.newDecoder();
    }
    return utf8.reset();
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

  private Ingested dead(String source, Integer partition, Long offset, Long line, String eventId, byte[] raw,
      int rawLength, String error) {
    return Ingested.of(deadLetter(source, partition, offset, line, eventId, raw, rawLength, rawLength,
        sha256(raw, rawLength), error));
  }

  /** {@code raw}'s first {@code available} bytes are the record's head (its start, or all of it). */
  private DeadLetter deadLetter(String source, Integer partition, Long offset, Long line, String eventId,
      byte[] raw, int available, long length, String sha256, String error) {
    int kept = Math.min(available, limits.rawLimit());
    return DeadLetter.newBuilder()
        .setSourceTopic(source)
        .setSourcePartition(partition)
        .setSourceOffset(offset)
        .setLineNumber(line)
        .setEventId(plausibleId(eventId))
        .setRaw(ByteBuffer.wrap(java.util.Arrays.copyOf(raw, kept))) // a copy: a reader may reuse its buffer
        .setRawLength(length)
        .setRawSha256(sha256)
        .setError(cut(error))
        .setFailedAt(Instant.now())
        .build();
  }

  /** An eventId over the contract's bound is not an id to index dead letters by; raw still shows it. */
  private static String plausibleId(String eventId) {
    return eventId == null || eventId.length() > EventValidator.MAX_STRING_CHARS ? null : eventId;
  }

  static String cut(String error) {
    return error.length() <= MAX_ERROR_CHARS ? error : error.substring(0, MAX_ERROR_CHARS) + "…";
  }

  /** Lowercase hex SHA-256 of the first {@code length} bytes of {@code bytes}. */
  public static String sha256(byte[] bytes, int length) {
    MessageDigest digest = newSha256();
    digest.update(bytes, 0, length);
    return HexFormat.of().formatHex(digest.digest());
  }

  public static MessageDigest newSha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java platform has SHA-256", e);
    }
  }
}
