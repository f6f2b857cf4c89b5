package org.probity.jobs.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.apache.avro.specific.SpecificRecordBase;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.junit.jupiter.api.Test;
import org.probity.jobs.config.RulesFile;
import org.probity.jobs.generate.GeneratorSettings;
import org.probity.jobs.generate.TrafficGenerator;
import org.probity.schema.ApprovalEvent;
import org.probity.schema.PaymentAction;
import org.probity.schema.PaymentEvent;
import org.probity.schema.SignerRole;

/** The exchange's serializer gives back every record as it was, and refuses what it cannot write. */
class ExchangeTypeTest {
  @SuppressWarnings("unchecked")
  private static <T extends SpecificRecordBase> TypeSerializer<T> serializerOf(Class<?> type) {
    ExchangeType<?> t = ExchangeType.EVENTS.stream().filter(x -> x.getTypeClass() == type).findFirst().orElseThrow();
    return (TypeSerializer<T>) t.createSerializer(new SerializerConfigImpl());
  }

  private static <T extends SpecificRecordBase> T roundTrip(TypeSerializer<T> serializer, T record) throws IOException {
    DataOutputSerializer out = new DataOutputSerializer(64);
    serializer.serialize(record, out);
    DataInputDeserializer in = new DataInputDeserializer(out.getCopyOfBuffer());
    T back = serializer.deserialize(in);
    assertThat(in.available()).as("bytes left unread").isZero();
    return back;
  }

  @Test
  void everyGeneratedEventComesBackEqual() throws IOException {
    Set<Class<?>> seen = new java.util.HashSet<>();
    List<SpecificRecordBase> events = new ArrayList<>();
    new TrafficGenerator(RulesFile.defaults(), GeneratorSettings.DEFAULTS.withDays(10).withScale(1)
        .withViolationRate(0.5)).forEach(events::add);
    for (SpecificRecordBase e : events) {
      TypeSerializer<SpecificRecordBase> serializer = serializerOf(e.getClass());
      assertThat(roundTrip(serializer, e)).isEqualTo(e);
      SpecificRecordBase copy = serializer.copy(e);
      assertThat(copy).isEqualTo(e).isNotSameAs(e);
      seen.add(e.getClass());
    }
    assertThat(seen).hasSize(4);
  }

  @Test
  void everyOptionalFieldSetOrNotComesBack() throws IOException {
    TypeSerializer<PaymentEvent> serializer = serializerOf(PaymentEvent.class);
    PaymentEvent bare = PaymentEvent.newBuilder().setEventId("EP-1").setEventTime(Instant.ofEpochMilli(-5))
        .setUnitId("单位").setVoucherId("V-1").setAction(PaymentAction.SUBMITTED).build();
    assertThat(roundTrip(serializer, bare)).isEqualTo(bare);
    for (SignerRole role : EnumSet.allOf(SignerRole.class)) {
      PaymentEvent full = PaymentEvent.newBuilder(bare).setAction(PaymentAction.PAID).setAmountFen(Long.MIN_VALUE)
          .setPayeeId("").setInvoiceNo("发票-1").setCategory("c").setSignerId("s").setSignerRole(role)
          .setDecisionRef("D-" + "长".repeat(300)).build();
      assertThat(roundTrip(serializer, full)).isEqualTo(full);
    }
  }

  @Test
  void aRequiredFieldLeftNullIsRefusedByName() {
    ApprovalEvent e = new ApprovalEvent();
    e.setEventId("EA-1");
    assertThatThrownBy(() -> serializerOf(ApprovalEvent.class).serialize(e, new DataOutputSerializer(16)))
        .isInstanceOf(IOException.class).hasMessageContaining("ApprovalEvent.eventTime");
  }

  @Test
  void aSnapshotRestoresTheSameSerializerAndTellsAnotherRecordApart() throws IOException {
    TypeSerializer<PaymentEvent> serializer = serializerOf(PaymentEvent.class);
    DataOutputSerializer out = new DataOutputSerializer(64);
    TypeSerializerSnapshot.writeVersionedSnapshot(out, serializer.snapshotConfiguration());
    TypeSerializerSnapshot<PaymentEvent> read = TypeSerializerSnapshot.readVersionedSnapshot(
        new DataInputDeserializer(out.getCopyOfBuffer()), getClass().getClassLoader());
    assertThat(read.restoreSerializer()).isEqualTo(serializer);
    assertThat(serializer.snapshotConfiguration().resolveSchemaCompatibility(read).isCompatibleAsIs()).isTrue();
    @SuppressWarnings({"unchecked", "rawtypes"})
    TypeSerializerSnapshot<PaymentEvent> approvals = (TypeSerializerSnapshot) serializerOf(ApprovalEvent.class)
        .snapshotConfiguration();
    assertThat(serializer.snapshotConfiguration().resolveSchemaCompatibility(approvals).isIncompatible()).isTrue();
  }
}
