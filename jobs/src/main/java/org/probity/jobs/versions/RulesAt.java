package org.probity.jobs.versions;

import org.apache.flink.api.common.state.BroadcastState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ReadOnlyBroadcastState;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.streaming.api.functions.co.BroadcastProcessFunction;
import org.apache.flink.util.Collector;
import org.probity.schema.RulesVersion;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A judgement by the rules in force at each record's instant, for an operator that is not a
 * subject stage (the verdict of a 三审三签 match, the rules version of a 三重一大 join's alert): it
 * holds the job's rules history and takes the versions broadcast from the rules topic, like the
 * stages; the versions it took are broadcast state, so a restart keeps them.
 */
public abstract class RulesAt<IN, OUT> extends BroadcastProcessFunction<IN, RulesVersion, OUT> {
  private static final long serialVersionUID = 1L;
  private static final Logger LOG = LoggerFactory.getLogger(RulesAt.class);
  /** Every version an operator has taken from the rules topic, by number. */
  public static final MapStateDescriptor<Integer, RulesVersion> VERSIONS = new MapStateDescriptor<>(
      "rules-versions", Types.INT, TypeInformation.of(RulesVersion.class));

  private final RulesHistory start;
  private transient RulesHistory known;

  protected RulesAt(RulesHistory start) {
    this.start = start;
  }

  /** The instant whose rules judge {@code in}. */
  protected abstract long instantOf(IN in);

  protected abstract void judge(IN in, RulesHistory.Version rules, Collector<OUT> out) throws Exception;

  @Override
  public void processElement(IN in, ReadOnlyContext ctx, Collector<OUT> out) throws Exception {
    catchUp(ctx.getBroadcastState(VERSIONS));
    judge(in, known.inForceAt(instantOf(in)), out);
  }

  @Override
  public void processBroadcastElement(RulesVersion v, Context ctx, Collector<OUT> out) throws Exception {
    BroadcastState<Integer, RulesVersion> state = ctx.getBroadcastState(VERSIONS);
    catchUp(state);
    if (take(v)) {
      state.put(v.getVersion(), v);
    }
  }

  /** After a restart: the versions taken before it. */
  private void catchUp(ReadOnlyBroadcastState<Integer, RulesVersion> state) throws Exception {
    if (known != null) {
      return;
    }
    known = start;
    java.util.List<RulesVersion> taken = new java.util.ArrayList<>();
    for (var e : state.immutableEntries()) {
      taken.add(e.getValue());
    }
    taken.sort(java.util.Comparator.comparingInt(RulesVersion::getVersion));
    taken.forEach(this::take);
  }

  private boolean take(RulesVersion v) {
    RulesHistory before = known;
    known = known.taking(v, why -> LOG.error("rules version {} not applied: {}", v.getVersion(), why));
    return known != before;
  }

  /**
   * {@code in} judged by {@code judge} under the versions of {@code versions} (the rules topic's,
   * as the job's reader lets them through); with no such stream, under its start history alone.
   */
  public static <IN, OUT> SingleOutputStreamOperator<OUT> apply(DataStream<IN> in, DataStream<RulesVersion> versions,
      RulesAt<IN, OUT> judge, TypeInformation<OUT> type) {
    if (versions != null) {
      return in.connect(versions.broadcast(VERSIONS)).process(judge, type);
    }
    return in.process(new ProcessFunction<IN, OUT>() {
      private static final long serialVersionUID = 1L;

      @Override
      public void processElement(IN value, Context ctx, Collector<OUT> out) throws Exception {
        judge.judge(value, judge.start.inForceAt(judge.instantOf(value)), out);
      }
    }, type);
  }
}
