package org.probity.jobs.cli;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * The Flink environment every entry point uses: generic types off (a Kryo fallback is a bug, not
 * a slowdown to discover in production), the chosen state backend and checkpointing. Under
 * {@code flink run} it is the cluster's environment; from the launcher a local one.
 */
public final class JobEnvironment {
  /** Heap state for speed; RocksDB when open cases outgrow memory. */
  public enum StateBackend { HASHMAP, ROCKSDB }

  private JobEnvironment() {}

  public static StreamExecutionEnvironment create(int parallelism, StateBackend backend, Duration checkpointInterval,
      String checkpointDir) {
    Map<String, String> conf = new HashMap<>();
    conf.put("pipeline.generic-types", "false");
    conf.put("state.backend.type", backend.name().toLowerCase(java.util.Locale.ROOT));
    if (checkpointInterval != null) {
      conf.put("execution.checkpointing.interval", checkpointInterval.toMillis() + " ms");
      conf.put("execution.checkpointing.mode", "EXACTLY_ONCE");
    }
    if (checkpointDir != null) {
      conf.put("execution.checkpointing.dir", checkpointDir);
    }
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(Configuration.fromMap(conf));
    if (parallelism > 0) {
      env.setParallelism(parallelism);
    }
    return env;
  }
}
