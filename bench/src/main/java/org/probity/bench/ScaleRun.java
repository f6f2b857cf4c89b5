package org.probity.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.apache.flink.api.common.JobID;
import org.apache.flink.core.execution.CheckpointType;
import org.apache.flink.runtime.checkpoint.AbstractCheckpointStats;
import org.apache.flink.runtime.checkpoint.CheckpointStatsStatus;
import org.apache.flink.runtime.checkpoint.TaskStateStats;
import org.apache.flink.runtime.executiongraph.AccessExecutionGraph;
import org.apache.flink.runtime.executiongraph.AccessExecutionJobVertex;
import org.probity.jobs.cli.JobEnvironment;
import org.probity.jobs.config.ProbityConfig;
import org.probity.jobs.rules.RuleSet;

/**
 * Figure 4: one job over a {@link ScaleWorkload}, with the rules file {@code config}. Before and after each kind of population batch
 * the readers pause and the harness takes a full checkpoint, so the growth of the checkpointed
 * state divided by what was added is the state each open case, voucher in flight and split key
 * costs, per operator; the checkpoint after the batch is the checkpoint size and duration at that
 * population; the mix after it is timed in segments. Steps the budget did not leave time for are
 * reported as such.
 */
final class ScaleRun {
  private ScaleRun() {}

  /** A completed checkpoint: total and per-operator state bytes, end-to-end duration. */
  record Checkpoint(long stateBytes, long durationMillis, Map<String, Long> bytesByOperator) {}

  /**
   * One step's figures.
   *
   * @param openCases the standing population of open cases after the step's batch
   * @param added open cases the batch added (and half as many vouchers in flight and split keys)
   * @param casesTimed the batch's open cases between the checkpoints before and after its cases
   * @param checkpoints before the batch, after its cases, after its vouchers, after its orders (fewer if cut)
   * @param mix the timed segments of the mix on top of the population (fewer if cut)
   * @param cut the rate when the budget ended the run in this step, else null
   */
  record Step(int openCases, int added, int casesTimed, List<Checkpoint> checkpoints, List<Sample> mix,
      Sample cut) {
    boolean loaded() {
      return checkpoints.size() == 4;
    }

    Checkpoint atPopulation() {
      return checkpoints.get(3);
    }

    double bytesPerCase() {
      return growth(0, 1) / casesTimed;
    }

    double bytesPerVoucher() {
      return growth(1, 2) / (added / 2);
    }

    double bytesPerSplitKey() {
      return growth(2, 3) / (added / 2);
    }

    /** Per operator: bytes per subject added between checkpoints {@code from} and {@code to}. */
    Map<String, Double> perOperator(int from, int to) {
      double subjects = from == 0 ? casesTimed : added / 2;
      Map<String, Double> bytes = new LinkedHashMap<>();
      checkpoints.get(to).bytesByOperator().forEach((op, after) ->
          bytes.put(op, (after - checkpoints.get(from).bytesByOperator().getOrDefault(op, 0L)) / subjects));
      return bytes;
    }

    private double growth(int from, int to) {
      return checkpoints.get(to).stateBytes() - checkpoints.get(from).stateBytes();
    }
  }

  /** A scale run: its steps, and the alert records of the whole run when it completed (else null). */
  record Run(List<Step> steps, List<String> records) {}

  static Run run(BenchCluster cluster, ScaleWorkload w, ProbityConfig config,
      JobEnvironment.StateBackend backend, int parallelism, int segments, Duration budget) throws Exception {
    int steps = w.openCases().length;
    List<Integer> marks = new ArrayList<>();
    List<Boolean> pauses = new ArrayList<>();
    List<Integer> stepOfMark = new ArrayList<>();
    for (int k = 0; k < steps; k++) {
      int[] phase = w.phaseStarts()[k];
      for (int p = 0; p <= ScaleWorkload.MIX; p++) {
        marks.add(phase[p]);
        pauses.add(true);
        stepOfMark.add(k);
      }
      int mixEnd = w.mixEnd(k);
      for (int s = 1; s < segments; s++) {
        marks.add(phase[ScaleWorkload.MIX] + (int) ((long) (mixEnd - phase[ScaleWorkload.MIX]) * s / segments));
        pauses.add(false);
        stepOfMark.add(k);
      }
    }
    int[] markArray = marks.stream().mapToInt(Integer::intValue).toArray();
    boolean[] pauseArray = new boolean[pauses.size()];
    for (int i = 0; i < pauseArray.length; i++) {
      pauseArray[i] = pauses.get(i);
    }
    Map<Integer, Checkpoint> checkpointAtMark = new LinkedHashMap<>();
    InProcessRun.Result result = InProcessRun.run(cluster, w.events(), config,
        InProcessRun.probity(config, RuleSet.all()), parallelism, backend, markArray, pauseArray,
        (job, mark) -> checkpointAtMark.put(mark, checkpoint(cluster, job)), budget);

    List<Step> figures = new ArrayList<>();
    int previous = 0;
    for (int k = 0; k < steps; k++) {
      List<Checkpoint> checkpoints = new ArrayList<>();
      List<Sample> mix = new ArrayList<>();
      Sample cut = null;
      for (int m = 0; m < markArray.length; m++) {
        if (stepOfMark.get(m) != k) {
          continue;
        }
        if (pauseArray[m] && checkpointAtMark.containsKey(m)) {
          checkpoints.add(checkpointAtMark.get(m));
        }
        if (markArray[m] >= w.phaseStarts()[k][ScaleWorkload.MIX] && m < result.segments().size()) {
          mix.add(result.segments().get(m));
        }
        if (!result.complete() && m == result.marksReached() - 1) {
          cut = result.cut();
        }
      }
      int added = w.openCases()[k] - previous;
      previous = w.openCases()[k];
      figures.add(new Step(w.openCases()[k], added, w.casesAfterFirstPause()[k], checkpoints, mix, cut));
    }
    return new Run(figures, result.complete() ? result.records() : null);
  }

  /**
   * The source emits its watermark every 200 ms (Flink's default), and a batch can be read in less:
   * the readers have paused, but the watermark that passes their last events may still be due, and
   * without it those events would wait in the rules' event-time buffers, checkpointed as such.
   */
  private static final Duration WATERMARK_SETTLE = Duration.ofSeconds(1);

  /** Takes a full checkpoint of {@code job} once its watermark has caught up, and returns its statistics. */
  static Checkpoint checkpoint(BenchCluster cluster, JobID job) throws Exception {
    cluster.awaitAllTasksRunning(job);
    LockSupport.parkNanos(WATERMARK_SETTLE.toNanos());
    long id = cluster.miniCluster().triggerCheckpoint(job, CheckpointType.FULL).get(30, TimeUnit.MINUTES);
    while (true) {
      AccessExecutionGraph graph = cluster.miniCluster().getExecutionGraph(job).get();
      AbstractCheckpointStats stats = graph.getCheckpointStatsSnapshot().getHistory().getCheckpointById(id);
      if (stats != null && stats.getStatus() == CheckpointStatsStatus.COMPLETED) {
        Map<String, Long> byOperator = new LinkedHashMap<>();
        for (AccessExecutionJobVertex v : graph.getVerticesTopologically()) {
          TaskStateStats task = stats.getTaskStateStats(v.getJobVertexId());
          byOperator.put(v.getName(), task == null ? 0 : task.getStateSize());
        }
        return new Checkpoint(stats.getStateSize(), stats.getEndToEndDuration(), byOperator);
      }
      LockSupport.parkNanos(Duration.ofMillis(50).toNanos());
    }
  }
}
