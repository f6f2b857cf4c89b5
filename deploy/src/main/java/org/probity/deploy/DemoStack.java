package org.probity.deploy;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.probity.connectors.kafka.EmbeddedKafka;
import org.probity.connectors.kafka.KafkaSettings;
import org.probity.console.ConsoleServer;
import org.probity.console.ConsoleSettings;
import org.probity.console.auth.Passwords;
import org.probity.jobs.cli.JobEnvironment;
import org.probity.jobs.cli.RunCommand;
import org.probity.jobs.config.ProbityConfig;

/**
 * What {@code probity demo} runs, without the traffic: a KRaft broker with the contract's topics,
 * the console on it (account {@code demo}, a random password) and the monitor on a local Flink
 * MiniCluster with exactly-once alerts. Stopped in reverse order.
 */
final class DemoStack implements AutoCloseable {
  final EmbeddedKafka kafka;
  final KafkaSettings topics;
  final ConsoleServer console;
  final String password;
  final JobClient job;

  private DemoStack(EmbeddedKafka kafka, KafkaSettings topics, ConsoleServer console, String password, JobClient job) {
    this.kafka = kafka;
    this.topics = topics;
    this.console = console;
    this.password = password;
    this.job = job;
  }

  /**
   * Starts everything under {@code dir}, telling {@code out} where the broker and the console are.
   *
   * @param idleness how long a silent partition holds event time back (the demo's traffic never
   *     stops; a test that produces in bursts wants it short)
   */
  static DemoStack start(Path dir, ProbityConfig config, Duration checkpoint, Duration idleness, PrintStream out)
      throws Exception {
    return start(dir, config, org.probity.jobs.config.RulesFile.defaultText(), checkpoint, idleness, out);
  }

  /** As above, {@code config} read from {@code rulesText}: version 1 on the rules topic. */
  static DemoStack start(Path dir, ProbityConfig config, String rulesText, Duration checkpoint, Duration idleness,
      PrintStream out) throws Exception {
    out.println("probity demo: starting Kafka (KRaft) in " + dir + " …");
    EmbeddedKafka kafka = EmbeddedKafka.start(dir);
    ConsoleServer console = null;
    try {
      KafkaSettings topics = KafkaSettings.defaults(kafka.bootstrapServers());
      kafka.createTopics(topics, 2);
      out.println("probity demo: Kafka at " + kafka.bootstrapServers() + "; starting the console and the monitor …");
      String password = Passwords.randomPassword();
      console = ConsoleServer.start(ConsoleSettings.demo(topics, config, dir.resolve("console"), password));
      out.println("probity demo: console at " + console.url() + "  (sign in as demo / " + password
          + "; the rules pages as owner / " + password + ")");
      RunCommand.Settings settings = new RunCommand.Settings(topics, config, checkpoint, null, Duration.ofSeconds(30),
          idleness, JobEnvironment.StateBackend.HASHMAP, 2, false)
          .withRules(org.probity.jobs.versions.RulesTopic.DEFAULT, rulesText);
      StreamExecutionEnvironment env = RunCommand.environment(settings);
      RunCommand.defineWorkflow(env, settings);
      JobClient job = env.executeAsync("probity demo");
      return new DemoStack(kafka, topics, console, password, job);
    } catch (Exception | Error e) {
      if (console != null) {
        console.close();
      }
      kafka.close();
      throw e;
    }
  }

  @Override
  public void close() throws Exception {
    try {
      if (!job.getJobStatus().get().isGloballyTerminalState()) {
        job.cancel().get();
      }
    } finally {
      try {
        console.close();
      } finally {
        kafka.close();
      }
    }
  }
}
