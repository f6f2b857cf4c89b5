package org.probity.jobs.testing;

import java.util.List;
import org.apache.avro.specific.SpecificRecordBase;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.functions.KeySelector;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.probity.jobs.rules.SubjectRule;
import org.probity.jobs.rules.SubjectStage;

/** An opened operator harness around one rule in a subject stage with a String key, for the rules' edge-case tests. */
public final class RuleHarness {
  private RuleHarness() {}

  public static <IN extends SpecificRecordBase, OUT> KeyedOneInputStreamOperatorTestHarness<String, IN, OUT> open(
      SubjectRule<IN, OUT> rule, KeySelector<IN, String> key, Class<IN> type) throws Exception {
    KeyedOneInputStreamOperatorTestHarness<String, IN, OUT> harness = new KeyedOneInputStreamOperatorTestHarness<>(
        SubjectStage.<IN, OUT>of(type).rule(rule).build(), key, Types.STRING);
    ((SerializerConfigImpl) harness.getExecutionConfig().getSerializerConfig()).setGenericTypes(false);
    harness.open();
    return harness;
  }

  /** An opened harness around a keyed process function (the alert lifecycle, the integrity index). */
  public static <IN, OUT> KeyedOneInputStreamOperatorTestHarness<String, IN, OUT> open(
      KeyedProcessFunction<String, IN, OUT> function, KeySelector<IN, String> key) throws Exception {
    KeyedOneInputStreamOperatorTestHarness<String, IN, OUT> harness =
        new KeyedOneInputStreamOperatorTestHarness<>(new KeyedProcessOperator<>(function), key, Types.STRING);
    ((SerializerConfigImpl) harness.getExecutionConfig().getSerializerConfig()).setGenericTypes(false);
    harness.open();
    return harness;
  }

  /** The records the rule emitted so far, in order. */
  public static <OUT> List<OUT> output(KeyedOneInputStreamOperatorTestHarness<String, ?, OUT> harness) {
    return harness.extractOutputValues();
  }
}
