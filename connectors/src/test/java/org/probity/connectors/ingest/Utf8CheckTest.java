package org.probity.connectors.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The in-place check finds exactly the first malformed byte the JDK's strict decoder reports. */
class Utf8CheckTest {
  private static final CharsetDecoder JDK = StandardCharsets.UTF_8.newDecoder();

  private static int jdk(byte[] b) {
    ByteBuffer in = ByteBuffer.wrap(b);
    CoderResult r = JDK.reset().decode(in, CharBuffer.allocate(b.length), true);
    return r.isError() ? in.position() : -1;
  }

  @Test
  void agreesWithTheJdkOnTheEdgesOfEachForm() {
    int[][] cases = {
        {0x41}, {0xC2, 0x80}, {0xC1, 0xBF}, {0xDF, 0xBF}, {0xE0, 0xA0, 0x80}, {0xE0, 0x9F, 0xBF},
        {0xED, 0x9F, 0xBF}, {0xED, 0xA0, 0x80}, {0xEF, 0xBF, 0xBF}, {0xF0, 0x90, 0x80, 0x80},
        {0xF0, 0x8F, 0xBF, 0xBF}, {0xF4, 0x8F, 0xBF, 0xBF}, {0xF4, 0x90, 0x80, 0x80}, {0xF5, 0x80, 0x80, 0x80},
        {0x80}, {0xE4, 0xB8}, {0xE4, 0x41, 0x41}, {0x41, 0xF0, 0x9F, 0x98}, {0xFF}, {0xC0, 0x80}};
    for (int[] c : cases) {
      byte[] b = new byte[c.length];
      for (int i = 0; i < c.length; i++) {
        b[i] = (byte) c[i];
      }
      assertThat(Utf8Check.firstInvalid(b, b.length)).as(java.util.Arrays.toString(c)).isEqualTo(jdk(b));
    }
  }

  @Test
  void agreesWithTheJdkOnValidTextAndOnRandomDamageToIt() {
    Random random = new Random(7);
    String text = "审批事项 ITEM-20 受理 张三 𠀀 €100 — voucher V-0001";
    byte[] valid = text.getBytes(StandardCharsets.UTF_8);
    assertThat(Utf8Check.firstInvalid(valid, valid.length)).isEqualTo(-1);
    for (int n = 0; n < 20_000; n++) {
      byte[] b = n % 2 == 0 ? valid.clone() : new byte[1 + random.nextInt(12)];
      for (int k = random.nextInt(3); k >= 0; k--) {
        b[random.nextInt(b.length)] = (byte) random.nextInt(256);
      }
      int length = 1 + random.nextInt(b.length);
      byte[] prefix = java.util.Arrays.copyOf(b, length);
      assertThat(Utf8Check.firstInvalid(b, length)).as(java.util.Arrays.toString(prefix)).isEqualTo(jdk(prefix));
    }
  }
}
