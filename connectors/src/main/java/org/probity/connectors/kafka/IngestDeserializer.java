package org.probity.connectors.kafka;

import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.probity.connectors.ingest.EventStream;
import org.probity.connectors.ingest.IngestDecoder;
import org.probity.connectors.ingest.Ingested;

/** Kafka record → {@link Ingested}; a poison record becomes a dead letter instead of an exception. */
final class IngestDeserializer implements KafkaRecordDeserializationSchema<Ingested> {
  private static final long serialVersionUID = 1L;

  private final EventStream stream;
  private final IngestDecoder decoder;

  IngestDeserializer(EventStream stream, IngestDecoder decoder) {
    this.stream = stream;
    this.decoder = decoder;
  }

  @Override
  public void deserialize(ConsumerRecord<byte[], byte[]> record, Collector<Ingested> out) {
    out.collect(decoder.fromKafka(stream, record.topic(), record.partition(), record.offset(), record.value()));
  }

  @Override
  public TypeInformation<Ingested> getProducedType() {
    return TypeInformation.of(Ingested.class);
  }
}
