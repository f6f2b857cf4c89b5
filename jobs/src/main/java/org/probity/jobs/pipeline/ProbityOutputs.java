package org.probity.jobs.pipeline;

import org.apache.flink.streaming.api.datastream.DataStream;
import org.probity.schema.Alert;
import org.probity.schema.DeadLetter;

/** What the pipeline produces: its alerts and dead letters (and the event streams the rules saw). */
public record ProbityOutputs(EventStreams events, DataStream<Alert> alerts, DataStream<DeadLetter> deadLetters) {}
