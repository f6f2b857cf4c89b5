package org.probity.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.probity.connectors.ingest.IngestDecoder;
import org.probity.connectors.ingest.Ingested;
import org.probity.connectors.json.AvroJson;
import org.probity.connectors.kafka.KafkaConnectors;
import org.probity.jobs.cli.JobEnvironment;
import org.probity.jobs.config.ProbityConfig;
import org.probity.jobs.pipeline.ProbityPipeline;
import org.probity.jobs.pipeline.ProbitySinks;
import org.probity.jobs.pipeline.ProbitySources;
import org.probity.jobs.rules.Rule;

/**
 * One in-process run of a job — normally the production pipeline ({@link #probity}: {@link
 * ProbityPipeline#defineWorkflow} with {@code RuleSet.all()}) — in the production {@link
 * JobEnvironment}, on pre-encoded events decoded in the source as the Kafka source does, with
 * checkpoints to a local directory at the production interval. Only the Kafka connectors are
 * replaced: by {@link EncodedEventSource} and {@link ProbeSink}s.
 *
 * <p>The input from {@code marks[0]} on is cut into timed segments at the marks; the last segment
 * ends when every sink has seen the end of the input. Readers may pause at marks (see {@link
 * RunProbe}); {@code atPause} runs while they wait. A run still going at its budget is cancelled;
 * its result then has the segments it completed and a {@link Result#cut} sample of the rest.
 */
final class InProcessRun {
  /** The production defaults of {@code probity run}. */
  static final Duration OUT_OF_ORDERNESS = Duration.ofMinutes(2);
  static final Duration IDLENESS = Duration.ofMinutes(1);
  static final Duration CHECKPOINT_INTERVAL = Duration.ofSeconds(10);
  static final String ALERTS = "alerts";

  /**
   * What a run measured.
   *
   * @param segments one sample per completed timed segment
   * @param cut when the budget ended the run: the events, time and CPU from the start of the
   *     segment it was in (or of the run, if it had not reached the first mark) to the cut; else null
   * @param cutInWarmup whether the cut came before the first mark
   * @param marksReached how many marks every reader passed
   * @param records the keys of the alert records (see {@link AlertRecords}), where the sink keeps them
   */
  record Result(List<Sample> segments, Sample cut, boolean cutInWarmup, int marksReached, long alerts,
      List<String> records) {
    boolean complete() {
      return cut == null;
    }
  }

  /** Called at each pause mark with the running job's id and the mark's index. */
  @FunctionalInterface
  interface PauseAction {
    void at(JobID job, int mark) throws Exception;
  }

  /** What runs between the source and the probe sinks: the sinks count into the probe {@code probeId}. */
  @FunctionalInterface
  interface Job {
    void define(StreamExecutionEnvironment env, ProbitySources sources, String probeId) throws Exception;
  }

  private InProcessRun() {}

  /** The production pipeline with {@code rules}, as {@code probity run} builds it around its Kafka connectors. */
  static Job probity(ProbityConfig config, List<Rule> rules) {
    return (env, sources, id) -> ProbityPipeline.defineWorkflow(env, sources,
        new ProbitySinks(new ProbeSink<>(id, ALERTS, AlertRecords::record), new ProbeSink<>(id, "dead letters"),
            new ProbeSink<>(id, "unit status")),
        config, rules, true);
  }

  static Result run(BenchCluster cluster, EncodedEvents events, ProbityConfig config, Job job, int parallelism,
      JobEnvironment.StateBackend backend, int[] marks, boolean[] pauses, PauseAction atPause, Duration budget)
      throws Exception {
    String id = "inprocess-" + UUID.randomUUID();
    RunProbe probe = RunProbe.register(id, events, parallelism, marks, pauses);
    Path checkpoints = Files.createTempDirectory("probity-bench-checkpoints");
    try {
      cluster.useFor(parallelism);
      StreamExecutionEnvironment env = JobEnvironment.create(parallelism, backend, CHECKPOINT_INTERVAL,
          checkpoints.toUri().toString());
      IngestDecoder decoder = new IngestDecoder(new AvroJson(config.zone()));
      ProbitySources sources = e -> e
          .fromSource(new EncodedEventSource(id, decoder), KafkaConnectors.watermarks(OUT_OF_ORDERNESS, IDLENESS),
              "bench events", TypeInformation.of(Ingested.class))
          .transform("hold clock at last event", TypeInformation.of(Ingested.class), new HoldClockAtLastEvent());
      job.define(env, sources, id);
      long startWall = System.nanoTime();
      long startCpu = RunProbe.cpuNanos();
      long deadline = startWall + budget.toNanos();
      JobClient client = env.executeAsync("probity bench " + backend + " p" + parallelism);
      boolean finished = false;
      try {
        for (int m = 0; m < marks.length; m++) {
          if (pauses[m]) {
            probe.awaitPause(m, secondsUntil(deadline));
            atPause.at(client.getJobID(), m);
            probe.release(m);
          }
        }
        client.getJobExecutionResult().get(secondsUntil(deadline), TimeUnit.SECONDS);
        finished = true;
      } catch (TimeoutException e) {
        BenchCluster.cancel(client);
      }
      return result(probe, events, marks, finished, startWall, startCpu);
    } finally {
      probe.unregister();
      BenchCluster.deleteScratch(checkpoints);
    }
  }

  private static long secondsUntil(long deadlineNanos) {
    return Math.max(1, (deadlineNanos - System.nanoTime()) / 1_000_000_000L);
  }

  private static Result result(RunProbe probe, EncodedEvents events, int[] marks, boolean finished, long startWall,
      long startCpu) {
    int reached = 0;
    while (reached < marks.length && probe.reached(reached)) {
      reached++;
    }
    List<Sample> segments = new ArrayList<>();
    for (int m = 0; m < reached; m++) {
      boolean last = m == marks.length - 1;
      if (!last && m + 1 >= reached) {
        break;
      }
      if (last && !finished) {
        break;
      }
      long endWall = last ? probe.endWallNanos() : probe.arrivalWallNanos(m + 1);
      long endCpu = last ? probe.endCpuNanos() : probe.arrivalCpuNanos(m + 1);
      int endIndex = last ? events.size() : marks[m + 1];
      segments.add(new Sample(endIndex - marks[m], endWall - probe.startWallNanos(m),
          endCpu - probe.startCpuNanos(m)));
    }
    if (finished) {
      return new Result(segments, null, false, reached, probe.records(ALERTS), probe.keys(ALERTS));
    }
    long wall = System.nanoTime();
    long cpu = RunProbe.cpuNanos();
    Sample cut = reached == 0
        ? new Sample(probe.emitted(), wall - startWall, cpu - startCpu)
        : new Sample(probe.emitted() - marks[reached - 1], wall - probe.startWallNanos(reached - 1),
            cpu - probe.startCpuNanos(reached - 1));
    return new Result(segments, cut, reached == 0, reached, probe.records(ALERTS), probe.keys(ALERTS));
  }
}
