package org.probity.connectors.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.probity.connectors.ingest.IngestDecoder;
import org.probity.schema.DeadLetter;
import org.probity.schema.codec.SingleObjectCodec;

/** The dead-letter serializer's guarantee: the encoded record is never above its budget. */
class DeadLetterFitTest {
  private final SingleObjectCodec<DeadLetter> codec = SingleObjectCodec.of(DeadLetter.class);

  @Test
  void aDeadLetterThatFitsIsEncodedAsItIs() {
    DeadLetter d = deadLetter(new byte[100], "reason");
    assertThat(DeadLetterSink.fit(codec, d, 10_000)).isEqualTo(codec.encode(d));
  }

  @Test
  void rawIsCutFurtherToFitTheBudgetAndItsLengthAndHashAreKept() throws Exception {
    byte[] raw = new byte[64 * 1024];
    Arrays.fill(raw, (byte) 7);
    DeadLetter d = deadLetter(raw, "cannot decode ProcurementEvent");

    for (int budget : new int[] {60_000, 20_000, 1_000, 200}) {
      byte[] encoded = DeadLetterSink.fit(codec, d, budget);
      assertThat(encoded.length).as("budget %d", budget).isLessThanOrEqualTo(budget);
      DeadLetter cut = codec.decode(encoded);
      assertThat(cut.getRawLength()).isEqualTo(raw.length);
      assertThat(cut.getRawSha256()).isEqualTo(IngestDecoder.sha256(raw, raw.length));
      assertThat(cut.getError()).isEqualTo(d.getError());
      assertThat(cut.getSourceOffset()).isEqualTo(42L);
      byte[] head = new byte[cut.getRaw().remaining()];
      cut.getRaw().get(head);
      assertThat(head).isEqualTo(Arrays.copyOf(raw, head.length));
    }
  }

  @Test
  void aHugeReasonIsCutWhenRawAloneCannotMakeItFit() throws Exception {
    DeadLetter d = deadLetter(new byte[10], "x".repeat(50_000));
    byte[] encoded = DeadLetterSink.fit(codec, d, 1_000);
    assertThat(encoded.length).isLessThanOrEqualTo(1_000);
    assertThat(codec.decode(encoded).getSourceOffset()).isEqualTo(42L);
  }

  private static DeadLetter deadLetter(byte[] raw, String error) {
    return DeadLetter.newBuilder()
        .setSourceTopic("probity.procurement")
        .setSourcePartition(1)
        .setSourceOffset(42L)
        .setRaw(ByteBuffer.wrap(raw))
        .setError(error)
        .setFailedAt(Instant.parse("2025-09-29T01:00:00Z"))
        .build();
  }
}
