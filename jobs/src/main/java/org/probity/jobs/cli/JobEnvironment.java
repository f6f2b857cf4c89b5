package org.probity.jobs.cli;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.net.URI;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.minicluster.MiniClusterConfiguration;
import org.apache.flink.streaming.api.environment.LocalStreamEnvironment;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * The Flink environment every entry point uses: generic types off (a Kryo fallback is a bug, not
 * a slowdown to discover in production), object reuse on, the chosen state backend and checkpointing. Under
 * {@code flink run} it is the cluster's environment; from the launcher a local one.
 */
public final class JobEnvironment {
  /** Heap state for speed; RocksDB when open cases outgrow memory. */
  /**
   * Where keyed state lives: on the heap (full snapshots), in RocksDB (incremental), or on the heap
   * with Flink's changelog (each checkpoint writes the state changes since the last, and the heap is
   * materialised in the background): docs/benchmarks.md compares them.
   */
  public enum StateBackend {
    HASHMAP("hashmap"), ROCKSDB("rocksdb"), CHANGELOG("hashmap");

    private final String type;

    StateBackend(String type) {
      this.type = type;
    }
  }

  private JobEnvironment() {}

  public static StreamExecutionEnvironment create(int parallelism, StateBackend backend, Duration checkpointInterval,
      String checkpointDir) {
    return create(parallelism, configuration(backend, checkpointInterval, checkpointDir));
  }

  /** The environment of {@code conf}: the cluster's under {@code flink run}, else a local one. */
  public static StreamExecutionEnvironment create(int parallelism, Configuration conf) {
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
    if (parallelism > 0) {
      env.setParallelism(parallelism);
    }
    return env;
  }

  /**
   * A MiniCluster of this process that outlives the job, for bounded runs whose results are
   * collected to the client ({@code replay}): a per-job local cluster shuts down the moment the job
   * ends, while the client may still be fetching the last results.
   */
  public static final class LocalCluster implements AutoCloseable {
    private final MiniCluster cluster;
    private final StreamExecutionEnvironment env;

    private LocalCluster(MiniCluster cluster, StreamExecutionEnvironment env) {
      this.cluster = cluster;
      this.env = env;
    }

    public static LocalCluster start(int parallelism, StateBackend backend) throws Exception {
      return start(parallelism, configuration(backend, null, null), 0);
    }

    /** A cluster of this process whose REST API listens on 127.0.0.1:{@code restPort} (0: any free port). */
    public static LocalCluster start(int parallelism, Configuration jobConf, int restPort) throws Exception {
      Configuration conf = new Configuration(jobConf);
      conf.set(RestOptions.BIND_PORT, Integer.toString(restPort));
      conf.set(RestOptions.ADDRESS, "127.0.0.1");
      conf.set(RestOptions.BIND_ADDRESS, "127.0.0.1");
      MiniCluster cluster = new MiniCluster(new MiniClusterConfiguration.Builder()
          .setConfiguration(conf).setNumTaskManagers(1).setNumSlotsPerTaskManager(parallelism).build());
      cluster.start();
      URI rest = cluster.getRestAddress().get();
      StreamExecutionEnvironment env =
          StreamExecutionEnvironment.createRemoteEnvironment(rest.getHost(), rest.getPort(), conf);
      env.setParallelism(parallelism);
      return new LocalCluster(cluster, env);
    }

    public StreamExecutionEnvironment env() {
      return env;
    }

    /** The REST API (and Flink's own tools) of this cluster, {@code http://127.0.0.1:PORT}. */
    public URI restAddress() throws Exception {
      return cluster.getRestAddress().get();
    }

    @Override
    public void close() throws Exception {
      cluster.close();
    }
  }

  /** Where a run resumes from: {@code claim} lets the job own (and in time delete) a checkpoint of its own. */
  public record Restore(String path, boolean claim) {}

  /**
   * The state Flink itself was told to start from ({@code flink run -s PATH}, or the Kubernetes
   * operator's {@code initialSavepointPath} and upgrades), which a start must not second-guess.
   */
  public static java.util.Optional<String> recoveryPathGivenToFlink() {
    return StreamExecutionEnvironment.getExecutionEnvironment().getConfiguration()
        .getOptional(org.apache.flink.configuration.StateRecoveryOptions.SAVEPOINT_PATH);
  }

  /** Whether {@code conf} would run in this process rather than on a cluster ({@code flink run}). */
  public static boolean isLocal(Configuration conf) {
    return StreamExecutionEnvironment.getExecutionEnvironment(conf) instanceof LocalStreamEnvironment;
  }

  /**
   * A long-running job's configuration: checkpoints under {@code checkpointDir} retained when the
   * job is cancelled or fails (a restart resumes from them), savepoints under {@code savepointDir},
   * and the state to start from (null: fresh).
   */
  public static Configuration configuration(StateBackend backend, Duration checkpointInterval, String checkpointDir,
      String savepointDir, Restore restore) {
    Configuration conf = configuration(backend, checkpointInterval, checkpointDir);
    if (checkpointDir != null) {
      put(conf, "execution.checkpointing.externalized-checkpoint-retention", "RETAIN_ON_CANCELLATION");
    }
    if (savepointDir != null) {
      put(conf, "execution.checkpointing.savepoint-dir", savepointDir);
    }
    if (restore != null) {
      put(conf, "execution.state-recovery.path", restore.path());
      put(conf, "execution.state-recovery.claim-mode", restore.claim() ? "CLAIM" : "NO_CLAIM");
    }
    return conf;
  }

  private static void put(Configuration conf, String key, String value) {
    conf.set(org.apache.flink.configuration.ConfigOptions.key(key).stringType().noDefaultValue(), value);
  }

  private static Configuration configuration(StateBackend backend, Duration checkpointInterval, String checkpointDir) {
    Map<String, String> conf = new HashMap<>();
    conf.put("pipeline.generic-types", "false");
    // Chained operators get the record itself instead of a deep copy (the copies were about 8% of
    // the pipeline's CPU, docs/benchmarks.md). Safe because no function changes a record it is
    // given or one it has emitted: rules build new alerts, RestampLateEvents emits a new record.
    conf.put("pipeline.object-reuse", "true");
    conf.put("state.backend.type", backend.type);
    if (backend == StateBackend.CHANGELOG) {
      conf.put("state.changelog.enabled", "true");
      conf.put("state.changelog.storage", "filesystem");
      conf.put("state.changelog.dstl.dfs.base-path", checkpointDir != null ? checkpointDir + "/changelog"
          : java.nio.file.Path.of(System.getProperty("java.io.tmpdir"), "probity-changelog").toUri().toString());
    }
    if (backend == StateBackend.ROCKSDB) {
      // RocksDB is for state that outgrows memory: each checkpoint uploads only new SST files,
      // not the whole state every interval.
      conf.put("execution.checkpointing.incremental", "true");
      // Every new subject's first lookup is of a key no SST file holds: a Bloom filter per file
      // answers that without reading the file's index and data blocks, level after level.
      conf.put("state.backend.rocksdb.use-bloom-filter", "true");
    }
    if (checkpointInterval != null) {
      conf.put("execution.checkpointing.interval", checkpointInterval.toMillis() + " ms");
      conf.put("execution.checkpointing.mode", "EXACTLY_ONCE");
    }
    if (checkpointDir != null) {
      conf.put("execution.checkpointing.dir", checkpointDir);
    }
    return Configuration.fromMap(conf);
  }
}
