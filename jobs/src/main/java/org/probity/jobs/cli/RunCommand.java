package org.probity.jobs.cli;

import java.io.PrintStream;
import java.time.Duration;
import java.util.Set;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.probity.connectors.ingest.IngestDecoder;
import org.probity.connectors.json.AvroJson;
import org.probity.connectors.kafka.KafkaConnectors;
import org.probity.connectors.kafka.KafkaSettings;
import org.probity.jobs.config.ConfigException;
import org.probity.jobs.config.ProbityConfig;
import org.probity.jobs.pipeline.ProbityPipeline;
import org.probity.jobs.pipeline.ProbitySinks;
import org.probity.jobs.pipeline.ProbitySources;
import org.probity.jobs.rules.RuleSet;

/** {@code run}: Kafka in, Kafka out; on a Flink cluster ({@code flink run}) or locally. */
public final class RunCommand {
  static final String HELP = """
      probity run --bootstrap-servers HOST:PORT [options]
        The monitor: the four event topics in, alerts and dead letters out.
        --bootstrap-servers HP    Kafka
        --rules FILE              the rules file (default: the one shipped in the jar)
        --group-id ID             consumer group (default probity)
        --delivery MODE           exactly-once (default; alerts visible to read_committed readers
                                  at each checkpoint) or at-least-once (sub-second; repeats share alertId)
        --checkpoint-interval D   (default 10s; with exactly-once this is the alert latency)
        --checkpoint-dir URI      durable checkpoints, e.g. file:///var/lib/probity/checkpoints
        --transaction-timeout D   Kafka transaction timeout, below the broker's transaction.max.timeout.ms (default 10m)
        --out-of-orderness D      how far events may be out of order (default 2m)
        --idleness D              a partition silent this long stops holding the clock back (default 1m)
        --state-backend B         hashmap (default) or rocksdb
        --parallelism N           (default: the cluster's)
        --stop-at-latest          read the topics up to their current end, then stop (backfill)
      """;

  /** The typed settings of a run, defaults in {@link #parse} only. */
  public record Settings(KafkaSettings kafka, ProbityConfig config, Duration checkpointInterval, String checkpointDir,
      Duration outOfOrderness, Duration idleness, JobEnvironment.StateBackend stateBackend, int parallelism,
      boolean stopAtLatest) {}

  private RunCommand() {}

  static int run(String[] argv, PrintStream err) throws Exception {
    Args args = Args.parse("run", argv, Set.of("bootstrap-servers", "rules", "group-id", "delivery",
        "checkpoint-interval", "checkpoint-dir", "transaction-timeout", "out-of-orderness", "idleness",
        "state-backend", "parallelism"), Set.of("stop-at-latest"));
    if (args.help()) {
      err.print(HELP);
      return 0;
    }
    Settings settings = parse(args);
    preflight(settings);
    StreamExecutionEnvironment env = environment(settings);
    defineWorkflow(env, settings);
    env.execute("probity");
    return 0;
  }

  enum Delivery { EXACTLY_ONCE, AT_LEAST_ONCE }

  public static Settings parse(Args args) {
    KafkaSettings defaults = KafkaSettings.defaults(args.required("bootstrap-servers"));
    Duration transactionTimeout = args.duration("transaction-timeout", defaults.transactionTimeout());
    Duration checkpointInterval = args.duration("checkpoint-interval", Duration.ofSeconds(10));
    if (checkpointInterval.toMillis() < 10) {
      throw new ConfigException("run: --checkpoint-interval: must be at least 10ms");
    }
    if (transactionTimeout.compareTo(checkpointInterval) <= 0) {
      throw new ConfigException("run: --transaction-timeout: must be longer than --checkpoint-interval");
    }
    boolean exactlyOnce = args.choice("delivery", Delivery.class, Delivery.EXACTLY_ONCE) == Delivery.EXACTLY_ONCE;
    KafkaSettings kafka = new KafkaSettings(defaults.bootstrapServers(), args.string("group-id", defaults.groupId()),
        defaults.eventTopics(), defaults.alertsTopic(), defaults.unitStatusTopic(), defaults.deadLetterTopic(),
        exactlyOnce, defaults.transactionalIdPrefix(), transactionTimeout);
    return new Settings(kafka, ProbityJob.loadRules(args), checkpointInterval, args.string("checkpoint-dir", null),
        args.duration("out-of-orderness", Duration.ofMinutes(2)), args.duration("idleness", Duration.ofMinutes(1)),
        args.choice("state-backend", JobEnvironment.StateBackend.class, JobEnvironment.StateBackend.HASHMAP),
        args.integer("parallelism", 0, 0, 4096), args.flag("stop-at-latest"));
  }

  /** Checks what can be checked before the job starts: the brokers accept the transaction timeout. */
  public static void preflight(Settings s) {
    if (!s.kafka().exactlyOnce()) {
      return;
    }
    try {
      KafkaConnectors.checkTransactionTimeout(s.kafka());
    } catch (IllegalArgumentException e) {
      throw new ConfigException("run: --transaction-timeout: " + e.getMessage());
    } catch (IllegalStateException e) {
      throw new ConfigException("run: --bootstrap-servers: " + e.getMessage());
    }
  }

  public static StreamExecutionEnvironment environment(Settings s) {
    return JobEnvironment.create(s.parallelism(), s.stateBackend(), s.checkpointInterval(), s.checkpointDir());
  }

  /** The production wiring: Kafka sources and sinks around {@link ProbityPipeline}. */
  public static void defineWorkflow(StreamExecutionEnvironment env, Settings s) {
    IngestDecoder decoder = new IngestDecoder(new AvroJson(s.config().zone()));
    ProbityPipeline.defineWorkflow(env,
        ProbitySources.kafka(s.kafka(), decoder, s.outOfOrderness(), s.idleness(), s.stopAtLatest()),
        new ProbitySinks(KafkaConnectors.alertSink(s.kafka()), KafkaConnectors.deadLetterSink(s.kafka()),
            KafkaConnectors.unitStatusSink(s.kafka())),
        s.config(), RuleSet.all(), true);
  }
}
