package org.probity.jobs.rules;

import org.apache.flink.streaming.api.datastream.DataStream;
import org.probity.jobs.config.ProbityConfig;
import org.probity.jobs.pipeline.EventStreams;
import org.probity.schema.Alert;

/**
 * One rule of the contract: takes the validated, de-duplicated event streams and returns its
 * alerts. Implementations give every stateful operator a stable {@code uid} (so savepoints survive
 * upgrades) and a readable {@code name}.
 */
public interface Rule {
  DataStream<Alert> apply(EventStreams events, ProbityConfig config);
}
