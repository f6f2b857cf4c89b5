package org.probity.jobs.pipeline;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.probity.connectors.ingest.EventStream;
import org.probity.connectors.ingest.Ingested;
import org.probity.jobs.config.ProbityConfig;
import org.probity.jobs.rules.Rule;
import org.probity.schema.Alert;
import org.probity.schema.ApprovalEvent;
import org.probity.schema.DeadLetter;
import org.probity.schema.UnitStatus;
import org.probity.jobs.index.UnitIntegrityIndex;

/**
 * The one pipeline every entry point runs — {@code run} on Kafka, {@code replay} on a file, the
 * demo and the tests — so they cannot drift apart:
 *
 * <pre>
 * sources ─► split dead letters ─► de-duplicate by eventId ─► route by stream ─► rules ─► alert lifecycle ─► alerts
 *                  │                 └─ conflicting duplicates ─┐                                 └─► integrity index ─► unit status
 *                  └───────────────────────────────────────────────┴──────────────────────────────────► dead letters
 * </pre>
 */
public final class ProbityPipeline {
  private ProbityPipeline() {}

  /** Builds the pipeline from {@code sources} into {@code sinks} (the cookbook's defineWorkflow). */
  public static void defineWorkflow(StreamExecutionEnvironment env, ProbitySources sources, ProbitySinks sinks,
      ProbityConfig config, List<Rule> rules, boolean stampDetectedAtWallClock) {
    ProbityOutputs outputs = build(sources.events(env), config, rules, stampDetectedAtWallClock, sources.sourceNames());
    outputs.alerts().sinkTo(sinks.alerts()).uid("sink-alerts").name("alerts sink");
    outputs.deadLetters().sinkTo(sinks.deadLetters()).uid("sink-dead-letters").name("dead-letter sink");
    outputs.unitStatus().sinkTo(sinks.unitStatus()).uid("sink-unit-status").name("unit-status sink");
  }

  /**
   * The streams of the pipeline, for callers that attach their own sinks.
   *
   * @param stampDetectedAtWallClock live jobs stamp {@code detectedAt} with the wall clock; a
   *     replay keeps the event-time instant of detection, so its output is deterministic
   */
  public static ProbityOutputs build(DataStream<Ingested> input, ProbityConfig config, List<Rule> rules,
      boolean stampDetectedAtWallClock) {
    return build(input, config, rules, stampDetectedAtWallClock, Map.of());
  }

  /**
   * As above; {@code sourceNames} are the topics the streams come from, named in the dead letter
   * of a conflicting duplicate (a stream without one is named by its stream name).
   */
  public static ProbityOutputs build(DataStream<Ingested> input, ProbityConfig config, List<Rule> rules,
      boolean stampDetectedAtWallClock, Map<EventStream, String> sourceNames) {
    SingleOutputStreamOperator<Ingested> valid = input
        .process(new SplitDeadLetters())
        .name("split dead letters")
        // At the source's parallelism (chained to it): a rebalance here would let two versions of
        // one eventId reach the de-duplication in either order, and the first is the one kept.
        .setParallelism(input.getParallelism());
    SingleOutputStreamOperator<Ingested> unique = valid
        .keyBy(Ingested::eventId)
        .process(new DeduplicateEvents(config.dedupRetentionDays() * 86_400_000L, sourceNames))
        .uid("dedup-events")
        .name("de-duplicate eventIds");
    // A second version of an eventId with other content is a dead letter, not silently dropped.
    DataStream<DeadLetter> deadLetters = valid.getSideOutput(SplitDeadLetters.DEAD_LETTERS)
        .union(unique.getSideOutput(DeduplicateEvents.CONFLICTS));

    SingleOutputStreamOperator<ApprovalEvent> routed = unique
        .process(new RouteByStream(), TypeInformation.of(ApprovalEvent.class))
        .name("route by stream");

    EventStreams events = new EventStreams(
        routed,
        routed.getSideOutput(RouteByStream.PAYMENTS),
        routed.getSideOutput(RouteByStream.PROCUREMENT),
        routed.getSideOutput(RouteByStream.DECISIONS));

    DataStream<Alert> alerts = null;
    for (Rule rule : rules) {
      DataStream<Alert> out = rule.apply(events, config);
      alerts = alerts == null ? out : alerts.union(out);
    }
    if (alerts == null) {
      throw new IllegalArgumentException("no rules");
    }
    if (stampDetectedAtWallClock) {
      // A new record: with object reuse the rule's own alert object arrives here (alerts are rare).
      alerts = alerts.map(a -> Alert.newBuilder(a).setDetectedAt(Instant.now()).build())
          .returns(Alert.class).name("stamp detectedAt");
    }
    SingleOutputStreamOperator<Alert> delivered = alerts
        .keyBy(Alert::getAlertId)
        .process(new AlertLifecycle(config.index().alertRetentionDays() * 86_400_000L))
        .uid("alert-lifecycle")
        .name("alert lifecycle");
    delivered = AlertMetrics.observe(delivered); // alerts by rule, reason and status; event-to-alert lag
    DataStream<UnitStatus> unitStatus = delivered
        .keyBy(Alert::getUnitId)
        .process(new UnitIntegrityIndex(config.index(), config.zone()))
        .uid("unit-integrity-index")
        .name("integrity index (廉情指数)");
    return new ProbityOutputs(events, delivered, deadLetters, unitStatus);
  }
}
