package org.probity.deploy;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Collectors;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.message.BinaryMessageDecoder;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.probity.schema.Alert;

/**
 * Reads {@code probity.alerts} the way a case system would: a plain Kafka consumer with
 * {@code read_committed}, values decoded with nothing but the {@code Alert.avsc} file.
 */
public final class KafkaAlerts {
  /** One alert record as a case system sees it, reduced to the fields the ground truth fixes. */
  public record Seen(String key, String alertId, String ruleId, int ruleVersion, int rulesVersion, String reason,
      String severity, String status, String unitId, String subjectType, String subjectId, List<String> personIds,
      Long amountFen, long eventTime, List<String> evidence, int partition) {

    public Seen {
      // Versions start at 1: none (0) is a record written before the rules had versions.
      rulesVersion = rulesVersion == 0 ? 1 : rulesVersion;
    }

    public String comparable() {
      return String.join("|", alertId, ruleId, Integer.toString(ruleVersion), Integer.toString(rulesVersion), reason,
          severity, status, unitId, subjectType, subjectId, personIds.toString(), String.valueOf(amountFen),
          Long.toString(eventTime), evidence.toString());
    }
  }

  private KafkaAlerts() {}

  /** An alert record as a case system would see it, from a replay's output rather than the topic. */
  public static Seen of(Alert a) {
    return new Seen(a.getAlertId(), a.getAlertId(), a.getRuleId(), a.getRuleVersion(), a.getRulesVersion(),
        a.getReason(), a.getSeverity().name(), a.getStatus().name(), a.getUnitId(), a.getSubjectType().name(),
        a.getSubjectId(), List.copyOf(a.getPersonIds()), a.getAmountFen(), a.getEventTime().toEpochMilli(),
        List.copyOf(a.getEvidence()), -1);
  }

  /** The alert records of a JSON Lines file ({@code probity replay --alerts}). */
  public static List<Seen> readJsonLines(Path file) throws IOException {
    com.fasterxml.jackson.databind.ObjectMapper mapper = new com.fasterxml.jackson.databind.ObjectMapper();
    org.probity.connectors.json.AvroJson json = new org.probity.connectors.json.AvroJson(java.time.ZoneId.of("UTC"));
    List<Seen> alerts = new ArrayList<>();
    for (String line : java.nio.file.Files.readAllLines(file)) {
      if (!line.isBlank()) {
        alerts.add(of(json.read(mapper.readTree(line), Alert.class)));
      }
    }
    return alerts;
  }

  public static String comparable(Alert a) {
    return String.join("|", a.getAlertId(), a.getRuleId(), Integer.toString(a.getRuleVersion()),
        Integer.toString(a.getRulesVersion()), a.getReason(),
        a.getSeverity().name(), a.getStatus().name(), a.getUnitId(), a.getSubjectType().name(), a.getSubjectId(),
        a.getPersonIds().toString(), String.valueOf(a.getAmountFen()),
        Long.toString(a.getEventTime().toEpochMilli()), a.getEvidence().toString());
  }

  /**
   * Every committed record of {@code topic} once no transaction on it is pending. Kafka writes a
   * transaction's commit markers after the commit returns, so for a moment the read_committed end
   * lags the log end; reading to the lagging end would miss the last alerts.
   */
  public static List<Seen> readAll(String bootstrap, String topic, Path alertAvsc) throws IOException {
    return readAll(bootstrap, Map.of(), topic, alertAvsc);
  }

  /** As above, the consumers configured with {@code clientProperties} (security). */
  public static List<Seen> readAll(String bootstrap, Map<String, String> clientProperties, String topic,
      Path alertAvsc) throws IOException {
    awaitNoOpenTransactions(bootstrap, clientProperties, topic);
    Schema schema = new Schema.Parser().parse(alertAvsc.toFile());
    BinaryMessageDecoder<GenericRecord> decoder = new BinaryMessageDecoder<>(GenericData.get(), schema);
    Properties props = org.probity.connectors.kafka.KafkaClientProperties.of(bootstrap, clientProperties);
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    List<Seen> seen = new ArrayList<>();
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props)) {
      List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
          .map(p -> new TopicPartition(topic, p.partition())).toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
      long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
      while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("alerts topic not read to its end in time");
        }
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
          GenericRecord g = decoder.decode(r.value());
          seen.add(new Seen(new String(r.key(), java.nio.charset.StandardCharsets.UTF_8), str(g, "alertId"),
              str(g, "ruleId"), (Integer) g.get("ruleVersion"),
              // A reader holding the first Alert.avsc has no rulesVersion: the job's rules file, version 1.
              g.hasField("rulesVersion") ? (Integer) g.get("rulesVersion") : 1, str(g, "reason"), str(g, "severity"),
              str(g, "status"), str(g, "unitId"), str(g, "subjectType"), str(g, "subjectId"), strings(g, "personIds"),
              (Long) g.get("amountFen"), (Long) g.get("eventTime"), strings(g, "evidence"), r.partition()));
        }
      }
    }
    return seen;
  }

  private static void awaitNoOpenTransactions(String bootstrap, Map<String, String> clientProperties, String topic) {
    Properties committed = org.probity.connectors.kafka.KafkaClientProperties.of(bootstrap, clientProperties);
    committed.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    committed.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    Properties uncommitted = (Properties) committed.clone();
    committed.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    uncommitted.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_uncommitted");
    try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(committed);
        KafkaConsumer<byte[], byte[]> u = new KafkaConsumer<>(uncommitted)) {
      List<TopicPartition> partitions = c.partitionsFor(topic).stream()
          .map(p -> new TopicPartition(topic, p.partition())).toList();
      long deadline = System.nanoTime() + Duration.ofMinutes(1).toNanos();
      while (!c.endOffsets(partitions).equals(u.endOffsets(partitions))) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("a transaction on " + topic + " stayed open");
        }
        Thread.onSpinWait();
      }
    }
  }

  private static String str(GenericRecord g, String field) {
    return g.get(field).toString();
  }

  private static List<String> strings(GenericRecord g, String field) {
    return ((List<?>) g.get(field)).stream().map(Object::toString).collect(Collectors.toList());
  }
}
