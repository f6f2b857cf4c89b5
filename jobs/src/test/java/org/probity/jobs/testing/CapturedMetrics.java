package org.probity.jobs.testing;

import java.util.Map;
import org.apache.avro.specific.SpecificRecordBase;
import org.probity.jobs.rules.SubjectRule;
import org.probity.jobs.rules.SubjectStage;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.functions.KeySelector;
import org.apache.flink.metrics.Counter;
import org.apache.flink.runtime.jobgraph.OperatorID;
import org.apache.flink.runtime.metrics.groups.InternalOperatorMetricGroup;
import org.apache.flink.runtime.metrics.groups.UnregisteredMetricGroups;
import org.apache.flink.runtime.metrics.util.InterceptingOperatorMetricGroup;
import org.apache.flink.runtime.operators.testutils.MockEnvironment;
import org.apache.flink.runtime.operators.testutils.MockEnvironmentBuilder;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;

/** The metrics an operator under test registers, readable by the test (a harness otherwise discards them). */
public final class CapturedMetrics extends UnregisteredMetricGroups.UnregisteredTaskMetricGroup {
  private final InterceptingOperatorMetricGroup operator = new InterceptingOperatorMetricGroup();

  @Override
  public InternalOperatorMetricGroup getOrAddOperator(OperatorID id, String name, Map<String, String> info) {
    return operator;
  }

  /** A mock task environment that hands this group to its operator. */
  public MockEnvironment environment() {
    return new MockEnvironmentBuilder().setMetricGroup(this).build();
  }

  /** The count of the operator's counter {@code name}; fails if the operator never registered it. */
  public long count(String name) {
    Object metric = operator.get(name);
    if (!(metric instanceof Counter counter)) {
      throw new AssertionError("the operator registered no counter '" + name + "'");
    }
    return counter.getCount();
  }

  /** An opened harness around one rule in a subject stage (String key) whose metrics land here. */
  public <IN extends SpecificRecordBase, OUT> KeyedOneInputStreamOperatorTestHarness<String, IN, OUT> open(
      SubjectRule<IN, OUT> rule, KeySelector<IN, String> key, Class<IN> type) throws Exception {
    return open(SubjectStage.<IN, OUT>of(type).rule(rule).build(), key);
  }

  /** An opened harness around a keyed operator (String key) whose metrics land here. */
  public <IN, OUT> KeyedOneInputStreamOperatorTestHarness<String, IN, OUT> open(OneInputStreamOperator<IN, OUT> op,
      KeySelector<IN, String> key) throws Exception {
    KeyedOneInputStreamOperatorTestHarness<String, IN, OUT> harness =
        new KeyedOneInputStreamOperatorTestHarness<>(op, key, Types.STRING, environment());
    ((SerializerConfigImpl) harness.getExecutionConfig().getSerializerConfig()).setGenericTypes(false);
    harness.open();
    return harness;
  }
}
