package org.probity.jobs.cli;

import java.nio.file.Path;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;
import org.probity.connectors.ingest.EventStream;
import org.probity.connectors.kafka.KafkaClientProperties;
import org.probity.connectors.kafka.KafkaSettings;
import org.probity.jobs.config.ConfigException;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Where Kafka is, how to talk to it (security, tuning) and the topics' names: shared by run and topics. */
public final class KafkaOptions {
  @Spec(Spec.Target.MIXEE) CommandSpec spec;

  /** The contract's topics by the kind an operator names on {@code --topic KIND=NAME}. */
  enum TopicKind { APPROVALS, PAYMENTS, PROCUREMENT, DECISIONS, ALERTS, UNIT_STATUS, DEADLETTER, RULES }

  @Option(names = "--bootstrap-servers", required = true, paramLabel = "HOST:PORT", description = "Kafka")
  String bootstrapServers;

  @Option(names = {"--kafka-config", "--command-config"}, paramLabel = "FILE", description = {
      "Kafka client properties for every client (security.protocol, sasl.*, ssl.* …), as Kafka's own",
      "tools take --command-config"})
  Path kafkaConfig;

  @Option(names = "--kafka-property", paramLabel = "KEY=VALUE",
      description = "a Kafka client property for every client, over --kafka-config (repeatable)")
  Map<String, String> kafkaProperties = new LinkedHashMap<>();

  Map<TopicKind, String> topics = new EnumMap<>(TopicKind.class);

  @Option(names = "--topic", paramLabel = "KIND=NAME", description = {
      "a topic's name instead of the contract's default; KIND is approvals, payments, procurement,",
      "decisions, alerts, unit-status, deadletter or rules (repeatable)"})
  void topic(Map<String, String> given) {
    for (Map.Entry<String, String> e : given.entrySet()) {
      TopicKind kind = Cli.choice(spec, "--topic", TopicKind.class, e.getKey());
      topics.put(kind, Cli.check(spec, "--topic", e.getValue(), e.getValue().matches("[A-Za-z0-9._-]{1,249}"),
          "a Kafka topic name is 1-249 letters, digits, '.', '_' or '-'"));
    }
  }

  /** The client properties, checked: an unreadable file or an unknown key is one line naming it. */
  Map<String, String> clientProperties() {
    if (kafkaConfig != null) {
      Cli.inputFile(spec, "--kafka-config", kafkaConfig);
    }
    try {
      return KafkaClientProperties.load(kafkaConfig, kafkaProperties);
    } catch (IllegalArgumentException e) {
      String command = spec.qualifiedName().substring(spec.root().name().length()).strip();
      throw new ConfigException(command + ": " + (kafkaConfig != null ? "--kafka-config/" : "")
          + "--kafka-property: " + e.getMessage());
    }
  }

  /** The rules topic: the versions of the rules published while jobs run. */
  String rulesTopic() {
    return topics.getOrDefault(TopicKind.RULES, org.probity.jobs.versions.RulesTopic.DEFAULT);
  }

  /** The contract's defaults with the topics renamed and the client properties. */
  KafkaSettings settings() {
    KafkaSettings defaults = KafkaSettings.defaults(bootstrapServers);
    Map<EventStream, String> eventTopics = new EnumMap<>(defaults.eventTopics());
    Map<TopicKind, EventStream> byKind = Map.of(TopicKind.APPROVALS, EventStream.APPROVAL, TopicKind.PAYMENTS,
        EventStream.PAYMENT, TopicKind.PROCUREMENT, EventStream.PROCUREMENT, TopicKind.DECISIONS, EventStream.DECISION);
    byKind.forEach((kind, stream) -> eventTopics.put(stream, topics.getOrDefault(kind, eventTopics.get(stream))));
    return new KafkaSettings(defaults.bootstrapServers(), defaults.groupId(), eventTopics,
        topics.getOrDefault(TopicKind.ALERTS, defaults.alertsTopic()),
        topics.getOrDefault(TopicKind.UNIT_STATUS, defaults.unitStatusTopic()),
        topics.getOrDefault(TopicKind.DEADLETTER, defaults.deadLetterTopic()), defaults.exactlyOnce(),
        defaults.transactionalIdPrefix(), defaults.transactionTimeout(), clientProperties());
  }
}
