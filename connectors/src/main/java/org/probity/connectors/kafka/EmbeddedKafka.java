package org.probity.connectors.kafka;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.security.auth.SecurityProtocol;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;

/**
 * A real single-node KRaft Kafka broker in this JVM, from Kafka's own test kit: for the demo and
 * the end-to-end tests. Requires {@code kafka_2.13} and {@code kafka-test-common-runtime} on the
 * classpath (the deploy module and test scopes have them; the job jar does not).
 */
public final class EmbeddedKafka implements AutoCloseable {
  private final KafkaClusterTestKit cluster;
  private final Map<String, String> clientProperties;

  private EmbeddedKafka(KafkaClusterTestKit cluster, Map<String, String> clientProperties) {
    this.cluster = cluster;
    this.clientProperties = clientProperties;
  }

  /** Starts a combined broker+controller with its data under {@code dir} (null: a temporary folder). */
  public static EmbeddedKafka start(Path dir) throws Exception {
    return start(dir, SecurityProtocol.PLAINTEXT, Map.of(), Map.of());
  }

  /**
   * As {@link #start(Path)}, its client listener (also the inter-broker one) speaking {@code
   * protocol} with {@code brokerProperties} (e.g. SASL_SSL with its keystore and JAAS config), the
   * controller's plain; {@link #admin()} connects with {@code clientProperties}.
   */
  public static EmbeddedKafka start(Path dir, SecurityProtocol protocol, Map<String, String> brokerProperties,
      Map<String, String> clientProperties) throws Exception {
    TestKitNodes.Builder nodes = new TestKitNodes.Builder()
        .setCombined(true)
        .setNumBrokerNodes(1)
        .setNumControllerNodes(1);
    if (dir != null) {
      nodes.setBaseDirectory(dir);
    }
    KafkaClusterTestKit.Builder builder = new KafkaClusterTestKit.Builder(nodes.build());
    // The test kit refuses SSL listeners, but keeps a listener.security.protocol.map given to it.
    builder.setConfigProp("listener.security.protocol.map", "EXTERNAL:" + protocol.name + ",CONTROLLER:PLAINTEXT");
    brokerProperties.forEach(builder::setConfigProp);
    KafkaClusterTestKit cluster = builder
        .setConfigProp("offsets.topic.replication.factor", "1")
        .setConfigProp("transaction.state.log.replication.factor", "1")
        .setConfigProp("transaction.state.log.min.isr", "1")
        .setConfigProp("group.initial.rebalance.delay.ms", "0")
        .setConfigProp("num.partitions", "2")
        .build();
    try {
      cluster.format();
      cluster.startup();
      cluster.waitForReadyBrokers();
    } catch (Exception e) {
      cluster.close();
      throw e;
    }
    return new EmbeddedKafka(cluster, Map.copyOf(clientProperties));
  }

  public String bootstrapServers() {
    return cluster.bootstrapServers();
  }

  public Admin admin() {
    return Admin.create(KafkaClientProperties.of(bootstrapServers(), clientProperties));
  }

  /** Creates the topics of {@code settings}: events and alerts with {@code partitions}, unit status compacted. */
  public void createTopics(KafkaSettings settings, int partitions) throws Exception {
    List<NewTopic> topics = new ArrayList<>();
    for (String topic : settings.eventTopics().values()) {
      topics.add(new NewTopic(topic, partitions, (short) 1));
    }
    topics.add(new NewTopic(settings.alertsTopic(), partitions, (short) 1));
    topics.add(new NewTopic(settings.deadLetterTopic(), 1, (short) 1));
    topics.add(new NewTopic(settings.unitStatusTopic(), partitions, (short) 1)
        .configs(Map.of("cleanup.policy", "compact")));
    try (Admin admin = admin()) {
      Set<String> existing = admin.listTopics().names().get();
      admin.createTopics(topics.stream().filter(t -> !existing.contains(t.name())).toList()).all().get();
    }
  }

  @Override
  public void close() throws Exception {
    cluster.close();
  }
}
