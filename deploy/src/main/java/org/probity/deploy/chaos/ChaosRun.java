package org.probity.deploy.chaos;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.probity.connectors.kafka.EmbeddedKafka;
import org.probity.connectors.kafka.KafkaSettings;
import org.probity.deploy.KafkaAlerts;
import org.probity.jobs.config.RulesFile;
import org.probity.jobs.generate.GeneratorSettings;
import org.probity.jobs.generate.KafkaTraffic;
import org.probity.jobs.generate.TrafficGenerator;
import org.probity.schema.Alert;

/**
 * The restart the case system must survive, as an operator would cause it: a real KRaft broker
 * (in this process), {@code probity run} as a child JVM on generated traffic with its ground truth,
 * the child killed with SIGKILL again and again — right after a checkpoint completes, while one is
 * in progress, at random instants — and started again with the same command each time; then a
 * {@code read_committed} reader's view is compared with the ground truth. Used by the chaos test
 * (three kills) and the soak ({@code deploy/soak --kills N}).
 */
public final class ChaosRun {
  /** How a kill was timed; cycled through in this order. */
  public enum Kill { AFTER_CHECKPOINT, DURING_CHECKPOINT, RANDOM }

  /** What one kill hit: its kind as planned and as observed. */
  public record KillReport(int attempt, Kill planned, String observed, double secondsIntoAttempt) {}

  /** The figures of a run. */
  public record Figures(List<KillReport> kills, int truth, int seen, int lost, int unexpected, int duplicated,
      int outOfOrder, int raisedTwice, int resumed, Duration elapsed) {
    public boolean exact() {
      return lost == 0 && unexpected == 0 && duplicated == 0 && outOfOrder == 0 && raisedTwice == 0 && seen == truth;
    }

    public String summary() {
      return String.format("chaos: %d kills survived %s; %d restarts resumed from a checkpoint; alert records: %d "
              + "expected, %d seen, %d lost, %d unexpected, %d duplicated, %d out of lifecycle order, %d RAISED twice; "
              + "%.0f s", kills.size(), kills.stream().map(k -> k.observed()).collect(Collectors.groupingBy(
                  Function.identity(), java.util.TreeMap::new, Collectors.counting())), resumed, truth, seen, lost,
          unexpected, duplicated, outOfOrder, raisedTwice, elapsed.toMillis() / 1000.0);
    }
  }

  /** The traffic and the pace; a run's input lasts about {@code seconds} of processing. */
  public record Plan(int kills, long seed, int days, double violationRate, int seconds) {
    public static Plan of(int kills, long seed) {
      return new Plan(kills, seed, 60, 0.08, Math.max(20, 6 * kills + 10));
    }
  }

  private final Path work;
  private final PrintStream log;

  public ChaosRun(Path work, PrintStream log) {
    this.work = work;
    this.log = log;
  }

  /** What a run starts from: the broker, its topics, the traffic's ground truth and the job's command. */
  private record Stage(EmbeddedKafka kafka, KafkaSettings topics, List<Alert> truth, Path checkpoints,
      List<String> command) implements AutoCloseable {
    @Override
    public void close() throws Exception {
      kafka.close();
    }
  }

  /** A broker with the contract's topics, the plan's traffic produced to it, and the command that reads it. */
  private Stage stage(Plan plan) throws Exception {
    EmbeddedKafka kafka = EmbeddedKafka.start(work.resolve("kafka"));
    try {
      KafkaSettings topics = KafkaSettings.defaults(kafka.bootstrapServers());
      kafka.createTopics(topics, 2);
      Traffic traffic = produce(kafka, topics, plan, log);
      List<Alert> truth = traffic.truth();
      int rate = traffic.rate();
      Path checkpoints = work.resolve("checkpoints");
      Path log4j = work.resolve("log4j2-chaos.properties");
      Files.writeString(log4j, LOG_CONFIG);
      return new Stage(kafka, topics, truth, checkpoints, command(kafka.bootstrapServers(), checkpoints, rate, log4j));
    } catch (Exception e) {
      kafka.close();
      throw e;
    }
  }

  /** Traffic produced to a broker: its ground truth, and the per-topic rate that makes it last the plan's seconds. */
  public record Traffic(long events, List<Alert> truth, int rate) {}

  /** The plan's generated traffic on {@code topics}, with the alert records it must raise. */
  public static Traffic produce(EmbeddedKafka kafka, KafkaSettings topics, Plan plan, PrintStream log)
      throws Exception {
    return produce(kafka, topics, plan, 0, log);
  }

  /** As above, the first {@code duplicates} events sent twice in a row (an upstream retry: ignored). */
  public static Traffic produce(EmbeddedKafka kafka, KafkaSettings topics, Plan plan, int duplicates,
      PrintStream log) throws Exception {
    TrafficGenerator generator = new TrafficGenerator(RulesFile.defaults(), GeneratorSettings.DEFAULTS
        .withSeed(plan.seed()).withDays(plan.days()).withViolationRate(plan.violationRate()).withDisorderSeconds(60));
    long[] events = new long[1];
    KafkaTraffic.produce(() -> twice(generator.iterator(), duplicates), topics, 0, e -> events[0]++);
    List<Alert> truth = generator.groundTruth(Instant.MAX);
    // Per topic; approvals are about half the traffic, so the input lasts about plan.seconds().
    int rate = (int) Math.max(50, events[0] / 2 / plan.seconds());
    log.printf("chaos: %d events on %s, %d ground-truth alert records, the job reads %d events/s%n", events[0],
        kafka.bootstrapServers(), truth.size(), rate);
    return new Traffic(events[0], truth, rate);
  }

  private static <T> java.util.Iterator<T> twice(java.util.Iterator<T> events, int first) {
    return new java.util.Iterator<>() {
      private int yielded;
      private T again;

      @Override
      public boolean hasNext() {
        return again != null || events.hasNext();
      }

      @Override
      public T next() {
        T e = again != null ? again : events.next();
        again = again == null && yielded++ < first ? e : null;
        return e;
      }
    };
  }

  public Figures run(Plan plan) throws Exception {
    long started = System.nanoTime();
    Random random = new Random(plan.seed());
    try (Stage stage = stage(plan)) {
      EmbeddedKafka kafka = stage.kafka();
      KafkaSettings topics = stage.topics();
      List<Alert> truth = stage.truth();
      Path checkpoints = stage.checkpoints();
      List<String> command = stage.command();
      List<KillReport> kills = new ArrayList<>();
      int resumed = 0;
      for (int attempt = 0; ; attempt++) {
        Path out = work.resolve("run-" + attempt + ".log");
        Process job = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(out.toFile()).start();
        long attemptStart = System.nanoTime();
        try {
          awaitLine(job, out, "probity run: job '", Duration.ofMinutes(2));
          if (Files.readString(out).contains("probity run: resuming from")) {
            resumed++;
          }
          if (attempt == plan.kills()) {
            if (!job.waitFor(5, TimeUnit.MINUTES)) {
              throw new IllegalStateException("the last run did not finish in 5 min; see " + out);
            }
            if (job.exitValue() != 0) {
              throw new IllegalStateException("the last run failed with exit code " + job.exitValue() + "; see " + out);
            }
            break;
          }
          Kill planned = Kill.values()[attempt % Kill.values().length];
          String observed = killAt(job, planned, checkpoints, random, attemptStart);
          kills.add(new KillReport(attempt, planned, observed, (System.nanoTime() - attemptStart) / 1e9));
          log.printf("chaos: run %d killed (%s) %.1f s after it started%n", attempt, observed,
              (System.nanoTime() - attemptStart) / 1e9);
        } finally {
          job.destroyForcibly();
          job.waitFor(1, TimeUnit.MINUTES);
        }
      }
      List<KafkaAlerts.Seen> seen = KafkaAlerts.readAll(kafka.bootstrapServers(), topics.alertsTopic(),
          alertSchema());
      return compare(kills, truth, seen, resumed, Duration.ofNanos(System.nanoTime() - started));
    }
  }

  /**
   * A planned restart: {@code probity run} as a child JVM, stopped with {@code probity stop
   * --savepoint} through the REST address it printed, started again with the same command (it must
   * say it resumes from that savepoint) and left to finish; the figures compare the read_committed
   * view with the ground truth.
   */
  public Figures plannedStop(Plan plan) throws Exception {
    long started = System.nanoTime();
    try (Stage stage = stage(plan)) {
      EmbeddedKafka kafka = stage.kafka();
      KafkaSettings topics = stage.topics();
      List<Alert> truth = stage.truth();
      Path checkpoints = stage.checkpoints();
      List<String> command = stage.command();
      int resumed = 0;
      for (int attempt = 0; attempt < 2; attempt++) {
        Path out = work.resolve("run-" + attempt + ".log");
        Process job = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(out.toFile()).start();
        try {
          awaitLine(job, out, "probity run: Flink REST API at http://", Duration.ofMinutes(2));
          if (attempt == 0) {
            String text = Files.readString(out);
            int at = text.indexOf("probity run: Flink REST API at http://") + "probity run: Flink REST API at http://".length();
            String address = text.substring(at, text.indexOf(' ', at));
            Instant since = Instant.now();
            long deadline = System.nanoTime() + Duration.ofMinutes(1).toNanos();
            while (completedSince(checkpoints, since).isEmpty() && System.nanoTime() < deadline) {
              Thread.sleep(20);
            }
            java.io.ByteArrayOutputStream said = new java.io.ByteArrayOutputStream();
            int code = org.probity.jobs.cli.ProbityJob.execute(new String[] {"stop", "--rest-address", address,
                "--job-name", "chaos", "--savepoint"}, log, new PrintStream(said, true));
            log.print(said);
            if (code != 0 || !said.toString().contains("stopped with savepoint")) {
              throw new IllegalStateException("probity stop --savepoint failed (" + code + "): " + said);
            }
          } else if (Files.readString(out).contains("probity run: resuming from the savepoint")) {
            resumed++;
          }
          if (!job.waitFor(5, TimeUnit.MINUTES) || job.exitValue() != 0) {
            throw new IllegalStateException("run " + attempt + " did not end well; see " + out);
          }
        } finally {
          job.destroyForcibly();
          job.waitFor(1, TimeUnit.MINUTES);
        }
      }
      List<KafkaAlerts.Seen> seen = KafkaAlerts.readAll(kafka.bootstrapServers(), topics.alertsTopic(),
          alertSchema());
      return compare(List.of(), truth, seen, resumed, Duration.ofNanos(System.nanoTime() - started));
    }
  }

  /** The job's own lines, its restarts and its checkpoints: what to read when a chaos run fails. */
  public static final String LOG_CONFIG = String.join("\n",
      "rootLogger.level = WARN", "rootLogger.appenderRef.console.ref = console", "appender.console.type = Console",
      "appender.console.name = console", "appender.console.layout.type = PatternLayout",
      "appender.console.layout.pattern = %d{HH:mm:ss.SSS} %-5p %c{1} - %m%n",
      "logger.kafka.name = org.apache.kafka", "logger.kafka.level = ERROR",
      "logger.checkpoints.name = org.apache.flink.runtime.checkpoint.CheckpointCoordinator",
      "logger.checkpoints.level = INFO",
      "logger.graph.name = org.apache.flink.runtime.executiongraph.ExecutionGraph", "logger.graph.level = INFO", "");

  /** The same command every time, as an operator restarts a service. */
  private static List<String> command(String bootstrap, Path checkpoints, int rate, Path log4j) {
    return probity(log4j, "run", "--bootstrap-servers", bootstrap, "--job-name", "chaos",
        "--checkpoint-dir", checkpoints.toUri().toString(), "--checkpoint-interval", "500ms",
        "--transaction-timeout", "30s", "--parallelism", "2", "--idleness", "5m", "--stop-at-latest",
        "--max-rate", Integer.toString(rate));
  }

  /** {@code probity ARGS} in a JVM of its own, on this JVM's class path, logging by {@code log4j}. */
  public static List<String> probity(Path log4j, String... args) {
    List<String> c = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx768m", "-XX:+UseSerialGC", "--add-opens=java.base/java.util=ALL-UNNAMED",
        "--add-opens=java.base/java.lang=ALL-UNNAMED", "--add-opens=java.base/java.time=ALL-UNNAMED",
        "-Dlog4j2.configurationFile=" + log4j.toUri(),
        "-cp", System.getProperty("surefire.test.class.path", System.getProperty("java.class.path")),
        "org.probity.jobs.cli.ProbityJob"));
    c.addAll(List.of(args));
    return c;
  }

  /** Waits for the timing {@code planned} asks for, then SIGKILLs the job; returns what it hit. */
  private String killAt(Process job, Kill planned, Path checkpoints, Random random, long attemptStart)
      throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    Instant since = Instant.now();
    if (planned == Kill.RANDOM) {
      Thread.sleep(1000 + random.nextInt(6000));
      String during = inProgress(checkpoints).isPresent() ? " (a checkpoint was in progress)" : "";
      job.destroyForcibly();
      return "random" + during;
    }
    while (System.nanoTime() < deadline && job.isAlive()) {
      if (planned == Kill.AFTER_CHECKPOINT) {
        Optional<Path> done = completedSince(checkpoints, since);
        if (done.isPresent()) {
          job.destroyForcibly();
          return "right after checkpoint";
        }
      } else {
        Optional<Path> running = inProgress(checkpoints);
        if (running.isPresent() && (System.nanoTime() - attemptStart) > 3_000_000_000L) {
          job.destroyForcibly();
          job.waitFor(1, TimeUnit.MINUTES);
          return Files.exists(running.get().resolve("_metadata")) ? "right after checkpoint"
              : "during checkpoint";
        }
      }
      Thread.onSpinWait();
    }
    if (!job.isAlive()) {
      throw new IllegalStateException("the job ended before it could be killed (" + planned + "): raise the plan's "
          + "seconds");
    }
    job.destroyForcibly();
    return "random (no " + planned.name().toLowerCase() + " seen in 30 s)";
  }

  private static Optional<Path> completedSince(Path checkpoints, Instant since) throws IOException {
    return checkpointFolders(checkpoints).filter(p -> {
      try {
        Path m = p.resolve("_metadata");
        return Files.exists(m) && Files.getLastModifiedTime(m).toInstant().isAfter(since);
      } catch (IOException e) {
        return false; // subsumed and deleted meanwhile
      }
    }).findAny();
  }

  private static Optional<Path> inProgress(Path checkpoints) throws IOException {
    return checkpointFolders(checkpoints).filter(p -> !Files.exists(p.resolve("_metadata"))).findAny();
  }

  /** {@code checkpoints/chaos/checkpoints/JOB_ID/chk-N}. */
  private static Stream<Path> checkpointFolders(Path checkpoints) throws IOException {
    Path root = checkpoints.resolve("chaos").resolve("checkpoints");
    if (!Files.isDirectory(root)) {
      return Stream.empty();
    }
    List<Path> found = new ArrayList<>();
    try (Stream<Path> jobs = Files.list(root)) {
      for (Path jobFolder : jobs.toList()) {
        try (Stream<Path> chk = Files.list(jobFolder)) {
          chk.filter(p -> p.getFileName().toString().startsWith("chk-")).forEach(found::add);
        } catch (IOException e) {
          // a folder deleted while listed
        }
      }
    }
    return found.stream();
  }

  private static void awaitLine(Process job, Path out, String line, Duration timeout) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (Files.exists(out) && Files.readString(out).contains(line)) {
        return;
      }
      if (!job.isAlive()) {
        throw new IllegalStateException("probity run exited with " + job.exitValue() + " before '" + line + "': "
            + Files.readString(out));
      }
      Thread.sleep(20);
    }
    throw new IllegalStateException("probity run did not print '" + line + "' within " + timeout + "; see " + out);
  }

  public Path alertSchema() throws IOException {
    Path schema = work.resolve("Alert.avsc");
    Files.writeString(schema, Alert.getClassSchema().toString(true));
    return schema;
  }

  public static Figures compare(List<KillReport> kills, List<Alert> truth, List<KafkaAlerts.Seen> seen, int resumed,
      Duration elapsed) {
    Map<String, Long> expected = truth.stream().map(KafkaAlerts::comparable)
        .collect(Collectors.groupingBy(Function.identity(), Collectors.counting()));
    Map<String, Long> got = seen.stream().map(KafkaAlerts.Seen::comparable)
        .collect(Collectors.groupingBy(Function.identity(), Collectors.counting()));
    int lost = 0;
    int unexpected = 0;
    int duplicated = 0;
    for (Map.Entry<String, Long> e : expected.entrySet()) {
      lost += Math.max(0, e.getValue() - got.getOrDefault(e.getKey(), 0L));
    }
    for (Map.Entry<String, Long> e : got.entrySet()) {
      long want = expected.getOrDefault(e.getKey(), 0L);
      if (want == 0) {
        unexpected += e.getValue();
      } else {
        duplicated += Math.max(0, e.getValue() - want);
      }
    }
    int outOfOrder = 0;
    int raisedTwice = 0;
    Map<String, List<KafkaAlerts.Seen>> byAlert = new HashMap<>();
    seen.forEach(s -> byAlert.computeIfAbsent(s.alertId(), k -> new ArrayList<>()).add(s));
    for (List<KafkaAlerts.Seen> records : byAlert.values()) {
      if (records.stream().map(KafkaAlerts.Seen::partition).distinct().count() > 1
          || !records.get(0).status().equals("RAISED")) {
        outOfOrder++;
      }
      long raised = records.stream().filter(r -> r.status().equals("RAISED")).count();
      if (raised > 1) {
        raisedTwice++;
      }
      for (int i = 1; i < records.size(); i++) {
        if (records.get(i - 1).status().equals("RESOLVED")) {
          outOfOrder++;
          break;
        }
      }
    }
    return new Figures(kills, truth.size(), seen.size(), lost, unexpected, duplicated, outOfOrder, raisedTwice,
        resumed, elapsed);
  }
}
