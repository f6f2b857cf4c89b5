package org.probity.connectors;

import java.time.Duration;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.JobManagerOptions;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.test.junit5.MiniClusterExtension;

/** A small MiniCluster for the connector jobs: one TaskManager with four slots. */
public final class FlinkTestCluster {
  private FlinkTestCluster() {}

  public static MiniClusterExtension extension() {
    return extension(new Configuration());
  }

  /** With {@code conf} added, e.g. a metric reporter. */
  public static MiniClusterExtension extension(Configuration conf) {
    // A job that cannot get its slots fails in seconds, not after the default five minutes.
    conf.set(JobManagerOptions.SLOT_REQUEST_TIMEOUT, Duration.ofSeconds(20));
    return new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
        .setNumberTaskManagers(1)
        .setNumberSlotsPerTaskManager(4)
        .setConfiguration(conf)
        .build());
  }
}
