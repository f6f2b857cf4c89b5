package org.probity.jobs.cli;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.CloseableIterator;
import org.probity.connectors.file.JsonLinesWriter;
import org.probity.connectors.ingest.IngestDecoder;
import org.probity.connectors.ingest.IngestLimits;
import org.probity.connectors.json.AvroJson;
import org.probity.jobs.config.ProbityConfig;
import org.probity.jobs.versions.RulesHistory;
import org.probity.jobs.versions.RulesHistoryFile;
import org.probity.jobs.generate.TrafficGenerator;
import org.probity.jobs.pipeline.ProbityOutputs;
import org.probity.jobs.pipeline.ProbityPipeline;
import org.probity.jobs.pipeline.ProbitySources;
import org.probity.jobs.pipeline.SplitDeadLetters;
import org.probity.jobs.rules.RuleSet;
import org.probity.schema.Alert;
import org.probity.schema.DeadLetter;
import org.probity.schema.UnitStatus;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code replay}: a JSON Lines file of events through the same pipeline as {@code run}, bounded,
 * in event time, on a local Flink. The alerts are sorted (event time, alertId, status, severity)
 * before they are written, so the same input gives byte-identical output whatever the
 * parallelism.
 */
@Command(name = "replay", mixinStandardHelpOptions = true, sortOptions = false, usageHelpWidth = 100,
    description = "Replays events (the contract's JSON Lines form) through the full rule set.")
final class ReplayCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  private final PrintStream err;

  Path events;

  @Option(names = "--events", required = true, paramLabel = "FILE", description = "events, one JSON object per line")
  void events(Path p) {
    events = Cli.inputFile(spec, "--events", p);
  }

  Path alertsOut;

  @Option(names = "--alerts", required = true, paramLabel = "OUT",
      description = "alerts written here, sorted, in the contract's JSON form")
  void alerts(Path p) {
    alertsOut = Cli.outputFile(spec, "--alerts", p);
  }

  Path deadOut;

  @Option(names = "--dead-letters", paramLabel = "OUT",
      description = "invalid lines (with line number and reason); default: a line each on stderr")
  void deadLetters(Path p) {
    deadOut = Cli.outputFile(spec, "--dead-letters", p);
  }

  Path statusOut;

  @Option(names = "--unit-status", paramLabel = "OUT",
      description = "the units' integrity index (廉情指数) each time it changes")
  void unitStatus(Path p) {
    statusOut = Cli.outputFile(spec, "--unit-status", p);
  }

  @Option(names = "--rules", paramLabel = "FILE", description = "the rules file (default: the one shipped in the jar)")
  Path rules;

  @Option(names = "--until", paramLabel = "TIME", description = {
      "the replay's clock, e.g. 2025-11-01T00:00:00+08:00: time-based rules fire only up to it",
      "(default: the input's last event time)"})
  Instant until;

  @Mixin EventTimeOptions eventTime = new EventTimeOptions();

  int parallelism;

  @Option(names = "--rules-history", paramLabel = "FILE", description = {
      "the versions of the rules published on the rules topic (probity rules export), each judging",
      "from its effectiveFrom: the day replays with the rules of that day (default: --rules alone)"})
  Path rulesHistory;

  @Option(names = "--parallelism", paramLabel = "N", defaultValue = "2", description = "(default ${DEFAULT-VALUE})")
  void parallelism(int v) {
    parallelism = Cli.range(spec, "--parallelism", v, 1, 256);
  }

  ReplayCommand(PrintStream err) {
    this.err = err;
  }

  @Override
  public Integer call() throws Exception {
    ProbityConfig config = ProbityJob.loadRules(rules);
    RulesHistory history = RulesHistory.startingWith(config, ProbityJob.rulesText(rules));
    if (rulesHistory != null) {
      Cli.inputFile(spec, "--rules-history", rulesHistory);
      RulesHistory.Built built = RulesHistory.of(RulesHistoryFile.read(rulesHistory, config.zone()), config,
          ProbityJob.rulesText(rules));
      built.refused().forEach(r -> err.println("replay: rules version " + r.version().getVersion()
          + " is not applied (as the live job refused it): " + r.reason()));
      history = built.history().withStructureOf(config);
      err.println("replay: " + history.versions().size() + " versions of the rules from " + rulesHistory);
    }
    // One fixed reference for the whole file, so the bound does not move while the replay runs.
    IngestLimits limits = IngestLimits.replay(Instant.now()).withMaxAhead(eventTime.maxAhead);
    Result result = replay(history, events, until, eventTime.outOfOrderness, parallelism, limits, err);
    AvroJson json = new AvroJson(config.zone());
    try (JsonLinesWriter w = new JsonLinesWriter(alertsOut, json)) {
      result.alerts().forEach(w::write);
    }
    if (deadOut != null) {
      try (JsonLinesWriter w = new JsonLinesWriter(deadOut, json)) {
        result.deadLetters().forEach(w::write);
      }
    }
    if (statusOut != null) {
      try (JsonLinesWriter w = new JsonLinesWriter(statusOut, json)) {
        result.unitStatus().forEach(w::write);
      }
    }
    for (DeadLetter d : deadOut == null ? result.deadLetters() : List.<DeadLetter>of()) {
      err.println("dead letter: line " + d.getLineNumber() + ": " + d.getError());
    }
    Map<String, Integer> byRule = new TreeMap<>();
    result.alerts().forEach(a -> byRule.merge(a.getRuleId(), 1, Integer::sum));
    err.printf("replay: %d events, %d dead letters, %d alert records %s, %.1f s%n", result.events(),
        result.deadLetters().size(), result.alerts().size(), byRule, result.elapsed().toMillis() / 1000.0);
    return 0;
  }

  /** The replay's output, sorted. */
  record Result(List<Alert> alerts, List<DeadLetter> deadLetters, List<UnitStatus> unitStatus, long events,
      Duration elapsed) {}

  static Result replay(ProbityConfig config, Path events, Instant until, Duration outOfOrderness, int parallelism,
      PrintStream progress) throws Exception {
    return replay(config, events, until, outOfOrderness, parallelism,
        IngestLimits.replay(Instant.now()), progress);
  }

  static Result replay(ProbityConfig config, Path events, Instant until, Duration outOfOrderness, int parallelism,
      IngestLimits limits, PrintStream progress) throws Exception {
    return replay(RulesHistory.startingWith(config, ""), events, until, outOfOrderness, parallelism, limits, progress);
  }

  /** The replay of {@code events} judged by the versions of {@code history}, each from its effectiveFrom. */
  static Result replay(RulesHistory history, Path events, Instant until, Duration outOfOrderness, int parallelism,
      IngestLimits limits, PrintStream progress) throws Exception {
    try (JobEnvironment.LocalCluster cluster = JobEnvironment.LocalCluster.start(parallelism,
        JobEnvironment.StateBackend.HASHMAP)) {
      return replay(cluster.env(), history, events, until, outOfOrderness, limits, progress);
    }
  }

  private static Result replay(StreamExecutionEnvironment env, RulesHistory history, Path events, Instant until,
      Duration outOfOrderness, IngestLimits limits, PrintStream progress) throws Exception {
    long started = System.nanoTime();
    ProbityConfig config = history.first().config();
    IngestDecoder decoder = new IngestDecoder(new AvroJson(config.zone()), limits);
    ProbitySources sources = ProbitySources.jsonLines(new org.apache.flink.core.fs.Path(events.toUri()), decoder,
        outOfOrderness, until == null ? null : until.toEpochMilli());
    ProbityOutputs outputs = ProbityPipeline.build(sources.events(env), history, null, RuleSet.all(), false,
        java.util.Map.of());
    CloseableIterator<Alert> alertIt = outputs.alerts().collectAsync();
    CloseableIterator<DeadLetter> deadIt = outputs.deadLetters().collectAsync();
    CloseableIterator<UnitStatus> statusIt = outputs.unitStatus().collectAsync();
    JobClient job = env.executeAsync("probity replay " + events.getFileName());

    CompletableFuture<List<DeadLetter>> dead = CompletableFuture.supplyAsync(() -> ProbityOutputs.drain(deadIt));
    CompletableFuture<List<UnitStatus>> status = CompletableFuture.supplyAsync(() -> ProbityOutputs.drain(statusIt));
    List<Alert> alerts = new ArrayList<>();
    ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "replay-progress");
      t.setDaemon(true);
      return t;
    });
    ticker.scheduleAtFixedRate(() -> reportProgress(job, started, progress), 5, 5, TimeUnit.SECONDS);
    try {
      while (alertIt.hasNext()) {
        alerts.add(alertIt.next());
      }
    } finally {
      ticker.shutdownNow();
      alertIt.close();
    }
    List<DeadLetter> deadLetters = new ArrayList<>(dead.get());
    List<UnitStatus> unitStatus = new ArrayList<>(status.get());
    unitStatus.sort(Comparator.comparing(UnitStatus::getAsOf).thenComparing(UnitStatus::getUnitId));
    Map<String, Object> accumulators = job.getJobExecutionResult().get().getAllAccumulatorResults();
    Object count = accumulators.get(SplitDeadLetters.EVENTS);
    alerts.sort(TrafficGenerator.ALERT_ORDER);
    deadLetters.sort(Comparator.comparing(DeadLetter::getLineNumber, Comparator.nullsLast(Comparator.naturalOrder())));
    return new Result(alerts, deadLetters, unitStatus, count == null ? 0 : ((Number) count).longValue(),
        Duration.ofNanos(System.nanoTime() - started));
  }

  /** One progress line from the running job's accumulators: events read so far and the rate. */
  private static void reportProgress(JobClient job, long started, PrintStream progress) {
    try {
      Object events = job.getAccumulators().get(5, TimeUnit.SECONDS).get(SplitDeadLetters.EVENTS);
      double seconds = (System.nanoTime() - started) / 1e9;
      long n = events == null ? 0 : ((Number) events).longValue();
      progress.printf("replay: %,d events read, %,.0f events/s, %.0f s%n", n, n / seconds, seconds);
    } catch (Exception e) {
      // The job may be finishing; the final summary follows.
    }
  }
}
