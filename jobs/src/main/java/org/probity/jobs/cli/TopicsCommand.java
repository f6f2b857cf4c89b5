package org.probity.jobs.cli;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.TopicExistsException;
import org.probity.connectors.kafka.KafkaSettings;
import org.probity.jobs.config.ConfigException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code topics create}: the contract's topics (or those renamed with {@code --topic}) with their
 * partitions and replication, {@code cleanup.policy=compact} for unit status; topics that exist
 * are checked, not changed: a unit-status topic that is not compacted, or fewer partitions than
 * asked, is reported (exit code 1).
 */
@Command(name = "topics", mixinStandardHelpOptions = true, usageHelpWidth = 100, synopsisSubcommandLabel = "COMMAND",
    description = "The contract's Kafka topics.", subcommands = TopicsCommand.Create.class)
final class TopicsCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  private final PrintStream err;

  TopicsCommand(PrintStream err) {
    this.err = err;
  }

  @Override
  public Integer call() {
    spec.commandLine().usage(err);
    return Cli.USAGE_ERROR;
  }

  @Command(name = "create", mixinStandardHelpOptions = true, sortOptions = false, usageHelpWidth = 100,
      description = {"Creates the topics that do not exist and checks those that do (partitions, replication,",
          "cleanup.policy=compact for unit status and the rules); names every topic and what it found."})
  static final class Create implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin KafkaOptions kafka = new KafkaOptions();

    int partitions;

    @Option(names = "--partitions", paramLabel = "N", defaultValue = "6", description = {
        "partitions of the event, alert and unit-status topics: the most source parallelism that reads",
        "in parallel (default ${DEFAULT-VALUE})"})
    void partitions(int v) {
      partitions = Cli.range(spec, "--partitions", v, 1, 10_000);
    }

    int replication;

    @Option(names = "--replication-factor", paramLabel = "R", defaultValue = "0",
        description = "copies of each partition (default: 3, or the number of brokers when fewer)")
    void replication(int v) {
      replication = Cli.range(spec, "--replication-factor", v, 0, 32);
    }

    Create() {}

    @Override
    public Integer call() throws Exception {
      KafkaSettings s = kafka.settings();
      Properties props = s.client();
      props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "15000");
      props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "10000");
      java.io.PrintWriter out = spec.commandLine().getOut();
      try (Admin admin = Admin.create(props)) {
        int brokers;
        try {
          brokers = admin.describeCluster().nodes().get(15, TimeUnit.SECONDS).size();
        } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
          throw new ConfigException("topics create: --bootstrap-servers: Kafka at " + s.bootstrapServers()
              + " did not answer: " + (e.getCause() != null ? e.getCause().getMessage() : "timed out"));
        }
        short rf = (short) (replication > 0 ? replication : Math.min(3, brokers));
        Map<String, NewTopic> wanted = new LinkedHashMap<>();
        for (String t : s.eventTopics().values()) {
          wanted.put(t, new NewTopic(t, partitions, rf));
        }
        wanted.put(s.alertsTopic(), new NewTopic(s.alertsTopic(), partitions, rf));
        wanted.put(s.unitStatusTopic(), new NewTopic(s.unitStatusTopic(), partitions, rf)
            .configs(Map.of("cleanup.policy", "compact")));
        // Dead letters are rare and read in order by whoever repairs them: one partition.
        wanted.put(s.deadLetterTopic(), new NewTopic(s.deadLetterTopic(), 1, rf));
        // Every version of the rules, read whole at each start: compacted by version, one partition (one order).
        String rules = kafka.rulesTopic();
        wanted.put(rules, new NewTopic(rules, 1, rf).configs(Map.of("cleanup.policy", "compact")));
        var existing = admin.listTopics().names().get();
        List<String> problems = new ArrayList<>();
        for (NewTopic t : wanted.values()) {
          if (!existing.contains(t.name())) {
            try {
              admin.createTopics(List.of(t)).all().get();
              out.println("created " + t.name() + " (" + t.numPartitions() + " partitions, replication " + rf
                  + (t.configs() == null ? "" : ", " + t.configs()) + ")");
              continue;
            } catch (ExecutionException e) {
              if (!(e.getCause() instanceof TopicExistsException)) {
                throw new ConfigException("topics create: cannot create " + t.name() + ": " + e.getCause().getMessage());
              }
            }
          }
          TopicDescription d = admin.describeTopics(List.of(t.name())).allTopicNames().get().get(t.name());
          int have = d.partitions().size();
          int copies = d.partitions().get(0).replicas().size();
          Config config = admin.describeConfigs(List.of(new ConfigResource(ConfigResource.Type.TOPIC, t.name())))
              .all().get().values().iterator().next();
          String policy = config.get("cleanup.policy").value();
          String line = "exists  " + t.name() + " (" + have + " partitions, replication " + copies + ", cleanup.policy="
              + policy + ")";
          if ((t.name().equals(s.unitStatusTopic()) || t.name().equals(rules)) && !policy.contains("compact")) {
            problems.add(t.name() + " must be compacted: kafka-configs --alter --entity-type topics --entity-name "
                + t.name() + " --add-config cleanup.policy=compact");
          }
          if (have < t.numPartitions() && !t.name().equals(rules)) {
            problems.add(t.name() + " has " + have + " partitions, fewer than --partitions " + t.numPartitions()
                + " (sources above " + have + " subtasks stay idle)");
          }
          out.println(line);
        }
        problems.forEach(p -> out.println("problem " + p));
        return problems.isEmpty() ? 0 : 1;
      }
    }
  }
}
