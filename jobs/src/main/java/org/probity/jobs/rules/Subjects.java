package org.probity.jobs.rules;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.java.functions.KeySelector;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.util.OutputTag;
import org.probity.jobs.config.ProbityConfig;
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

  /** {@code stateInRocksDb}: where the job keeps its state, for rules whose best engine depends on it. */
  public Subjects(ProbityConfig config, boolean stateInRocksDb) {
    this.stateInRocksDb = stateInRocksDb;
    // The voucher's own facts (amount, payee, ...) for every payment rule, and its end at PAID.
    vouchers.prelude(new VoucherFacts(config));
  }

  public boolean stateInRocksDb() {
    return stateInRocksDb;
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
   * A stage of a second key on a feed: {@code feed} keyed by {@code key}, judged by {@code stage}
   * (no de-duplication: the feed comes from a subject stage that did it).
   */
  public static <E extends org.apache.avro.specific.SpecificRecordBase> SingleOutputStreamOperator<Alert> keyedStage(
      DataStream<E> feed, KeySelector<E, String> key, SubjectStage<E, Alert> stage, String uid, String name) {
    return feed.keyBy(key, org.apache.flink.api.common.typeinfo.Types.STRING)
        .transform(name, TypeInformation.of(Alert.class), stage)
        .uid(uid);
  }

  /** The side output of {@code tag} of a built stage. */
  public static <X> DataStream<X> feed(SingleOutputStreamOperator<Alert> stage, OutputTag<X> tag) {
    return stage.getSideOutput(tag);
  }
}
