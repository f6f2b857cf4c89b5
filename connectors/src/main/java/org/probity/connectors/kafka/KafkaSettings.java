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
    Duration transactionTimeout)
    implements Serializable {

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

  public KafkaSettings withExactlyOnce(boolean value) {
    return new KafkaSettings(bootstrapServers, groupId, eventTopics, alertsTopic, unitStatusTopic,
        deadLetterTopic, value, transactionalIdPrefix, transactionTimeout);
  }

  public KafkaSettings withGroupId(String value) {
    return new KafkaSettings(bootstrapServers, value, eventTopics, alertsTopic, unitStatusTopic,
        deadLetterTopic, exactlyOnce, transactionalIdPrefix, transactionTimeout);
  }

  public KafkaSettings withTransactionalIdPrefix(String value) {
    return new KafkaSettings(bootstrapServers, groupId, eventTopics, alertsTopic, unitStatusTopic,
        deadLetterTopic, exactlyOnce, value, transactionTimeout);
  }
}
