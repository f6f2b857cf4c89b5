package org.probity.jobs.pipeline;

import java.time.Instant;
import java.util.ArrayList;
import org.apache.avro.specific.SpecificRecordBase;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.functions.KeySelector;
import org.probity.jobs.rules.SubjectStage;
import org.probity.jobs.rules.Subjects;
import org.probity.schema.DecisionEvent;
import org.probity.schema.PaymentEvent;
import org.probity.schema.ProcurementEvent;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.probity.connectors.ingest.EventStream;
import org.probity.connectors.ingest.Ingested;
import org.probity.jobs.config.ProbityConfig;
import org.probity.jobs.versions.RulesGate;
import org.probity.jobs.versions.RulesHistory;
import org.probity.jobs.versions.RulesRecord;
import org.probity.schema.RulesVersion;
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
 * sources ─► split dead letters ─► route by stream ─► one stage per subject ─► alert lifecycle ─► alerts
 *                  │                                  (de-duplicates, all its     └─► integrity index ─► unit status
 *                  │                                   rules; feeds ─► stages of a second key)
 *                  └──────────────────────────────── dead letters ◄─ conflicting duplicates
 * </pre>
 *
 * Each event crosses one network exchange before its rules: to the stage of its subject
 * ({@link Subjects}: cases, vouchers, procurements, meetings), where it is de-duplicated and judged
 * by every rule of the subject. Rules of another key (split purchases, duplicate payments, the
 * 三重一大 join) get only the events they need, fed from the subject's stage.
 */
public final class ProbityPipeline {
  private ProbityPipeline() {}

  /** Builds the pipeline from {@code sources} into {@code sinks} (the cookbook's defineWorkflow). */
  public static void defineWorkflow(StreamExecutionEnvironment env, ProbitySources sources, ProbitySinks sinks,
      ProbityConfig config, List<Rule> rules, boolean stampDetectedAtWallClock) {
    defineWorkflow(env, sources, sinks, RulesHistory.startingWith(config, ""), rules, stampDetectedAtWallClock);
  }

  /**
   * As above, judged by the versions of {@code history} (the rules topic's as read at start, or a
   * replay's history file) and by the versions {@code sources} read while the job runs, if any.
   */
  public static void defineWorkflow(StreamExecutionEnvironment env, ProbitySources sources, ProbitySinks sinks,
      RulesHistory history, List<Rule> rules, boolean stampDetectedAtWallClock) {
    ProbityOutputs outputs = build(sources.events(env), history, sources.rules(env), rules, stampDetectedAtWallClock,
        sources.sourceNames());
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
    return build(input, RulesHistory.startingWith(config, ""), null, rules, stampDetectedAtWallClock, sourceNames);
  }

  /**
   * The pipeline judged by the versions of {@code history}, and by the rules topic's records
   * {@code published} while it runs (null: none): those pass {@link RulesGate} (a version it
   * refuses is a dead letter) and are broadcast to every stage.
   */
  public static ProbityOutputs build(DataStream<Ingested> input, RulesHistory history,
      DataStream<RulesRecord> published, List<Rule> rules, boolean stampDetectedAtWallClock,
      Map<EventStream, String> sourceNames) {
    ProbityConfig config = history.first().config();
    SingleOutputStreamOperator<RulesVersion> versions = published == null ? null : published
        .transform("rules versions (probity.rules)", TypeInformation.of(RulesVersion.class), new RulesGate(history))
        .setParallelism(1)
        .uid("rules-gate");
    SingleOutputStreamOperator<Ingested> valid = input
        .process(new SplitDeadLetters())
        .name("split dead letters")
        // At the source's parallelism (chained to it): the only exchange is by subject, so the
        // events of a subject (one Kafka partition) reach its stage in the order they were read.
        .setParallelism(input.getParallelism());
    SingleOutputStreamOperator<ApprovalEvent> routed = valid
        .process(new RouteByStream(), ExchangeType.APPROVAL)
        .name("route by stream")
        .setParallelism(input.getParallelism());
    EventStreams events = new EventStreams(
        routed,
        routed.getSideOutput(RouteByStream.PAYMENTS),
        routed.getSideOutput(RouteByStream.PROCUREMENT),
        routed.getSideOutput(RouteByStream.DECISIONS));

    boolean rocksDb = "rocksdb".equalsIgnoreCase(input.getExecutionEnvironment().getConfiguration()
        .get(org.apache.flink.configuration.StateBackendOptions.STATE_BACKEND));
    for (Rule rule : rules) {
      String line = rule.describe(config, rocksDb);
      if (line != null) {
        System.err.println("probity: " + line);
      }
    }
    Subjects subjects = Subjects.planted(config, rocksDb, rules);
    subjects.versioned(history, versions);
    long retention = config.dedupRetentionDays() * 86_400_000L;
    List<DataStream<DeadLetter>> deadLetters = new ArrayList<>();
    deadLetters.add(valid.getSideOutput(SplitDeadLetters.DEAD_LETTERS));
    if (versions != null) {
      deadLetters.add(versions.getSideOutput(RulesGate.REFUSED));
    }
    // Each stage builds its rules again for every later version, from the same rule classes.
    Subjects.Stages stages = new Subjects.Stages(
        stage(events.approvals(), ApprovalEvent::getCaseId, subjects.cases(),
            c -> Subjects.planted(c, rocksDb, rules).cases(), subjects, retention,
            topic(sourceNames, EventStream.APPROVAL), "subject-cases", "approval cases", deadLetters),
        stage(events.payments(), PaymentEvent::getVoucherId, subjects.vouchers(),
            c -> Subjects.planted(c, rocksDb, rules).vouchers(), subjects, retention,
            topic(sourceNames, EventStream.PAYMENT), "subject-vouchers", "payment vouchers", deadLetters),
        stage(events.procurement(), ProcurementEvent::getProcurementId, subjects.procurements(),
            c -> Subjects.planted(c, rocksDb, rules).procurements(), subjects, retention,
            topic(sourceNames, EventStream.PROCUREMENT), "subject-procurements", "procurements", deadLetters),
        stage(events.decisions(), DecisionEvent::getMeetingId, subjects.meetings(),
            c -> Subjects.planted(c, rocksDb, rules).meetings(), subjects, retention,
            topic(sourceNames, EventStream.DECISION), "subject-meetings", "meetings", deadLetters));

    DataStream<Alert> alerts = null;
    for (DataStream<Alert> out : new DataStream[] {stages.cases(), stages.vouchers(), stages.procurements(),
        stages.meetings()}) {
      if (out != null) {
        alerts = alerts == null ? out : alerts.union(out);
      }
    }
    for (var build : subjects.downstream()) {
      DataStream<Alert> out = build.apply(stages);
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
    DataStream<DeadLetter> allDeadLetters = deadLetters.get(0);
    for (DataStream<DeadLetter> more : deadLetters.subList(1, deadLetters.size())) {
      allDeadLetters = allDeadLetters.union(more);
    }
    return new ProbityOutputs(delivered, allDeadLetters, unitStatus);
  }

  /**
   * The stage of one subject: its stream keyed by the subject, its rules in one operator; none if
   * no rule judges the subject.
   */
  private static <E extends SpecificRecordBase> SingleOutputStreamOperator<Alert> stage(DataStream<E> events,
      KeySelector<E, String> subject, SubjectStage.Builder<E, Alert> rules, SubjectStage.Rebuild<E, Alert> rebuild,
      Subjects subjects, long retention, String topic, String uid, String name,
      List<DataStream<DeadLetter>> deadLetters) {
    if (rules.isEmpty()) {
      return null;
    }
    SingleOutputStreamOperator<Alert> stage = Subjects.stage(events.keyBy(subject, Types.STRING),
        rules.deduplicate(retention, topic).versioned(subjects.history(), rebuild).build(), subjects.versions(),
        uid, name);
    // A second version of an eventId with other content is a dead letter, not silently dropped.
    deadLetters.add(stage.getSideOutput(SubjectStage.CONFLICTS));
    return stage;
  }

  private static String topic(Map<EventStream, String> sourceNames, EventStream stream) {
    return sourceNames.getOrDefault(stream, stream.jsonName());
  }
}
