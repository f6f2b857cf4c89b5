package org.probity.jobs.rules;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.java.functions.KeySelector;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.avro.specific.SpecificRecordBase;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.datastream.KeyedStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.operators.TwoInputStreamOperator;
import org.apache.flink.streaming.api.transformations.TwoInputTransformation;
import org.apache.flink.util.OutputTag;
import org.probity.jobs.config.ProbityConfig;
import org.probity.jobs.versions.RulesHistory;
import org.probity.schema.RulesVersion;
import org.probity.jobs.rules.payment.VoucherFacts;
import org.probity.schema.Alert;
import org.probity.schema.ApprovalEvent;
import org.probity.schema.DecisionEvent;
import org.probity.schema.PaymentEvent;
import org.probity.schema.ProcurementEvent;

/**
 * The four subjects of the contract, each judged by one keyed stage: approval cases (caseId),
 * vouchers (voucherId), procurements (procurementId) and meetings (meetingId). Rules add their
 * {@link SubjectRule}s to a subject's stage; a rule that needs another key adds a feed to the
 * stage and, {@link #downstream}, the stage of that key on the feed's side output.
 */
public final class Subjects {
  private final SubjectStage.Builder<ApprovalEvent, Alert> cases = SubjectStage.of(ApprovalEvent.class);
  private final SubjectStage.Builder<PaymentEvent, Alert> vouchers = SubjectStage.of(PaymentEvent.class);
  private final SubjectStage.Builder<ProcurementEvent, Alert> procurements = SubjectStage.of(ProcurementEvent.class);
  private final SubjectStage.Builder<DecisionEvent, Alert> meetings = SubjectStage.of(DecisionEvent.class);
  private final List<Function<Stages, DataStream<Alert>>> downstream = new ArrayList<>();

  private final boolean stateInRocksDb;
  private final ProbityConfig config;
  /** The rules versions the job knows at start; null: the rules are fixed (a harness, a stage rebuilt for a version). */
  private RulesHistory history;
  /** Versions published while the job runs, from the rules topic; null: none. */
  private DataStream<RulesVersion> versions;

  /** {@code stateInRocksDb}: where the job keeps its state, for rules whose best engine depends on it. */
  public Subjects(ProbityConfig config, boolean stateInRocksDb) {
    this.stateInRocksDb = stateInRocksDb;
    this.config = config;
    // The voucher's own facts (amount, payee, ...) for every payment rule, and its end at PAID.
    vouchers.prelude(new VoucherFacts(config));
  }

  public boolean stateInRocksDb() {
    return stateInRocksDb;
  }

  /** The subjects of {@code rules} under {@code config}: what every stage's rules are, for one version. */
  public static Subjects planted(ProbityConfig config, boolean stateInRocksDb, List<Rule> rules) {
    Subjects subjects = new Subjects(config, stateInRocksDb);
    rules.forEach(r -> r.addTo(subjects, config));
    return subjects;
  }

  /** The stages judge by the versions of {@code history}, and by those arriving on {@code versions} (may be null). */
  public void versioned(RulesHistory history, DataStream<RulesVersion> versions) {
    this.history = history;
    this.versions = versions;
  }

  public RulesHistory history() {
    return history;
  }

  /** The versions published while the job runs (null: none arrive). */
  public DataStream<RulesVersion> versions() {
    return versions;
  }

  /** The four subject stages once built; their side outputs are the rules' feeds. */
  public record Stages(SingleOutputStreamOperator<Alert> cases, SingleOutputStreamOperator<Alert> vouchers,
      SingleOutputStreamOperator<Alert> procurements, SingleOutputStreamOperator<Alert> meetings) {}

  public SubjectStage.Builder<ApprovalEvent, Alert> cases() {
    return cases;
  }

  public SubjectStage.Builder<PaymentEvent, Alert> vouchers() {
    return vouchers;
  }

  public SubjectStage.Builder<ProcurementEvent, Alert> procurements() {
    return procurements;
  }

  public SubjectStage.Builder<DecisionEvent, Alert> meetings() {
    return meetings;
  }

  /** Operators a rule builds on the stages' feeds, once the stages exist. */
  public void downstream(Function<Stages, DataStream<Alert>> build) {
    downstream.add(build);
  }

  public List<Function<Stages, DataStream<Alert>>> downstream() {
    return downstream;
  }

  /**
   * A stage of a second key on a feed: {@code feed} keyed by {@code key}, judged by the rules
   * {@code rules} builds for each version (no de-duplication: the feed comes from a subject stage
   * that did it).
   */
  public <E extends SpecificRecordBase> SingleOutputStreamOperator<Alert> keyedStage(DataStream<E> feed,
      KeySelector<E, String> key, SubjectStage.Rebuild<E, Alert> rules, String uid, String name) {
    SubjectStage.Builder<E, Alert> stage = rules.rules(history == null ? config : history.first().config());
    if (history != null) {
      stage.versioned(history, rules);
    }
    return stage(feed.keyBy(key, Types.STRING), stage.build(), versions, uid, name);
  }

  /**
   * The operator {@code stage} on {@code keyed}, with the rules topic's versions as its second
   * input, broadcast to every subtask, where there are any.
   */
  public static <E> SingleOutputStreamOperator<Alert> stage(KeyedStream<E, String> keyed,
      SubjectStage<?, Alert> stage, DataStream<RulesVersion> versions, String uid, String name) {
    @SuppressWarnings("unchecked")
    SubjectStage<SpecificRecordBase, Alert> operator = (SubjectStage<SpecificRecordBase, Alert>) (SubjectStage<?, ?>) stage;
    if (versions == null) {
      @SuppressWarnings({"unchecked", "rawtypes"})
      SingleOutputStreamOperator<Alert> one = ((KeyedStream) keyed).transform(name, TypeInformation.of(Alert.class),
          (org.apache.flink.streaming.api.operators.OneInputStreamOperator) operator);
      return one.uid(uid);
    }
    // DataStream offers a keyed stream with a broadcast second input only for its own operator
    // (KeyedBroadcastProcessFunction); a stage is built as that operator is, by its transformation.
    StreamExecutionEnvironment env = keyed.getExecutionEnvironment();
    @SuppressWarnings({"unchecked", "rawtypes"})
    TwoInputTransformation<E, RulesVersion, Alert> t = new TwoInputTransformation<>(keyed.getTransformation(),
        versions.broadcast().getTransformation(), name, (TwoInputStreamOperator) operator,
        TypeInformation.of(Alert.class), env.getParallelism(), false);
    t.setStateKeySelectors(keyed.getKeySelector(), null);
    t.setStateKeyType(keyed.getKeyType());
    t.setUid(uid);
    env.addOperator(t);
    return new StageStream<>(env, t);
  }

  /** A stream of a stage's alerts; DataStream's constructor is protected. */
  private static final class StageStream<T> extends SingleOutputStreamOperator<T> {
    StageStream(StreamExecutionEnvironment env, TwoInputTransformation<?, ?, T> t) {
      super(env, t);
    }
  }

  /** The side output of {@code tag} of a built stage. */
  public static <X> DataStream<X> feed(SingleOutputStreamOperator<Alert> stage, OutputTag<X> tag) {
    return stage.getSideOutput(tag);
  }
}
