package org.probity.jobs.pipeline;

import org.apache.flink.api.connector.sink2.Sink;
import org.probity.schema.Alert;
import org.probity.schema.DeadLetter;
import org.probity.schema.UnitStatus;

/** Where the pipeline writes: Kafka topics in production, collecting sinks in tests. */
public record ProbitySinks(Sink<Alert> alerts, Sink<DeadLetter> deadLetters, Sink<UnitStatus> unitStatus) {}
