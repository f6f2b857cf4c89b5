package org.probity.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.execution.ExecutionState;
import org.apache.flink.runtime.executiongraph.AccessExecutionGraph;
import org.apache.flink.runtime.executiongraph.AccessExecutionVertex;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.minicluster.MiniClusterConfiguration;
import org.apache.flink.streaming.util.TestStreamEnvironment;
import org.apache.flink.util.FileUtils;

/**
 * One Flink MiniCluster for every job of a benchmark run, in this JVM: jobs start in a fraction of
 * a second on a warm JVM, and the harness reads checkpoint statistics and accumulators directly.
 * While it is open, {@code StreamExecutionEnvironment.getExecutionEnvironment(conf)} — what the
 * production {@code JobEnvironment.create} calls — returns an environment on it, so the jobs are
 * configured exactly as in production.
 *
 * <p>Sized like one commodity TaskManager: {@code slots} task slots, {@code managedMemoryMb} of
 * managed memory (RocksDB's block cache and write buffers, shared by the slots).
 */
final class BenchCluster implements AutoCloseable {
  private final MiniCluster cluster;

  BenchCluster(int slots, int managedMemoryMb) throws Exception {
    Configuration conf = new Configuration();
    conf.setString("taskmanager.memory.managed.size", managedMemoryMb + "m");
    conf.setString("taskmanager.numberOfTaskSlots", Integer.toString(slots));
    // Accumulators travel with the TaskManager heartbeat; a short one lets the end-to-end run
    // follow its progress (events counted by the pipeline) to a tenth of a second.
    conf.setString("heartbeat.interval", "100");
    conf.setString("heartbeat.timeout", "60000");
    // Any free port: a demo, a test run or a second benchmark may hold Flink's default 8081.
    conf.setString("rest.bind-port", "0");
    cluster = new MiniCluster(new MiniClusterConfiguration.Builder()
        .setConfiguration(conf)
        .setNumTaskManagers(1)
        .setNumSlotsPerTaskManager(slots)
        .build());
    cluster.start();
  }

  MiniCluster miniCluster() {
    return cluster;
  }

  /** Jobs built after this call run here with {@code parallelism} unless they set their own. */
  void useFor(int parallelism) {
    TestStreamEnvironment.setAsContext(cluster, parallelism);
  }

  /** Waits until every task of {@code job} runs (a checkpoint is refused before). */
  void awaitAllTasksRunning(JobID job) throws Exception {
    long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
    while (true) {
      AccessExecutionGraph graph = cluster.getExecutionGraph(job).get();
      boolean running = graph.getState() == JobStatus.RUNNING;
      for (AccessExecutionVertex v : graph.getAllExecutionVertices()) {
        running &= v.getExecutionState() == ExecutionState.RUNNING;
      }
      if (running) {
        return;
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("the tasks of job " + job + " did not start in 2 minutes");
      }
      LockSupport.parkNanos(Duration.ofMillis(50).toNanos());
    }
  }

  /**
   * Cancels {@code job} and waits until it has ended: {@code JobClient.cancel()} returns when the
   * request is accepted, while the tasks and their checkpoint writers may still be running.
   */
  static void cancel(JobClient job) throws Exception {
    if (job.getJobStatus().get().isGloballyTerminalState()) {
      return; // ended by itself (a failure being reported): a cancel would only hide why
    }
    job.cancel().get();
    long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
    while (!job.getJobStatus().get().isGloballyTerminalState()) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("job " + job.getJobID() + " did not end 2 minutes after its cancel");
      }
      LockSupport.parkNanos(Duration.ofMillis(50).toNanos());
    }
  }

  /**
   * Deletes a job's scratch directory (its checkpoints). An asynchronous checkpoint writer of a
   * cancelled job can still be adding files for a moment after the job has ended, so a delete that
   * meets one is retried; a directory still in use after that is left to the OS's temp cleanup with
   * a line on stderr — a leftover temp directory is no reason to throw away a benchmark run.
   */
  static void deleteScratch(Path dir) {
    IOException last = null;
    for (int attempt = 0; attempt < 20; attempt++) {
      try {
        FileUtils.deleteDirectory(dir.toFile());
        return;
      } catch (IOException e) {
        last = e;
        LockSupport.parkNanos(Duration.ofMillis(250).toNanos());
      }
    }
    System.err.println("bench: left " + dir + " behind (" + last + ")");
  }

  @Override
  public void close() throws Exception {
    TestStreamEnvironment.unsetAsContext();
    cluster.close();
  }
}
