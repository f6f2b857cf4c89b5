package org.probity.jobs.generate;

import java.nio.charset.StandardCharsets;
import java.util.EnumMap;
import java.util.Map;
import java.util.Properties;
import java.util.function.Consumer;
import org.apache.avro.specific.SpecificRecordBase;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.probity.connectors.ingest.EventStream;
import org.probity.connectors.kafka.KafkaSettings;
import org.probity.schema.codec.SingleObjectCodec;

/** Produces events to their topics as an upstream system would: single-object Avro, keyed by subject. */
public final class KafkaTraffic {
  private KafkaTraffic() {}

  /**
   * Sends every event of {@code events} (at most {@code rate} per second; 0 = unpaced) and calls
   * {@code sent} for each; returns once all are acknowledged.
   */
  public static void produce(Iterable<SpecificRecordBase> events, KafkaSettings kafka, int rate,
      Consumer<SpecificRecordBase> sent) throws InterruptedException {
    Properties props = kafka.client();
    props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    props.put(ProducerConfig.LINGER_MS_CONFIG, "10");
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    Map<EventStream, SingleObjectCodec<SpecificRecordBase>> codecs = new EnumMap<>(EventStream.class);
    long started = System.nanoTime();
    long count = 0;
    try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props)) {
      for (SpecificRecordBase event : events) {
        EventStream stream = EventStream.of(event);
        SingleObjectCodec<SpecificRecordBase> codec = codecs.computeIfAbsent(stream, KafkaTraffic::codec);
        producer.send(new ProducerRecord<>(kafka.topic(stream), subjectKey(event).getBytes(StandardCharsets.UTF_8),
            codec.encode(event)));
        sent.accept(event);
        count++;
        if (rate > 0) {
          long wait = started + count * 1_000_000_000L / rate - System.nanoTime();
          if (wait > 1_000_000) {
            Thread.sleep(wait / 1_000_000);
          }
        }
      }
      producer.flush();
    }
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private static SingleObjectCodec<SpecificRecordBase> codec(EventStream stream) {
    return (SingleObjectCodec) SingleObjectCodec.of(stream.recordClass());
  }

  /** The contract's Kafka key of an event: caseId, voucherId, procurementId or meetingId. */
  public static String subjectKey(SpecificRecordBase event) {
    return switch (EventStream.of(event)) {
      case APPROVAL -> event.get("caseId").toString();
      case PAYMENT -> event.get("voucherId").toString();
      case PROCUREMENT -> event.get("procurementId").toString();
      case DECISION -> event.get("meetingId").toString();
    };
  }
}
