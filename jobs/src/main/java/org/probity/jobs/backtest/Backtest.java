package org.probity.jobs.backtest;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.apache.flink.api.dag.Transformation;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.CloseableIterator;
import org.probity.connectors.ingest.IngestDecoder;
import org.probity.connectors.ingest.IngestLimits;
import org.probity.connectors.ingest.Ingested;
import org.probity.connectors.json.AvroJson;
import org.probity.jobs.cli.JobEnvironment;
import org.probity.jobs.config.ProbityConfig;
import org.probity.jobs.pipeline.ProbityOutputs;
import org.probity.jobs.pipeline.ProbityPipeline;
import org.probity.jobs.pipeline.ProbitySources;
import org.probity.jobs.rules.RuleSet;
import org.probity.schema.Alert;
import org.probity.schema.DeadLetter;

/**
 * What a rules version would have changed: one history judged by two versions in one Flink job, the
 * events read once (as {@code replay} reads them, a bad line a dead letter) and fed to two arms of
 * the full pipeline, one per version, then the alerts compared ({@link AlertComparison}). One job
 * rather than two replays: the file is read and decoded once, and both arms see the same events in
 * the same order with the same watermarks, by construction.
 */
public final class Backtest {
  /** As {@code replay}'s defaults: the out-of-orderness bound and the parallelism. */
  static final Duration OUT_OF_ORDERNESS = Duration.ofMinutes(2);
  static final int PARALLELISM = 2;
  /** Suffix of the uids of the second arm's operators. */
  static final String AGAINST = "@against";

  private Backtest() {}

  /** As {@link #run(Path, ProbityConfig, ProbityConfig, Instant, Instant)}, the events given as lines. */
  public static BacktestReport run(List<String> eventJsonLines, ProbityConfig old, ProbityConfig against, Instant from,
      Instant until) {
    Path file = null;
    try {
      file = Files.createTempFile("probity-backtest-", ".jsonl");
      Files.write(file, eventJsonLines, StandardCharsets.UTF_8);
      return run(file, old, against, from, until);
    } catch (IOException e) {
      throw new UncheckedIOException("backtest: cannot write the events to a temporary file", e);
    } finally {
      if (file != null) {
        try {
          Files.deleteIfExists(file);
        } catch (IOException e) {
          // A file in the temporary folder; nothing depends on it being gone.
        }
      }
    }
  }

  /**
   * The alerts of the events of {@code eventsJsonl} with an event time in {@code [from, until)}
   * ({@code null}: unbounded) under {@code old} and under {@code against}, compared. The clock
   * stops at {@code until} (without it, at the last event time), as {@code replay --until}'s does.
   */
  public static BacktestReport run(Path eventsJsonl, ProbityConfig old, ProbityConfig against, Instant from,
      Instant until) {
    try (JobEnvironment.LocalCluster cluster = JobEnvironment.LocalCluster.start(PARALLELISM,
        JobEnvironment.StateBackend.HASHMAP)) {
      return run(cluster.env(), eventsJsonl, old, against, from, until);
    } catch (RuntimeException e) {
      throw e;
    } catch (Exception e) {
      throw new IllegalStateException("backtest of " + eventsJsonl + " failed: " + e.getMessage(), e);
    }
  }

  private static BacktestReport run(StreamExecutionEnvironment env, Path events, ProbityConfig old,
      ProbityConfig against, Instant from, Instant until) throws Exception {
    IngestDecoder decoder = new IngestDecoder(new AvroJson(old.zone()), IngestLimits.replay(Instant.now()));
    DataStream<Ingested> read = ProbitySources.jsonLines(new org.apache.flink.core.fs.Path(events.toUri()), decoder,
        OUT_OF_ORDERNESS, until == null ? null : until.toEpochMilli()).events(env);
    Long fromMillis = from == null ? null : from.toEpochMilli();
    Long untilMillis = until == null ? null : until.toEpochMilli();

    ProbityOutputs oldArm = ProbityPipeline.build(read
        .filter(new EventRange(fromMillis, untilMillis, "backtest.events.old")).setParallelism(1)
        .name("events in range (old rules)"), old, RuleSet.all(), false);
    CloseableIterator<Alert> oldAlerts = oldArm.alerts().collectAsync();
    CloseableIterator<DeadLetter> deadLetters = oldArm.deadLetters().collectAsync();

    Set<Transformation<?>> beforeAgainst = reachable(env.getTransformations());
    // Its own chain: the arms' first operators, chained to one task, would share its accumulators
    // and both register the pipeline's event counter, which Flink refuses.
    ProbityOutputs againstArm = ProbityPipeline.build(read
        .filter(new EventRange(fromMillis, untilMillis, "backtest.events.against")).setParallelism(1)
        .name("events in range (new rules)").startNewChain(), against, RuleSet.all(), false);
    CloseableIterator<Alert> againstAlerts = againstArm.alerts().collectAsync();
    // The pipeline gives its stateful operators fixed uids, which must be unique in a job: the
    // second arm's (the transformations it added, found from the job's sinks back through their
    // inputs) get a suffix. A backtest is never restored from a savepoint, so no uid has to stay.
    for (Transformation<?> t : reachable(env.getTransformations())) {
      if (!beforeAgainst.contains(t) && t.getUid() != null) {
        t.setUid(t.getUid() + AGAINST);
      }
    }

    JobClient job = env.executeAsync("probity backtest " + events.getFileName());
    CompletableFuture<List<Alert>> oldResult = CompletableFuture.supplyAsync(() -> ProbityOutputs.drain(oldAlerts));
    CompletableFuture<List<DeadLetter>> deadResult = CompletableFuture.supplyAsync(() -> ProbityOutputs.drain(deadLetters));
    List<Alert> againstResult = ProbityOutputs.drain(againstAlerts);
    List<Alert> oldList = oldResult.get();
    int dead = deadResult.get().size();
    Object count = job.getJobExecutionResult().get().getAllAccumulatorResults().get("backtest.events.old");
    long judged = count == null ? 0 : ((Number) count).longValue();
    return AlertComparison.between(oldList, againstResult,
        new BacktestReport.Scope(from, until, judged, dead, old.zone()));
  }

  /** Every transformation of {@code roots} and their inputs, transitively. */
  private static Set<Transformation<?>> reachable(List<Transformation<?>> roots) {
    Set<Transformation<?>> seen = new HashSet<>();
    List<Transformation<?>> todo = new ArrayList<>(roots);
    while (!todo.isEmpty()) {
      Transformation<?> t = todo.remove(todo.size() - 1);
      if (seen.add(t)) {
        todo.addAll(t.getInputs());
      }
    }
    return seen;
  }
}
