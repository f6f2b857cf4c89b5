package org.probity.jobs.pipeline;

import org.apache.flink.streaming.api.datastream.DataStream;
import org.probity.schema.Alert;
import org.probity.schema.DeadLetter;
import org.probity.schema.UnitStatus;

/** What the pipeline produces: alerts, dead letters, unit status. */
public record ProbityOutputs(DataStream<Alert> alerts, DataStream<DeadLetter> deadLetters,
    DataStream<UnitStatus> unitStatus) {}
