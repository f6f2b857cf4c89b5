package org.probity.jobs.rules;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.List;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.base.LongSerializer;
import org.apache.flink.api.common.typeutils.base.StringSerializer;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.apache.flink.core.memory.DataOutputViewStreamWrapper;
import org.junit.jupiter.api.Test;

class SubjectStateTest {
  private final SubjectState.Serializer serializer =
      new SubjectState.Serializer(List.of("case", "count", "absent"),
          List.of(StringSerializer.INSTANCE, LongSerializer.INSTANCE, StringSerializer.INSTANCE));

  private SubjectState subject() {
    SubjectState s = serializer.createInstance();
    s.seen = new long[] {11, 12, 21, 22};
    s.seenExpiresAt = 1_000;
    s.seenTimerAt = 900;
    s.deadlines = new long[] {500, 1, 700, 2};
    s.values[0] = "审批事项 A-001 · " + "x".repeat(2_000);
    s.values[1] = 42L;
    return s;
  }

  @Test
  void aStreamGetsTheSameBytesAsAnArrayViewThoughStagedWhole() throws Exception {
    DataOutputSerializer array = new DataOutputSerializer(16);
    serializer.serialize(subject(), array);
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    DataOutputViewStreamWrapper stream = new DataOutputViewStreamWrapper(bytes);
    TypeSerializer<SubjectState> snapshotThread = serializer.duplicate();
    snapshotThread.serialize(subject(), stream);
    snapshotThread.serialize(serializer.createInstance(), stream);
    snapshotThread.serialize(subject(), stream);

    byte[] one = array.getCopyOfBuffer();
    byte[] all = bytes.toByteArray();
    assertArrayEquals(one, Arrays.copyOfRange(all, 0, one.length));
    DataInputDeserializer in = new DataInputDeserializer(all);
    for (int i = 0; i < 3; i++) {
      SubjectState s = serializer.deserialize(in);
      if (i == 1) {
        assertNull(s.seen);
        assertNull(s.deadlines);
        assertNull(s.values[0]);
        continue;
      }
      assertArrayEquals(subject().seen, s.seen);
      assertEquals(900, s.seenTimerAt);
      assertArrayEquals(subject().deadlines, s.deadlines);
      assertEquals(subject().values[0], s.values[0]);
      assertEquals(42L, s.values[1]);
      assertNull(s.values[2]);
    }
    assertEquals(0, in.available());
  }

  @Test
  void eachDuplicateHasItsOwnStaging() {
    assertNotSame(serializer, serializer.duplicate());
    assertEquals(serializer, serializer.duplicate());
  }
}
