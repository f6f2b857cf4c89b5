package org.probity.schema.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.message.MissingSchemaException;
import org.junit.jupiter.api.Test;
import org.probity.schema.ApprovalAction;
import org.probity.schema.ApprovalEvent;

class SingleObjectCodecTest {

  private static ApprovalEvent received() {
    return ApprovalEvent.newBuilder()
        .setEventId("e1")
        .setEventTime(Instant.parse("2025-09-29T01:00:00Z"))
        .setUnitId("U01")
        .setCaseId("C1")
        .setItemCode("ITEM-1")
        .setAction(ApprovalAction.RECEIVED)
        .setActorId("P1")
        .setActorRole("CLERK")
        .setApplicantId("A1")
        .build();
  }

  @Test
  void roundTripsWithTheSingleObjectHeader() throws Exception {
    SingleObjectCodec<ApprovalEvent> codec = SingleObjectCodec.of(ApprovalEvent.class);
    byte[] bytes = codec.encode(received());
    assertThat(bytes[0]).isEqualTo((byte) 0xC3);
    assertThat(bytes[1]).isEqualTo((byte) 0x01);
    assertThat(codec.decode(bytes)).isEqualTo(received());
  }

  @Test
  void readsARecordWrittenWithAnOlderReleasedVersion() throws Exception {
    List<Schema> history = SchemaHistory.versions("probity/avro/older-history/", "ApprovalEvent");
    assertThat(history).hasSize(2);
    Schema v1 = history.get(0);
    GenericRecord old = new GenericData.Record(v1);
    old.put("eventId", "e-old");
    old.put("eventTime", Instant.parse("2024-02-01T02:00:00Z").toEpochMilli());
    old.put("unitId", "U01");
    old.put("caseId", "C-old");
    old.put("itemCode", "ITEM-1");
    old.put("action", new GenericData.EnumSymbol(v1.getField("action").schema(), "RECEIVED"));
    old.put("actorId", "P1");
    old.put("actorRole", "CLERK");
    old.put("feeFen", 500L);
    ByteBuffer written = new BinaryMessageEncoder<GenericRecord>(GenericData.get(), v1).encode(old);
    byte[] bytes = new byte[written.remaining()];
    written.get(bytes);

    ApprovalEvent read =
        SingleObjectCodec.withHistory(ApprovalEvent.class, "probity/avro/older-history/").decode(bytes);
    assertThat(read.getEventId()).isEqualTo("e-old");
    assertThat(read.getFeeFen()).isEqualTo(500L);
    assertThat(read.getApplicantId()).isNull();
    assertThat(read.getExtensionDays()).isNull();

    // Without that version in its history the decoder cannot tell how the bytes were written.
    assertThatThrownBy(() -> SingleObjectCodec.of(ApprovalEvent.class).decode(bytes))
        .isInstanceOf(MissingSchemaException.class);
  }

  @Test
  void rejectsBytesWithoutTheHeader() {
    SingleObjectCodec<ApprovalEvent> codec = SingleObjectCodec.of(ApprovalEvent.class);
    assertThatThrownBy(() -> codec.decode(new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11}))
        .isInstanceOf(Exception.class);
  }
}
