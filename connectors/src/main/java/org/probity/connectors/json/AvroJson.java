package org.probity.connectors.json;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.Serializable;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecordBase;

/**
 * The contract's JSON form of any Probity record, driven by its Avro schema so the JSON names are
 * the Avro names by construction: times as ISO-8601 with an offset, money as integer fen, enums
 * by name, an absent optional field omitted, bytes as base64.
 *
 * <p>Reading is strict and names the field at fault; unknown JSON fields are ignored so newer
 * producers can add fields.
 */
public final class AvroJson implements Serializable {
  private static final long serialVersionUID = 1L;
  private static final JsonFactory FACTORY = new JsonFactory();

  private final ZoneId zone;

  public AvroJson(ZoneId zone) {
    this.zone = zone;
  }

  public ZoneId zone() {
    return zone;
  }

  /** One JSON object on one line; {@code firstName/firstValue} (e.g. "stream") is written first when not null. */
  public String write(SpecificRecordBase record, String firstName, String firstValue) {
    StringWriter out = new StringWriter(256);
    try (JsonGenerator g = FACTORY.createGenerator(out)) {
      g.writeStartObject();
      if (firstName != null) {
        g.writeStringField(firstName, firstValue);
      }
      for (Schema.Field field : record.getSchema().getFields()) {
        Object value = record.get(field.pos());
        if (value == null) {
          continue;
        }
        g.writeFieldName(field.name());
        writeValue(g, nonNull(field.schema()), value);
      }
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toString();
  }

  public String write(SpecificRecordBase record) {
    return write(record, null, null);
  }

  private void writeValue(JsonGenerator g, Schema schema, Object value) throws IOException {
    switch (schema.getType()) {
      case STRING -> g.writeString(value.toString());
      case ENUM -> g.writeString(value.toString());
      case INT -> g.writeNumber((Integer) value);
      case LONG -> {
        if (value instanceof Instant t) {
          g.writeString(formatTime(t));
        } else {
          g.writeNumber((Long) value);
        }
      }
      case DOUBLE -> g.writeNumber((Double) value);
      case BOOLEAN -> g.writeBoolean((Boolean) value);
      case BYTES -> {
        ByteBuffer b = ((ByteBuffer) value).duplicate();
        byte[] bytes = new byte[b.remaining()];
        b.get(bytes);
        g.writeString(Base64.getEncoder().encodeToString(bytes));
      }
      case ARRAY -> {
        g.writeStartArray();
        for (Object item : (List<?>) value) {
          writeValue(g, schema.getElementType(), item);
        }
        g.writeEndArray();
      }
      default -> throw new IllegalArgumentException("unsupported schema type " + schema.getType());
    }
  }

  public String formatTime(Instant t) {
    return DateTimeFormatter.ISO_OFFSET_DATE_TIME.format(t.atZone(zone).toOffsetDateTime());
  }

  /**
   * Builds a record of {@code type} from a JSON object.
   *
   * @throws InvalidRecordException naming the field that is missing or malformed
   */
  public <T extends SpecificRecordBase> T read(JsonNode json, Class<T> type) {
    @SuppressWarnings("unchecked")
    T record = (T) SpecificData.newInstance(type, SpecificData.get().getSchema(type));
    for (Schema.Field field : record.getSchema().getFields()) {
      JsonNode node = json.get(field.name());
      boolean optional = field.schema().getType() == Schema.Type.UNION;
      if (node == null || node.isNull()) {
        if (optional) {
          record.put(field.pos(), null);
        } else if (field.schema().getType() == Schema.Type.ARRAY) {
          record.put(field.pos(), new ArrayList<>());
        } else if (node == null && field.hasDefaultValue()) {
          // A field a later schema version added (an Alert's rulesVersion): a record written before it has its default.
          record.put(field.pos(), SpecificData.get().getDefaultValue(field));
        } else {
          throw new InvalidRecordException("missing required field '" + field.name() + "'");
        }
        continue;
      }
      record.put(field.pos(), readValue(field.name(), nonNull(field.schema()), node, type));
    }
    return record;
  }

  private Object readValue(String name, Schema schema, JsonNode node, Class<?> type) {
    switch (schema.getType()) {
      case STRING:
        if (!node.isTextual()) {
          throw new InvalidRecordException("field '" + name + "' must be a string");
        }
        return node.textValue();
      case ENUM: {
        if (!node.isTextual() || !schema.hasEnumSymbol(node.textValue())) {
          throw new InvalidRecordException("field '" + name + "': unknown value " + node
              + " (expected one of " + schema.getEnumSymbols() + ")");
        }
        return SpecificData.get().createEnum(node.textValue(), schema);
      }
      case INT:
        if (!node.canConvertToInt() || !node.isIntegralNumber()) {
          throw new InvalidRecordException("field '" + name + "' must be an integer");
        }
        return node.intValue();
      case LONG:
        if (schema.getLogicalType() instanceof LogicalTypes.TimestampMillis) {
          return parseTime(name, node);
        }
        if (!node.isIntegralNumber() || !node.canConvertToLong()) {
          throw new InvalidRecordException("field '" + name + "' must be an integer"
              + (name.endsWith("Fen") ? " number of fen" : ""));
        }
        return node.longValue();
      case DOUBLE:
        if (!node.isNumber()) {
          throw new InvalidRecordException("field '" + name + "' must be a number");
        }
        return node.doubleValue();
      case BOOLEAN:
        if (!node.isBoolean()) {
          throw new InvalidRecordException("field '" + name + "' must be true or false");
        }
        return node.booleanValue();
      case BYTES:
        if (!node.isTextual()) {
          throw new InvalidRecordException("field '" + name + "' must be a base64 string");
        }
        try {
          return ByteBuffer.wrap(Base64.getDecoder().decode(node.textValue()));
        } catch (IllegalArgumentException e) {
          throw new InvalidRecordException("field '" + name + "' must be base64");
        }
      case ARRAY: {
        if (!node.isArray()) {
          throw new InvalidRecordException("field '" + name + "' must be an array");
        }
        List<Object> items = new ArrayList<>(node.size());
        for (JsonNode item : node) {
          items.add(readValue(name, schema.getElementType(), item, type));
        }
        return items;
      }
      default:
        throw new IllegalArgumentException("unsupported schema type " + schema.getType());
    }
  }

  private static Instant parseTime(String name, JsonNode node) {
    if (!node.isTextual()) {
      throw new InvalidRecordException("field '" + name + "' must be an ISO-8601 time with an offset");
    }
    try {
      // The schema's precision: finer digits would survive here but not Avro binary (Kafka, Flink's
      // serializer), so the same event would differ between a replay and the live stream.
      return OffsetDateTime.parse(node.textValue()).toInstant().truncatedTo(ChronoUnit.MILLIS);
    } catch (DateTimeParseException e) {
      throw new InvalidRecordException("field '" + name + "' is not an ISO-8601 time with an offset: "
          + node.textValue());
    }
  }

  private static Schema nonNull(Schema schema) {
    if (schema.getType() != Schema.Type.UNION) {
      return schema;
    }
    for (Schema branch : schema.getTypes()) {
      if (branch.getType() != Schema.Type.NULL) {
        return branch;
      }
    }
    throw new IllegalArgumentException("union of null only");
  }
}
