package org.probity.jobs.cli;

import java.io.PrintStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.probity.connectors.ingest.EventStream;
import org.probity.connectors.ingest.IngestDecoder;
import org.probity.connectors.ingest.IngestLimits;
import org.probity.connectors.json.AvroJson;
import org.probity.connectors.kafka.KafkaConnectors;
import org.probity.connectors.kafka.KafkaSettings;
import org.probity.jobs.config.ConfigException;
import org.probity.jobs.config.ProbityConfig;
import org.probity.jobs.versions.RulesAtStart;
import org.probity.jobs.versions.RulesTopic;
import org.probity.jobs.pipeline.ProbityPipeline;
import org.probity.jobs.pipeline.ProbitySinks;
import org.probity.jobs.pipeline.ProbitySources;
import org.probity.jobs.rules.RuleSet;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code run}: Kafka in, Kafka out; on a Flink cluster ({@code flink run}) or locally. A restart
 * with the same command resumes from the job's latest retained checkpoint or savepoint.
 */
@Command(name = "run", mixinStandardHelpOptions = true, sortOptions = false, usageHelpWidth = 100,
    description = {"The monitor: the four event topics in, alerts, unit status and dead letters out.",
        "Started again with the same --checkpoint-dir and --job-name, it resumes from the job's latest",
        "retained checkpoint or savepoint (and says which); stop it for a planned restart with",
        "probity stop --savepoint."})
public final class RunCommand implements Callable<Integer> {
  /** Job names are folder names and Kafka transactional-id prefixes: keep them plain. */
  private static final Pattern JOB_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,99}");
  /** Kafka's transaction.timeout.ms is an int. */
  private static final long MAX_TRANSACTION_TIMEOUT_MS = Integer.MAX_VALUE;

  enum Delivery { EXACTLY_ONCE, AT_LEAST_ONCE }

  @Spec CommandSpec spec;
  private final PrintStream err;
  /** Set once a job went to a cluster: the main method then returns instead of exiting the JVM. */
  static volatile boolean submittedToCluster;

  @Mixin KafkaOptions kafkaOptions = new KafkaOptions();

  @Option(names = "--rules", paramLabel = "FILE", description = "the rules file (default: the one shipped in the jar)")
  Path rules;

  String jobName;

  @Option(names = "--job-name", paramLabel = "NAME", defaultValue = "probity", description = {
      "the job's name (default ${DEFAULT-VALUE}): its checkpoint folder, consumer group and Kafka",
      "transactional ids derive from it, so two jobs on one Kafka or checkpoint dir never meet"})
  void jobName(String v) {
    jobName = Cli.check(spec, "--job-name", v, JOB_NAME.matcher(v).matches(),
        "must be 1-100 letters, digits, '.', '_' or '-', starting with a letter or digit");
  }

  @Option(names = "--group-id", paramLabel = "ID", description = "consumer group (default: the job name)")
  String groupId;

  @Option(names = "--transactional-id-prefix", paramLabel = "P",
      description = "Kafka transactional-id prefix of the alert sink (default: JOB_NAME-alerts)")
  String transactionalIdPrefix;

  Delivery delivery;

  @Option(names = "--delivery", paramLabel = "MODE", defaultValue = "exactly-once", description = {
      "exactly-once (default; alerts visible to read_committed readers at each checkpoint)",
      "or at-least-once (sub-second; repeats share alertId)"})
  void delivery(String v) {
    delivery = choice("--delivery", Delivery.class, v);
  }

  Duration checkpointInterval;

  @Option(names = "--checkpoint-interval", paramLabel = "D", defaultValue = "10s",
      description = "(default ${DEFAULT-VALUE}; with exactly-once this is the alert latency)")
  void checkpointInterval(Duration d) {
    checkpointInterval = Cli.check(spec, "--checkpoint-interval", d, d.toMillis() >= 10, "must be at least 10ms");
  }

  URI checkpointDir;

  @Option(names = "--checkpoint-dir", paramLabel = "URI", description = {
      "durable checkpoints and savepoints, e.g. file:///var/lib/probity/checkpoints; without it a",
      "restart of this process starts fresh"})
  void checkpointDir(String v) {
    checkpointDir = absoluteUri("--checkpoint-dir", v);
  }

  String fromSavepoint;

  @Option(names = "--from-savepoint", paramLabel = "PATH", description = "start from this savepoint")
  void fromSavepoint(String v) {
    fromSavepoint = absoluteUri("--from-savepoint", v).toString();
  }

  String fromCheckpoint;

  @Option(names = "--from-checkpoint", paramLabel = "PATH", description = "start from this retained checkpoint")
  void fromCheckpoint(String v) {
    fromCheckpoint = absoluteUri("--from-checkpoint", v).toString();
  }

  Duration transactionTimeout;

  @Option(names = "--transaction-timeout", paramLabel = "D", defaultValue = "10m", description = {
      "Kafka transaction timeout, below the broker's transaction.max.timeout.ms (default ${DEFAULT-VALUE})"})
  void transactionTimeout(Duration d) {
    transactionTimeout = Cli.check(spec, "--transaction-timeout", d,
        (!d.isNegative() && !d.isZero()) && d.toMillis() <= MAX_TRANSACTION_TIMEOUT_MS, "must be from 1ms to 24d (Kafka's limit)");
  }

  @Mixin EventTimeOptions eventTime = new EventTimeOptions();

  Duration idleness;

  @Option(names = "--idleness", paramLabel = "D", defaultValue = "1m",
      description = "a partition silent this long stops holding the clock back (default ${DEFAULT-VALUE})")
  void idleness(Duration d) {
    idleness = Cli.check(spec, "--idleness", d, d.toMillis() >= 1 && d.compareTo(Duration.ofDays(30)) <= 0,
        "must be from 1ms to 30d");
  }

  JobEnvironment.StateBackend stateBackend;

  @Option(names = "--state-backend", paramLabel = "B", defaultValue = "hashmap",
      description = "hashmap (default) or rocksdb")
  void stateBackend(String v) {
    stateBackend = choice("--state-backend", JobEnvironment.StateBackend.class, v);
  }

  int parallelism;

  @Option(names = "--parallelism", paramLabel = "N", defaultValue = "0", description = "(default: the cluster's)")
  void parallelism(int v) {
    parallelism = Cli.range(spec, "--parallelism", v, 0, 4096);
  }

  int restPort;

  @Option(names = "--rest-port", paramLabel = "PORT", defaultValue = "0", description = {
      "run locally: Flink's REST API on 127.0.0.1:PORT, for probity stop (default: any free port)"})
  void restPort(int v) {
    restPort = Cli.range(spec, "--rest-port", v, 0, 65535);
  }

  int maxRate;

  @Option(names = "--max-rate", paramLabel = "N", defaultValue = "0", description = {
      "read each event topic at most N events/s (a back-fill that must not starve the cluster;",
      "default: no limit)"})
  void maxRate(int v) {
    maxRate = Cli.range(spec, "--max-rate", v, 0, 100_000_000);
  }

  @Option(names = "--stop-at-latest", description = "read the topics up to their current end, then stop (back-fill)")
  boolean stopAtLatest;

  /** The typed settings of a run. {@code checkpointDir}: the base URI (null: in memory, nothing survives a restart). */
  public record Settings(KafkaSettings kafka, ProbityConfig config, Duration checkpointInterval, String checkpointDir,
      Duration outOfOrderness, Duration idleness, JobEnvironment.StateBackend stateBackend, int parallelism,
      boolean stopAtLatest, String jobName, JobEnvironment.Restore restore, int maxRate, Duration maxAhead,
      String rulesTopic, String rulesText) {

    /** {@code rulesText}: the rules file {@code config} was read from, published as version 1 to an empty rules topic (null: not published). */
    public Settings(KafkaSettings kafka, ProbityConfig config, Duration checkpointInterval, String checkpointDir,
        Duration outOfOrderness, Duration idleness, JobEnvironment.StateBackend stateBackend, int parallelism,
        boolean stopAtLatest) {
      this(kafka, config, checkpointInterval, checkpointDir, outOfOrderness, idleness, stateBackend, parallelism,
          stopAtLatest, "probity", null, 0, IngestLimits.DEFAULT_MAX_AHEAD, RulesTopic.DEFAULT, null);
    }

    public Settings withRestore(JobEnvironment.Restore value) {
      return new Settings(kafka, config, checkpointInterval, checkpointDir, outOfOrderness, idleness, stateBackend,
          parallelism, stopAtLatest, jobName, value, maxRate, maxAhead, rulesTopic, rulesText);
    }

    public Settings withRules(String topic, String text) {
      return new Settings(kafka, config, checkpointInterval, checkpointDir, outOfOrderness, idleness, stateBackend,
          parallelism, stopAtLatest, jobName, restore, maxRate, maxAhead, topic, text);
    }
  }

  public RunCommand(PrintStream err) {
    this.err = err;
  }

  @Override
  public Integer call() throws Exception {
    Settings settings = settings();
    java.util.Optional<String> givenToFlink = settings.restore() == null ? JobEnvironment.recoveryPathGivenToFlink()
        : java.util.Optional.empty();
    if (givenToFlink.isPresent()) {
      // flink run -s, or the Kubernetes operator's upgrade: the cluster's choice, not the newest under --checkpoint-dir.
      err.println("probity run: resuming from " + givenToFlink.get() + " (given to Flink: flink run -s, or the "
          + "Kubernetes operator)");
    } else {
      settings = settings.withRestore(resumePoint(settings, err));
    }
    err.println("probity run: job '" + settings.jobName() + "', " + describe(settings) + "; rules file "
        + rulesFile(settings) + ", versions on " + settings.rulesTopic());
    preflight(settings);
    Configuration conf = configuration(settings);
    if (!JobEnvironment.isLocal(conf)) {
      StreamExecutionEnvironment env = JobEnvironment.create(settings.parallelism(), conf);
      defineWorkflow(env, settings, err);
      // Under flink run -d this returns once the cluster has the job; its id is what operators look for.
      org.apache.flink.core.execution.JobClient job = env.executeAsync(settings.jobName());
      submittedToCluster = true;
      err.println("probity run: job '" + settings.jobName() + "' submitted as " + job.getJobID());
      return 0;
    }
    int slots = settings.parallelism() > 0 ? settings.parallelism() : Runtime.getRuntime().availableProcessors();
    try (JobEnvironment.LocalCluster cluster = JobEnvironment.LocalCluster.start(slots, conf, restPort)) {
      err.println("probity run: Flink REST API at " + cluster.restAddress() + " (planned stop: probity stop "
          + "--rest-address " + cluster.restAddress().getAuthority() + " --job-name " + settings.jobName()
          + " --savepoint)");
      defineWorkflow(cluster.env(), settings, err);
      cluster.env().execute(settings.jobName());
      err.println("probity run: job '" + settings.jobName() + "' ended");
    }
    return 0;
  }

  Settings settings() {
    if (fromSavepoint != null && fromCheckpoint != null) {
      throw new ConfigException("run: --from-savepoint and --from-checkpoint: give one or the other");
    }
    if (transactionTimeout.compareTo(checkpointInterval) <= 0) {
      throw new ConfigException("run: --transaction-timeout: must be longer than --checkpoint-interval");
    }
    KafkaSettings base = kafkaOptions.settings();
    KafkaSettings kafka = new KafkaSettings(base.bootstrapServers(), groupId == null ? jobName : groupId,
        base.eventTopics(), base.alertsTopic(), base.unitStatusTopic(), base.deadLetterTopic(),
        delivery == Delivery.EXACTLY_ONCE, transactionalIdPrefix == null ? jobName + "-alerts" : transactionalIdPrefix,
        transactionTimeout, base.clientProperties());
    ProbityConfig config = ProbityJob.loadRules(rules);
    JobEnvironment.Restore restore = null;
    if (fromSavepoint != null || fromCheckpoint != null) {
      String path = fromSavepoint != null ? fromSavepoint : fromCheckpoint;
      String option = fromSavepoint != null ? "--from-savepoint" : "--from-checkpoint";
      if (RetainedState.at(path, fromSavepoint != null).isEmpty()) {
        throw new ConfigException("run: " + option + ": no _metadata at '" + path + "' (a savepoint or checkpoint "
            + "folder holds one)");
      }
      restore = new JobEnvironment.Restore(path, false);
    }
    return new Settings(kafka, config, checkpointInterval, checkpointDir == null ? null : checkpointDir.toString(),
        eventTime.outOfOrderness, idleness, stateBackend, parallelism, stopAtLatest, jobName, restore, maxRate,
        eventTime.maxAhead, kafkaOptions.rulesTopic(), ProbityJob.rulesText(rules));
  }

  /**
   * What a start resumes from: the state named on the command line, else the newest retained
   * checkpoint or savepoint of this job under its checkpoint dir, else nothing (and why).
   */
  public static JobEnvironment.Restore resumePoint(Settings s, PrintStream err) {
    if (s.restore() != null) {
      err.println("probity run: resuming from " + s.restore().path() + " (as given)");
      return s.restore();
    }
    if (s.checkpointDir() == null) {
      err.println("probity run: starting fresh: no --checkpoint-dir, so checkpoints live in memory and a restart of "
          + "this process starts fresh again");
      return null;
    }
    Optional<RetainedState.Snapshot> latest = RetainedState.latest(URI.create(s.checkpointDir()), s.jobName());
    if (latest.isEmpty()) {
      err.println("probity run: starting fresh: no retained checkpoint or savepoint of job '" + s.jobName()
          + "' under " + s.checkpointDir() + " (the sources start from group '" + s.kafka().groupId()
          + "''s committed offsets, else the earliest)");
      return null;
    }
    err.println("probity run: resuming from the " + latest.get().describe());
    // Its own retained checkpoint the job may claim (and delete once subsumed); a savepoint stays.
    return new JobEnvironment.Restore(latest.get().path(), !latest.get().savepoint());
  }

  /** The rules file and a hash of its bytes, so two starts can tell whether their rules differ. */
  private String rulesFile(Settings s) {
    byte[] bytes = s.rulesText().getBytes(java.nio.charset.StandardCharsets.UTF_8);
    String hash = org.probity.connectors.ingest.IngestDecoder.sha256(bytes, bytes.length).substring(0, 12);
    return (rules != null ? rules.toString() : "(shipped defaults)") + " sha256:" + hash;
  }

  private static String describe(Settings s) {
    Map<String, String> parts = new LinkedHashMap<>();
    parts.put("topics", s.kafka().eventTopics().values() + " → " + s.kafka().alertsTopic() + ", "
        + s.kafka().unitStatusTopic() + ", " + s.kafka().deadLetterTopic());
    parts.put("delivery", s.kafka().exactlyOnce() ? "exactly-once (transactional ids " + s.kafka()
        .transactionalIdPrefix() + "*)" : "at-least-once");
    parts.put("checkpoints", (s.checkpointDir() == null ? "in memory" : s.checkpointDir()) + " every "
        + s.checkpointInterval().toMillis() + " ms");
    parts.put("state", s.stateBackend().name().toLowerCase(Locale.ROOT));
    if (!s.kafka().clientProperties().isEmpty()) {
      parts.put("kafka client", org.probity.connectors.kafka.KafkaClientProperties.describe(s.kafka().clientProperties()));
    }
    StringBuilder b = new StringBuilder();
    parts.forEach((k, v) -> b.append(b.length() == 0 ? "" : "; ").append(k).append(' ').append(v));
    return b.toString();
  }

  /** Checks what can be checked before the job starts: Kafka answers, and accepts the transaction timeout. */
  public static void preflight(Settings s) {
    try {
      KafkaConnectors.checkBrokers(s.kafka());
    } catch (IllegalArgumentException e) {
      throw new ConfigException("run: --transaction-timeout: " + e.getMessage());
    } catch (KafkaConnectors.Refused e) {
      throw new ConfigException("run: --kafka-config/--kafka-property: " + e.getMessage());
    } catch (IllegalStateException e) {
      throw new ConfigException("run: --bootstrap-servers: " + e.getMessage());
    }
  }

  static Configuration configuration(Settings s) {
    URI base = s.checkpointDir() == null ? null : URI.create(s.checkpointDir());
    return JobEnvironment.configuration(s.stateBackend(), s.checkpointInterval(),
        base == null ? null : RetainedState.checkpoints(base, s.jobName()),
        base == null ? null : RetainedState.savepoints(base, s.jobName()), s.restore());
  }

  public static StreamExecutionEnvironment environment(Settings s) {
    return JobEnvironment.create(s.parallelism(), configuration(s));
  }

  /** The production wiring: Kafka sources and sinks around {@link ProbityPipeline}. */
  public static void defineWorkflow(StreamExecutionEnvironment env, Settings s) {
    defineWorkflow(env, s, System.err);
  }

  /**
   * As above; the rules history is read whole from the rules topic first (so a restarted job and a
   * replay know every version before their first event), and {@code err} says which version is in force.
   */
  public static void defineWorkflow(StreamExecutionEnvironment env, Settings s, PrintStream err) {
    // The wall clock at decode time bounds how far ahead an event may be dated.
    IngestDecoder decoder = new IngestDecoder(new AvroJson(s.config().zone()),
        IngestLimits.live().withMaxAhead(s.maxAhead()));
    ProbitySources events = ProbitySources.kafka(s.kafka(), decoder, s.outOfOrderness(), s.idleness(),
        s.stopAtLatest(), s.maxRate());
    // A run to the topics' end (a back-fill) is judged by the versions known at its start: it ends
    // with its input, and a version published meanwhile is for the live job.
    ProbitySources sources = s.stopAtLatest() ? events : ProbitySources.withRules(events, s.kafka(), s.rulesTopic());
    ProbityPipeline.defineWorkflow(env, sources,
        new ProbitySinks(KafkaConnectors.alertSink(s.kafka()), KafkaConnectors.deadLetterSink(s.kafka()),
            KafkaConnectors.unitStatusSink(s.kafka())),
        RulesAtStart.read(s.kafka().client(), s.rulesTopic(), s.config(), s.rulesText(), err), RuleSet.all(), true);
  }

  private URI absoluteUri(String option, String v) {
    try {
      URI uri = v.startsWith("/") ? Path.of(v).toUri() : new URI(v);
      if (uri.getScheme() == null || uri.isOpaque() || uri.getPath() == null || !uri.getPath().startsWith("/")) {
        throw new URISyntaxException(v, "relative");
      }
      return uri;
    } catch (URISyntaxException | IllegalArgumentException e) {
      throw new picocli.CommandLine.ParameterException(spec.commandLine(), "Invalid value for option '" + option
          + "': must be an absolute path or URI such as file:///var/lib/probity/checkpoints, got '" + v + "'");
    }
  }

  private <E extends Enum<E>> E choice(String option, Class<E> type, String v) {
    return Cli.choice(spec, option, type, v);
  }
}
