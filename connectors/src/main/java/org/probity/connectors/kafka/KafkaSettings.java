package org.probity.connectors.kafka;

import java.io.Serializable;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import org.probity.connectors.ingest.EventStream;

/**
 * Where and how the job talks to Kafka. Defaults (the contract's topic names) live in {@link
 * #defaults(String)} and nowhere else.
 *
 * @param exactlyOnce alerts through Kafka transactions for {@code read_committed} readers (alert
 *     latency = checkpoint interval); false is at-least-once, sub-second, repeats recognisable by alertId
 * @param transactionTimeout must stay below the broker's {@code transaction.max.timeout.ms}
 * @param clientProperties given to every Kafka client the job creates (sources, sinks, admin): security
 *     ({@code security.protocol}, {@code sasl.*}, {@code ssl.*}) and tuning; Probity's own settings
 *     (bootstrap servers, group, isolation level, transactions) are applied after them
 */
public record KafkaSettings(
    String bootstrapServers,
    String groupId,
    Map<EventStream, String> eventTopics,
    String alertsTopic,
    String unitStatusTopic,
    String deadLetterTopic,
    boolean exactlyOnce,
    String transactionalIdPrefix,
    Duration transactionTimeout,
    Map<String, String> clientProperties)
    implements Serializable {

  public KafkaSettings {
    clientProperties = Map.copyOf(clientProperties);
  }

  public KafkaSettings(String bootstrapServers, String groupId, Map<EventStream, String> eventTopics,
      String alertsTopic, String unitStatusTopic, String deadLetterTopic, boolean exactlyOnce,
      String transactionalIdPrefix, Duration transactionTimeout) {
    this(bootstrapServers, groupId, eventTopics, alertsTopic, unitStatusTopic, deadLetterTopic, exactlyOnce,
        transactionalIdPrefix, transactionTimeout, Map.of());
  }

  public static KafkaSettings defaults(String bootstrapServers) {
    Map<EventStream, String> topics = new EnumMap<>(EventStream.class);
    for (EventStream s : EventStream.values()) {
      topics.put(s, s.defaultTopic());
    }
    return new KafkaSettings(bootstrapServers, "probity", topics, "probity.alerts",
        "probity.unit-status", "probity.deadletter", true, "probity-alerts", Duration.ofMinutes(10));
  }

  public String topic(EventStream stream) {
    return eventTopics.get(stream);
  }

  /** Properties for a plain Kafka client: the client properties, then the bootstrap servers. */
  public java.util.Properties client() {
    return KafkaClientProperties.of(bootstrapServers, clientProperties);
  }

  public KafkaSettings withClientProperties(Map<String, String> value) {
    return new KafkaSettings(bootstrapServers, groupId, eventTopics, alertsTopic, unitStatusTopic,
        deadLetterTopic, exactlyOnce, transactionalIdPrefix, transactionTimeout, value);
  }

  public KafkaSettings withExactlyOnce(boolean value) {
    return new KafkaSettings(bootstrapServers, groupId, eventTopics, alertsTopic, unitStatusTopic,
        deadLetterTopic, value, transactionalIdPrefix, transactionTimeout, clientProperties);
  }

  public KafkaSettings withGroupId(String value) {
    return new KafkaSettings(bootstrapServers, value, eventTopics, alertsTopic, unitStatusTopic,
        deadLetterTopic, exactlyOnce, transactionalIdPrefix, transactionTimeout, clientProperties);
  }

  public KafkaSettings withTransactionalIdPrefix(String value) {
    return new KafkaSettings(bootstrapServers, groupId, eventTopics, alertsTopic, unitStatusTopic,
        deadLetterTopic, exactlyOnce, value, transactionTimeout, clientProperties);
  }
}
