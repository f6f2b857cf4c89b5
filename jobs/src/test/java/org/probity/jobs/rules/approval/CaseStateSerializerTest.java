package org.probity.jobs.rules.approval;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.java.typeutils.PojoTypeInfo;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.state.StateBackend;
import org.apache.flink.runtime.state.VoidNamespace;
import org.apache.flink.runtime.state.VoidNamespaceSerializer;
import org.apache.flink.runtime.state.hashmap.HashMapStateBackend;
import org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.util.Collector;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@link CaseStateSerializer} keeps every field of a case, and restores what the POJO serializer wrote. */
class CaseStateSerializerTest {
  private static final String CASE_ID = "CASE-000001";

  /** Every field set to a value of its own, none its default: a field the serializer forgets fails here. */
  static CaseState everyFieldSet() throws IllegalAccessException {
    CaseState s = new CaseState();
    int n = 1;
    for (Field f : CaseState.class.getDeclaredFields()) {
      if (Modifier.isStatic(f.getModifiers())) {
        continue;
      }
      n++;
      Class<?> t = f.getType();
      if (t == int.class) {
        f.setInt(s, 1000 + n);
      } else if (t == long.class) {
        f.setLong(s, 1_700_000_000_000L + n);
      } else if (t == boolean.class) {
        f.setBoolean(s, true);
      } else if (t == String.class) {
        f.set(s, "单位-" + f.getName());
      } else if (t == List.class) {
        f.set(s, new ArrayList<>(List.of("EA-" + n, "承办人-" + n)));
      } else {
        throw new AssertionError("CaseState." + f.getName() + " is of a type this test does not fill: " + t);
      }
    }
    return s;
  }

  private static CaseState roundTrip(TypeSerializer<CaseState> serializer, CaseState s) throws Exception {
    DataOutputSerializer out = new DataOutputSerializer(64);
    serializer.serialize(s, out);
    DataInputDeserializer in = new DataInputDeserializer(out.getCopyOfBuffer());
    CaseState back = serializer.deserialize(in);
    assertThat(in.available()).as("bytes left unread").isZero();
    return back;
  }

  @Test
  void everyFieldComesBack() throws Exception {
    CaseState s = everyFieldSet();
    assertThat(roundTrip(CaseStateSerializer.INSTANCE, s)).usingRecursiveComparison().isEqualTo(s);
    assertThat(CaseStateSerializer.INSTANCE.copy(s)).usingRecursiveComparison().isEqualTo(s);
  }

  @Test
  void eachFlagAndEachNullComesBackOnItsOwn() throws Exception {
    CaseState s = new CaseState();
    s.decided = true;
    s.clockEvidence = null;
    s.unitId = "";
    assertThat(roundTrip(CaseStateSerializer.INSTANCE, s)).usingRecursiveComparison().isEqualTo(s);
    assertThat(roundTrip(CaseStateSerializer.INSTANCE, new CaseState())).usingRecursiveComparison()
        .isEqualTo(new CaseState());
  }

  @Test
  void aCopyHasListsOfItsOwn() throws Exception {
    CaseState s = everyFieldSet();
    CaseState copy = CaseStateSerializer.INSTANCE.copy(s);
    copy.reviews.add("EA-9");
    assertThat(s.reviews).doesNotContain("EA-9");
  }

  /** A case the POJO serializer of an earlier release wrote, restored into this one, on both backends. */
  @ParameterizedTest
  @ValueSource(strings = {"hashmap", "rocksdb"})
  void aCaseThePojoSerializerWroteRestores(String backend) throws Exception {
    TypeInformation<CaseState> pojo = TypeInformation.of(CaseState.class);
    assertThat(pojo).isInstanceOf(PojoTypeInfo.class);
    CaseState s = everyFieldSet();

    OperatorSubtaskState before;
    try (var harness = harness(backend, new ValueStateDescriptor<>("case", pojo), s)) {
      harness.open();
      harness.processElement(CASE_ID, 1);
      before = harness.snapshot(1, 1);
    }
    OperatorSubtaskState after;
    try (var harness = harness(backend, new ValueStateDescriptor<>("case", CaseStateSerializer.INSTANCE), null)) {
      harness.initializeState(before);
      harness.open();
      assertThat(caseOf(harness)).usingRecursiveComparison().isEqualTo(s);
      after = harness.snapshot(2, 2);
    }
    // Written by this release's serializer at its snapshot, read back by it.
    try (var harness = harness(backend, new ValueStateDescriptor<>("case", CaseStateSerializer.INSTANCE), null)) {
      harness.initializeState(after);
      harness.open();
      assertThat(caseOf(harness)).usingRecursiveComparison().isEqualTo(s);
    }
  }

  private static CaseState caseOf(KeyedOneInputStreamOperatorTestHarness<String, String, String> harness)
      throws Exception {
    var keyed = harness.getOperator().getKeyedStateBackend();
    keyed.setCurrentKey(CASE_ID);
    return keyed.getPartitionedState(VoidNamespace.INSTANCE, VoidNamespaceSerializer.INSTANCE,
        new ValueStateDescriptor<>("case", CaseStateSerializer.INSTANCE)).value();
  }

  private static KeyedOneInputStreamOperatorTestHarness<String, String, String> harness(String backend,
      ValueStateDescriptor<CaseState> descriptor, CaseState toWrite) throws Exception {
    var harness = new KeyedOneInputStreamOperatorTestHarness<>(new KeyedProcessOperator<>(new Writer(descriptor, toWrite)),
        k -> k, Types.STRING);
    StateBackend b = backend.equals("rocksdb") ? new EmbeddedRocksDBStateBackend() : new HashMapStateBackend();
    harness.setStateBackend(b);
    return harness;
  }

  /** Writes {@code toWrite} as the key's case when an element comes. */
  private static final class Writer extends KeyedProcessFunction<String, String, String> {
    private final ValueStateDescriptor<CaseState> descriptor;
    private final transient CaseState toWrite;
    private transient ValueState<CaseState> state;

    Writer(ValueStateDescriptor<CaseState> descriptor, CaseState toWrite) {
      this.descriptor = descriptor;
      this.toWrite = toWrite;
    }

    @Override
    public void open(org.apache.flink.api.common.functions.OpenContext context) {
      state = getRuntimeContext().getState(descriptor);
    }

    @Override
    public void processElement(String key, Context ctx, Collector<String> out) throws Exception {
      state.update(toWrite);
    }
  }
}
