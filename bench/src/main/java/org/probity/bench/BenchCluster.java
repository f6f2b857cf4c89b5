package org.probity.bench;

import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.runtime.execution.ExecutionState;
import org.apache.flink.runtime.executiongraph.AccessExecutionGraph;
import org.apache.flink.runtime.executiongraph.AccessExecutionVertex;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.minicluster.MiniClusterConfiguration;
import org.apache.flink.streaming.util.TestStreamEnvironment;

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

  @Override
  public void close() throws Exception {
    TestStreamEnvironment.unsetAsContext();
    cluster.close();
  }
}
