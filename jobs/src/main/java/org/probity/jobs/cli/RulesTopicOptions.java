package org.probity.jobs.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.probity.connectors.kafka.KafkaClientProperties;
import org.probity.jobs.config.ConfigException;
import org.probity.jobs.config.RulesFile;
import org.probity.jobs.versions.RulesHistory;
import org.probity.jobs.versions.RulesTopic;
import org.probity.schema.RulesVersion;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Where the rules topic is and how to talk to Kafka, for {@code probity rules}: the client options
 * {@link KafkaOptions} gives (without its event and alert topics, which these commands never touch)
 * and {@code --rules-topic}; and the topic read as the versions it holds.
 */
final class RulesTopicOptions {
  /** How long Kafka has to answer, and to hand over the whole topic. */
  private static final Duration TIMEOUT = Duration.ofSeconds(30);

  @Spec(Spec.Target.MIXEE) CommandSpec spec;

  @Option(names = "--bootstrap-servers", required = true, paramLabel = "HOST:PORT", description = "Kafka")
  String bootstrapServers;

  @Option(names = {"--kafka-config", "--command-config"}, paramLabel = "FILE", description = {
      "Kafka client properties (security.protocol, sasl.*, ssl.* …), as Kafka's own tools take --command-config"})
  Path kafkaConfig;

  @Option(names = "--kafka-property", paramLabel = "KEY=VALUE",
      description = "a Kafka client property, over --kafka-config (repeatable)")
  Map<String, String> kafkaProperties = new LinkedHashMap<>();

  String topic = RulesTopic.DEFAULT;

  @Option(names = "--rules-topic", paramLabel = "NAME", description = "the rules topic (default: probity.rules)")
  void topic(String name) {
    topic = Cli.check(spec, "--rules-topic", name, name.matches("[A-Za-z0-9._-]{1,249}"),
        "a Kafka topic name is 1-249 letters, digits, '.', '_' or '-'");
  }

  /** The client properties, checked: an unreadable file or an unknown key is one line naming it. */
  Properties client() {
    if (kafkaConfig != null) {
      Cli.inputFile(spec, "--kafka-config", kafkaConfig);
    }
    try {
      return KafkaClientProperties.of(bootstrapServers, KafkaClientProperties.load(kafkaConfig, kafkaProperties));
    } catch (IllegalArgumentException e) {
      throw new ConfigException(command() + ": " + (kafkaConfig != null ? "--kafka-config/" : "")
          + "--kafka-property: " + e.getMessage());
    }
  }

  /**
   * The versions on the topic, in version order; of records with the same version (the key) the
   * last, as compaction keeps it. A record that does not decode is named on {@code err} and skipped.
   */
  List<RulesVersion> published(Properties client, PrintWriter err) {
    Properties reader = new Properties();
    reader.putAll(client);
    // Reading must not create the topic (uncompacted, with the broker's defaults); publishing does.
    reader.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, "false");
    List<RulesTopic.Read> reads;
    try {
      reads = RulesTopic.readAll(reader, topic, TIMEOUT);
    } catch (org.apache.kafka.common.errors.TimeoutException | IllegalStateException e) {
      throw new ConfigException(command() + ": --bootstrap-servers: Kafka at " + bootstrapServers
          + " did not hand over " + topic + ": " + e.getMessage());
    }
    Map<Integer, RulesVersion> byVersion = new TreeMap<>();
    for (RulesTopic.Read r : reads) {
      if (r.version() == null) {
        err.println(command() + ": " + topic + " partition " + r.partition() + " offset " + r.offset() + ": skipped, "
            + r.error());
      } else {
        byVersion.put(r.version().getVersion(), r.version());
      }
    }
    return new ArrayList<>(byVersion.values());
  }

  /**
   * The history of {@code published}: version 1 the topic's, or, before a job has started and
   * published it, the rules shipped in the jar (what {@code probity run} starts with by default).
   */
  static RulesHistory.Built history(List<RulesVersion> published) {
    return RulesHistory.of(published, RulesFile.defaults(), shippedRules());
  }

  /** Creates the topic, compacted (every version is kept under its number), where it does not exist. */
  void ensureTopic(Properties client, PrintWriter out) {
    Properties p = new Properties();
    p.putAll(client);
    p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, Long.toString(TIMEOUT.toMillis()));
    try (Admin admin = Admin.create(p)) {
      if (admin.listTopics().names().get(TIMEOUT.toSeconds(), TimeUnit.SECONDS).contains(topic)) {
        return;
      }
      int brokers = admin.describeCluster().nodes().get(TIMEOUT.toSeconds(), TimeUnit.SECONDS).size();
      admin.createTopics(List.of(new NewTopic(topic, 1, (short) Math.min(3, brokers))
          .configs(Map.of("cleanup.policy", "compact")))).all().get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
      out.println("created " + topic + " (1 partition, cleanup.policy=compact)");
    } catch (ExecutionException e) {
      if (!(e.getCause() instanceof TopicExistsException)) {
        throw new ConfigException(command() + ": cannot create " + topic + ": " + e.getCause().getMessage());
      }
    } catch (TimeoutException e) {
      throw new ConfigException(command() + ": --bootstrap-servers: Kafka at " + bootstrapServers + " did not answer");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  private static String shippedRules() {
    try (InputStream in = RulesFile.class.getClassLoader().getResourceAsStream(RulesFile.DEFAULT_RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException(RulesFile.DEFAULT_RESOURCE + " missing from the jar");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IllegalStateException("cannot read " + RulesFile.DEFAULT_RESOURCE, e);
    }
  }

  /** {@code rules publish}, {@code rules list} …: the command as typed, for the first word of an error. */
  private String command() {
    return spec.qualifiedName().substring(spec.root().name().length()).strip();
  }
}
