package org.probity.deploy.examples;

import java.io.File;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.message.BinaryMessageDecoder;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * How a case system (案件管理) subscribes to Probity's alerts, with nothing of Probity but the
 * {@code .avsc} file: a plain Kafka consumer, {@code read_committed} (only alerts of committed
 * checkpoints), values in Avro single-object encoding. Records of one alertId share the key and
 * so one partition, in lifecycle order: open a case on RAISED, update it on ESCALATED, close it on
 * RESOLVED; a repeat of a record already applied (possible only in at-least-once mode) is
 * recognised by (alertId, status, severity, evidence).
 *
 * <pre>java -cp "deploy/target/lib/*" deploy/src/main/java/org/probity/deploy/examples/CaseSystemConsumer.java \
 *     localhost:9092 schemas/src/main/avro/Alert.avsc</pre>
 */
public final class CaseSystemConsumer {
  private CaseSystemConsumer() {}

  public static void main(String[] args) throws Exception {
    if (args.length != 2) {
      System.err.println("usage: CaseSystemConsumer BOOTSTRAP_SERVERS PATH/TO/Alert.avsc");
      System.exit(2);
    }
    Schema alertSchema = new Schema.Parser().parse(new File(args[1]));
    BinaryMessageDecoder<GenericRecord> decoder = new BinaryMessageDecoder<>(GenericData.get(), alertSchema);

    Properties props = new Properties();
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, args[0]);
    props.put(ConsumerConfig.GROUP_ID_CONFIG, "case-system");
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(props)) {
      consumer.subscribe(List.of("probity.alerts"));
      while (true) {
        for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofSeconds(1))) {
          GenericRecord alert = decoder.decode(r.value());
          // key = alertId; open, escalate or close the case here, idempotently per (alertId, status).
          System.out.printf("%s %-9s %-6s %-30s %s %s%n", r.key(), alert.get("status"), alert.get("severity"),
              alert.get("ruleId"), alert.get("subjectId"), alert.get("message"));
        }
        consumer.commitSync();
      }
    }
  }
}
